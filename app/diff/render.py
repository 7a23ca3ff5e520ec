"""Reports of a diff for a terminal (text), a pull-request comment (markdown) and tools (json).

Markdown never lets authored text become markup: every table cell is escaped, so a title with
`|`, `<script>` or backticks in it shows as typed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from urllib.parse import quote

from app.diff.change import RANK, SEVERITIES, Change

REVIEW_FIRST = ("breaking", "softened")
LABELS = {"breaking": "breaking", "softened": "softened", "tightened": "tightened", "info": "info"}


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary_line(changes: list[Change]) -> str:
    """E.g. "3 changes soften the program, 1 breaks comparability, 5 other"."""
    if not changes:
        return "No changes to the program"
    counts = Counter(c.severity for c in changes)
    parts = []
    if counts["softened"]:
        parts.append(
            f"{_plural(counts['softened'], 'change softens', 'changes soften')} the program"
        )
    if counts["breaking"]:
        parts.append(
            f"{counts['breaking']} {'breaks' if counts['breaking'] == 1 else 'break'} comparability"
        )
    if counts["tightened"]:
        parts.append(
            f"{counts['tightened']} {'tightens' if counts['tightened'] == 1 else 'tighten'} it"
        )
    if counts["info"]:
        parts.append(f"{counts['info']} other")
    return ", ".join(parts)


def _where(change: Change) -> str:
    if change.file is None:
        return ""
    return f"{change.file}:{change.line}" if change.line else change.file


def render_text(changes: list[Change], *, base: str, head: str) -> str:
    lines = [f"cxgov diff {base} → {head}", summary_line(changes), ""]
    for change in changes:
        where = _where(change)
        lines.append(
            f"{change.severity.upper():<10} {change.kind} {change.doc_id}"
            + (f"  ({where})" if where else "")
        )
        lines.append(f"           {change.summary}")
    return "\n".join(lines).rstrip() + "\n"


def escape_cell(text: str) -> str:
    """Authored text made inert inside a markdown table cell."""
    text = " ".join(text.split())
    for raw, safe in (
        ("&", "&amp;"),
        ("|", "&#124;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("`", "&#96;"),
    ):
        text = text.replace(raw, safe)
    return text


_ID_CODE = re.compile(r"&#96;([a-z0-9][a-z0-9_\-]{0,62})&#96;")


def _cell(text: str) -> str:
    """An escaped cell in which document ids (lower-case letters, digits, `_`, `-` only) stay code spans."""
    return _ID_CODE.sub(r"`\1`", escape_cell(text))


def _link(change: Change, link_base: str) -> str:
    """A link into the head version; a place that exists only in the base version is named, not linked."""
    if change.file is None:
        return ""
    if change.side == "base":
        return f"was at {escape_cell(_where(change))}"
    target = quote(change.file) + (f"#L{change.line}" if change.line else "")
    return f"[{escape_cell(_where(change))}]({link_base}{target})"


def _table(changes: list[Change], link_base: str) -> list[str]:
    rows = ["| severity | document | change | where |", "| --- | --- | --- | --- |"]
    for c in changes:
        rows.append(
            f"| {LABELS[c.severity]} | {escape_cell(c.kind)} `{escape_cell(c.doc_id)}` | {_cell(c.summary)} "
            f"| {_link(c, link_base)} |"
        )
    return rows


def render_markdown(changes: list[Change], *, base: str, head: str, link_base: str = "") -> str:
    """A pull-request comment: summary, then the softening/breaking changes, then the rest."""
    first = [c for c in changes if c.severity in REVIEW_FIRST]
    rest = [c for c in changes if c.severity not in REVIEW_FIRST]
    out = [
        f"### cxgov diff: {escape_cell(base)} → {escape_cell(head)}",
        "",
        f"**{summary_line(changes)}.**",
        "",
    ]
    if first:
        out += [
            "#### Changes that soften the program or break comparability",
            "",
            *_table(first, link_base),
            "",
        ]
    if rest:
        out += ["#### Other changes", "", *_table(rest, link_base), ""]
    return "\n".join(out)


def as_json(changes: list[Change], *, base: str, head: str) -> dict[str, object]:
    counts = Counter(c.severity for c in changes)
    per_severity: dict[str, object] = {s: counts[s] for s in SEVERITIES}
    return {
        "base": base,
        "head": head,
        "summary": {"text": summary_line(changes), **per_severity},
        "changes": [
            {
                "kind": c.kind,
                "id": c.doc_id,
                "category": c.category,
                "severity": c.severity,
                "summary": c.summary,
                "before": c.before,
                "after": c.after,
                "file": c.file,
                "line": c.line,
                "path": list(c.path),
            }
            for c in sorted(changes, key=lambda c: -RANK[c.severity])
        ],
    }


def render_json(changes: list[Change], *, base: str, head: str) -> str:
    return json.dumps(as_json(changes, base=base, head=head), indent=2, ensure_ascii=False) + "\n"
