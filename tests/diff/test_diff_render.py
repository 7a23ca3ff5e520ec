"""The renderers: summary line, markdown order and escaping, stable json."""

from __future__ import annotations

import json

from app.diff import Change, render_json, render_markdown, render_text, summary_line
from app.diff.render import escape_cell


def change(severity: str, summary: str = "s", **extra: object) -> Change:
    return Change(
        kind="Goal", doc_id="g", category="target", severity=severity, summary=summary, **extra
    )  # type: ignore[arg-type]


def test_summary_line_counts_by_severity() -> None:
    changes = [
        change("softened"),
        change("softened"),
        change("softened"),
        change("breaking"),
        change("tightened"),
        *[change("info")] * 4,
    ]
    assert (
        summary_line(changes)
        == "3 changes soften the program, 1 breaks comparability, 1 tightens it, 4 other"
    )
    assert summary_line([change("breaking"), change("breaking")]) == "2 break comparability"
    assert summary_line([]) == "No changes to the program"


def test_escape_cell_makes_authored_text_inert() -> None:
    assert escape_cell("a | b <script>x</script> `c` &amp;\nd") == (
        "a &#124; b &lt;script&gt;x&lt;/script&gt; &#96;c&#96; &amp;amp; d"
    )


def test_markdown_puts_review_first_and_links_head_lines_only() -> None:
    changes = [
        change("info", "reworded", file="goals/g.yaml", line=3),
        change("softened", "lower", file="goals/g.yaml", line=12),
        change("softened", "gone", file="goals/old.yaml", line=7, side="base"),
    ]
    text = render_markdown(changes, base="main", head="pr", link_base="https://x/blob/sha/")
    first, rest = text.split("#### Other changes")
    assert "[goals/g.yaml:12](https://x/blob/sha/goals/g.yaml#L12)" in first
    assert "was at goals/old.yaml:7" in first and "old.yaml#L7" not in text
    assert "reworded" in rest and "reworded" not in first


def test_markdown_without_changes_has_no_tables() -> None:
    text = render_markdown([], base="main", head="pr")
    assert "**No changes to the program.**" in text and "|" not in text


def test_json_is_stable_and_complete() -> None:
    data = json.loads(
        render_json(
            [change("info"), change("breaking", before="a", after="b", path=("spec", 1))],
            base="main",
            head="pr",
        )
    )
    assert list(data) == ["base", "head", "summary", "changes"]
    assert data["summary"] == {
        "text": "1 breaks comparability, 1 other",
        "info": 1,
        "tightened": 0,
        "softened": 0,
        "breaking": 1,
    }
    assert list(data["changes"][0]) == [
        "kind",
        "id",
        "category",
        "severity",
        "summary",
        "before",
        "after",
        "file",
        "line",
        "path",
    ]
    assert data["changes"][0]["severity"] == "breaking" and data["changes"][0]["path"] == [
        "spec",
        1,
    ]


def test_text_names_severity_document_and_place() -> None:
    text = render_text(
        [change("softened", "target 85 → 82", file="goals/g.yaml", line=12)], base="main", head="pr"
    )
    assert text.splitlines()[0] == "cxgov diff main → pr"
    assert "SOFTENED   Goal g  (goals/g.yaml:12)" in text and "target 85 → 82" in text
