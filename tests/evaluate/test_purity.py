"""The evaluation core stays pure: no database, no Streamlit, no files, no clock."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app.evaluate

PACKAGE = Path(app.evaluate.__file__).parent
FORBIDDEN_MODULES = (
    "streamlit",
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "psycopg",
    "app.store",
    "app.load",
    "app.ingest",
    "app.ui",
    "app.cli",
    "app.metrics",
    "os",
    "io",
    "pathlib",
    "shutil",
    "subprocess",
    "socket",
    "urllib",
    "requests",
    "yaml",
    "random",
    "time",
)
FORBIDDEN_CALLS = {"open", "now", "today", "utcnow", "input", "print"}


def _forbidden(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN_MODULES)


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if _forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and _forbidden(node.module):
            found.append(f"from {node.module} import …")
        elif isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in FORBIDDEN_CALLS:
                found.append(f"call {name}()")
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_is_pure(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []


def test_the_checker_catches_what_it_forbids() -> None:
    bad = (
        "import streamlit as st\nfrom sqlmodel import Session\nfrom app.store.db import open_store\n"
        "import os.path\nfrom datetime import date\nx = date.today()\ny = open('f')\n"
    )
    assert violations(bad) == [
        "import streamlit",
        "from sqlmodel import …",
        "from app.store.db import …",
        "import os.path",
        "call today()",
        "call open()",
    ]
    assert len(MODULES) >= 10
