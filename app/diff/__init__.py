"""`cxgov diff`: what a change to the program really does, for the people who approve it.

`compare` is pure (two Programs in, a list of Changes out); `credit_effects` adds the money a
contract change would have made last month; the renderers format the result. Reading git
revisions into folders is the edge's job (`app.diff.sides`).
"""

from app.diff.change import RANK, SEVERITIES, Change, Severity
from app.diff.compare import compare, sort_changes
from app.diff.money import credit_effects
from app.diff.render import render_json, render_markdown, render_text, summary_line

__all__ = [
    "RANK",
    "SEVERITIES",
    "Change",
    "Severity",
    "compare",
    "credit_effects",
    "render_json",
    "render_markdown",
    "render_text",
    "sort_changes",
    "summary_line",
]
