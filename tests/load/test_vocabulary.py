"""SearchVocabulary documents: loaded into the Program, every mistake a diagnostic at file:line."""

from __future__ import annotations

from pathlib import Path

from load_fixture import TODAY, write_program

from app.load import load_program

VOCABULARY = """\
apiVersion: cxgov/v1
kind: SearchVocabulary
metadata:
  id: our_words
  title: Our customers' words
spec:
  synonyms:
    - [invoice, bill, billing]
    - [route, routes, tour]
  ignore: [kindly]
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    return load_program(write_program(tmp_path, {"playbooks/vocabulary.yaml": text}), today=TODAY)


def test_a_vocabulary_is_part_of_the_program(tmp_path: Path) -> None:
    result = load(tmp_path, VOCABULARY)
    assert result.diagnostics == []
    assert result.program is not None
    vocabulary = result.program.vocabularies["our_words"]
    assert vocabulary.spec.synonyms[0] == ["invoice", "bill", "billing"]
    assert vocabulary.spec.ignore == ["kindly"]
    assert (
        result.program.source("SearchVocabulary", "our_words").file == "playbooks/vocabulary.yaml"
    )


def test_a_group_of_one_phrase_is_an_error_at_its_line(tmp_path: Path) -> None:
    result = load(tmp_path, VOCABULARY.replace("[route, routes, tour]", "[route]"))
    [problem] = result.diagnostics
    assert (problem.file, problem.line, problem.severity) == (
        "playbooks/vocabulary.yaml",
        9,
        "error",
    )
    assert problem.path == "spec.synonyms.1"
    assert "at least 2" in problem.message


def test_a_phrase_without_a_word_is_an_error(tmp_path: Path) -> None:
    result = load(tmp_path, VOCABULARY.replace("[invoice, bill, billing]", '[invoice, "--"]'))
    [problem] = result.diagnostics
    assert (problem.line, problem.path, problem.severity) == (8, "spec.synonyms.0.1", "error")


def test_a_phrase_in_two_groups_is_a_warning_at_the_second(tmp_path: Path) -> None:
    result = load(tmp_path, VOCABULARY.replace("[route, routes, tour]", "[route, Bill]"))
    [problem] = result.diagnostics
    assert (problem.line, problem.column, problem.severity, problem.code) == (
        9,
        15,
        "warning",
        "vocabulary-phrase-twice",
    )
    assert problem.message == "“Bill” is already in synonym group 1"
    assert result.program is not None  # a warning: the program still loads


def test_an_ignored_synonym_is_a_warning(tmp_path: Path) -> None:
    result = load(tmp_path, VOCABULARY.replace("ignore: [kindly]", "ignore: [kindly, tour]"))
    [problem] = result.diagnostics
    assert (problem.line, problem.code) == (9, "vocabulary-ignored-synonym")


def test_an_unknown_field_gets_a_hint(tmp_path: Path) -> None:
    result = load(tmp_path, VOCABULARY.replace("  ignore:", "  ignored:"))
    [problem] = result.diagnostics
    assert problem.line == 10 and problem.severity == "error"
    assert "ignore" in (problem.hint or "")
