"""`cxgov init`: the files of a new program repository that validates with `--strict` out of the box.

`scaffold_files` is pure (settings in, file contents out); `write_scaffold` is the edge that
writes them: all or nothing, never over an existing name (not even a dangling link). Templates are package data under `templates/`,
filled by plain token replacement (`__NAME__` …) so that the `${{ … }}` of GitHub Actions and the
`{{ … }}` of playbook templates pass through untouched.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path

from app.periods import Month

TEMPLATES = files("app.scaffold") / "templates"

LAYOUT: dict[str, str] = {
    "program.yaml": "program.yaml.tmpl",
    "goals/metrics.yaml": "metrics.yaml.tmpl",
    "goals/goals.yaml": "goals.yaml.tmpl",
    "playbooks/service-recovery.yaml": "playbook.yaml.tmpl",
    "roadmap/roadmap.yaml": "roadmap.yaml.tmpl",
    ".github/workflows/cxgov.yml": "workflow.yml.tmpl",
    ".github/workflows/cxgov-notify.yml": "notify.yml.tmpl",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.tmpl",
    ".gitignore": "gitignore.tmpl",
}
"""Path in the new repository → template."""

PACKAGE_INSTALL = """\
      # Install cxgov from the package index your organisation uses, pinned to the version you
      # validated with, e.g. `pip install "cxgov==0.1.0"` or `pip install "cxgov @ git+https://…@v0.1.0"`.
      - run: pip install cxgov"""

CHECKOUT_INSTALL = """\
      # This repository is cxgov itself: install it from the checkout under review.
      - run: pip install ."""

_TOKEN = re.compile(r"__[A-Z_]+__")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class ScaffoldSettings:
    name: str
    program_id: str
    timezone: str
    currency: str
    start: date

    @classmethod
    def for_folder(
        cls, folder: Path, *, timezone: str, currency: str, today: date, name: str | None = None
    ) -> ScaffoldSettings:
        """Settings named after `folder`, starting on the first day of `today`'s month."""
        slug = re.sub(r"[^a-z0-9_]+", "_", folder.resolve().name.lower()).strip("_") or "cx_program"
        return cls(
            name=name or f"{folder.resolve().name} CX program",
            program_id=slug[:63],
            timezone=timezone,
            currency=currency,
            start=Month.of(today).first_day(),
        )


def render_template(template: str, tokens: dict[str, str]) -> str:
    text = template
    for token, value in tokens.items():
        text = text.replace(token, value)
    left = _TOKEN.findall(text)
    if left:
        raise ValueError(f"unfilled template tokens: {', '.join(sorted(set(left)))}")
    return text


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def tokens(settings: ScaffoldSettings, *, install: str = PACKAGE_INSTALL) -> dict[str, str]:
    start = Month.of(settings.start)
    target = start.shift(8)
    return {
        "__NAME__": _quoted(settings.name),
        "__ID__": settings.program_id,
        "__START__": settings.start.isoformat(),
        "__TZ__": settings.timezone,
        "__CURRENCY__": settings.currency,
        "__BASELINE_MONTH__": str(start.shift(-1)),
        "__TARGET_BY__": target.last_day().isoformat(),
        "__TARGET_LABEL__": f"{MONTHS[target.month - 1]} {target.year}",
        "__MILESTONE_BY__": start.shift(4).last_day().isoformat(),
        "__INSTALL__": install,
    }


def scaffold_files(settings: ScaffoldSettings, *, install: str = PACKAGE_INSTALL) -> dict[str, str]:
    """Every file of a new program repository: relative path → content."""
    values = tokens(settings, install=install)
    return {
        path: render_template((TEMPLATES / name).read_text(encoding="utf-8"), values)
        for path, name in LAYOUT.items()
    }


def existing(root: Path, names: list[str]) -> list[str]:
    """The names under `root` that are taken — by a file, a folder or a link, even a dangling one."""
    return [name for name in names if os.path.lexists(root / name)]


class ScaffoldClash(Exception):
    """Some of the files appeared while the scaffold was being written; nothing was left behind."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def write_scaffold(root: Path, contents: dict[str, str]) -> list[str]:
    """Write `contents` under `root`: every file, or none of them.

    All files are first written into a temporary folder beside their destination (same file
    system), so a full disk or an unwritable folder fails before anything is placed. Then each
    is moved into place with `os.link`, which refuses an existing name (a file, a folder or a
    dangling link) instead of following or replacing it; if any placement fails, the ones
    already placed and the folders created for them are removed again. `ScaffoldClash` names
    what was in the way.
    """
    folders = {root} | {
        parent for name in contents for parent in (root / name).parents if root in parent.parents
    }
    created_dirs = sorted(
        (folder for folder in folders if not os.path.lexists(folder)), key=lambda p: len(p.parts)
    )
    root.mkdir(parents=True, exist_ok=True)
    placed: list[Path] = []
    with tempfile.TemporaryDirectory(prefix=".cxgov-init-", dir=root) as staging:
        clashes: list[str] = []
        try:
            for name, text in contents.items():
                staged = Path(staging) / name
                staged.parent.mkdir(parents=True, exist_ok=True)
                staged.write_text(text, encoding="utf-8")
            for folder in created_dirs:
                folder.mkdir(parents=True, exist_ok=True)
            for name in contents:
                target = root / name
                try:
                    os.link(Path(staging) / name, target, follow_symlinks=False)
                except FileExistsError:
                    clashes.append(name)
                    break
                placed.append(target)
        except BaseException:
            _undo(placed, created_dirs)
            raise
        if clashes:
            _undo(placed, created_dirs)
            raise ScaffoldClash(clashes)
    return list(contents)


def _undo(placed: list[Path], created_dirs: list[Path]) -> None:
    for path in placed:
        path.unlink(missing_ok=True)
    for folder in sorted(created_dirs, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # not empty: something else was put there meanwhile
            folder.rmdir()


__all__ = [
    "CHECKOUT_INSTALL",
    "LAYOUT",
    "PACKAGE_INSTALL",
    "ScaffoldClash",
    "ScaffoldSettings",
    "existing",
    "scaffold_files",
    "write_scaffold",
]
