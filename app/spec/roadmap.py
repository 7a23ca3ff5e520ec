"""The 0–30 / 31–90 / 91–180 / 181–365-day roadmap, counted from the program's start date."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from app.spec.common import Document, Id, Strict

HORIZON_DAYS = 365


class Item(Strict):
    id: Id
    title: str = Field(min_length=1)
    owner: str | None = None
    due: date | None = None
    due_day: int | None = Field(
        default=None, ge=0, description="Day offset from the program start."
    )
    status: Literal["planned", "in_progress", "done", "blocked"] = "planned"
    completed_on: date | None = None
    blocked_reason: str | None = None
    goals: list[Id] = Field(default_factory=list, description="Goal ids this item serves.")

    @model_validator(mode="after")
    def _one_due(self) -> Item:
        if (self.due is None) == (self.due_day is None):
            raise ValueError(
                "an item has exactly one of `due` (a date) or `due_day` (days from the program start)"
            )
        return self


class Phase(Strict):
    id: Id
    title: str = Field(min_length=1)
    from_day: int = Field(ge=0)
    to_day: int = Field(ge=0)
    items: list[Item] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.to_day < self.from_day:
            raise ValueError("to_day is before from_day")
        return self


class RoadmapSpec(Strict):
    phases: list[Phase] = Field(min_length=1)


class Roadmap(Document):
    KIND: ClassVar[str] = "Roadmap"
    kind: Literal["Roadmap"]
    spec: RoadmapSpec


def item_due_date(item: Item, start: date) -> date:
    """An item's due date, from `due` or from `due_day` days after the program start."""
    from datetime import timedelta

    return item.due if item.due is not None else start + timedelta(days=item.due_day or 0)
