"""Stand-in for `app.cli.common.load_or_exit` until the shared loader lands; delete it then.

Reads program.yaml and every *.yaml/*.yml under goals/, playbooks/ and roadmap/ with safe YAML
loading and the spec models; on any problem it exits 1 and points to `cxgov validate`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
import yaml
from pydantic import ValidationError

from app.spec.program import KINDS, Program, ProgramSettings


def load_or_exit(root: Path) -> Program:
    by_kind: dict[str, dict[str, Any]] = {kind: {} for kind in KINDS}
    try:
        files = [root / "program.yaml"] + [
            p for folder in ("goals", "playbooks", "roadmap") for p in sorted((root / folder).rglob("*.y*ml"))
        ]
        for path in files:
            for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
                if isinstance(document, dict) and document.get("kind") in KINDS:
                    model = KINDS[document["kind"]].model_validate(document)
                    by_kind[document["kind"]][model.id] = model
        [settings] = by_kind["Program"].values()
    except (OSError, ValueError, yaml.YAMLError, ValidationError) as exc:
        typer.echo(f"cxgov: cannot read the program at {root}: {type(exc).__name__}. "
                   "Run `cxgov validate` for the details.", err=True)
        raise typer.Exit(code=1) from None
    assert isinstance(settings, ProgramSettings)
    return Program(settings=settings, metrics=by_kind["Metric"], goals=by_kind["Goal"],
                   contracts=by_kind["SLAContract"], playbooks=by_kind["Playbook"], roadmaps=by_kind["Roadmap"])
