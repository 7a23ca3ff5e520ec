"""Parsed YAML → pydantic model, with every validation error located and explained for a manager.

Pydantic's error locations carry implementation details (the tag of a discriminated union such as
`service_level`, the branch names of a plain union such as `str` or `list[constrained-str]`,
`function-after[...]`). They are dropped by walking the location alongside the document's data:
a segment is kept only when the data really has it (or it is the missing key being reported).
"""

from __future__ import annotations

import difflib
import types
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from app.load.diagnostics import Diagnostic
from app.load.yamlsource import ParsedDocument
from app.spec.common import is_money

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int, ...]

_DURATION_HINT = (
    "spell the unit out, e.g. `20 seconds`, `15 minutes`, `2 hours`, `7 days` (never `1m`)"
)
_MONTH_HINT = "write a month as YYYY-MM, e.g. `2026-03`"
_DATE_HINT = "write a date as YYYY-MM-DD, e.g. `2026-03-31`"


def to_model(model: type[M], doc: ParsedDocument, file: str) -> tuple[M | None, list[Diagnostic]]:
    """Validate `doc` as `model`: the instance, or None and one diagnostic per problem."""
    instance, diagnostics, _ = validate_document(model, doc, file)
    return instance, diagnostics


def validate_document(
    model: type[M],
    doc: ParsedDocument,
    file: str,
    *,
    limit: int | None = None,
    suggestions: int | None = None,
) -> tuple[M | None, list[Diagnostic], int]:
    """`to_model` with bounds: at most `limit` diagnostics, and how many more problems there are.

    `suggestions` caps how many of them search for a "did you mean" (a fuzzy match per unknown
    key adds up over a file of a hundred thousand mistyped keys); None: no bound.
    """
    try:
        return model.model_validate(doc.data), [], 0
    except ValidationError as exc:
        return None, *_diagnostics(model, doc, file, exc, limit, suggestions)


def _diagnostics(
    model: type[BaseModel],
    doc: ParsedDocument,
    file: str,
    exc: ValidationError,
    limit: int | None,
    suggestions: int | None,
) -> tuple[list[Diagnostic], int]:
    seen: set[str] = set()
    out: list[Diagnostic] = []
    errors = exc.errors(include_url=False)
    for index, error in enumerate(errors):
        if limit is not None and len(out) >= limit:
            return out, len(errors) - index
        loc, pruned = clean_loc(tuple(error["loc"]), doc.data, error["type"])
        if error["type"] == "union_tag_invalid":
            loc = _with_tag_field(loc, doc.data, error)
        path = ".".join(str(part) for part in loc)
        if pruned and path in seen:
            continue  # the other branch of the same union said it already
        seen.add(path)
        suggest = suggestions is None or len(out) < suggestions
        message, hint = explain(model, loc, doc.data, error, suggest=suggest)
        if pruned and error["type"] in ("string_type", "list_type"):
            message, hint = _union_message(error, model, loc, doc.data)
        line, column = doc.locate(loc)
        out.append(
            Diagnostic(
                file, line, column, "error", _code(error["type"]), message, path=path, hint=hint
            )
        )
    return out, 0


def clean_loc(loc: Loc, data: Any, error_type: str) -> tuple[Loc, bool]:
    """The location as the author sees it, and whether pydantic-only segments were dropped."""
    kept: list[str | int] = []
    pruned = False
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        has_key = isinstance(current, dict) and part in current
        has_index = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if has_key or has_index:
            kept.append(part)
            current = current[part]
        elif last and isinstance(current, dict) and error_type == "missing":
            kept.append(part)
        else:
            pruned = True
    return tuple(kept), pruned


def _with_tag_field(loc: Loc, data: Any, error: ErrorDetails) -> Loc:
    """Point an unknown union tag at the field that holds it (`calculation.type`), not the mapping."""
    field = str((error.get("ctx") or {}).get("discriminator", "")).strip("'")
    value = error.get("input")
    return (*loc, field) if isinstance(value, dict) and field in value else loc


def _code(error_type: str) -> str:
    return {
        "missing": "schema-missing",
        "extra_forbidden": "schema-unknown-field",
        "literal_error": "schema-allowed-values",
        "union_tag_invalid": "schema-allowed-values",
        "union_tag_not_found": "schema-missing",
        "enum": "schema-allowed-values",
    }.get(error_type, "schema-invalid")


def _found(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return "`true`" if value else "`false`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = str(value)
    return f"`{text[:60]}…`" if len(text) > 60 else f"`{text}`"


def explain(
    model: type[BaseModel], loc: Loc, data: Any, error: ErrorDetails, *, suggest: bool = True
) -> tuple[str, str | None]:
    """A manager's message and hint for one pydantic error at the cleaned location `loc`.

    With `suggest` false the hint lists the allowed values instead of searching for a close one.
    """
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    name = str(loc[-1]) if loc else "document"
    if kind == "union_tag_invalid" and len(loc) > 1 and isinstance(value, dict):
        name = str(loc[-2])
    field = field_at(model, loc, data)
    described = field.description if field is not None and field.description else None
    if kind == "missing":
        return f"required field `{name}` is missing", described
    if kind == "extra_forbidden":
        allowed = allowed_keys(model, loc[:-1], data)
        return f"unknown field `{name}`", did_you_mean(name, allowed, suggest=suggest)
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "")
        hint = did_you_mean(
            str(value),
            [v.strip() for v in expected.replace(" or ", ", ").split(",")],
            suggest=suggest,
        )
        return (
            f"`{name}` must be one of {expected}; found {_found(value)}",
            hint or f"allowed values: {expected}",
        )
    if kind == "union_tag_invalid":
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        tag = str(ctx.get("tag", value))
        hint = did_you_mean(tag, [v.strip() for v in expected.split(",")], suggest=suggest)
        return f"unknown {name} type `{tag}`", hint or f"allowed values: {expected}"
    if kind == "union_tag_not_found":
        field = str(ctx.get("discriminator", "type")).strip("'")
        return f"`{name}` needs a `{field}` field", None
    text = str(error.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    hint = None
    if "duration with its unit" in text:
        hint = _DURATION_HINT
    elif "YYYY-MM " in text or "written YYYY-MM" in text:
        hint = _MONTH_HINT
    elif kind.startswith(("date_", "datetime_")):
        text = "expected a date"
        hint = _DATE_HINT
    elif kind == "string_pattern_mismatch" and str(ctx.get("pattern", "")).startswith("^[a-z0-9]"):
        text = "not a valid id"
        hint = "ids use lower-case letters, digits, `_` and `-`, e.g. `csat_to_85`"
    elif kind == "string_pattern_mismatch":
        text = "not in the expected form"
        examples = ", ".join(f"`{e}`" for e in (field.examples or [])) if field is not None else ""
        hint = (
            "; ".join(part for part in (described, f"e.g. {examples}" if examples else "") if part)
            or None
        )
    elif kind in (
        "float_parsing",
        "float_type",
        "int_parsing",
        "int_type",
        "decimal_parsing",
        "decimal_type",
    ):
        text = "expected a number"
    elif kind in ("model_type", "dict_type", "model_attributes_type"):
        text = "expected a mapping (fields indented under this key)"
    elif kind == "list_type":
        text = "expected a list (items starting with `- `)"
    elif kind == "string_type":
        text = "expected text"
    elif kind == "bool_type" or kind == "bool_parsing":
        text = "expected true or false"
    where = f"`{name}`: " if loc else ""
    if hint is None:
        hint = described
    if is_money(field):
        return f"{where}{text} (the value is not repeated here: it is an amount of money)", (
            "write the amount as a plain number, e.g. `40000` or `40000.00`: no thousands "
            "separators, no currency sign"
        )
    if "got " in text:
        return f"{where}{text}", hint
    return f"{where}{text}; found {_found(value)}", hint


def _union_message(
    error: ErrorDetails, model: type[BaseModel], loc: Loc, data: Any
) -> tuple[str, str | None]:
    name = str(loc[-1]) if loc else "document"
    return f"`{name}`: expected text or a list of texts; found {_found(error.get('input'))}", None


def did_you_mean(word: str, choices: list[str], *, suggest: bool = True) -> str | None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6) if suggest else []
    if close:
        return f"did you mean `{close[0]}`?"
    if choices:
        return "allowed here: " + ", ".join(f"`{c}`" for c in choices)
    return None


def allowed_keys(model: type[BaseModel], loc: Loc, data: Any) -> list[str]:
    """The keys (aliases such as `from` included) that the model accepts at `loc`."""
    target = model_at(model, loc, data)
    if target is None:
        return []
    return [field.alias or name for name, field in target.model_fields.items()]


def field_at(model: type[BaseModel], loc: Loc, data: Any) -> Any:
    """The pydantic FieldInfo of the last key of `loc`, or None (list items, unknown keys)."""
    if not loc or not isinstance(loc[-1], str):
        return None
    parent = model_at(model, loc[:-1], data)
    if parent is None:
        return None
    return next(
        (f for n, f in parent.model_fields.items() if (f.alias or n) == loc[-1] or n == loc[-1]),
        None,
    )


def model_at(model: type[BaseModel], loc: Loc, data: Any) -> type[BaseModel] | None:
    """The pydantic model that validates the mapping at `loc` (discriminated unions resolved by data)."""
    annotation: Any = model
    current = data
    for part in loc:
        target = _resolve(annotation, current)
        if isinstance(target, type) and issubclass(target, BaseModel):
            field = next(
                (f for n, f in target.model_fields.items() if (f.alias or n) == part or n == part),
                None,
            )
            if field is None:
                return None
            annotation = field.annotation
        elif target is list or get_origin(target) is list:
            args = get_args(target)
            annotation = args[0] if args else Any
        elif get_origin(target) is dict:
            args = get_args(target)
            annotation = args[1] if len(args) == 2 else Any
        else:
            return None
        current = (
            current.get(part)
            if isinstance(current, dict)
            else (
                current[part]
                if isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
                else None
            )
        )
    target = _resolve(annotation, current)
    return target if isinstance(target, type) and issubclass(target, BaseModel) else None


def _resolve(annotation: Any, data: Any) -> Any:
    """Unwrap Annotated/Optional/Union to the member that fits `data` (by `type` for tagged unions)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _resolve(get_args(annotation)[0], data)
    if origin is Union or origin is types.UnionType:
        members = [m for m in get_args(annotation) if m is not type(None)]
        if isinstance(data, dict):
            models = [_resolve(m, data) for m in members]
            models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
            tag = data.get("type")
            for candidate in models:
                field = candidate.model_fields.get("type")
                if (
                    field is not None
                    and get_origin(field.annotation) is Literal
                    and tag in get_args(field.annotation)
                ):
                    return candidate
            return models[0] if len(models) == 1 else None
        if isinstance(data, list):
            for member in members:
                resolved = _resolve(member, data)
                if resolved is list or get_origin(resolved) is list:
                    return resolved
        return _resolve(members[0], data) if len(members) == 1 else None
    return annotation
