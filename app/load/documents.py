"""Finding the program's files and turning each YAML document into a typed, located model."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.load.diagnostics import Diagnostic, Severity
from app.load.models import did_you_mean, to_model
from app.load.yamlsource import ParsedDocument, parse_yaml
from app.spec import API_VERSION, KINDS, Document

D = TypeVar("D", bound=Document)

PROGRAM_FILE = "program.yaml"
FOLDERS = ("goals", "playbooks", "roadmap")
SUFFIXES = (".yaml", ".yml")


def program_files(root: Path) -> list[Path]:
    """program.yaml (when present) and every *.yaml/*.yml under goals/, playbooks/, roadmap/, sorted."""
    files: list[Path] = []
    top = root / PROGRAM_FILE
    if top.is_file():
        files.append(top)
    for folder in FOLDERS:
        base = root / folder
        if base.is_dir():
            files.extend(sorted(p for p in base.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
    return files


@dataclass(frozen=True)
class LoadedDocument:
    """A validated document with where it was written, so later checks can point at its fields."""

    model: Document
    parsed: ParsedDocument
    file: str

    @property
    def kind(self) -> str:
        return self.model.KIND

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def line(self) -> int:
        return self.parsed.line

    def model_as(self, model_class: type[D]) -> D:
        """The model as the class of its kind (documents are grouped by kind: `by_kind["Metric"]`)."""
        if not isinstance(self.model, model_class):
            raise TypeError(f"{self.file}: a {self.kind} is not a {model_class.KIND}")
        return self.model

    def at(
        self,
        loc: tuple[str | int, ...],
        severity: Severity,
        code: str,
        message: str,
        hint: str | None = None,
    ) -> Diagnostic:
        """A diagnostic about field `loc` of this document."""
        line, column = self.parsed.locate(loc)
        return Diagnostic(
            self.file, line, column, severity, code, message, ".".join(map(str, loc)), hint
        )


def _envelope(doc: ParsedDocument, file: str) -> tuple[type[Document] | None, list[Diagnostic]]:
    """The model class for this document's `kind`, or the diagnostics that say why there is none."""
    data: Any = doc.data

    def error(loc: tuple[str, ...], code: str, message: str, hint: str | None = None) -> Diagnostic:
        line, column = doc.locate(loc)
        return Diagnostic(file, line, column, "error", code, message, ".".join(loc), hint)

    kinds = ", ".join(KINDS)
    if not isinstance(data, dict):
        return None, [
            error(
                (),
                "doc-not-mapping",
                "a cxgov document is a mapping with apiVersion, kind, metadata and spec",
                "start the document with `apiVersion: cxgov/v1` and `kind: …`",
            )
        ]
    problems: list[Diagnostic] = []
    if "apiVersion" not in data:
        problems.append(
            error(
                (),
                "doc-api-version",
                "the document has no `apiVersion`",
                f"add `apiVersion: {API_VERSION}` at the top",
            )
        )
    elif data["apiVersion"] != API_VERSION:
        problems.append(
            error(
                ("apiVersion",),
                "doc-api-version",
                f"apiVersion `{data['apiVersion']}` is not supported",
                f"use `{API_VERSION}`",
            )
        )
    kind = data.get("kind")
    if "kind" not in data:
        problems.append(
            error((), "doc-kind-missing", "the document has no `kind`", f"kinds: {kinds}")
        )
        return None, problems
    if not isinstance(kind, str) or kind not in KINDS:
        hint = did_you_mean(str(kind), list(KINDS))
        problems.append(
            error(
                ("kind",),
                "doc-kind-unknown",
                f"unknown kind `{kind}`",
                hint if hint and hint.startswith("did") else f"kinds: {kinds}",
            )
        )
        return None, problems
    if kind == "Program" and file != PROGRAM_FILE:
        problems.append(
            error(
                ("kind",),
                "doc-program-location",
                "the Program document belongs in program.yaml at the program root",
                "move it to program.yaml",
            )
        )
    return (None if problems else KINDS[kind]), problems


def read_documents(
    root: Path, files: list[Path]
) -> tuple[list[LoadedDocument], list[Diagnostic], set[tuple[str, str]]]:
    """Parse and validate every document of `files`; file names in diagnostics are relative to root.

    Also returns the (kind, id) of documents that failed their own validation.
    """
    broken: set[tuple[str, str]] = set()
    loaded: list[LoadedDocument] = []
    diagnostics: list[Diagnostic] = []
    for path in files:
        file = path.relative_to(root).as_posix()
        try:
            raw = path.read_bytes()
        except OSError as exc:
            diagnostics.append(
                Diagnostic(
                    file, 1, 1, "error", "file-unreadable", f"cannot read the file: {exc.strerror}"
                )
            )
            continue
        documents, problems = parse_yaml(raw, file)
        diagnostics.extend(problems)
        for doc in documents:
            model_class, problems = _envelope(doc, file)
            diagnostics.extend(problems)
            if model_class is None:
                continue
            model, problems = to_model(model_class, doc, file)
            diagnostics.extend(problems)
            if model is not None:
                loaded.append(LoadedDocument(model, doc, file))
            else:
                metadata = doc.data.get("metadata")
                if isinstance(metadata, dict) and isinstance(metadata.get("id"), str):
                    broken.add((model_class.KIND, metadata["id"]))
    return loaded, diagnostics, broken
