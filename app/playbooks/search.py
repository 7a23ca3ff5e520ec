"""Find the right playbook from what the agent types: any word may match, best first, typos forgiven.

Each word the agent typed (or synonym phrase, see `app.playbooks.lexicon`) is a *unit*. A unit
matches a playbook field by its stem (1.0), as the start of a word while the agent is still typing
(0.8), or, failing both, as a typo of a word the playbooks or the vocabulary use (rapidfuzz's
Indel similarity, at least 75–80 %, scaled to at most 0.75). Its score in a playbook is the best
match times the field's weight — title 4, situation 3, tags 2, steps 1 — times how rare the unit
is across the playbooks (BM25's inverse document frequency), so "customer" counts for little and
"callback" for a lot. A playbook's score is the sum over units; the list holds every playbook
scoring at least `KEEP_SHARE` of the best one, so it narrows as the words get specific.

Filters: by channel, and by what a playbook "protects" (the metrics and SLA objectives it lists
under `spec.protects`). For an SLA objective, a playbook that protects the objective's metric
counts too: a CSAT playbook helps a contract's CSAT objective even when the author did not list
the objective itself.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from app.playbooks.lexicon import ConceptAt, Lexicon, Token, builtin_vocabulary
from app.spec.playbook import Playbook
from app.spec.program import Program

SEARCH_FIELDS: tuple[str, ...] = ("title", "situation", "tags", "steps")
"""In order of weight: a match in the title counts most."""
FIELD_WEIGHTS: Mapping[str, float] = {"title": 4.0, "situation": 3.0, "tags": 2.0, "steps": 1.0}
EXACT, PREFIX, SHORT_PREFIX, FUZZY = 1.0, 0.8, 0.6, 0.75
KEEP_SHARE = 0.3
"""A hit is listed when it scores at least this share of the best hit."""
MIN_PREFIX = 2
"""Shortest word that counts: a single letter (not a digit) would match everything."""


def fuzzy_cutoff(word: str) -> float | None:
    """The similarity (0–100) a typo needs to count, by word length; None: too short to guess."""
    if len(word) < 4:
        return None
    return 75.0 if len(word) == 4 else 80.0


@dataclass(frozen=True)
class Match:
    """One unit of the search found in a playbook, for the "why is this here" caption."""

    typed: str
    """What the agent typed, e.g. "call back" or "calback"."""
    found: str
    """The playbook's word or synonym group it matched, e.g. "callback"."""
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PlaybookHit:
    playbook: Playbook
    score: float
    matched: tuple[str, ...]
    """The fields (of `SEARCH_FIELDS`) in which some unit matched, in that order."""
    matches: tuple[Match, ...] = ()


@dataclass(frozen=True)
class _Unit:
    typed: str
    keys: Mapping[str, tuple[float, str]]
    """Index key → (match strength, what it is called in the playbooks)."""


class SearchIndex:
    """A program's playbooks, read once: per stem and synonym concept, the playbooks and fields."""

    def __init__(self, program: Program) -> None:
        self.lexicon = Lexicon(
            [builtin_vocabulary(), *program.vocabularies.values()],
            language=program.spec.default_locale,
        )
        self.playbooks: list[Playbook] = list(program.playbooks.values())
        self.postings: dict[str, dict[int, tuple[str, ...]]] = {}
        self.shown: dict[str, str] = {}
        """Index key → a word the playbooks use for it (the first seen)."""
        self.word_stems: dict[str, str] = {}
        for index, playbook in enumerate(self.playbooks):
            for field in SEARCH_FIELDS:
                for key in self._keys(_texts(playbook)[field]):
                    fields = self.postings.setdefault(key, {}).get(index, ())
                    if field not in fields:
                        self.postings[key][index] = (*fields, field)
        self.stems = sorted(k[2:] for k in self.postings if k.startswith("s:"))
        self.words = sorted(self.word_stems)
        self.typo_targets = sorted(set(self.word_stems) | self.lexicon.phrase_words)

    def _keys(self, text: str) -> set[str]:
        tokens = self.lexicon.tokens(text)
        keys: set[str] = set()
        for token in tokens:
            self.word_stems.setdefault(token.word, token.stem)
            self.shown.setdefault(f"s:{token.stem}", token.word)
            keys.add(f"s:{token.stem}")
        for found in self.lexicon.concepts([t.stem for t in tokens]):
            key = f"c:{found.concept.id}"
            self.shown.setdefault(key, found.concept.name)
            keys.add(key)
        return keys

    def _starting_with(self, sorted_words: list[str], prefix: str) -> Iterable[str]:
        at = bisect_left(sorted_words, prefix)
        while at < len(sorted_words) and sorted_words[at].startswith(prefix):
            yield sorted_words[at]
            at += 1

    def _corrected(self, token: Token) -> tuple[Token, float] | None:
        """The word a typo most likely meant, and how similar it is (0–100); None if none is close."""
        if f"s:{token.stem}" in self.postings or token.word in self.lexicon.phrase_words:
            return None
        cutoff = fuzzy_cutoff(token.word)
        if cutoff is None:
            return None
        best = process.extractOne(
            token.word, self.typo_targets, scorer=fuzz.ratio, score_cutoff=cutoff
        )
        if best is None:
            return None
        word, similarity = best[0], best[1]
        return Token(word, self.lexicon.stem(word)), similarity

    def _term_keys(self, token: Token, typing: bool) -> dict[str, tuple[float, str]]:
        keys: dict[str, tuple[float, str]] = {}

        def offer(key: str, strength: float) -> None:
            if key in self.postings and strength > keys.get(key, (0.0, ""))[0]:
                keys[key] = (strength, self.shown.get(key, key[2:]))

        offer(f"s:{token.stem}", EXACT)
        if len(token.word) >= MIN_PREFIX and (typing or len(token.word) >= 3):
            strength = PREFIX if len(token.word) >= 3 else SHORT_PREFIX
            for stem in self._starting_with(self.stems, token.stem):
                offer(f"s:{stem}", strength)
            for word in self._starting_with(self.words, token.word):
                offer(f"s:{self.word_stems[word]}", strength)
        if not keys:
            corrected = self._corrected(token)
            if corrected is not None:
                fixed, similarity = corrected
                offer(f"s:{fixed.stem}", FUZZY * similarity / 100)
        return keys

    def units(self, text: str) -> list[_Unit]:
        """What the agent typed, as units: synonym phrases first, then the remaining words."""
        tokens = self.lexicon.tokens(text)
        typing = bool(text) and not text[-1].isspace()
        read = [(self._corrected(t) or (t, 100.0))[0] for t in tokens]
        units: list[_Unit] = []
        covered: set[int] = set()
        found: list[ConceptAt] = self.lexicon.concepts([t.stem for t in read])
        for at in found:
            key = f"c:{at.concept.id}"
            if key in self.postings:
                typed = " ".join(t.word for t in tokens[at.start : at.end])
                units.append(_Unit(typed, {key: (EXACT, at.concept.name)}))
                covered.update(range(at.start, at.end))
        for position, token in enumerate(tokens):
            if position in covered or token.word in self.lexicon.ignored:
                continue
            if len(token.word) < MIN_PREFIX and not token.word.isdigit():
                continue  # a lone letter is the start of a word still being typed
            last = typing and position == len(tokens) - 1
            units.append(_Unit(token.word, self._term_keys(token, last)))
        return units

    def score(self, text: str, allowed: list[int]) -> list[PlaybookHit]:
        units = self.units(text)
        total = len(self.playbooks)
        scores: dict[int, float] = {}
        matches: dict[int, list[Match]] = {}
        allowed_set = set(allowed)
        for unit in units:
            best: dict[int, tuple[float, str, tuple[str, ...]]] = {}
            for key, (strength, found) in unit.keys.items():
                for index, fields in self.postings[key].items():
                    value = strength * FIELD_WEIGHTS[fields[0]]
                    if value > best.get(index, (0.0, "", ()))[0]:
                        best[index] = (value, found, fields)
            if not best:
                continue
            rarity = math.log(1 + (total - len(best) + 0.5) / (len(best) + 0.5))
            for index, (value, found, fields) in best.items():
                if index not in allowed_set:
                    continue
                scores[index] = scores.get(index, 0.0) + value * rarity
                matches.setdefault(index, []).append(Match(unit.typed, found, fields))
        if not scores:
            return []
        top = max(scores.values())
        hits = [
            PlaybookHit(
                self.playbooks[index],
                score,
                tuple(f for f in SEARCH_FIELDS if any(f in m.fields for m in matches[index])),
                tuple(matches[index]),
            )
            for index, score in scores.items()
            if score >= KEEP_SHARE * top
        ]
        return sorted(
            hits, key=lambda h: (-h.score, h.playbook.metadata.title.casefold(), h.playbook.id)
        )

    def searchable(self, text: str) -> bool:
        """Whether `text` holds anything to search for (not only ignored words or punctuation)."""
        return bool(self.units(text))


def _texts(playbook: Playbook) -> dict[str, str]:
    spec = playbook.spec
    steps = " ".join(
        " ".join(part for part in (step.instruction, step.escalation or "") if part)
        for step in spec.steps
    )
    return {
        "title": playbook.metadata.title,
        "situation": spec.situation,
        "tags": " ".join(spec.tags),
        "steps": steps,
    }


class _Same:
    """A program as a cache key by identity (it is immutable but not hashable)."""

    __slots__ = ("program",)

    def __init__(self, program: Program) -> None:
        self.program = program

    def __hash__(self) -> int:
        return id(self.program)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.program is self.program


@lru_cache(maxsize=16)
def _index(key: _Same) -> SearchIndex:
    return SearchIndex(key.program)


def search_index(program: Program) -> SearchIndex:
    """The program's index, built once per program object: search runs on every keystroke."""
    return _index(_Same(program))


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
    return sorted(found, key=_by_title)


def _by_title(playbook: Playbook) -> tuple[str, str]:
    return playbook.metadata.title.casefold(), playbook.id


def _filtered(
    program: Program, index: SearchIndex, *, channel: str | None, protects: str | None
) -> list[int]:
    allowed = []
    as_objective = protects if protects and "/" in protects else None
    as_metric = protects if protects and not as_objective else None
    for position, playbook in enumerate(index.playbooks):
        if channel and channel not in playbook_channels(playbook):
            continue
        if protects and not _protects(program, playbook, metric=as_metric, objective=as_objective):
            continue
        allowed.append(position)
    return allowed


def search_playbooks(
    program: Program, text: str = "", *, channel: str | None = None, protects: str | None = None
) -> list[PlaybookHit]:
    """Playbooks that match any word of `text`, best first (see the module's docstring).

    `protects` is a metric id or an SLA objective as `contract_id/objective_id`. Text with
    nothing to search for (empty, or only ignored words) lists every playbook that passes the
    filters, by title.
    """
    index = search_index(program)
    allowed = _filtered(program, index, channel=channel, protects=protects)
    if not index.searchable(text):
        everything = sorted((index.playbooks[i] for i in allowed), key=_by_title)
        return [PlaybookHit(playbook, 0.0, ()) for playbook in everything]
    return index.score(text, allowed)


def closest_playbooks(
    program: Program,
    text: str,
    *,
    channel: str | None = None,
    protects: str | None = None,
    limit: int = 3,
) -> list[Playbook]:
    """When nothing matches: the playbooks whose title, tags and situation look most like `text`.

    Whole-text similarity (rapidfuzz's WRatio) rather than words, so it always has an answer.
    """
    index = search_index(program)
    allowed = _filtered(program, index, channel=channel, protects=protects)
    choices = {
        position: " ".join(
            (index.playbooks[position].metadata.title, *index.playbooks[position].spec.tags)
        )
        for position in allowed
    }
    ranked = process.extract(
        text.casefold(), choices, scorer=fuzz.WRatio, processor=str.casefold, limit=limit
    )
    return [index.playbooks[position] for _, _, position in ranked]
