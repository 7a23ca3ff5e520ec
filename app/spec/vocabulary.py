"""Search vocabulary: the words agents and customers use for what the playbooks call something else.

cxgov ships a small English vocabulary (`app/playbooks/vocabulary.yaml`); a program extends it
with its own `SearchVocabulary` documents under playbooks/, owned by whoever owns the playbooks.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import Field

from app.spec.common import Document, Strict

_APOSTROPHES = re.compile(r"['’ʼ`´]")
_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words search sees in a text: casefolded, apostrophes dropped ("Didn't" → "didnt")."""
    return _WORD.findall(_APOSTROPHES.sub("", text.casefold()))


Phrase = Annotated[
    str,
    Field(
        min_length=1,
        max_length=60,
        pattern=r"\w",
        description="One or more words, written as people say them ('call back', \"didn't call\").",
    ),
]


class VocabularySpec(Strict):
    """Synonym groups and ignored words for the agents' playbook search."""

    synonyms: list[Annotated[list[Phrase], Field(min_length=2)]] = Field(
        default_factory=list,
        description="Groups of phrases that mean the same thing to a searching agent: a search "
        "for one finds playbooks that use any other of its group.",
        examples=[[["callback", "call back", "didn't call", "no call"]]],
    )
    ignore: list[Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[\w']+$")]] = Field(
        default_factory=list,
        description="Words that never count as a match on their own ('the', 'please').",
    )


class SearchVocabulary(Document):
    """Words the program's agents and customers use, added to cxgov's own search vocabulary."""

    KIND: ClassVar[str] = "SearchVocabulary"
    kind: Literal["SearchVocabulary"] = Field(description="`SearchVocabulary`.")
    spec: VocabularySpec = Field(description="Synonym groups and ignored words.")
