"""`cxgov init` writes everything or nothing, and a dangling link counts as a taken name."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.scaffold import LAYOUT

runner = CliRunner()


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("name", sorted(LAYOUT))
def test_a_dangling_link_named_like_a_file_stops_init_before_anything_is_written(
    tmp_path: Path, name: str
) -> None:
    target = tmp_path / "program"
    (target / name).parent.mkdir(parents=True)
    (target / name).symlink_to(tmp_path / "nowhere")
    before = listing(target)
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output and name in result.output
    assert listing(target) == before
    assert not (tmp_path / "nowhere").exists()


def test_a_clash_that_appears_while_writing_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file created between the check and the write (a race): the placed files are removed."""
    target = tmp_path / "program"
    target.mkdir()
    real_link = os.link
    calls = []

    def link(src: str, dst: str, **kwargs: object) -> None:
        calls.append(dst)
        if len(calls) == 5:
            Path(dst).parent.mkdir(parents=True, exist_ok=True)
            Path(dst).symlink_to(tmp_path / "raced")
        real_link(src, dst, **kwargs)

    monkeypatch.setattr(os, "link", link)
    result = runner.invoke(cli, ["init", str(target)])
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.output
    raced = Path(calls[4]).relative_to(target)
    assert listing(target) == sorted(
        str(part) for part in [raced, *raced.parents] if str(part) != "."
    )
