"""Checks on a SearchVocabulary beyond its shape: a phrase in two groups joins them by accident."""

from __future__ import annotations

from app.load.diagnostics import Diagnostic
from app.load.documents import LoadedDocument
from app.spec.vocabulary import SearchVocabulary, words


def _said(phrase: str) -> str:
    """A phrase as search reads it: "On-call" and "on call" are the same phrase."""
    return " ".join(words(phrase))


def vocabulary_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    vocabulary = doc.model_as(SearchVocabulary)
    found: list[Diagnostic] = []
    first: dict[str, int] = {}
    for group_index, group in enumerate(vocabulary.spec.synonyms):
        for phrase_index, phrase in enumerate(group):
            said = _said(phrase)
            if said not in first:
                first[said] = group_index
                continue
            where = first[said]
            found.append(
                doc.at(
                    ("spec", "synonyms", group_index, phrase_index),
                    "warning",
                    "vocabulary-phrase-twice",
                    f"“{phrase}” is already in synonym group {where + 1}"
                    if where != group_index
                    else f"“{phrase}” is twice in the same synonym group",
                    "a phrase in two groups makes both groups find each other's playbooks; "
                    "merge the groups or remove one of the two",
                )
            )
    ignored = {_said(word) for word in vocabulary.spec.ignore}
    for group_index, group in enumerate(vocabulary.spec.synonyms):
        for phrase_index, phrase in enumerate(group):
            if _said(phrase) in ignored:
                found.append(
                    doc.at(
                        ("spec", "synonyms", group_index, phrase_index),
                        "warning",
                        "vocabulary-ignored-synonym",
                        f"“{phrase}” is a synonym and also an ignored word",
                        "an ignored word never matches on its own; remove it from `ignore` or from the group",
                    )
                )
    return found
