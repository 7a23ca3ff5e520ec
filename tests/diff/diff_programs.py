"""The diff tests' fixture program as plain YAML data, and Programs built from edited copies of it.

Building a Program straight from the spec models keeps the pure comparison's tests independent of
the loader; the CLI tests load real git checkouts through `app.load`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from app.diff import Change, compare
from app.spec import KINDS, Program
from app.spec.program import Source

FIXTURE = Path(__file__).resolve().parent / "fixture"

Docs = list[tuple[str, dict[str, Any]]]


def fixture_docs() -> Docs:
    out: Docs = []
    for path in sorted(FIXTURE.rglob("*.yaml")):
        rel = path.relative_to(FIXTURE).as_posix()
        out += [(rel, doc) for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return out


def build(docs: Docs) -> Program:
    groups: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    sources: dict[tuple[str, str], Source] = {}
    for file, data in docs:
        model = KINDS[data["kind"]].model_validate(data)
        groups[data["kind"]][model.id] = model
        sources[(data["kind"], model.id)] = Source(file=file, line=1)
    [settings] = groups["Program"].values()
    return Program(
        settings=settings,
        metrics=groups["Metric"],
        goals=groups["Goal"],  # type: ignore[arg-type]
        contracts=groups["SLAContract"],
        playbooks=groups["Playbook"],
        roadmaps=groups["Roadmap"],
        sources=sources,
    )


def edited(kind: str, doc_id: str, edit: Callable[[dict[str, Any]], None]) -> Docs:
    docs = copy.deepcopy(fixture_docs())
    [target] = [d for _, d in docs if d["kind"] == kind and d["metadata"]["id"] == doc_id]
    edit(target)
    return docs


def without(kind: str, doc_id: str) -> Docs:
    return [
        (f, d)
        for f, d in fixture_docs()
        if not (d["kind"] == kind and d["metadata"]["id"] == doc_id)
    ]


def diff_after(kind: str, doc_id: str, edit: Callable[[dict[str, Any]], None]) -> list[Change]:
    return compare(build(fixture_docs()), build(edited(kind, doc_id, edit)))


def one(changes: list[Change], category: str) -> Change:
    found = [c for c in changes if c.category == category]
    assert len(found) == 1, f"expected one {category!r} change, got {changes}"
    return found[0]
