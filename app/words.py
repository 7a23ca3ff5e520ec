"""Counting in words: "1 day", "70 days" — never "70 day(s)" in what people read."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """`count` and the noun in its number: `counted(1, "day")` → "1 day", `counted(3, "item")`
    → "3 items", `counted(2, "reply", "replies")`; counts take thousands separators."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"
