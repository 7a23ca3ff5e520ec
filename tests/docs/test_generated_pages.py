"""The generated pages are what the code generates now (datasette's rule: docs that cannot drift).

Each page is regenerated in memory and compared with the committed file; a difference names the
command that brings the page up to date.
"""

from __future__ import annotations

import pytest

from scripts.gen_docs import DOCS, PAGES


@pytest.mark.parametrize("page", sorted(PAGES))
def test_generated_page_is_current(page: str) -> None:
    path = DOCS / page
    assert path.is_file(), f"docs/{page} is missing: run `python -m scripts.gen_docs`"
    committed = path.read_text(encoding="utf-8")
    expected = PAGES[page]().rstrip("\n") + "\n"
    assert committed == expected, f"docs/{page} is stale: run `python -m scripts.gen_docs`"


def test_the_check_mode_reports_a_stale_page(tmp_path, monkeypatch, capsys) -> None:
    """`gen_docs --check` exits 1 and names the page when a committed page differs."""
    import scripts.gen_docs as gen

    monkeypatch.setattr(gen, "DOCS", tmp_path)
    monkeypatch.setattr(gen, "REPO", tmp_path.parent)
    page = "reference/cli.md"
    monkeypatch.setattr(gen, "PAGES", {page: PAGES[page]})
    (tmp_path / "reference").mkdir()
    (tmp_path / page).write_text("an old version\n", encoding="utf-8")
    assert gen.main(["--check"]) == 1
    assert "stale: " in capsys.readouterr().out
    assert gen.main([]) == 0  # regenerates it
    assert gen.main(["--check"]) == 0


def test_generating_twice_gives_the_same_pages() -> None:
    first = {page: render() for page, render in PAGES.items()}
    assert first == {page: render() for page, render in PAGES.items()}
