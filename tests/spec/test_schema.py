"""The committed JSON Schemas match the models and accept the example program's documents."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from app.load import parse_yaml, program_files
from app.load.schema import render, schemas
from app.spec import KINDS

REPO = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO / "schema"


@pytest.mark.parametrize("name", sorted(schemas()))
def test_committed_schema_does_not_drift_from_the_models(name: str) -> None:
    committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
    assert committed == render(schemas()[name]), (
        f"run `cxgov schema --out schema` and commit {name}"
    )


def test_one_schema_per_kind_plus_the_combined_one() -> None:
    assert sorted(schemas()) == sorted([f"{kind.lower()}.json" for kind in KINDS] + ["cxgov.json"])


def _documents() -> list[tuple[str, int, dict]]:
    out = []
    for path in program_files(REPO):
        docs, diagnostics = parse_yaml(path.read_bytes(), path.name)
        assert diagnostics == []
        out.extend((path.relative_to(REPO).as_posix(), doc.line, doc.data) for doc in docs)
    return out


def test_every_example_file_points_editors_at_the_schema() -> None:
    for path in program_files(REPO):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=") and first.endswith(
            "schema/cxgov.json"
        ), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (SCHEMA_DIR / "cxgov.json").resolve(), path


def test_the_committed_schema_validates_the_example_program() -> None:
    validator = jsonschema.Draft202012Validator(
        json.loads((SCHEMA_DIR / "cxgov.json").read_text(encoding="utf-8"))
    )
    documents = _documents()
    assert len(documents) >= 20
    for file, line, data in documents:
        errors = [e.message for e in validator.iter_errors(data)]
        assert errors == [], f"{file}:{line}"


def test_the_schema_rejects_what_the_models_reject() -> None:
    validator = jsonschema.Draft202012Validator(
        json.loads((SCHEMA_DIR / "cxgov.json").read_text(encoding="utf-8"))
    )
    goal = next(data for _, _, data in _documents() if data["kind"] == "Goal")
    broken = {**goal, "spec": {**goal["spec"], "targte": goal["spec"].get("target")}}
    assert any("targte" in e.message for e in validator.iter_errors(broken))
    assert list(validator.iter_errors({**goal, "kind": "Gaol"}))
    metric = next(data for _, _, data in _documents() if data["kind"] == "Metric")
    wrong = {**metric, "spec": {**metric["spec"], "calculation": {"type": "csat", "scale": "five"}}}
    assert list(validator.iter_errors(wrong))
