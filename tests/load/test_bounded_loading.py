"""Loading is bounded and discreet: file and program size limits, a cap on diagnostics per file,
no file read through a link out of the program root, no money value quoted, deep templates
reported as `template-too-deep` instead of crashing `validate`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.load import documents, load_program
from app.load.diagnostics import MAX_DIAGNOSTICS_PER_FILE

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    target = tmp_path / "program"
    target.mkdir()
    for name in ("program.yaml", "goals", "playbooks", "roadmap"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def metric_with_unknown_keys(count: int) -> str:
    head = textwrap.dedent(
        """\
        apiVersion: cxgov/v1
        kind: Metric
        metadata: {id: junk, title: Junk, owner: x}
        spec:
          unit: count
          better: higher
          definition: junk
          calculation: {type: contact_volume}
        """
    )
    return head + "".join(f"  unitt{index}: 1\n" for index in range(count))


def validate_json(root: Path) -> dict:
    result = runner.invoke(cli, ["validate", str(root), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_a_50_mb_file_is_refused_unread_under_a_memory_ceiling(root: Path) -> None:
    big = root / "goals" / "huge.yaml"
    with big.open("w") as handle:
        handle.write(metric_with_unknown_keys(0))
        for index in range(1_700_000):
            handle.write(f"  k{index}: 1\n")
    assert big.stat().st_size > 20 * 2**20
    code = f"""
        import resource, time
        resource.setrlimit(resource.RLIMIT_AS, (400 * 2**20, 400 * 2**20))
        from pathlib import Path
        from app.load import load_program
        started = time.process_time()
        result = load_program(Path({str(root)!r}))
        print([d.code for d in result.diagnostics], round(time.process_time() - started, 2))
        """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    codes, seconds = done.stdout.rsplit(" ", 1)
    assert codes == "['file-too-large']"
    assert float(seconds) < 5


def test_a_file_of_many_mistakes_gets_a_hundred_diagnostics_and_a_count(root: Path) -> None:
    (root / "goals" / "junk.yaml").write_text(metric_with_unknown_keys(5_000))
    result = load_program(root)
    mine = [d for d in result.diagnostics if d.file == "goals/junk.yaml"]
    assert len(mine) == MAX_DIAGNOSTICS_PER_FILE + 1
    last = mine[-1]
    assert last.code == "too-many-diagnostics"
    assert last.message == "… and 4,900 more in this file (4,900 of them errors)"
    hinted = [d for d in mine if (d.hint or "").startswith("did you mean")]
    assert len(hinted) == documents.MAX_SUGGESTIONS_PER_FILE
    assert all((d.hint or "").startswith("allowed here") for d in mine[20:-1])


def test_the_program_size_limit(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_PROGRAM_BYTES", 30_000)
    result = load_program(root)
    refused = [d for d in result.diagnostics if d.code == "program-too-large"]
    assert refused and all(d.line == 1 for d in refused)
    assert result.program is None


def test_a_link_out_of_the_root_is_refused_and_nothing_of_it_is_quoted(
    root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text("password: hunter2-SECRET\nkind: [oops\n")
    (root / "goals" / "linked.yaml").symlink_to(outside)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "more.yaml").write_text("apiVersion: cxgov/v1\nkind: Goal  # SECRET-2\n")
    shutil.rmtree(root / "roadmap")
    (root / "roadmap").symlink_to(elsewhere)
    result = runner.invoke(cli, ["validate", str(root), "--format", "github"])
    assert result.exit_code == 1
    assert "SECRET" not in result.output and "hunter2" not in result.output
    assert str(tmp_path / "secret") not in result.output
    data = validate_json(root)
    refused = {d["file"]: d for d in data["diagnostics"] if d["code"] == "file-outside-root"}
    assert set(refused) == {"goals/linked.yaml", "roadmap/more.yaml"}
    assert refused["goals/linked.yaml"]["line"] == 1


def test_a_link_inside_the_root_is_read(root: Path) -> None:
    (root / "goals" / "alias.yaml").symlink_to(root / "goals" / "people.yaml")
    codes = {d["code"] for d in validate_json(root)["diagnostics"]}
    assert "file-outside-root" not in codes and "duplicate-id" in codes


def test_no_diagnostic_quotes_a_money_value(root: Path) -> None:
    path = root / "goals" / "sla-brightwater.yaml"
    path.write_text(re.sub(r"monthly_fee: .*", "monthly_fee: 40,000", path.read_text(), count=1))
    for fmt in ("text", "json", "github"):
        result = runner.invoke(cli, ["validate", str(root), "--format", fmt])
        assert result.exit_code == 1
        assert "monthly_fee" in result.output
        assert "40,000" not in result.output and "40000," not in result.output


def test_a_deep_template_is_a_located_diagnostic_not_a_crash(root: Path) -> None:
    path = root / "playbooks" / "broken-promise.yaml"
    text = path.read_text()
    deep = "{{ " + "(" * 3000 + "customer_name" + ")" * 3000 + " }}"
    path.write_text(text.replace("{{ customer_name }}", deep, 1))
    assert deep in path.read_text()
    result = runner.invoke(cli, ["validate", str(root)])
    assert result.exit_code == 1, result.output
    assert "RecursionError" not in result.output
    found = [d for d in validate_json(root)["diagnostics"] if d["code"] == "template-too-deep"]
    assert len(found) == 1
    assert found[0]["file"] == "playbooks/broken-promise.yaml"
    line = path.read_text().splitlines()[found[0]["line"] - 1]
    assert deep in line
