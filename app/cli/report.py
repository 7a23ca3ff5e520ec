"""Formatting the loader's result: readable text, stable JSON, GitHub Actions annotations.

JSON shape (stable): `{"diagnostics": [{"severity", "code", "file", "line", "column", "path",
"message", "hint"}…], "summary": {"ok", "strict", "errors", "warnings", "files", "documents",
"goals"}, "scorecards": {goal_id: {"passed", "checks": {letter: {"passed", "code", "message"}}}}}`.
"""

from __future__ import annotations

import json
from itertools import groupby
from typing import TYPE_CHECKING, Any

from app.load.diagnostics import Diagnostic
from app.words import counted

if TYPE_CHECKING:
    from app.load import LoadResult


def summary(result: LoadResult) -> dict[str, Any]:
    return {
        "ok": result.ok,
        "strict": result.strict,
        "errors": result.errors,
        "warnings": result.warnings,
        "files": len(result.files),
        "documents": len(result.documents),
        "goals": len(result.scorecards),
    }


def as_json(result: LoadResult) -> str:
    return json.dumps(
        {
            "diagnostics": [d.as_dict() for d in result.diagnostics],
            "summary": summary(result),
            "scorecards": {
                goal: card.as_dict() for goal, card in sorted(result.scorecards.items())
            },
        },
        indent=2,
        ensure_ascii=False,
    )


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(diagnostics: list[Diagnostic]) -> str:
    """One `::error …::` / `::warning …::` workflow command per diagnostic."""
    lines = []
    for d in diagnostics:
        message = f"{d.path}: {d.message}" if d.path else d.message
        if d.hint:
            message += f" ({d.hint})"
        props = f"file={_escape_property(d.file)},line={d.line},col={d.column},title={_escape_property(d.code)}"
        lines.append(f"::{d.severity} {props}::{_escape_data(message)}")
    return "\n".join(lines)


def text_diagnostics(diagnostics: list[Diagnostic]) -> str:
    """Diagnostics grouped by file: `  line:col  severity  code  path: message` and the hint below."""
    out: list[str] = []
    for file, group in groupby(diagnostics, key=lambda d: d.file):
        out.append(file)
        for d in group:
            where = f"{d.path}: " if d.path else ""
            out.append(f"  {d.line}:{d.column}  {d.severity:<7}  {d.code}  {where}{d.message}")
            if d.hint:
                out.append(f"  {' ' * len(f'{d.line}:{d.column}')}  hint: {d.hint}")
    return "\n".join(out)


def text_report(result: LoadResult) -> str:
    parts: list[str] = []
    if result.diagnostics:
        parts.append(text_diagnostics(result.diagnostics))
    if result.scorecards:
        width = max(len(goal) for goal in result.scorecards)
        lines = ["SMART scorecard (upper case: passes, lower case: fails, -: does not apply)"]
        for goal, card in sorted(result.scorecards.items()):
            failing = [f"{c.letter}: {c.message}" for c in card.checks if c.passed is False]
            lines.append(
                f"  {goal:<{width}}  {card.summary()}  " + ("; ".join(failing) if failing else "ok")
            )
        parts.append("\n".join(lines))
    s = summary(result)
    verdict = "valid" if s["ok"] else "NOT valid"
    mode = " (strict: warnings count as errors)" if s["strict"] else ""
    parts.append(
        f"{verdict}{mode}: {counted(s['errors'], 'error')}, {counted(s['warnings'], 'warning')} "
        f"in {counted(s['files'], 'file')}, {counted(s['documents'], 'document')}, "
        f"{counted(s['goals'], 'goal')}"
    )
    return "\n\n".join(parts)
