"""What the store commands need from the program: its timezone and metric catalogue.

Stop-gap until the shared loader (`app.cli.common.load_or_exit`) lands: reads program.yaml and the
Metric documents under goals/ with safe YAML loading and the spec models, and on any problem tells
the user to run `cxgov validate` (which reports it with file:line) instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
import yaml
from pydantic import ValidationError

from app.spec.metric import Metric
from app.spec.program import ProgramSettings


@dataclass(frozen=True)
class ProgramBits:
    timezone: str
    metrics: dict[str, Metric]


def _documents(path: Path) -> list[Any]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if isinstance(doc, dict)]


def load_program_bits(root: Path) -> ProgramBits:
    """Program timezone and metrics, or exit 1 with a pointer to `cxgov validate`."""
    settings_file = root / "program.yaml"
    try:
        settings = ProgramSettings.model_validate(_documents(settings_file)[0])
        metrics: dict[str, Metric] = {}
        for path in sorted((root / "goals").rglob("*.y*ml")):
            for document in _documents(path):
                if document.get("kind") == "Metric":
                    metric = Metric.model_validate(document)
                    metrics[metric.id] = metric
    except (OSError, IndexError, yaml.YAMLError, ValidationError) as exc:
        typer.echo(f"cxgov: cannot read the program at {root}: {type(exc).__name__}. "
                   "Run `cxgov validate` for the details.", err=True)
        raise typer.Exit(code=1) from None
    return ProgramBits(timezone=settings.spec.timezone, metrics=metrics)
