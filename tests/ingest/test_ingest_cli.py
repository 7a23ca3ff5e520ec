"""`cxgov ingest` through the real Typer app: text and json summaries, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def root(
    tmp_path: Path, database_url: str, engine: object, monkeypatch: pytest.MonkeyPatch
) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    (program / "program.yaml").write_text((ROOT / "program.yaml").read_text())
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    return program


def test_ingest_json_summary_balances_and_quarantine_exits_1(
    root: Path, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {"contact_id": "A", "created_at": "2026-07-01T09:00:00Z", "csat": 5},
            {"contact_id": "B", "created_at": "2026-07-01T09:00:00Z", "csat": 6},
            {"contact_id": "", "created_at": "2026-07-01T09:00:00Z"},
        ]
    )
    result = runner.invoke(
        app, ["ingest", str(path), "--format", "json", "--root", str(root), "--by", "ana"]
    )
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert (
        summary["rows_read"],
        summary["imported"],
        summary["quarantined"],
        summary["field_issues"],
    ) == (3, 2, 1, 1)
    assert summary["quarantine_reasons"] == {"missing_id": 1}
    again = runner.invoke(app, ["ingest", str(path), "--root", str(root)])
    assert again.exit_code == 1
    assert (
        "unchanged            2" in again.stdout
        and "= imported + updated + unchanged + quarantined" in again.stdout
    )


def test_ingest_clean_file_with_profile_exits_0(root: Path, write_csv: Callable[..., Path]) -> None:
    path = write_csv([{"contact_id": "A", "created_at": "2026-07-01T09:00:00Z"}])
    result = runner.invoke(app, ["ingest", str(path), "--profile", "generic", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "imported             1" in result.stdout


def test_ingest_usage_errors(root: Path, write_csv: Callable[..., Path], tmp_path: Path) -> None:
    path = write_csv([{"contact_id": "A", "created_at": "2026-07-01T09:00:00Z"}])
    result = runner.invoke(app, ["ingest", str(path), "--profile", "nope", "--root", str(root)])
    assert result.exit_code == 2 and "shipped profiles are" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: cxgov/v1\nkind: ContactMapping\nmetadata: {id: b, title: B}\nspec: {source: b}\n"
    )
    result = runner.invoke(app, ["ingest", str(path), "--mapping", str(bad), "--root", str(root)])
    assert result.exit_code == 1 and f"{bad}\n  4:" in result.output and "hint:" in result.output
    other = write_csv([{"x": "1"}], name="other.csv", header=["x"])
    result = runner.invoke(app, ["ingest", str(other), "--root", str(root)])
    assert (
        result.exit_code == 1
        and "no column 'contact_id'" in result.output
        and "nothing was imported" in result.output
    )


def test_ingest_brings_the_computed_actuals_up_to_date(
    tmp_path: Path,
    database_url: str,
    engine: object,
    monkeypatch: pytest.MonkeyPatch,
    write_csv: Callable[..., Path],
) -> None:
    import shutil

    program = tmp_path / "example"
    program.mkdir()
    shutil.copy(ROOT / "program.yaml", program / "program.yaml")
    shutil.copytree(ROOT / "goals", program / "goals")
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    path = write_csv(
        [
            {
                "contact_id": "A",
                "created_at": "2026-07-01T09:00:00-07:00",
                "channel": "chat",
                "csat": 5,
            },
            {
                "contact_id": "B",
                "created_at": "2026-07-02T09:00:00-07:00",
                "channel": "chat",
                "csat": 2,
            },
            {
                "contact_id": "C",
                "created_at": "2026-08-03T09:00:00-07:00",
                "channel": "email",
                "csat": 4,
            },
        ]
    )
    result = runner.invoke(app, ["ingest", str(path), "--format", "json", "--root", str(program)])
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    computed = outcome["computed"]
    # June too: the catalogue's FCR repeat window (7 days) reaches back from July 1 into June,
    # whose "yes" answers a July contact could turn into repeats.
    assert outcome["months_touched"] == ["2026-06", "2026-07", "2026-08"]
    assert computed["months"] == ["2026-06", "2026-07", "2026-08"] and computed["recorded"] > 0
    history = runner.invoke(
        app, ["actuals", "history", "csat", "--format", "json", "--root", str(program)]
    )
    values = {
        row["period"]: row["value"]
        for row in json.loads(history.stdout)
        if row["scope"] == "channel=chat,email,phone"
    }
    assert values == {"2026-07": 50.0, "2026-08": 100.0}
    skipped = write_csv(
        [{"contact_id": "D", "created_at": "2026-09-01T09:00:00-07:00", "csat": 5}], name="sep.csv"
    )
    result = runner.invoke(
        app, ["ingest", str(skipped), "--format", "json", "--no-compute", "--root", str(program)]
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["computed"] is None


def test_a_file_the_csv_module_refuses_is_a_message_not_an_internal_error(
    root: Path, tmp_path: Path
) -> None:
    """A blank line hands the rest of the file to the csv module, which refuses a field over its
    128 KB limit: the user is told, nothing is imported."""
    path = tmp_path / "huge.csv"
    path.write_text(
        "contact_id,created_at,channel\nA,2026-07-01T09:00:00Z,phone\n\nB,2026-07-01T09:00:00Z,"
        + "x" * 200_000
        + "\n"
    )
    result = runner.invoke(app, ["ingest", str(path), "--root", str(root)])
    assert result.exit_code == 1, result.output
    assert (
        "field larger than field limit" in result.output and "nothing was imported" in result.output
    )


def test_a_sqlite_too_old_to_deserialize_is_a_message_not_an_internal_error(
    tmp_path: Path, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite imports take their chunks through sqlite3's `deserialize`, which a Python linked to
    an SQLite before 3.36 may lack: the user is told what to do, nothing is imported."""
    from app.ingest import importer

    program = tmp_path / "program"
    program.mkdir()
    (program / "program.yaml").write_text((ROOT / "program.yaml").read_text())
    monkeypatch.setenv("CXGOV_DATABASE_URL", f"sqlite:///{tmp_path / 'old.db'}")
    monkeypatch.setattr(importer, "SQLITE_CAN_DESERIALIZE", False)
    path = write_csv([{"contact_id": "A", "created_at": "2026-07-01T09:00:00Z"}])
    result = runner.invoke(app, ["ingest", str(path), "--root", str(program)])
    assert result.exit_code == 1, result.output
    assert "needs SQLite 3.36 or later" in result.output and "nothing was imported" in result.output
    assert "internal error" not in result.output


def test_other_commands_do_not_load_pyarrow() -> None:
    """`cxgov validate` runs in pre-commit hooks: the importer's pyarrow loads only when importing."""
    import subprocess
    import sys

    probe = "import sys, app.cli; from app.ingest import builtin_profile; print('pyarrow' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "False"
    )
    probe = "import sys; from app.ingest import ingest_file; print('pyarrow' in sys.modules)"
    assert (
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout.strip()
        == "True"
    )


def test_command_line_settings_override_the_profile(root: Path, tmp_path: Path) -> None:
    """A semicolon-separated, Latin-1, day-first file in Berlin time through the shipped generic
    profile, without copying it: --delimiter, --encoding, --timestamp-format, --timezone."""
    path = tmp_path / "export.csv"
    path.write_bytes(
        "contact_id;created_at;queue\nA;03/02/2026 10:00;Café\nB;24/02/2026 23:30;billing\n".encode(
            "cp1252"
        )
    )
    refused = runner.invoke(app, ["ingest", str(path), "--root", str(root), "--format", "json"])
    assert refused.exit_code == 1 and "nothing was imported" in refused.output
    args = ["ingest", str(path), "--root", str(root), "--format", "json", "--no-compute"]
    args += ["--delimiter", "semicolon", "--encoding", "cp1252", "--timezone", "Europe/Berlin"]
    result = runner.invoke(app, [*args, "--timestamp-format", "%d/%m/%Y %H:%M"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["imported"], summary["field_issues"]) == (2, 0)
    assert not any("program's time zone" in warning for warning in summary["warnings"])
    bad = runner.invoke(app, ["ingest", str(path), "--root", str(root), "--source", "Bad Name!"])
    assert bad.exit_code == 2 and "source" in bad.output


def test_source_on_the_command_line_keeps_a_second_instance_apart(
    root: Path, write_csv: Callable[..., Path]
) -> None:
    """A second help-desk instance with overlapping ids overwrote the first one's CSAT."""
    first = write_csv([{"contact_id": "1", "created_at": "2026-07-01T09:00:00Z", "csat": 5}])
    second = write_csv(
        [{"contact_id": "1", "created_at": "2026-07-02T09:00:00Z", "csat": 1}], name="eu.csv"
    )
    base = ["--root", str(root), "--format", "json", "--no-compute"]
    assert runner.invoke(app, ["ingest", str(first), *base]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(second), *base, "--source", "zendesk-eu"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["source"], summary["imported"], summary["updated"]) == ("zendesk-eu", 1, 0)


def test_the_text_summary_shows_warnings_and_blanks(
    root: Path, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [{"contact_id": "A", "created_at": "2026-07-01 09:00", "csat": 5}],
        header=["contact_id", "created_at", "csat"],
    )
    blank = write_csv(
        [{"contact_id": "A", "created_at": "2026-07-01 09:00"}],
        header=["contact_id", "created_at", "csat"],
        name="later.csv",
    )
    base = ["--root", str(root), "--no-compute"]
    first = runner.invoke(app, ["ingest", str(path), *base])
    assert "warning: the file has no column 'channel'" in first.stdout
    assert "warning: created_at: 1 timestamp without a UTC offset was read" in first.stdout
    later = runner.invoke(app, ["ingest", str(blank), *base])
    assert "blanks               1 kept, 0 cleared" in later.stdout


def test_an_excel_unicode_file_says_which_encoding_to_give(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "contact_id\tcreated_at\nA\t2026-07-01T09:00:00Z\n".encode("utf-16")  # with its BOM
    )
    refused = runner.invoke(app, ["ingest", str(path), "--root", str(root)])
    assert refused.exit_code == 1
    assert "the file is UTF-16 (Excel's 'Unicode text')" in refused.output
    assert "use --encoding utf-16" in refused.output and "nothing was imported" in refused.output
    base = ["ingest", str(path), "--root", str(root), "--no-compute", "--format", "json"]
    result = runner.invoke(app, [*base, "--encoding", "utf-16", "--delimiter", "tab"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 1
