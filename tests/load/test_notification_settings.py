"""program.yaml's check-in cadence and notification settings: every mistake with file:line."""

from __future__ import annotations

from pathlib import Path

from load_fixture import GOAL, METRICS, PROGRAM, TODAY, write_program

from app.load import load_program

SETTINGS = (
    PROGRAM
    + """\
  checkin_cadence: weekly
  app_url: https://cx.example.com
  notifications:
    channels:
      - id: email
        type: email
        url_env: CXGOV_NOTIFY_EMAIL
      - id: ops
        type: chat
        url_env: CXGOV_NOTIFY_OPS
        role: manager
    people:
      - address: anna@example.com
        locale: en
"""
)


def _diagnostics(tmp_path: Path, program: str, **files: str):  # type: ignore[no-untyped-def]
    result = load_program(write_program(tmp_path, {"program.yaml": program, **files}), today=TODAY)
    return result, [d for d in result.diagnostics if d.severity in ("error", "warning")]


def test_the_settings_load_and_reach_the_program(tmp_path: Path) -> None:
    result, found = _diagnostics(tmp_path, SETTINGS)
    assert found == [] and result.program is not None
    spec = result.program.spec
    assert spec.checkin_cadence == "weekly"
    assert [c.id for c in spec.notifications.channels] == ["email", "ops"]  # type: ignore[union-attr]


def test_a_goal_overrides_the_cadence_and_a_metric_its_staleness(tmp_path: Path) -> None:
    goal = GOAL.replace("  pillar: process", "  pillar: process\n  checkin_cadence: monthly")
    metrics = METRICS.replace("  unit: percent\n", "  unit: percent\n  stale_after_days: 100\n", 1)
    result, found = _diagnostics(
        tmp_path, SETTINGS, **{"goals/goals.yaml": goal, "goals/metrics.yaml": metrics}
    )
    assert found == []
    program = result.program
    assert program is not None
    [goal_id] = [g for g in program.goals if program.goals[g].spec.checkin_cadence]
    assert program.checkin_cadence(goal_id) == "monthly"
    assert program.stale_after_days("csat") == 100 and program.stale_after_days("aht") == 45


def test_a_chat_channel_without_a_role_points_at_its_line(tmp_path: Path) -> None:
    _, [d] = _diagnostics(tmp_path, SETTINGS.replace("        role: manager\n", ""))
    assert (d.file, d.line, d.severity) == ("program.yaml", 19, "error")  # the channel
    assert "a chat channel needs `role`" in d.message


def test_a_url_written_where_the_variable_name_goes_is_refused(tmp_path: Path) -> None:
    _, [d] = _diagnostics(
        tmp_path,
        SETTINGS.replace("url_env: CXGOV_NOTIFY_OPS", "url_env: slack://T000/B000/secret-token"),
    )
    assert (d.file, d.line, d.path) == ("program.yaml", 21, "spec.notifications.channels.1.url_env")


def test_duplicates_and_unknown_locales(tmp_path: Path) -> None:
    text = SETTINGS.replace("id: ops", "id: email").replace("locale: en", "locale: fr") + (
        "      - address: ANNA@example.com\n"
    )
    _, found = _diagnostics(tmp_path, text)
    assert sorted((d.code, d.line, d.severity) for d in found) == [
        ("duplicate-channel", 19, "error"),
        ("duplicate-person", 26, "error"),
        ("notify-locale", 25, "warning"),
    ]


def test_an_unknown_cadence_lists_the_allowed_ones(tmp_path: Path) -> None:
    _, [d] = _diagnostics(
        tmp_path, SETTINGS.replace("checkin_cadence: weekly", "checkin_cadence: daily")
    )
    assert d.line == 12 and "weekly, fortnightly, monthly or none" in d.message
