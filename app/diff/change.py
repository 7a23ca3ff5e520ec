"""One reviewable change between two versions of a program, and how serious it is.

Severities, from least to most serious (a reviewer reads the last two first):

- ``info``: nothing about how the program is judged changes (titles, owners, wording, new
  documents, a file moved).
- ``tightened``: the program asks more of the support organisation (a higher bar, an earlier
  deadline, a new guardrail, a larger service credit owed to the customer).
- ``softened``: the program asks less, or costs us less when we miss (a lower bar, a later
  deadline, a guardrail or objective removed, a smaller credit, an active goal retired).
- ``breaking``: numbers before and after the change are no longer comparable (a metric's
  calculation, parameters, unit or direction changed; a goal now measures another metric or a
  different set of contacts; months are cut in another timezone).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "tightened", "softened", "breaking"]
SEVERITIES: tuple[Severity, ...] = ("info", "tightened", "softened", "breaking")
RANK: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}

Side = Literal["base", "head"]
PathPart = str | int


@dataclass(frozen=True)
class Change:
    """A change a reviewer should see. `path` points into the document on `side`, for file:line."""

    kind: str
    doc_id: str
    category: str
    severity: Severity
    summary: str
    path: tuple[PathPart, ...] = ()
    side: Side = "head"
    before: str | None = None
    after: str | None = None
    file: str | None = None
    line: int | None = None

    def at_least(self, level: Severity) -> bool:
        return RANK[self.severity] >= RANK[level]


def bar_severity(before: float, after: float, better: str) -> Severity | None:
    """Whether moving a target from `before` to `after` raises the bar (tightened) or lowers it
    (softened), for a metric where `better` ("higher"/"lower") is the improving direction."""
    if after == before:
        return None
    harder = after > before if better == "higher" else after < before
    return "tightened" if harder else "softened"


def more_or_less(
    before: float, after: float, *, more_is: Severity, less_is: Severity
) -> Severity | None:
    """Severity of a number moving up or down when each direction has a fixed meaning."""
    if after == before:
        return None
    return more_is if after > before else less_is


def show(value: object) -> str | None:
    """A value as the reviewer reads it: numbers without a trailing `.0`, None as None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Maker:
    """Builds the changes of one document without repeating its kind and id."""

    def __init__(self, kind: str, doc_id: str) -> None:
        self.kind = kind
        self.doc_id = doc_id

    def __call__(
        self,
        category: str,
        severity: Severity,
        summary: str,
        path: tuple[PathPart, ...] = (),
        *,
        before: object = None,
        after: object = None,
        side: Side = "head",
    ) -> Change:
        return Change(
            kind=self.kind,
            doc_id=self.doc_id,
            category=category,
            severity=severity,
            summary=summary,
            path=path,
            side=side,
            before=show(before),
            after=show(after),
        )
