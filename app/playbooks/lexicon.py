"""How search reads text: words, their stems, synonym phrases and ignored words (no I/O but the built-in file).

Text is casefolded, apostrophes are dropped ("didn't" → "didnt") and split into words; each word
is reduced to its Snowball stem in the program's language ("called" → "call"). A synonym group
becomes a *concept*: wherever one of its phrases occurs, in a playbook or in what the agent typed,
the concept occurs, so "didn't call" and "callback" meet. Phrases are matched on stems, so
"called back" also covers "calling back".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import snowballstemmer
import yaml

from app.spec.vocabulary import SearchVocabulary, words

BUILTIN_FILE = Path(__file__).with_name("vocabulary.yaml")
MAX_PHRASE_WORDS = 6

SNOWBALL_LANGUAGES: dict[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "ne": "nepali",
    "nl": "dutch",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
"""ISO 639-1 code → Snowball algorithm. A language without a stemmer is searched by whole words."""


@dataclass(frozen=True)
class Token:
    word: str
    stem: str


@dataclass(frozen=True)
class Concept:
    id: str
    name: str
    """The group's first phrase, as the agent sees it in "matched …" captions."""


@dataclass(frozen=True)
class ConceptAt:
    concept: Concept
    start: int
    end: int
    """Token positions [start, end) that the phrase covers."""


@cache
def builtin_vocabulary() -> SearchVocabulary:
    """The vocabulary cxgov ships; `tests/playbooks/test_lexicon.py` validates it like a program file."""
    return SearchVocabulary.model_validate(yaml.safe_load(BUILTIN_FILE.read_text("utf-8")))


class Lexicon:
    """The reading rules for one program: language, synonym concepts, ignored words."""

    def __init__(self, vocabularies: Iterable[SearchVocabulary], *, language: str = "en") -> None:
        algorithm = SNOWBALL_LANGUAGES.get(language.split("-")[0])
        self._stemmer = snowballstemmer.stemmer(algorithm) if algorithm else None
        self._stems: dict[str, str] = {}
        self.ignored: frozenset[str] = frozenset()
        self.phrases: dict[tuple[str, ...], Concept] = {}
        self.phrase_words: set[str] = set()
        """Words that occur in some phrase: typo correction may aim at them too."""
        ignored: set[str] = set()
        for vocabulary in vocabularies:
            ignored.update(w for word in vocabulary.spec.ignore for w in words(word))
            for group in vocabulary.spec.synonyms:
                self._add_group(group)
        self.ignored = frozenset(ignored)

    def stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = self._stemmer.stemWord(word) if self._stemmer else word
            self._stems[word] = found
        return found

    def tokens(self, text: str) -> list[Token]:
        return [Token(word, self.stem(word)) for word in words(text)]

    def _add_group(self, group: Sequence[str]) -> None:
        self.phrase_words.update(w for phrase in group for w in words(phrase))
        keys = [tuple(self.stem(w) for w in words(phrase)) for phrase in group]
        keys = [key for key in keys if key and len(key) <= MAX_PHRASE_WORDS]
        joined = {self.phrases[key] for key in keys if key in self.phrases}
        concept = (
            Concept(f"concept{len(self.phrases)}", group[0])
            if not joined
            else min(joined, key=lambda c: int(c.id.removeprefix("concept")))
        )
        for key in keys:
            self.phrases[key] = concept
        for other in joined - {concept}:  # groups that share a phrase become one concept
            for key, found in list(self.phrases.items()):
                if found == other:
                    self.phrases[key] = concept

    def concepts(self, stems: Sequence[str]) -> list[ConceptAt]:
        """The phrases in a sequence of stems, left to right, the longest at each place, not overlapping."""
        found: list[ConceptAt] = []
        start = 0
        while start < len(stems):
            for length in range(min(MAX_PHRASE_WORDS, len(stems) - start), 0, -1):
                concept = self.phrases.get(tuple(stems[start : start + length]))
                if concept is not None:
                    found.append(ConceptAt(concept, start, start + length))
                    start += length
                    break
            else:
                start += 1
        return found
