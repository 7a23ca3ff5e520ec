"""Finding the program's files and turning each YAML document into a typed, located model.

Reading is bounded, because a program folder is input like any other (a pull request can add a
file): a file over `MAX_FILE_BYTES`, or past `MAX_PROGRAM_BYTES` for the program as a whole, is
not parsed, and a file whose real path lies outside the program root (a symbolic link to
`/etc/…` or to a neighbour's checkout) is not read at all — its diagnostic names the link, never
anything of what it points to, since diagnostics end up in pull-request annotations.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from app.load.diagnostics import MAX_DIAGNOSTICS_PER_FILE, Diagnostic, Severity
from app.load.models import did_you_mean, validate_document
from app.load.yamlsource import ParsedDocument, parse_yaml
from app.spec import API_VERSION, KINDS, Document

D = TypeVar("D", bound=Document)

PROGRAM_FILE = "program.yaml"
FOLDERS = ("goals", "playbooks", "roadmap")
SUFFIXES = (".yaml", ".yml")

MAX_FILE_BYTES = 2**20
"""The largest program file read (1 MiB): about 2,000 goals; the example program's largest is 20 KB."""
MAX_PROGRAM_BYTES = 8 * 2**20
"""All program files together (8 MiB, eight times a 2,000-goal program); files past it are not read."""
MAX_SUGGESTIONS_PER_FILE = 20
"""How many diagnostics of one file search for a "did you mean" hint; the rest list what is allowed."""


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


def _refusal(file: str, code: str, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(file, 1, 1, "error", code, message, hint=hint)


def read_program_file(root: Path, path: Path, budget: int) -> bytes | Diagnostic:
    """The bytes of one program file, or the diagnostic saying why it is not read.

    `budget` is how many bytes the program may still read (`MAX_PROGRAM_BYTES` less the files
    before this one). Nothing of a refused file is read, and its diagnostic quotes nothing of it.
    """
    file = path.relative_to(root).as_posix()
    try:
        real = path.resolve(strict=True)
        inside = real.is_relative_to(root.resolve(strict=True))
        size = real.stat().st_size if inside else 0
    except (OSError, RuntimeError) as exc:
        reason = getattr(exc, "strerror", None) or "a link that points to itself"
        return _refusal(file, "file-unreadable", f"cannot read the file: {reason}")
    if not inside:
        return _refusal(
            file,
            "file-outside-root",
            "this file is a link to a place outside the program folder; cxgov does not read it",
            "copy the file into the program folder, or remove the link",
        )
    if size > MAX_FILE_BYTES:
        return _refusal(
            file,
            "file-too-large",
            f"the file is {size:,} bytes; a program file may be at most {MAX_FILE_BYTES:,}",
            "split the documents over several files",
        )
    if size > budget:
        return _refusal(
            file,
            "program-too-large",
            f"the program's files add up to more than {MAX_PROGRAM_BYTES:,} bytes; "
            "this file and the ones after it were not read",
            "remove files that are not part of the program from goals/, playbooks/ and roadmap/",
        )
    try:
        with real.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return _refusal(file, "file-unreadable", f"cannot read the file: {exc.strerror}")
    if len(data) > MAX_FILE_BYTES:  # grew since it was measured
        return _refusal(
            file,
            "file-too-large",
            f"a program file may be at most {MAX_FILE_BYTES:,} bytes",
            "split the documents over several files",
        )
    return data


def program_digest(root: Path) -> str:
    """A hash of the program files' names and of what the loader would read of them (a cache key)."""
    digest = hashlib.sha256()
    budget = MAX_PROGRAM_BYTES
    for path in program_files(root):
        content = read_program_file(root, path, budget)
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        if isinstance(content, bytes):
            budget -= len(content)
            digest.update(content)
        else:
            digest.update(content.message.encode())
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class ReadResult:
    loaded: list[LoadedDocument]
    diagnostics: list[Diagnostic]
    broken: set[tuple[str, str]]
    """(kind, id) of the documents that failed their own validation."""
    unreported: dict[str, int]
    """File → problems found but not turned into diagnostics (past the per-file limit)."""


def read_documents(root: Path, files: list[Path]) -> ReadResult:
    """Parse and validate every document of `files`; file names in diagnostics are relative to root."""
    unreported: dict[str, int] = {}
    broken: set[tuple[str, str]] = set()
    loaded: list[LoadedDocument] = []
    diagnostics: list[Diagnostic] = []
    budget = MAX_PROGRAM_BYTES
    for path in files:
        file = path.relative_to(root).as_posix()
        raw = read_program_file(root, path, budget)
        if isinstance(raw, Diagnostic):
            diagnostics.append(raw)
            continue
        budget -= len(raw)
        first = len(diagnostics)
        documents, problems = parse_yaml(raw, file)
        diagnostics.extend(problems)
        for doc in documents:
            model_class, problems = _envelope(doc, file)
            diagnostics.extend(problems)
            if model_class is None:
                continue
            so_far = len(diagnostics) - first
            model, problems, more = validate_document(
                model_class,
                doc,
                file,
                limit=max(MAX_DIAGNOSTICS_PER_FILE - so_far, 0),
                suggestions=max(MAX_SUGGESTIONS_PER_FILE - so_far, 0),
            )
            diagnostics.extend(problems)
            if more:
                unreported[file] = unreported.get(file, 0) + more
            if model is not None:
                loaded.append(LoadedDocument(model, doc, file))
            else:
                metadata = doc.data.get("metadata")
                if isinstance(metadata, dict) and isinstance(metadata.get("id"), str):
                    broken.add((model_class.KIND, metadata["id"]))
    return ReadResult(loaded, diagnostics, broken, unreported)
