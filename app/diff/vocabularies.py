"""What a change to a SearchVocabulary does: which phrases now find each other's playbooks."""

from __future__ import annotations

from app.diff.change import Change, Maker
from app.spec.vocabulary import SearchVocabulary


def removed_vocabulary(vocabulary: SearchVocabulary, make: Maker) -> Change:
    return make(
        "removed", "info", f"search vocabulary “{vocabulary.metadata.title}” removed", side="base"
    )


def _groups(vocabulary: SearchVocabulary) -> set[tuple[str, ...]]:
    return {tuple(group) for group in vocabulary.spec.synonyms}


def vocabulary_changes(base: SearchVocabulary, head: SearchVocabulary) -> list[Change]:
    make = Maker("SearchVocabulary", head.id)
    before, after = _groups(base), _groups(head)
    out = [
        make("synonyms", "info", f"synonyms added: {', '.join(group)}", ("spec", "synonyms"))
        for group in sorted(after - before)
    ]
    out += [
        make(
            "synonyms",
            "info",
            f"synonyms removed: {', '.join(group)}",
            ("spec", "synonyms"),
            side="base",
        )
        for group in sorted(before - after)
    ]
    added = sorted(set(head.spec.ignore) - set(base.spec.ignore))
    dropped = sorted(set(base.spec.ignore) - set(head.spec.ignore))
    if added:
        out.append(
            make("ignore", "info", f"ignored words added: {', '.join(added)}", ("spec", "ignore"))
        )
    if dropped:
        out.append(
            make(
                "ignore", "info", f"ignored words removed: {', '.join(dropped)}", ("spec", "ignore")
            )
        )
    return out
