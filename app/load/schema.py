"""JSON Schemas of the document kinds, generated from the pydantic models (by alias).

`cxgov.json` accepts any kind: the `kind` field selects the schema that applies, so one
`# yaml-language-server: $schema=…/cxgov.json` line serves every file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from app.spec import KINDS

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def kind_schema(kind: str) -> dict[str, Any]:
    schema = KINDS[kind].model_json_schema(by_alias=True, mode="validation")
    return {"$schema": DRAFT, "$id": f"{kind.lower()}.json", **schema}


def combined_schema() -> dict[str, Any]:
    """One schema for every kind, dispatching on `kind` with if/then (editors show the right fields)."""
    refs, top = models_json_schema(
        [(cls, "validation") for cls in KINDS.values()],
        by_alias=True,
        ref_template="#/$defs/{model}",
    )
    branches = [
        {
            "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
            "then": refs[(cls, "validation")],
        }
        for kind, cls in KINDS.items()
    ]
    return {
        "$schema": DRAFT,
        "$id": "cxgov.json",
        "title": "cxgov document",
        "description": "Any cxgov/v1 document; `kind` selects its schema.",
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {"apiVersion": {"const": "cxgov/v1"}, "kind": {"enum": list(KINDS)}},
        "allOf": branches,
        "$defs": top.get("$defs", {}),
    }


def schemas() -> dict[str, dict[str, Any]]:
    """File name → schema, for every kind plus cxgov.json."""
    out = {f"{kind.lower()}.json": kind_schema(kind) for kind in KINDS}
    out["cxgov.json"] = combined_schema()
    return out


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas().items():
        path = folder / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written
