"""The README is the front door: short, with the two commands that CI and newcomers rely on, a
screenshot of the app, and links into the documentation that resolve."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
QUICK_START = "pip install -e . && cxgov demo && cxgov app"
TEST_COMMAND = 'pip install -e ".[test]" && pytest'


def test_the_readme_is_short() -> None:
    assert len(README) < 10_000, f"README.md has {len(README):,} characters; move detail to docs/"


def test_the_readme_keeps_the_two_commands() -> None:
    assert QUICK_START in README
    assert TEST_COMMAND in README


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert TEST_COMMAND in ci.splitlines()


def test_the_readme_links_resolve() -> None:
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README)
    local = [t for t in targets if not re.match(r"[a-z]+://", t)]
    assert local, "the README links into the docs"
    missing = [t for t in local if not (REPO / t).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"
    assert "docs/img/overview.png" in local


def test_the_dependencies_table_is_linked() -> None:
    assert "docs/dependencies.md" in README
    page = (REPO / "docs" / "dependencies.md").read_text(encoding="utf-8")
    assert "| package | why |" in page


def test_the_architecture_section_has_its_markers() -> None:
    page = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    start, end = "<!-- section: architecture -->", "<!-- /section: architecture -->"
    assert page.count(start) == 1 and page.count(end) == 1
    assert page.index(start) < page.index(end)
