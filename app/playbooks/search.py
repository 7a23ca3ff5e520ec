"""Find the right playbook fast: text search as you type, filters by channel and by what it protects.

A playbook "protects" the metrics and SLA objectives it lists under `spec.protects`. For an SLA
objective, a playbook that protects the objective's metric counts too: a CSAT playbook helps a
contract's CSAT objective even when the author did not list the objective itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.spec.playbook import Playbook
from app.spec.program import Program

SEARCH_FIELDS: tuple[str, ...] = ("title", "tags", "situation", "steps")
_WORD = re.compile(r"\w+")
_NON_WORD = re.compile(r"\W+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text.casefold()))


def _searchable(text: str) -> str:
    """The text's words, each preceded by a space, so that `" " + word in it` is a word-prefix test."""
    return " " + _NON_WORD.sub(" ", text.casefold())


@dataclass(frozen=True)
class PlaybookHit:
    playbook: Playbook
    matched: tuple[str, ...]
    """The fields (of `SEARCH_FIELDS`) in which at least one search word was found, in that order."""
    title_words: int
    """How many of the search words are in the title; hits are ranked by this first."""


class _Same:
    """A playbook as a cache key by identity (the models are immutable but not hashable)."""

    __slots__ = ("playbook",)

    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook

    def __hash__(self) -> int:
        return id(self.playbook)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.playbook is self.playbook


def _fields(playbook: Playbook) -> dict[str, str]:
    return _fields_of(_Same(playbook))


@lru_cache(maxsize=4096)
def _fields_of(key: _Same) -> dict[str, str]:
    """Searchable texts, computed once per playbook object: search runs on every keystroke."""
    playbook = key.playbook
    spec = playbook.spec
    steps = " ".join(
        " ".join(part for part in (step.instruction, step.escalation or "") if part)
        for step in spec.steps
    )
    texts = {
        "title": playbook.metadata.title,
        "tags": " ".join(spec.tags),
        "situation": spec.situation,
        "steps": steps,
    }
    return {name: _searchable(text) for name, text in texts.items()}


def _found(word: str, field: str) -> bool:
    return " " + word in field


def playbook_channels(playbook: Playbook) -> set[str]:
    """The channels a playbook is for: those it lists, and those its templates are written for."""
    return set(playbook.spec.channels) | {template.channel for template in playbook.spec.templates}


def _objective_metric(program: Program, objective: str) -> str | None:
    contract_id, _, objective_id = objective.partition("/")
    contract = program.contracts.get(contract_id)
    if contract is None:
        return None
    return next((o.metric for o in contract.spec.objectives if o.id == objective_id), None)


def _protects(
    program: Program, playbook: Playbook, *, metric: str | None, objective: str | None
) -> bool:
    listed = playbook.spec.protects
    if metric is not None and metric in listed.metrics:
        return True
    if objective is None:
        return False
    if objective in listed.objectives:
        return True
    via_metric = _objective_metric(program, objective)
    return via_metric is not None and via_metric in listed.metrics


def playbooks_protecting(
    program: Program, *, metric: str | None = None, objective: str | None = None
) -> list[Playbook]:
    """Playbooks for a goal's metric or an SLA objective (`contract_id/objective_id`), by title."""
    found = [
        pb
        for pb in program.playbooks.values()
        if _protects(program, pb, metric=metric, objective=objective)
    ]
    return sorted(found, key=lambda pb: (pb.metadata.title.casefold(), pb.id))


def search_playbooks(
    program: Program, text: str = "", *, channel: str | None = None, protects: str | None = None
) -> list[PlaybookHit]:
    """Playbooks in which every word of `text` starts a word somewhere (case-insensitive), best first.

    A word may match in any field; hits with more words in the title come first, then by title.
    `protects` is a metric id or an SLA objective as `contract_id/objective_id`. Empty text
    lists every playbook that passes the filters.
    """
    words = _words(text)
    hits: list[PlaybookHit] = []
    for playbook in program.playbooks.values():
        if channel and channel not in playbook_channels(playbook):
            continue
        if protects:
            as_objective = protects if "/" in protects else None
            as_metric = None if as_objective else protects
            if not _protects(program, playbook, metric=as_metric, objective=as_objective):
                continue
        fields = _fields(playbook)
        if not all(any(_found(word, value) for value in fields.values()) for word in words):
            continue
        matched = tuple(
            name for name in SEARCH_FIELDS if any(_found(word, fields[name]) for word in words)
        )
        title_words = sum(_found(word, fields["title"]) for word in words)
        hits.append(PlaybookHit(playbook, matched, title_words))
    return sorted(
        hits,
        key=lambda hit: (-hit.title_words, hit.playbook.metadata.title.casefold(), hit.playbook.id),
    )
