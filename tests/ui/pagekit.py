"""Helpers for the page tests: a temp copy of the example program, known actuals, page runner.

Each page script is run directly with `AppTest.from_file`, with its state seeded through
`st.session_state` (root, as-of date, viewer), as DESIGN.md recommends.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from app.ui.context import AS_OF_KEY, ROOT_KEY, VIEWER_KEY
from app.ui.roles import Viewer

REPO = Path(__file__).resolve().parents[2]
PAGES = REPO / "app" / "ui" / "views"
AS_OF = date(2026, 11, 23)
PROGRAM_PARTS = ("program.yaml", "goals", "playbooks", "roadmap")

KNOWN_ACTUALS: dict[tuple[str, str], dict[str, float]] = {
    ("csat", "channel=chat,email,phone"): {
        "2026-06": 78.0,
        "2026-07": 78.9,
        "2026-08": 79.6,
        "2026-10": 80.8,
    },
    ("frt_chat_30s", "channel=chat;segment=brightwater"): {
        "2026-04": 86.0,
        "2026-05": 88.0,
        "2026-06": 87.0,
        "2026-07": 66.0,
        "2026-08": 70.0,
        "2026-09": 91.0,
        "2026-10": 93.0,
    },
}
"""A hand-made fixture: CSAT with a gap in September, and a two-month chat breach for Brightwater."""


def copy_program(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in PROGRAM_PARTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.is_file():
            shutil.copy(source, target / name)
    return target


def demo_program(folder: Path, *, as_of: date = AS_OF) -> Path:
    """The example program in `folder`, filled by `seed_demo` as of `as_of` in its own SQLite
    store (the caller keeps CXGOV_DATABASE_URL unset while it is used)."""
    from app.load import load_program
    from app.service.demo import seed_demo
    from app.store.db import open_store

    root = copy_program(folder / "program")
    seed_demo(open_store(root), load_program(root, today=as_of).program, as_of=as_of)
    return root


def record_known_actuals(engine: object) -> None:
    from app.store.actuals import append_revision
    from app.store.db import session_scope

    with session_scope(engine) as session:  # type: ignore[arg-type]
        for (metric, scope_key), values in KNOWN_ACTUALS.items():
            for period, value in values.items():
                append_revision(
                    session,
                    metric=metric,
                    scope_key=scope_key,
                    period=period,
                    value=value,
                    source="manual",
                    author="fixture",
                )


PageFactory = Callable[..., AppTest]


def run_page(
    name: str, root: Path, *, viewer: Viewer | None = None, as_of: date = AS_OF
) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state[ROOT_KEY] = str(root)
    at.session_state[AS_OF_KEY] = as_of
    if viewer is not None:
        at.session_state[VIEWER_KEY] = viewer
    return at.run()


def _unescape(text: str) -> str:
    """What a reader sees: Markdown escapes removed, and the invisible word joiner that keeps an
    e-mail address from becoming a link (`app.textsafety`)."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")


def tables(at: AppTest) -> list[Any]:
    """The page's `st.table`s as a reader sees them: their cells' Markdown escapes removed."""
    return [
        t.value.map(lambda cell: _unescape(cell) if isinstance(cell, str) else cell)
        for t in at.table
    ]


def main_text(at: AppTest) -> str:
    """Every text the main area shows (Markdown escapes removed), one element a line."""
    lines: list[str] = []

    def walk(node: Any) -> None:
        kind = getattr(node, "type", None)
        proto = getattr(node, "proto", None)
        if kind == "page_link" and proto is not None:
            lines.append(proto.label)
        elif kind in ("table", "dataframe"):
            lines.append(node.value.to_csv(index=False))  # unescaped below, as st.table shows it
        elif kind == "metric":
            lines.append(f"{node.label}: {node.value}")
        elif isinstance(getattr(node, "value", None), str):
            lines.append(node.value)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(at.main)
    return "\n".join(_unescape(line) for line in lines)


def page_links(at: AppTest, *, sidebar: bool = False) -> list[Any]:
    root = at.sidebar if sidebar else at.main
    found: list[Any] = []

    def walk(node: Any) -> None:
        if getattr(node, "type", None) == "page_link":
            found.append(node.proto)
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)

    walk(root)
    return found
