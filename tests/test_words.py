"""Counts read as words: `counted` agrees in number, and no message in the code falls back to
"(s)", which a manager reads as a form nobody finished."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from app.words import counted

APP = Path(__file__).resolve().parents[1] / "app"
PLURAL_HEDGE = re.compile(r"[a-z]\(s\)")


@pytest.mark.parametrize(
    ("n", "noun", "plural", "expected"),
    [
        (0, "error", None, "0 errors"),
        (1, "error", None, "1 error"),
        (2, "day", None, "2 days"),
        (1_250, "contact", None, "1,250 contacts"),
        (3, "person", "people", "3 people"),
    ],
)
def test_counted_agrees_in_number(n: int, noun: str, plural: str | None, expected: str) -> None:
    assert counted(n, noun, plural) == expected


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_no_message_says_s_in_brackets() -> None:
    found = [
        f"{path.relative_to(APP.parent)}:{line}: {text!r}"
        for path in sorted(APP.rglob("*.py"))
        for line, text in _strings(path)
        if PLURAL_HEDGE.search(text) and "http(s)" not in text
    ]
    assert found == []
