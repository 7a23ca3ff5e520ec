"""Shapes shared by every document kind: the envelope, ids, durations, scopes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

API_VERSION = "cxgov/v1"


class Strict(BaseModel):
    """Base of every spec model: unknown fields are errors and documents are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9_\-]{0,62}$",
        description="Lower-case letters, digits, '_' and '-'; unique per kind.",
        examples=["csat_to_85"],
    ),
]

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+(second|minute|hour|day|week)s?\s*$")
UNIT_SECONDS: dict[str, int] = {
    "second": 1,
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
}


def duration_seconds(text: str) -> float:
    """Seconds in a duration written with its unit spelled out ("15 minutes", "2 hours")."""
    match = _DURATION_RE.match(text)
    if not match:
        raise ValueError(
            f"expected a duration with its unit spelled out, such as '20 seconds', '15 minutes', "
            f"'2 hours' or '7 days'; got {text!r}"
        )
    return float(match.group(1)) * UNIT_SECONDS[match.group(2)]


def _check_duration(text: str) -> str:
    duration_seconds(text)
    return text.strip()


Duration = Annotated[
    str,
    AfterValidator(_check_duration),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\s*\d+(\.\d+)?\s+(second|minute|hour|day|week)s?\s*$",
            "description": "A number and a spelled-out unit: seconds, minutes, hours, days or weeks.",
            "examples": ["20 seconds", "15 minutes", "2 hours"],
        }
    ),
]


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown IANA timezone {name!r} (e.g. 'Europe/Berlin', 'America/Los_Angeles', 'UTC')"
        ) from None
    return name


TimeZoneName = Annotated[
    str, AfterValidator(_check_timezone), Field(examples=["America/Los_Angeles"])
]

Currency = Annotated[
    str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code", examples=["USD", "EUR"])
]

Percent = Annotated[float, Field(ge=0, le=100)]


class _MoneyMarker:
    """Marks a field that holds an amount of money: diagnostics never quote its value."""

    def __repr__(self) -> str:
        return "MONEY"


MONEY = _MoneyMarker()
Money = Annotated[Decimal, Field(ge=0), MONEY]
"""A non-negative amount in the document's currency (fees, caps)."""


def is_money(field: Any) -> bool:
    """Whether a pydantic FieldInfo (or an annotation) is, or may be, a `Money` amount."""
    if field is None:
        return False
    if MONEY in (getattr(field, "metadata", None) or ()):
        return True
    annotation = getattr(field, "annotation", field)
    return MONEY in get_args(annotation) or any(
        is_money(arg) for arg in get_args(annotation) if arg is not type(None)
    )


ScopeValue = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-. ]*$")]


def scope_form(text: str) -> str:
    """A value the way imports store a scope dimension and scopes match it: lower case, each run
    of blanks one underscore (`Account Access` → `account_access`, `Phone` → `phone`)."""
    return "_".join(text.lower().split())


class Scope(Strict):
    """Which contacts a number is about. An absent dimension means "all"; a list means "any of"."""

    DIMENSIONS: ClassVar[tuple[str, ...]] = ("channel", "queue", "team", "priority", "segment")

    channel: ScopeValue | list[ScopeValue] | None = Field(
        default=None,
        description="The channels the contacts came in on (one or more), as the exports name them: "
        "`phone`, `chat`, `email`, `social`…",
    )
    queue: ScopeValue | list[ScopeValue] | None = Field(
        default=None,
        description="The help-desk queues (one or more), e.g. `billing` or `escalations`.",
    )
    team: ScopeValue | list[ScopeValue] | None = Field(
        default=None, description="The support teams that handled the contacts (one or more)."
    )
    priority: ScopeValue | list[ScopeValue] | None = Field(
        default=None, description="The contact priority or priorities, e.g. `critical`, `high`."
    )
    segment: ScopeValue | list[ScopeValue] | None = Field(
        default=None,
        description="The customer segments or accounts (one or more), e.g. `enterprise`, or one "
        "customer for a contract's own measurement.",
    )

    def filters(self) -> dict[str, tuple[str, ...]]:
        """Dimension → allowed values, only for the dimensions this scope restricts."""
        out: dict[str, tuple[str, ...]] = {}
        for dim in self.DIMENSIONS:
            value = getattr(self, dim)
            if value is None:
                continue
            values = (value,) if isinstance(value, str) else tuple(value)
            out[dim] = tuple(sorted(set(values)))
        return out

    def key(self) -> str:
        """Canonical text form, e.g. `channel=chat,email;priority=high`; `""` for everything."""
        return ";".join(f"{dim}={','.join(values)}" for dim, values in self.filters().items())

    @classmethod
    def from_key(cls, key: str) -> Scope:
        if not key:
            return cls()
        parts: dict[str, Any] = {}
        for part in key.split(";"):
            dim, _, values = part.partition("=")
            items = values.split(",")
            parts[dim] = items[0] if len(items) == 1 else items
        return cls(**parts)

    def is_all(self) -> bool:
        return not self.filters()

    def describe(self) -> str:
        return (
            ", ".join(f"{dim} {' or '.join(values)}" for dim, values in self.filters().items())
            or "all contacts"
        )


class Metadata(Strict):
    """Who and what a document is: the same four fields for every kind."""

    id: Id = Field(
        description="The document's id, unique among documents of its kind; other documents, "
        "the store's history and the app refer to it by this id."
    )
    title: str = Field(
        min_length=1, description="A title people read in the app, the reviews and the diff."
    )
    owner: str | None = Field(
        default=None, description="Who answers for this document (name or e-mail)."
    )
    description: str | None = Field(
        default=None, description="Background in plain language: why it exists, what it covers."
    )
    labels: dict[str, str] = Field(
        default_factory=dict,
        description="Free key/value pairs for your own grouping and filtering; cxgov does not "
        "interpret them.",
    )


class Document(Strict):
    """The envelope every cxgov YAML document shares (the shape Kubernetes and OpenSLO use)."""

    KIND: ClassVar[str] = ""

    apiVersion: Literal["cxgov/v1"] = Field(
        description="The version of the document format; always `cxgov/v1`."
    )
    metadata: Metadata = Field(description="The document's id, title, owner and labels.")

    @property
    def id(self) -> str:
        return self.metadata.id
