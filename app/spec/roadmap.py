"""The 0–30 / 31–90 / 91–180 / 181–365-day roadmap, counted from the program's start date."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from app.spec.common import Document, Id, Strict

HORIZON_DAYS = 365


class Item(Strict):
    """A piece of work on the roadmap. Give exactly one of `due` (a date) or `due_day` (days
    after the program's start date)."""

    id: Id = Field(description="The item's id, unique within the roadmap.")
    title: str = Field(min_length=1, description="What will be done.")
    owner: str | None = Field(default=None, description="Who delivers it.")
    due: date | None = Field(default=None, description="The due date, YYYY-MM-DD.")
    due_day: int | None = Field(
        default=None, ge=0, description="Day offset from the program start."
    )
    status: Literal["planned", "in_progress", "done", "blocked"] = Field(
        default="planned",
        description="Where the work stands; `blocked` shows as slipping even before it is due.",
    )
    completed_on: date | None = Field(
        default=None, description="When a `done` item was finished (later than due: done late)."
    )
    blocked_reason: str | None = Field(
        default=None, description="What blocks a `blocked` item, for the committee to remove."
    )
    goals: list[Id] = Field(default_factory=list, description="Goal ids this item serves.")

    @model_validator(mode="after")
    def _one_due(self) -> Item:
        if (self.due is None) == (self.due_day is None):
            raise ValueError(
                "an item has exactly one of `due` (a date) or `due_day` (days from the program start)"
            )
        return self


class Phase(Strict):
    """A phase of the roadmap, days `from_day` to `to_day` after the program's start date
    (0–30, 31–90, 91–180, 181–365). Everything stays within 365 days of the start."""

    id: Id = Field(description="The phase's id, unique within the roadmap.")
    title: str = Field(
        min_length=1,
        description="The phase's name, e.g. `Days 0–30: measure and stop the bleeding`.",
    )
    from_day: int = Field(ge=0, description="First day of the phase, counted from the start date.")
    to_day: int = Field(
        ge=0, description="Last day of the phase; not before `from_day`, at most 365."
    )
    items: list[Item] = Field(default_factory=list, description="The work planned in this phase.")

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.to_day < self.from_day:
            raise ValueError("to_day is before from_day")
        return self


class RoadmapSpec(Strict):
    """The phases of the roadmap and their items."""

    phases: list[Phase] = Field(min_length=1, description="The phases, in order.")


class Roadmap(Document):
    """The 0–30 / 31–90 / 91–180 / 181–365-day roadmap, counted from the program's start date:
    phases of work items, each linked to the goals it serves."""

    KIND: ClassVar[str] = "Roadmap"
    kind: Literal["Roadmap"] = Field(description="`Roadmap`.")
    spec: RoadmapSpec = Field(description="The phases and their items.")


def item_due_date(item: Item, start: date) -> date:
    """An item's due date, from `due` or from `due_day` days after the program start."""
    from datetime import timedelta

    return item.due if item.due is not None else start + timedelta(days=item.due_day or 0)
