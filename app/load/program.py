"""`load_program`: a program folder → a validated `Program`, diagnostics and SMART scorecards."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from app.load.diagnostics import Diagnostic, cap_per_file, has_errors
from app.load.documents import PROGRAM_FILE, D, LoadedDocument, program_files, read_documents
from app.load.imports import ImportVocabulary, scope_value_diagnostics
from app.load.references import check_references, unique_documents
from app.load.smart import SmartScorecard, score_goal
from app.load.templates import template_diagnostics
from app.load.vocabulary import vocabulary_diagnostics
from app.spec import (
    Goal,
    Metric,
    Playbook,
    Program,
    ProgramSettings,
    Roadmap,
    SearchVocabulary,
    SLAContract,
    Source,
)
from app.spec.program import SmartRules


@dataclass(frozen=True)
class LoadResult:
    program: Program | None
    """None when the program has errors (with `strict`, warnings count as errors)."""
    diagnostics: list[Diagnostic]
    scorecards: dict[str, SmartScorecard] = field(default_factory=dict)
    files: tuple[str, ...] = ()
    documents: Mapping[tuple[str, str], LoadedDocument] = field(default_factory=dict, repr=False)
    strict: bool = False

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    def locate(
        self, kind: str, doc_id: str, path: tuple[str | int, ...] = ()
    ) -> tuple[str, int] | None:
        """File and line of field `path` of document (`kind`, `doc_id`) — the nearest parent if absent."""
        doc = self.documents.get((kind, doc_id))
        if doc is None:
            doc = next(
                (
                    d
                    for (k, i), d in self.documents.items()
                    if k.lower() == kind.lower() and i == doc_id
                ),
                None,
            )
        if doc is None:
            return None
        return doc.file, doc.parsed.locate(path)[0]


ImportVocabularyReader = Callable[[Path, Sequence[str]], tuple[ImportVocabulary, list[Diagnostic]]]
"""(program root, the program's `import_mappings`) → what its imports can store, with the
diagnostics of mapping files that cannot be read (see app.service.program)."""


def load_program(
    root: Path,
    *,
    strict: bool = False,
    today: date | None = None,
    import_vocabulary: ImportVocabularyReader | None = None,
) -> LoadResult:
    """Read, validate and cross-check the program under `root`; never raises for bad input.
    With `import_vocabulary`, scope values are also checked against what imports can store."""
    root = Path(root)
    today = today or date.today()
    files = program_files(root)
    read = read_documents(root, files)
    loaded, diagnostics, broken = read.loaded, read.diagnostics, read.broken
    by_kind, duplicates = unique_documents(loaded)
    diagnostics.extend(duplicates)
    if not by_kind.get("Program") and not any(
        d.file == PROGRAM_FILE and d.severity == "error" for d in diagnostics
    ):
        exists = (root / PROGRAM_FILE).is_file()
        diagnostics.append(
            Diagnostic(
                PROGRAM_FILE,
                1,
                1,
                "error",
                "program-missing",
                "program.yaml holds no Program document"
                if exists
                else "program.yaml is missing at the program root",
                hint="add a `kind: Program` document with name, start_date, timezone and currency",
            )
        )
    diagnostics.extend(check_references(by_kind, broken))
    settings_doc = next(iter(by_kind.get("Program", {}).values()), None)
    rules = (
        settings_doc.model_as(ProgramSettings).spec.smart
        if settings_doc is not None
        else SmartRules()
    )
    scorecards: dict[str, SmartScorecard] = {}
    metrics = by_kind.get("Metric", {})
    for doc in by_kind.get("Goal", {}).values():
        goal = doc.model
        assert isinstance(goal, Goal)
        metric_doc = metrics.get(goal.spec.metric or "")
        metric = metric_doc.model if metric_doc is not None else None
        card = score_goal(goal, metric if isinstance(metric, Metric) else None, rules, today)
        scorecards[goal.id] = card
        for check in card.checks:
            if check.passed is False:
                diagnostics.append(doc.at(check.loc, "warning", check.code, check.message))
    for doc in by_kind.get("Playbook", {}).values():
        assert isinstance(doc.model, Playbook)
        diagnostics.extend(template_diagnostics(doc))
    for doc in by_kind.get("SearchVocabulary", {}).values():
        diagnostics.extend(vocabulary_diagnostics(doc))
    if import_vocabulary is not None:
        declared = (
            settings_doc.model_as(ProgramSettings).spec.import_mappings
            if settings_doc is not None
            else []
        )
        vocabulary, problems = import_vocabulary(root, declared)
        diagnostics.extend(problems)
        diagnostics.extend(scope_value_diagnostics(by_kind, vocabulary))
    if strict:
        diagnostics = [
            replace(d, severity="error") if d.severity == "warning" else d for d in diagnostics
        ]
    diagnostics.sort(key=lambda d: (d.file, d.line, d.column, d.code))
    diagnostics = cap_per_file(diagnostics, read.unreported)
    documents = {
        (kind, doc_id): doc for kind, docs in by_kind.items() for doc_id, doc in docs.items()
    }
    program = None
    if not has_errors(diagnostics) and settings_doc is not None:
        program = _program(settings_doc, by_kind)
    return LoadResult(
        program=program,
        diagnostics=diagnostics,
        scorecards=scorecards,
        files=tuple(path.relative_to(root).as_posix() for path in files),
        documents=documents,
        strict=strict,
    )


def _program(
    settings: LoadedDocument, by_kind: Mapping[str, Mapping[str, LoadedDocument]]
) -> Program:
    def models(model_class: type[D]) -> dict[str, D]:
        return {
            doc_id: doc.model_as(model_class)
            for doc_id, doc in by_kind.get(model_class.KIND, {}).items()
        }

    sources = {
        (kind, doc_id): Source(doc.file, doc.line)
        for kind, docs in by_kind.items()
        for doc_id, doc in docs.items()
    }
    return Program(
        settings=settings.model_as(ProgramSettings),
        metrics=models(Metric),
        goals=models(Goal),
        contracts=models(SLAContract),
        playbooks=models(Playbook),
        roadmaps=models(Roadmap),
        vocabularies=models(SearchVocabulary),
        sources=sources,
    )
