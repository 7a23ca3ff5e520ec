"""One error hierarchy, reported once: every `CxgovError` becomes `cxgov: MESSAGE` and its exit code.

A throwaway command raises each kind of error through the real top-level group; the real
commands are covered by their own tests (e.g. an unknown metric exits 1, a bad option 2).
"""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from app.cli import CxgovGroup, main
from app.errors import (
    Conflict,
    CxgovError,
    FileProblem,
    Invalid,
    InvalidProgram,
    NotFound,
    Refused,
    StoreError,
    UsageError,
)
from app.load import Diagnostic

CASES = [
    (UsageError("--period: expected YYYY-MM"), 2),
    (NotFound("no metric 'happiness'"), 1),
    (Refused("a correction needs a reason"), 1),
    (Conflict("Ana corrected it since"), 1),
    (StoreError("cannot open the database"), 1),
    (FileProblem("export.csv: not UTF-8"), 1),
]


def _app(error: Exception) -> typer.Typer:
    app = typer.Typer(cls=CxgovGroup)

    @app.command()
    def boom() -> None:
        raise error

    @app.command()
    def other() -> None:  # a second command, so that `boom` is a subcommand
        pass

    return app


@pytest.mark.parametrize(("error", "code"), CASES, ids=lambda c: type(c).__name__)
def test_each_error_is_one_line_and_its_exit_code(error: CxgovError, code: int) -> None:
    result = CliRunner().invoke(_app(error), ["boom"])
    assert result.exit_code == code
    assert result.output.strip() == f"cxgov: {error.message}"
    assert "Traceback" not in result.output


def test_invalid_documents_list_their_diagnostics_and_a_hint_follows() -> None:
    diagnostic = Diagnostic("goals/g.yaml", 3, 5, "error", "unknown-field", "no field 'targt'")
    result = CliRunner().invoke(_app(InvalidProgram("prog", [diagnostic])), ["boom"])
    assert result.exit_code == 1
    assert "the program at prog has 1 error" in result.output
    assert "goals/g.yaml\n  3:5  error    unknown-field  no field 'targt'" in result.output
    hinted = Invalid("the mapping m.yaml has errors", [diagnostic])
    hinted.hint = "compare with `cxgov ingest --help`"
    result = CliRunner().invoke(_app(hinted), ["boom"])
    assert "hint: compare with" in result.output


def test_anything_else_is_an_internal_error_exit_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import app.cli as cli

    def broken() -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("CXGOV_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 70
    assert "internal error: RuntimeError: a bug" in capsys.readouterr().err


def test_every_error_class_derives_from_the_one_base() -> None:
    from app.diff.sides import SideError
    from app.ingest.profiles import UnknownProfile
    from app.ingest.rows import MappingDoesNotFit
    from app.playbooks.render import RenderError
    from app.review.snapshot import SnapshotUnreadable
    from app.review.store import ClosingRefused, ReviewClosed, ReviewError
    from app.store.actuals import ActualsError, CorrectionNeedsReason, RevisionConflict

    for cls in (
        SideError,
        UnknownProfile,
        MappingDoesNotFit,
        RenderError,
        SnapshotUnreadable,
        ReviewError,
        ReviewClosed,
        ClosingRefused,
        ActualsError,
        CorrectionNeedsReason,
        RevisionConflict,
    ):
        assert issubclass(cls, CxgovError), cls
    assert issubclass(RevisionConflict, Conflict)
    assert UsageError("x").exit_code == 2 and SideError("x").exit_code == 2
