"""`cxgov diff` on real git repositories: each kind of change committed on top of a base program."""

from __future__ import annotations

from pathlib import Path

import pytest
from diff_repo import Edit, Repo, changed, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return make_repo(tmp_path / "program")


CASES: list[tuple[str, Edit, set[tuple[str, str, str, str]]]] = [
    (
        "goal target lowered (higher is better)",
        lambda r: r.replace("goals/goals.yaml", "    value: 85\n", "    value: 82\n"),
        {("Goal", "csat_to_85", "target", "softened")},
    ),
    (
        "goal target lowered (lower is better)",
        lambda r: r.replace("goals/goals.yaml", "    value: 9\n", "    value: 8.5\n"),
        {("Goal", "aht_down", "target", "tightened")},
    ),
    (
        "goal deadline later",
        lambda r: r.replace("goals/goals.yaml", "by: 2027-03-31", "by: 2027-06-30"),
        {("Goal", "csat_to_85", "deadline", "softened")},
    ),
    (
        "goal deadline earlier",
        lambda r: r.replace("goals/goals.yaml", "by: 2026-12-31", "by: 2026-11-30"),
        {("Goal", "aht_down", "deadline", "tightened")},
    ),
    (
        "goal baseline value rewritten",
        lambda r: r.replace("goals/goals.yaml", "    value: 78\n", "    value: 76\n"),
        {("Goal", "csat_to_85", "baseline", "softened")},
    ),
    (
        "goal baseline period changed",
        lambda r: r.replace(
            "goals/goals.yaml",
            "    value: 78\n    period: 2026-06",
            "    value: 78\n    period: 2026-05",
        ),
        {("Goal", "csat_to_85", "baseline", "breaking")},
    ),
    (
        "goal scope narrowed",
        lambda r: r.replace(
            "goals/goals.yaml", "channel: [phone, chat, email]", "channel: [chat, email]"
        ),
        {("Goal", "csat_to_85", "scope", "softened")},
    ),
    (
        "goal scope widened",
        lambda r: r.replace(
            "goals/goals.yaml", "    channel: phone\n", "    channel: [phone, chat]\n"
        ),
        {("Goal", "aht_down", "scope", "tightened")},
    ),
    (
        "goal guardrail removed",
        lambda r: r.replace(
            "goals/goals.yaml",
            "  guardrails:\n    - metric: fcr\n      min: 70\n      reason: A shorter call must not cost a second one.\n",
            "",
        ),
        {("Goal", "aht_down", "guardrail", "softened")},
    ),
    (
        "goal guardrail loosened",
        lambda r: r.replace("goals/goals.yaml", "min: 70", "min: 60"),
        {("Goal", "aht_down", "guardrail", "softened")},
    ),
    (
        "goal retired",
        lambda r: r.replace(
            "goals/goals.yaml",
            "  pillar: process\n  relevance: Shorter",
            "  pillar: process\n  status: retired\n  relevance: Shorter",
        ),
        {("Goal", "aht_down", "status", "softened")},
    ),
    (
        "metric calculation parameters",
        lambda r: r.replace("goals/metrics.yaml", "satisfied_from: 4", "satisfied_from: 3"),
        {("Metric", "csat", "calculation", "breaking")},
    ),
    (
        "metric calculation type",
        lambda r: r.replace("goals/metrics.yaml", "    type: fcr\n", "    type: manual\n"),
        {("Metric", "fcr", "calculation", "breaking")},
    ),
    (
        "metric unit",
        lambda r: r.replace("goals/metrics.yaml", "  unit: minutes\n", "  unit: seconds\n"),
        {("Metric", "aht", "unit", "breaking")},
    ),
    (
        "metric direction",
        lambda r: r.replace("goals/metrics.yaml", "  better: lower\n", "  better: higher\n"),
        {("Metric", "aht", "direction", "breaking")},
    ),
    (
        "contract target lowered",
        lambda r: r.replace("goals/sla.yaml", "      target: 90\n", "      target: 85\n"),
        {("SLAContract", "acme_support", "target", "softened")},
    ),
    (
        "contract credit percentage lowered",
        lambda r: r.replace("goals/sla.yaml", "        percent: 5\n", "        percent: 3\n"),
        {("SLAContract", "acme_support", "credits", "softened")},
    ),
    (
        "contract band raised",
        lambda r: r.replace(
            "goals/sla.yaml", "            percent: 10\n", "            percent: 12\n"
        ),
        {("SLAContract", "acme_support", "credits", "tightened")},
    ),
    (
        "contract cap lowered",
        lambda r: r.replace("goals/sla.yaml", "percent_of_fee: 20", "percent_of_fee: 10"),
        {("SLAContract", "acme_support", "cap", "softened")},
    ),
    (
        "contract earn-back added",
        lambda r: r.replace(
            "goals/sla.yaml",
            "    unmeasured: missed\n",
            "    earn_back:\n      periods: 2\n    unmeasured: missed\n",
        ),
        {("SLAContract", "acme_support", "earn_back", "softened")},
    ),
    (
        "contract unmeasured months no longer count",
        lambda r: r.replace("goals/sla.yaml", "unmeasured: missed", "unmeasured: not_counted"),
        {("SLAContract", "acme_support", "unmeasured", "softened")},
    ),
    (
        "playbook step removed",
        lambda r: r.replace(
            "playbooks/recovery.yaml",
            "    - instruction: Listen to the whole story without interrupting.\n",
            "",
        ),
        {("Playbook", "recovery", "steps", "softened")},
    ),
    (
        "playbook step added",
        lambda r: r.replace(
            "playbooks/recovery.yaml",
            "  variables:\n",
            "    - instruction: Follow up a week later.\n  variables:\n",
        ),
        {("Playbook", "recovery", "steps", "tightened")},
    ),
    (
        "playbook time limit loosened",
        lambda r: r.replace(
            "playbooks/recovery.yaml", "time_limit: 15 minutes", "time_limit: 1 hour"
        ),
        {("Playbook", "recovery", "time_limit", "softened")},
    ),
    (
        "playbook template changed",
        lambda r: r.replace(
            "playbooks/recovery.yaml", "subject: We are sorry", "subject: Sorry about that"
        ),
        {("Playbook", "recovery", "templates", "info")},
    ),
    (
        "roadmap item moved later",
        lambda r: r.replace("roadmap/roadmap.yaml", "due_day: 150", "due_day: 175"),
        {("Roadmap", "roadmap", "item_due", "softened")},
    ),
    (
        "roadmap item unlinked from a goal",
        lambda r: r.replace(
            "roadmap/roadmap.yaml", "goals: [aht_down, csat_to_85]", "goals: [aht_down]"
        ),
        {("Roadmap", "roadmap", "item_goals", "softened")},
    ),
]


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_change_is_classified(
    repo: Repo, edit: Edit, expected: set[tuple[str, str, str, str]]
) -> None:
    edit(repo)
    repo.commit("the change under review")
    code, report = repo.diff_json("HEAD~1", "HEAD")
    assert code == 0  # --fail-on defaults to never
    assert changed(report) == expected
    for change in report["changes"]:
        assert change["file"] and change["line"] >= 1


def test_goal_removed_while_active(repo: Repo) -> None:
    repo.drop_document("goals/goals.yaml", "csat_to_85")
    repo.replace("roadmap/roadmap.yaml", "goals: [csat_to_85, aht_down]", "goals: [aht_down]")
    repo.replace("roadmap/roadmap.yaml", "goals: [csat_to_85]", "goals: [aht_down]")
    repo.replace("roadmap/roadmap.yaml", "goals: [aht_down, csat_to_85]", "goals: [aht_down]")
    repo.commit("drop the CSAT goal")
    _, report = repo.diff_json("HEAD~1", "HEAD")
    assert ("Goal", "csat_to_85", "removed", "softened") in changed(report)
    removed = next(c for c in report["changes"] if c["category"] == "removed")
    assert (
        removed["file"] == "goals/goals.yaml"
    )  # located in the base version, where it still exists


def test_contract_objective_removed(repo: Repo) -> None:
    repo.replace("goals/sla.yaml", "    - id: csat\n      metric: csat\n      target: 80\n", "")
    repo.replace(
        "goals/sla.yaml",
        "      - type: bands\n        objectives: [csat]\n        bands:\n          - below: 80\n"
        "            percent: 2\n          - below: 70\n            percent: 10\n",
        "",
    )
    repo.commit("drop the CSAT objective")
    _, report = repo.diff_json("HEAD~1", "HEAD")
    assert {
        ("SLAContract", "acme_support", "objective", "softened"),
        ("SLAContract", "acme_support", "credits", "softened"),
    } == changed(report)


def test_roadmap_item_dropped(repo: Repo) -> None:
    repo.replace(
        "roadmap/roadmap.yaml",
        "      items:\n        - id: automation\n          title: Automate status checks\n"
        "          due_day: 150\n          goals: [aht_down, csat_to_85]\n",
        "      items: []\n",
    )
    repo.commit("drop automation")
    _, report = repo.diff_json("HEAD~1", "HEAD")
    assert changed(report) == {("Roadmap", "roadmap", "item", "softened")}


def test_playbook_steps_reordered(repo: Repo) -> None:
    repo.replace(
        "playbooks/recovery.yaml",
        "    - instruction: Listen to the whole story without interrupting.\n"
        "    - instruction: Apologise without blaming another team.\n      time_limit: 15 minutes\n",
        "    - instruction: Apologise without blaming another team.\n      time_limit: 15 minutes\n"
        "    - instruction: Listen to the whole story without interrupting.\n",
    )
    repo.commit("apologise first")
    _, report = repo.diff_json("HEAD~1", "HEAD")
    assert changed(report) == {("Playbook", "recovery", "steps", "info")}


def test_renamed_and_moved_files_are_matched_by_kind_and_id(repo: Repo) -> None:
    (repo.root / "goals" / "outcomes").mkdir()
    repo.git("mv", "goals/goals.yaml", "goals/outcomes/all-goals.yml")
    repo.git("mv", "playbooks/recovery.yaml", "playbooks/complaint-recovery.yaml")
    repo.commit("reorganise files")
    _, report = repo.diff_json("HEAD~1", "HEAD")
    assert changed(report) == {
        ("Goal", "csat_to_85", "moved", "info"),
        ("Goal", "aht_down", "moved", "info"),
        ("Playbook", "recovery", "moved", "info"),
    }
    assert not any(c["category"] in ("added", "removed") for c in report["changes"])


def test_working_tree_is_the_default_head_and_folders_work_as_sides(
    repo: Repo, tmp_path: Path
) -> None:
    repo.replace("goals/goals.yaml", "    value: 85\n", "    value: 83\n")
    _, report = repo.diff_json("HEAD")
    assert report["head"] == "working tree" and changed(report) == {
        ("Goal", "csat_to_85", "target", "softened")
    }

    import shutil

    from diff_programs import FIXTURE

    other = tmp_path / "copy"
    shutil.copytree(repo.root, other, ignore=shutil.ignore_patterns(".git"))
    _, folders = repo.diff_json(str(FIXTURE), str(other))
    assert changed(folders) == {("Goal", "csat_to_85", "target", "softened")}


@pytest.mark.parametrize(
    ("edit", "fail_on", "code"),
    [
        ("softened", "softened", 1),
        ("softened", "breaking", 0),
        ("softened", "never", 0),
        ("breaking", "softened", 1),
        ("breaking", "breaking", 1),
        ("tightened", "softened", 0),
        ("tightened", "breaking", 0),
    ],
)
def test_fail_on(repo: Repo, edit: str, fail_on: str, code: int) -> None:
    edits = {
        "softened": ("goals/goals.yaml", "    value: 85\n", "    value: 82\n"),
        "breaking": ("goals/metrics.yaml", "satisfied_from: 4", "satisfied_from: 3"),
        "tightened": ("goals/goals.yaml", "    value: 85\n", "    value: 88\n"),
    }
    repo.replace(*edits[edit])
    repo.commit(edit)
    result = repo.diff("HEAD~1", "HEAD", "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_invalid_side_is_reported_and_exits_1(repo: Repo) -> None:
    repo.replace("goals/goals.yaml", "  metric: csat\n", "  metric: csat_typo\n")
    repo.commit("broken reference")
    result = repo.diff("HEAD~1", "HEAD", "--format", "markdown")
    assert result.exit_code == 1
    assert "csat_typo" in result.stderr and "goals/goals.yaml" in result.stderr
    assert "does not validate" in result.stdout


@pytest.mark.parametrize("revision", ["no-such-branch", "--upload-pack=touch /tmp/pwned", "HEAD~5"])
def test_unknown_revision_is_a_usage_error(repo: Repo, revision: str) -> None:
    result = repo.diff(revision)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not Path("/tmp/pwned").exists()


def test_program_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    import shutil

    from diff_programs import FIXTURE

    top = tmp_path / "repo"
    shutil.copytree(FIXTURE, top / "cx")
    (top / "README.md").write_text("not a program\n")
    repo = Repo(top)
    repo.git("init", "-q", "-b", "main")
    repo.commit("base")
    repo.replace("cx/goals/goals.yaml", "by: 2027-03-31", "by: 2027-09-30")
    repo.commit("later")
    sub = Repo(top / "cx")
    _, report = sub.diff_json("HEAD~1", "HEAD")
    [change] = report["changes"]
    assert change["category"] == "deadline" and change["file"] == "cx/goals/goals.yaml"


def test_markdown_for_a_pull_request_comment(repo: Repo) -> None:
    repo.replace("goals/goals.yaml", "    value: 85\n", "    value: 82\n")
    repo.replace("goals/metrics.yaml", "satisfied_from: 4", "satisfied_from: 3")
    repo.replace(
        "goals/goals.yaml",
        "title: Cut AHT from 10 to 9 minutes by December 2026",
        'title: "Cut AHT | <img src=x onerror=alert(1)> `rm -rf` by December"',
    )
    repo.replace(
        "roadmap/roadmap.yaml",
        "title: Real-time queue dashboards",
        "title: Real-time queue dashboards for leads",
    )
    repo.commit("mixed change")
    result = repo.diff(
        "HEAD~1",
        "HEAD",
        "--format",
        "markdown",
        "--link-base",
        "https://github.com/acme/cx/blob/abc123/",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == "**1 change softens the program, 1 breaks comparability, 2 other.**"
    rows = [
        line
        for line in lines
        if line.startswith("| ") and not line.startswith("| severity") and "---" not in line
    ]
    assert [row.split(" | ")[0] for row in rows] == ["| breaking", "| softened", "| info", "| info"]
    assert (
        "[goals/goals.yaml:15](https://github.com/acme/cx/blob/abc123/goals/goals.yaml#L15)"
        in rows[1]
    )
    for row in rows:  # authored text never adds a column or becomes HTML
        assert row.count("|") == 5
    assert (
        "<img" not in result.stdout
        and "&lt;img src=x" in result.stdout
        and "&#96;rm -rf&#96;" in result.stdout
    )
    assert "`csat`" in rows[0]  # ids stay code spans


def test_credit_change_shows_its_money_effect_on_the_last_closed_month(
    repo: Repo, engine, database_url: str
) -> None:  # type: ignore[no-untyped-def]
    from app.store.actuals import append_revision
    from app.store.db import session_scope

    with session_scope(engine) as session:
        # October 2026: e-mail first response missed (85 < 90), CSAT met (85 ≥ 80).
        append_revision(
            session,
            metric="frt_email",
            scope_key="channel=email",
            period="2026-10",
            value=85.0,
            source="manual",
            author="tests",
        )
        append_revision(
            session,
            metric="csat",
            scope_key="",
            period="2026-10",
            value=85.0,
            source="manual",
            author="tests",
        )
    repo.replace("goals/sla.yaml", "        percent: 5\n", "        percent: 3\n")
    repo.commit("smaller per-miss credit")
    _code, report = repo.diff_json("HEAD~1", "HEAD", env={"CXGOV_DATABASE_URL": database_url})
    money = [c for c in report["changes"] if c["category"] == "credit_money"]
    assert len(money) == 1, report
    assert money[0]["severity"] == "softened"
    assert (money[0]["before"], money[0]["after"]) == (
        "$500",
        "$300",
    )  # 5 % and 3 % of the $10,000 fee
    assert "2026-10" in money[0]["summary"] and "$200" in money[0]["summary"]


def test_no_store_means_no_money_line_and_no_database_created(repo: Repo) -> None:
    repo.replace("goals/sla.yaml", "        percent: 5\n", "        percent: 3\n")
    repo.commit("smaller per-miss credit")
    _, report = repo.diff_json("HEAD~1", "HEAD", env={"CXGOV_DATABASE_URL": ""})
    assert not any(c["category"] == "credit_money" for c in report["changes"])
    assert not (repo.root / ".cxgov").exists()
