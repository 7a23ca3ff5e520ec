"""Mapping files: how another export's columns, formats, timezones and values become canonical fields.

A mapping is a cxgov YAML document of kind `ContactMapping`. Each canonical field names the column
it comes from (or a constant), and optionally a timestamp format, the timezone of naive
timestamps, a value map ("Social media" → social), a unit for durations and whether a blank in a
later export keeps or clears the stored value. A few fields (abandoned, fcr) can instead be
derived from other columns by a declared rule (`derive`: tests combined with all/any, no code).
Only the columns a mapping names are ever read into the store: an export's other columns
(customer names, e-mail addresses, free text) are never stored, not even in the quarantine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from app.spec.common import Document, Scope, Strict, TimeZoneName
from app.store.tables import TICKET_STATUSES

FieldKind = Literal["id", "timestamp", "text", "seconds", "bool", "fcr", "rating", "status"]

CANONICAL_FIELDS: dict[str, FieldKind] = {
    "contact_id": "id",
    "created_at": "timestamp",
    "channel": "text",
    "queue": "text",
    "team": "text",
    "agent_id": "text",
    "customer_id": "text",
    "priority": "text",
    "segment": "text",
    "first_response_at": "timestamp",
    "resolved_at": "timestamp",
    "wait_seconds": "seconds",
    "abandoned": "bool",
    "talk_seconds": "seconds",
    "hold_seconds": "seconds",
    "wrap_seconds": "seconds",
    "fcr": "fcr",
    "csat": "rating",
    "nps": "rating",
    "ces": "rating",
    "status": "status",
}
"""The canonical contact fields, in the column order of the `generic` profile."""

STATUSES: tuple[str, ...] = TICKET_STATUSES
"""A ticket's canonical status; a profile maps its help desk's statuses onto these."""
VOCABULARY_FIELDS: tuple[str, ...] = Scope.DIMENSIONS
"""The fields goals and SLA objectives scope on (`Scope.DIMENSIONS`): stored the way scopes are
written — lower case, blanks as underscores (`Account Access` → `account_access`) — and each
value a profile's value map does not name is counted in the import summary."""

RATING_RANGES: dict[str, tuple[int, int]] = {"csat": (1, 5), "nps": (0, 10), "ces": (1, 7)}
REQUIRED_FIELDS: tuple[str, ...] = ("contact_id", "created_at")

CanonicalField = Literal[
    "contact_id",
    "created_at",
    "channel",
    "queue",
    "team",
    "agent_id",
    "customer_id",
    "priority",
    "segment",
    "first_response_at",
    "resolved_at",
    "wait_seconds",
    "abandoned",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "fcr",
    "csat",
    "nps",
    "ces",
    "status",
]
DurationUnit = Literal["milliseconds", "ms", "seconds", "minutes", "hours", "days"]
UNIT_FACTORS: dict[str, float] = {
    "milliseconds": 0.001,
    "ms": 0.001,
    "seconds": 1.0,
    "minutes": 60.0,
    "hours": 3600.0,
    "days": 86400.0,
}
Blanks = Literal["keep", "clear"]
DERIVABLE_KINDS: frozenset[str] = frozenset({"bool", "fcr"})
"""Field kinds a `derive` rule can produce: a yes/no flag (abandoned) or an FCR answer."""


class FieldMap(Strict):
    """Where one canonical field comes from and how its text is read."""

    column: str | None = Field(
        default=None, min_length=1, description="Header of the export column."
    )
    constant: str | None = Field(
        default=None, description="A fixed value for every row instead of a column."
    )
    alternatives: list[str] = Field(
        default_factory=list,
        description="Other headers the same column goes by in other versions of the export "
        "(Freshdesk's 'Survey results' is 'Satisfaction rating' in newer ones): the first present is read.",
    )
    optional: bool = Field(
        default=False, description="The column may be missing from the file (field unknown)."
    )
    format: str | None = Field(
        default=None,
        description="strptime format of a timestamp, e.g. '%d/%m/%Y %H:%M'; default ISO 8601.",
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="Timezone of naive timestamps in this column."
    )
    values: dict[str, str | None] = Field(
        default_factory=dict,
        description="Raw value → canonical value, matched case-insensitively; null means unknown.",
    )
    unit: DurationUnit | None = Field(
        default=None,
        description="Unit of a plain number in a duration column (default seconds; `ms` = "
        "milliseconds). HH:MM:SS, MM:SS and '5 min' / '30 s' values are read whatever the unit.",
    )
    blanks: Blanks | None = Field(
        default=None,
        description="A blank in a later export `keep`s the stored value or `clear`s it; "
        "default: the mapping's `blanks`.",
    )
    after: Literal["created_at"] | None = Field(
        default=None,
        description="The column is a duration after created_at (in `unit`), not a timestamp — e.g. 'First reply time in minutes'.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> FieldMap:
        if (self.column is None) == (self.constant is None):
            raise ValueError("give exactly one of `column` or `constant`")
        if self.after and self.unit is None:
            raise ValueError(
                "`after: created_at` needs the duration's `unit` (seconds, minutes, hours or days)"
            )
        return self

    def value_map(self) -> dict[str, str | None]:
        return {key.strip().casefold(): value for key, value in self.values.items()}


class Condition(Strict):
    """One test on one column of a row, for a `derive` rule: give `present` or one comparison."""

    column: str = Field(min_length=1, description="Header of the export column tested.")
    present: bool | None = Field(
        default=None, description="true: the column is not blank; false: it is blank."
    )
    equals: str | float | None = Field(
        default=None,
        description="The value equals this: numerically when it is a number, else as text "
        "(case-insensitively). A blank value makes the test unknown.",
    )
    one_of: list[str] | None = Field(
        default=None,
        min_length=1,
        description="The value is one of these texts (case-insensitively); blank: unknown.",
    )
    at_least: float | None = Field(
        default=None, description="The value is a number at least this; blank: unknown."
    )
    at_most: float | None = Field(
        default=None, description="The value is a number at most this; blank: unknown."
    )

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [
            name
            for name in ("present", "equals", "one_of", "at_least", "at_most")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of `present`, `equals`, `one_of`, `at_least` or `at_most` "
                f"(found {', '.join(given) or 'none'})"
            )
        return self


class Rule(Strict):
    """A field derived from other columns: true ("yes" for FCR) when the tests hold, false ("no")
    when they do not, unknown when a test cannot tell (a compared value is blank)."""

    all: list[Condition] | None = Field(
        default=None, min_length=1, description="Every test must hold."
    )
    any: list[Condition] | None = Field(
        default=None, min_length=1, description="At least one test must hold."
    )
    when: list[Condition] = Field(
        default_factory=list,
        description="The rule applies only to rows where all these tests hold; elsewhere the "
        "field is unknown (e.g. abandoned only for contacts that were queued).",
    )

    @model_validator(mode="after")
    def _one_list(self) -> Rule:
        if (self.all is None) == (self.any is None):
            raise ValueError("give exactly one of `all` or `any`")
        return self

    @property
    def tests(self) -> list[Condition]:
        """The rule's tests, then its `when` tests."""
        return [*(self.all if self.all is not None else (self.any or [])), *self.when]


class MappingSpec(Strict):
    """Which export this is, how its file is written, and where each contact field comes from.

    `contact_id` and `created_at` must be mapped; everything else may be left out.
    """

    source: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9_\-]*$",
        description="Stored with every contact: contact ids are unique per source.",
    )
    delimiter: str = Field(
        default=",", min_length=1, max_length=1, description="The character between columns."
    )
    encoding: str = Field(
        default="utf-8-sig", description="File encoding; the default also strips a BOM."
    )
    timezone: TimeZoneName | None = Field(
        default=None, description="Timezone of naive timestamps; default: the program's timezone."
    )
    timestamp_format: str | None = Field(
        default=None, description="Default strptime format for timestamp columns."
    )
    blanks: Blanks = Field(
        default="keep",
        description="A blank in a later export of a contact already stored: `keep` the stored "
        "value (blank means unknown) or `clear` it (the answer was withdrawn). A bad value "
        "always keeps it.",
    )
    fields: dict[CanonicalField, FieldMap] = Field(
        description="Canonical field → column header (shorthand) or a full field mapping."
    )
    derive: dict[CanonicalField, Rule] = Field(
        default_factory=dict,
        description="Fields derived from other columns by a declared rule, e.g. abandoned = "
        "queued and no agent (for `abandoned` and `fcr`).",
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _expand_shorthand(cls, fields: Any) -> Any:
        if isinstance(fields, dict):
            return {
                name: {"column": spec} if isinstance(spec, str) else spec
                for name, spec in fields.items()
            }
        return fields

    @field_validator("fields")
    @classmethod
    def _required_fields(cls, fields: dict[str, FieldMap]) -> dict[str, FieldMap]:
        missing = [name for name in REQUIRED_FIELDS if name not in fields]
        if missing:
            raise ValueError(
                f"every mapping needs {' and '.join(missing)}: a contact cannot be placed without them"
            )
        return fields

    @model_validator(mode="after")
    def _kinds_fit(self) -> MappingSpec:
        for name, spec in self.resolved().items():
            kind = CANONICAL_FIELDS[name]
            if spec.after and kind != "timestamp":
                raise ValueError(f"fields.{name}: `after` only applies to timestamp fields")
            if spec.after and name == "created_at":
                raise ValueError("fields.created_at cannot be `after` itself")
            if spec.unit and kind != "seconds" and not spec.after:
                raise ValueError(f"fields.{name}: `unit` only applies to durations")
            if name in REQUIRED_FIELDS and spec.optional:
                raise ValueError(f"fields.{name} cannot be optional")
        for name in self.derive:
            if name in self.fields:
                raise ValueError(f"derive.{name}: the field is mapped in `fields` too; keep one")
            if CANONICAL_FIELDS[name] not in DERIVABLE_KINDS:
                raise ValueError(
                    f"derive.{name}: only yes/no fields (abandoned) and fcr can be derived"
                )
        return self

    def blanks_of(self, name: str) -> Blanks:
        """What a blank of field `name` does to a stored value."""
        field = self.resolved().get(name)
        return field.blanks if field is not None and field.blanks else self.blanks

    def resolved(self) -> dict[str, FieldMap]:
        """Every mapped field as a full FieldMap (shorthand strings expanded), in canonical order."""
        return {name: self.fields[name] for name in CANONICAL_FIELDS if name in self.fields}


class Mapping(Document):
    """How a help desk's contact export maps onto cxgov's contact fields: columns, timestamp
    formats, timezones, value maps, duration units, derived fields and what a blank does."""

    KIND: ClassVar[str] = "ContactMapping"
    kind: Literal["ContactMapping"] = Field(description="`ContactMapping`.")
    spec: MappingSpec = Field(description="The source name, file format and field mappings.")


PROFILES_DIR = Path(__file__).resolve().parent / "mappings"
