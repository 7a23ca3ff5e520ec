"""The YAML reference, generated from the pydantic models of every document kind.

Each kind gets a section with an example from the repository's own program, then one table per
object it holds: field, type, required or default, constraints and the field's description (its
`Field(description=...)`). Shared shapes (metadata, scope) and named value types (id, duration,
timezone…) are described once and linked. A discriminated union (a metric's calculation, an SLA
credit rule) gets one subsection per variant, selected by `type`.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from app.ingest.mapping import CANONICAL_FIELDS, CanonicalField, Mapping
from app.periods import Month
from app.spec import KINDS, Metadata, Scope
from app.spec.common import Currency, Duration, Id, Money, Percent, ScopeValue, TimeZoneName
from app.spec.program import LinkDomain
from scripts.docgen.markdown import GENERATED_NOTE, code, paragraphs, slug, table, text

REPO = Path(__file__).resolve().parents[2]
DOCUMENT_KINDS: tuple[type[BaseModel], ...] = (*KINDS.values(), Mapping)


@dataclass(frozen=True)
class NamedType:
    """A reusable value type with its own entry in the "Value types" section."""

    hint: object
    name: str
    meaning: str

    @property
    def anchor(self) -> str:
        return f"type-{slug(self.name)}"


NAMED_TYPES: tuple[NamedType, ...] = (
    NamedType(
        Id,
        "id",
        "Lower-case letters, digits, `_` and `-`, starting with a letter or digit, at most 63 "
        "characters (`csat_to_85`). Ids are unique per kind; other documents refer to a document "
        "by its id, so keep it when you rename or move a file.",
    ),
    NamedType(
        Duration,
        "duration",
        "A number and a unit spelled out: `20 seconds`, `15 minutes`, `2 hours`, `7 days`, "
        "`1 week` (singular or plural). Abbreviations such as `1m` are refused: in other SLO "
        "formats `1m` means a minute, and a month is easily meant.",
    ),
    NamedType(
        TimeZoneName,
        "timezone",
        "An IANA timezone name: `America/Los_Angeles`, `Europe/Berlin`, `UTC`.",
    ),
    NamedType(Currency, "currency", "An ISO 4217 code in capitals: `USD`, `EUR`, `GBP`."),
    NamedType(Percent, "percent", "A number from 0 to 100 (`5` means 5 %)."),
    NamedType(
        Money,
        "amount",
        "A money amount, not negative, in the document's currency: `40000`, `1250.50`. Kept "
        "exact (never a floating-point number), and never quoted back in a diagnostic, since "
        "diagnostics reach pull-request annotations.",
    ),
    NamedType(
        LinkDomain,
        "host name",
        "A host name in lower case, without scheme or path (`northwind.example`); it also allows "
        "its subdomains (`help.northwind.example`).",
    ),
    NamedType(
        ScopeValue,
        "scope value",
        "A value of a contact dimension as the contact exports carry it: starts with a letter or "
        "digit, then letters, digits, `_`, `-`, `.` or spaces (`chat`, `enterprise`, `Tier 2`).",
    ),
    NamedType(
        CanonicalField,
        "contact field",
        "One of the canonical contact fields: "
        + ", ".join(f"`{name}`" for name in CANONICAL_FIELDS)
        + " (see [Importing contact exports](../guides/managers.md#importing-contact-exports)).",
    ),
)

BASIC_TYPES: dict[object, tuple[str, str]] = {
    str: ("text", "Any text. Quote it when it starts with a character YAML reads specially."),
    int: ("integer", "A whole number."),
    float: ("number", "A number, whole or with decimals (`85`, `99.95`, `-10`)."),
    bool: ("boolean", "`true` or `false`."),
    date: ("date", "A calendar date written `YYYY-MM-DD` (`2027-03-31`)."),
    datetime: (
        "moment",
        "A date and time written `YYYY-MM-DDTHH:MM` (`2026-09-08T09:40`), local to the document's "
        "timezone unless it carries an offset (`2026-09-08T09:40-07:00`).",
    ),
    Month: ("month", "A calendar month written `YYYY-MM` (`2026-06`)."),
}


def _named(hint: object) -> NamedType | None:
    return next((named for named in NAMED_TYPES if named.hint == hint), None)


def _is_model(hint: object) -> bool:
    return inspect.isclass(hint) and issubclass(hint, BaseModel)


def _discriminated(hint: object) -> tuple[str, list[type[BaseModel]]] | None:
    """(discriminator, variants) for `Annotated[A | B, Field(discriminator=...)]`."""
    if get_origin(hint) is not Annotated:
        return None
    inner, *meta = get_args(hint)
    for item in meta:
        if isinstance(item, FieldInfo) and isinstance(item.discriminator, str):
            return item.discriminator, list(get_args(inner))
    return None


def _without_none(hint: object) -> list[object]:
    if get_origin(hint) in (Union, types.UnionType):
        return [arg for arg in get_args(hint) if arg is not type(None)]
    return [hint]


def _hints(model: type[BaseModel]) -> dict[str, Any]:
    return typing.get_type_hints(model, include_extras=True)


ENVELOPE = ("apiVersion", "kind", "metadata", "spec")


def fields_of(model: type[BaseModel]) -> Iterator[tuple[str, FieldInfo, Any]]:
    """(name as written in YAML, field, type hint) in the model's order; a document's envelope
    in the order documents are written (`apiVersion`, `kind`, `metadata`, `spec`)."""
    hints = _hints(model)
    names = sorted(
        model.model_fields,
        key=lambda n: ENVELOPE.index(n) if n in ENVELOPE else len(ENVELOPE),
    )
    for name in names:
        info = model.model_fields[name]
        yield info.alias or name, info, hints[name]


def human(model: type[BaseModel]) -> str:
    """`StatusTolerances` → "status tolerances" (the link text for an object type)."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", model.__name__)
    return words.lower().replace("sla ", "SLA ")


@dataclass
class Section:
    """One heading of the page: an object (a model) or a union of objects chosen by `type`.

    Objects are level-3 headings titled by their path (`spec.guardrails[]`); the variants of a
    union are level-4 headings under it, and objects nested in a variant follow all variants.
    """

    anchor: str
    title: str
    model: type[BaseModel] | None = None
    union: tuple[str, list[type[BaseModel]]] | None = None
    children: list[Section] = field(default_factory=list)


@dataclass
class Reference:
    """The sections of the page and where each model (and union) is described."""

    anchors: dict[object, str] = field(default_factory=dict)

    def link(self, target: object, label: str) -> str:
        return f"[{label}](#{self.anchors[target]})"

    # --- structure -------------------------------------------------------------------------

    def object_section(
        self, model: type[BaseModel], anchor: str, title: str, path: str | None
    ) -> Section:
        """The section of `model`; `path` is the YAML path its fields hang from (None: the
        document itself, whose fields are top-level)."""
        self.anchors[model] = anchor
        section = Section(anchor, title, model=model)
        for name, _info, hint in fields_of(model):
            where = name if path is None else f"{path}.{name}"
            section.children.extend(self._nested(hint, f"{anchor}-{slug(name)}", where))
        return section

    def _nested(self, hint: object, anchor: str, path: str) -> Iterator[Section]:
        union = _discriminated(hint)
        if union is not None:
            key = tuple(union[1])
            if key in self.anchors:
                return
            self.anchors[key] = anchor
            section = Section(anchor, path, union=union)
            for variant in union[1]:
                value = get_args(variant.model_fields[union[0]].annotation)[0]
                section.children.append(
                    self.object_section(
                        variant, f"{anchor}-{slug(value)}", f"{union[0]}: {value}", path
                    )
                )
            yield section
            return
        origin = get_origin(hint)
        if origin is Annotated:
            yield from self._nested(get_args(hint)[0], anchor, path)
        elif origin in (Union, types.UnionType):
            for arg in _without_none(hint):
                yield from self._nested(arg, anchor, path)
        elif origin is list:
            yield from self._nested(get_args(hint)[0], anchor, f"{path}[]")
        elif origin is dict:
            yield from self._nested(get_args(hint)[1], anchor, f"{path}.<name>")
        elif _is_model(hint) and hint not in self.anchors:
            yield self.object_section(hint, anchor, path, path)  # type: ignore[arg-type]

    # --- cells -----------------------------------------------------------------------------

    def type_cell(self, hint: object) -> str:
        named = _named(hint)
        if named is not None:
            return f"[{named.name}](#{named.anchor})"
        union = _discriminated(hint)
        if union is not None:
            return f"{self.link(tuple(union[1]), 'object')}, chosen by {code(union[0])}"
        origin = get_origin(hint)
        if origin is Annotated:
            return self.type_cell(get_args(hint)[0])
        if origin in (Union, types.UnionType):
            return " or ".join(self.type_cell(arg) for arg in _without_none(hint))
        if origin is Literal:
            values = [code(value) for value in get_args(hint)]
            return values[0] if len(values) == 1 else "one of " + ", ".join(values)
        if origin is list:
            return f"list of {self.type_cell(get_args(hint)[0])}"
        if origin is dict:
            key, value = get_args(hint)
            return f"mapping of {self.type_cell(key)} to {self.type_cell(value)}"
        if _is_model(hint):
            return self.link(hint, human(hint))  # type: ignore[arg-type]
        if hint in BASIC_TYPES:
            name = BASIC_TYPES[hint][0]
            return f"[{name}](#type-{slug(name)})"
        raise TypeError(f"no documentation rule for the type {hint!r}")


def default_cell(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    value = info.get_default(call_default_factory=True)
    if value is None:
        return "optional"
    if isinstance(value, BaseModel):
        return "optional (each field's default)"
    if isinstance(value, bool):
        return f"default {code(str(value).lower())}"
    if isinstance(value, list | tuple):
        return "default " + code("[" + ", ".join(map(str, value)) + "]")
    if isinstance(value, dict):
        return "default " + code("{}") if not value else "default " + code(value)
    return f"default {code(value)}"


def _constraint(item: object, hint: object) -> str:
    containers = (list, dict)
    is_container = get_origin(hint) in containers or hint in containers
    if isinstance(item, annotated_types.Ge):
        return f"≥ {item.ge}"
    if isinstance(item, annotated_types.Gt):
        return f"> {item.gt}"
    if isinstance(item, annotated_types.Le):
        return f"≤ {item.le}"
    if isinstance(item, annotated_types.Lt):
        return f"< {item.lt}"
    if isinstance(item, annotated_types.MinLen):
        if is_container:
            return f"at least {item.min_length} item" + ("s" if item.min_length > 1 else "")
        return "not empty" if item.min_length == 1 else f"at least {item.min_length} characters"
    if isinstance(item, annotated_types.MaxLen):
        unit = "items" if is_container else "characters"
        return f"at most {item.max_length} {unit}"
    pattern = getattr(item, "pattern", None)
    if isinstance(pattern, str):
        return f"matches {code(pattern)}"
    raise TypeError(f"no documentation rule for the constraint {item!r}")


def constraints_cell(info: FieldInfo, hint: object) -> str:
    """The field's own constraints; a named type's are described with the type."""
    inherited: set[str] = set()
    named = _named(hint)
    if named is not None:
        for meta in get_args(named.hint)[1:]:
            for item in getattr(meta, "metadata", [meta]):
                inherited.add(repr(item))
    own = [item for item in info.metadata if repr(item) not in inherited]
    return ", ".join(_constraint(item, hint) for item in own)


def field_rows(ref: Reference, model: type[BaseModel]) -> list[list[str]]:
    rows = []
    for name, info, hint in fields_of(model):
        rows.append(
            [
                code(name),
                ref.type_cell(hint),
                default_cell(info),
                constraints_cell(info, hint),
                text(info.description or ""),
            ]
        )
    return rows


def model_doc(model: type[BaseModel]) -> str:
    doc = model.__doc__
    if not doc or doc == BaseModel.__doc__:
        return ""
    return paragraphs(inspect.cleandoc(doc))


def example(kind: str) -> tuple[str, str] | None:
    """(file, text) of the first document of `kind` in the repository's program or mappings."""
    files = [
        REPO / "program.yaml",
        *sorted((REPO / "goals").glob("*.yaml")),
        *sorted((REPO / "playbooks").glob("*.yaml")),
        *sorted((REPO / "roadmap").glob("*.yaml")),
        REPO / "app" / "ingest" / "mappings" / "zendesk.yaml",
    ]
    for path in files:
        chunks = re.split(r"^---\s*$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        for chunk in chunks:
            if re.search(rf"^kind: {kind}\s*$", chunk, flags=re.MULTILINE):
                lines = [
                    line
                    for line in chunk.strip("\n").splitlines()
                    if "yaml-language-server" not in line
                ]
                while lines and lines[0].strip() in ("", "#"):
                    lines.pop(0)
                return path.relative_to(REPO).as_posix(), "\n".join(lines)
    return None


WHERE = {
    "Program": "`program.yaml` at the program root; exactly one per program.",
    "Metric": "any `*.yaml` under `goals/` (the example keeps them in `goals/metrics.yaml`).",
    "Goal": "any `*.yaml` under `goals/`.",
    "SLAContract": "any `*.yaml` under `goals/` (the example: `goals/sla-*.yaml`).",
    "Playbook": "any `*.yaml` under `playbooks/`.",
    "Roadmap": "any `*.yaml` under `roadmap/`.",
    "SearchVocabulary": "any `*.yaml` under `playbooks/` (the example: `playbooks/vocabulary.yaml`).",
    "ContactMapping": "a file you pass to `cxgov ingest --mapping FILE` (or upload in the app); "
    "the shipped profiles are in `app/ingest/mappings/`.",
}

INTRO = """\
# YAML reference

Every file of a cxgov program holds one or more YAML documents (separated by `---`). Each
document has the same envelope — `apiVersion: cxgov/v1`, `kind`, `metadata` and `spec` — and the
`kind`, not the file name, says what the document is. Unknown fields are errors (with a "did you
mean" hint), so a misspelt field is never silently ignored. `cxgov validate` checks everything on
this page and reports each mistake with file and line; the
[diagnostic codes](diagnostics.md) say what each message means.

Editors that speak the YAML language server complete and check these fields as you type when a
file starts with `# yaml-language-server: $schema=../schema/cxgov.json` (the JSON Schemas in
`schema/` are generated from the same models as this page, by `cxgov schema`).

How to read the tables: **required** fields must be given; "optional" fields may be left out
(nothing is assumed); "default" says what an absent field means. Constraints are checked on
load. Rules that tie several fields together are stated above the table.

| kind | what it holds |
| --- | --- |
"""


def kind_summary(kind: str, model: type[BaseModel]) -> str:
    doc = inspect.cleandoc(model.__doc__ or "").split("\n\n")[0]
    return f"| [{code(kind)}](#{slug(kind)}) | {text(doc)} |"


FIELD_HEADER = ["field", "type", "required / default", "constraints", "description"]


def _object_body(ref: Reference, model: type[BaseModel]) -> Iterator[str]:
    doc = model_doc(model)
    if doc:
        yield doc
        yield ""
    yield table(FIELD_HEADER, field_rows(ref, model))
    yield ""


def render_section(ref: Reference, section: Section) -> Iterator[str]:
    yield f"### {code(section.title)} {{ #{section.anchor} }}"
    yield ""
    if section.union is not None:
        key, variants = section.union
        values = [get_args(v.model_fields[key].annotation)[0] for v in variants]
        yield (
            f"One of {len(variants)} shapes, chosen by its {code(key)} field: "
            + ", ".join(f"[{code(value)}](#{section.anchor}-{slug(value)})" for value in values)
            + "."
        )
        yield ""
        for variant in section.children:
            yield f"#### {code(variant.title)} {{ #{variant.anchor} }}"
            yield ""
            assert variant.model is not None
            yield from _object_body(ref, variant.model)
        for variant in section.children:
            for child in variant.children:
                yield from render_section(ref, child)
        return
    assert section.model is not None
    yield from _object_body(ref, section.model)
    for child in section.children:
        yield from render_section(ref, child)


def render() -> str:
    ref = Reference()
    for named in NAMED_TYPES:
        ref.anchors[named.hint] = named.anchor
    shared = [
        ref.object_section(Metadata, "metadata", "metadata", "metadata"),
        ref.object_section(Scope, "scope", "scope", "scope"),
    ]
    kinds: list[tuple[str, type[BaseModel], Section]] = []
    for model in DOCUMENT_KINDS:
        kind = get_args(model.model_fields["kind"].annotation)[0]
        kinds.append((kind, model, ref.object_section(model, slug(kind), kind, None)))

    source = "the pydantic models in `app/spec/` and `app/ingest/mapping.py`"
    out = [GENERATED_NOTE.format(source=source), "", INTRO.rstrip("\n")]
    out.extend(kind_summary(kind, model) for kind, model, _ in kinds)
    out.append("")
    for kind, model, section in kinds:
        out.append(f"## {kind} {{ #{section.anchor} }}")
        out.append("")
        out.append(model_doc(model))
        out.append("")
        out.append(f"**Where:** {WHERE[kind]}")
        out.append("")
        found = example(kind)
        if found is not None:
            file, body = found
            out.append(f'??? example "Example: from `{file}`"')
            out.append("")
            out.append("    ```yaml")
            out.extend(f"    {line}".rstrip() for line in body.splitlines())
            out.append("    ```")
            out.append("")
        out.append(table(FIELD_HEADER, field_rows(ref, model)))
        out.append("")
        for child in section.children:
            out.extend(render_section(ref, child))
    out.append("## Shared shapes { #shared }")
    out.append("")
    out.append("Objects that several kinds use, described once.")
    out.append("")
    for section in shared:
        out.extend(render_section(ref, section))
    out.append("## Value types { #types }")
    out.append("")
    rows = [
        [f'<span id="{named.anchor}"></span>{named.name}', text(named.meaning)]
        for named in NAMED_TYPES
    ]
    rows.extend(
        [f'<span id="type-{slug(name)}"></span>{name}', text(meaning)]
        for name, meaning in BASIC_TYPES.values()
    )
    out.append(table(["type", "what to write"], rows))
    out.append("")
    return "\n".join(out)


def all_models() -> list[type[BaseModel]]:
    """Every model a document can hold, the document kinds first, each once."""
    seen: list[type[BaseModel]] = []

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for _name, _info, hint in fields_of(model):
            for sub in _models_in(hint):
                walk(sub)

    for model in DOCUMENT_KINDS:
        walk(model)
    return seen


def undocumented_fields() -> list[str]:
    """Every field of every document model (nested ones included) without its own description.

    A field whose only description is its value type's generic one ("ISO 4217 code") counts as
    undocumented: the reference must say what *this* field means.
    """
    generic = {
        info.description
        for named in NAMED_TYPES
        for info in get_args(named.hint)[1:]
        if isinstance(info, FieldInfo) and info.description
    }
    return [
        f"{model.__module__}.{model.__name__}.{name}"
        for model in all_models()
        for name, info, _hint in fields_of(model)
        if not (info.description or "").strip() or info.description in generic
    ]


def _models_in(hint: object) -> Iterator[type[BaseModel]]:
    if _is_model(hint):
        yield hint  # type: ignore[misc]
        return
    for arg in get_args(hint):
        if not isinstance(arg, FieldInfo):
            yield from _models_in(arg)
