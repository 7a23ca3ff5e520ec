"""A real git repository holding the fixture program, for the `cxgov diff` CLI tests."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diff_programs import FIXTURE
from typer.testing import CliRunner, Result

from app.cli import app

GIT_IDENTITY = [
    "-c",
    "user.name=cxgov tests",
    "-c",
    "user.email=tests@example.com",
    "-c",
    "commit.gpgsign=false",
]


@dataclass
class Repo:
    root: Path

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", "-C", str(self.root), *GIT_IDENTITY, *args],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def replace(self, file: str, old: str, new: str, count: int = 1) -> None:
        """Replace text that must occur exactly `count` times (so a drifting fixture fails loudly)."""
        path = self.root / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {file}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def drop_document(self, file: str, doc_id: str) -> None:
        path = self.root / file
        parts = path.read_text(encoding="utf-8").split("\n---\n")
        kept = [p for p in parts if f"\n  id: {doc_id}\n" not in f"\n{p}"]
        assert len(kept) == len(parts) - 1, f"{doc_id} not found once in {file}"
        path.write_text("\n---\n".join(kept), encoding="utf-8")

    def diff(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(
            app, ["diff", *args, "--root", str(self.root), "--today", "2026-11-20"], env=env
        )

    def diff_json(
        self, *args: str, env: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any]]:
        result = self.diff(*args, "--format", "json", env=env)
        assert result.exit_code in (0, 1), result.output
        return result.exit_code, json.loads(result.stdout)


def make_repo(path: Path) -> Repo:
    shutil.copytree(FIXTURE, path)
    repo = Repo(path)
    repo.git("init", "-q", "-b", "main")
    repo.commit("base program")
    return repo


def changed(report: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(c["kind"], c["id"], c["category"], c["severity"]) for c in report["changes"]}


Edit = Callable[[Repo], None]
