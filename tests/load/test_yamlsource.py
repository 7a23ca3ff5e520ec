"""parse_yaml: safe, line-aware, and never raising — including for random and mutated input."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from load_fixture import FILES, TODAY, write_program

from app.load import load_program, parse_yaml
from app.load.diagnostics import Diagnostic


def test_dates_stay_text_and_marks_are_one_based() -> None:
    docs, diagnostics = parse_yaml("a: 2026-01-31\nb:\n  - x\n  - y: 1\n", "f.yaml")
    assert diagnostics == []
    assert docs[0].data == {"a": "2026-01-31", "b": ["x", {"y": 1}]}
    assert docs[0].locate(("a",)) == (1, 1)
    assert docs[0].locate(("b", 1, "y")) == (4, 5)
    assert docs[0].locate(("b", 1, "missing")) == (4, 5)  # the mapping where the key belongs


def test_block_scalar_text_starts_on_the_next_line() -> None:
    docs, _ = parse_yaml("body: |\n  Hello\n  there\nsubject: Hi\n", "f.yaml")
    assert docs[0].text_start_line(("body",)) == 2
    assert docs[0].text_start_line(("subject",)) == 4


def test_multi_document_stream_keeps_each_start_line() -> None:
    docs, _ = parse_yaml("a: 1\n---\nb: 2\n---\n# c\nc: 3\n", "f.yaml")
    assert [d.line for d in docs] == [1, 3, 6]


def test_documents_before_a_syntax_error_are_kept() -> None:
    docs, diagnostics = parse_yaml("a: 1\n---\nb: [\n", "f.yaml")
    assert [d.data for d in docs] == [{"a": 1}]
    assert [d.code for d in diagnostics] == ["yaml-syntax"]


def test_deep_nesting_is_refused_without_crashing() -> None:
    for text in (
        "[" * 100_000,
        "- " * 50_000 + "x",
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 400)),
    ):
        docs, diagnostics = parse_yaml(text, "f.yaml")
        assert docs == [] and diagnostics and diagnostics[0].severity == "error"


def test_the_python_loader_does_what_pyyaml_would_for_plain_yaml() -> None:
    text = FILES["goals/sla.yaml"]
    docs, diagnostics = parse_yaml(text, "f.yaml")
    expected = yaml.load(text, Loader=type("L", (yaml.SafeLoader,), {}))
    expected["spec"]["effective"]["from"] = str(expected["spec"]["effective"]["from"])
    for exclusion in expected["spec"]["exclusions"]:
        exclusion["from"], exclusion["to"] = str(exclusion["from"]), str(exclusion["to"])
    assert diagnostics == [] and docs[0].data == expected


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_end_in_diagnostics(data: bytes) -> None:
    docs, diagnostics = parse_yaml(data, "f.yaml")
    assert all(isinstance(d, Diagnostic) for d in diagnostics)
    assert docs or diagnostics


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(" \t\n:-[]{}&*!|>#'\"?,%@`abc019")), max_size=300))
def test_yaml_punctuation_soup_never_raises(text: str) -> None:
    parse_yaml(text, "f.yaml")


# --- mutations of valid documents through the whole loader ---------------------------------------


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            out.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out.extend(_paths(child, (*prefix, index)))
    return out


def _mutate(data: object, path: tuple, action: str, replacement: object) -> object:
    data = copy.deepcopy(data)
    if not path:
        return replacement
    parent = data
    for part in path[:-1]:
        parent = parent[part]  # type: ignore[index]
    last = path[-1]
    if action == "drop":
        del parent[last]  # type: ignore[arg-type]
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{last}x"] = parent.pop(last)
    else:
        parent[last] = replacement  # type: ignore[index]
    return data


REPLACEMENTS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(["2026-13-01", "1m", "-5", "csat", "Goal", "cxgov/v2", "../../etc/passwd"]),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    file=st.sampled_from(sorted(FILES)),
    choice=st.integers(min_value=0, max_value=10_000),
    action=st.sampled_from(["drop", "rename", "retype"]),
    replacement=REPLACEMENTS,
)
def test_mutated_documents_end_in_diagnostics_never_exceptions(
    tmp_path_factory, file: str, choice: int, action: str, replacement: object
) -> None:
    original = list(yaml.safe_load_all(FILES[file]))
    index = choice % len(original)
    paths = _paths(original[index])
    path = paths[choice % len(paths)]
    original[index] = _mutate(original[index], path, action, replacement)
    text = yaml.safe_dump_all(original, sort_keys=False, allow_unicode=True)
    root = write_program(tmp_path_factory.mktemp("p"), {file: text})
    result = load_program(root, strict=True, today=TODAY)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    assert result.ok == (result.program is not None)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    file=st.sampled_from(sorted(FILES)), position=st.integers(0, 5000), garbage=st.text(max_size=8)
)
def test_garbled_text_ends_in_diagnostics_never_exceptions(
    tmp_path_factory, file: str, position: int, garbage: str
) -> None:
    text = FILES[file]
    cut = position % (len(text) + 1)
    root = write_program(
        tmp_path_factory.mktemp("p"), {file: text[:cut] + garbage + text[cut + len(garbage) :]}
    )
    result = load_program(root, today=TODAY)
    assert all(isinstance(d, Diagnostic) for d in result.diagnostics)
    assert result.ok == (result.program is not None)


def test_unreadable_bytes_in_the_middle_of_a_program_file(tmp_path: Path) -> None:
    root = write_program(
        tmp_path, {"goals/goals.yaml": FILES["goals/goals.yaml"].encode() + b"\x00\xff\xfe"}
    )
    result = load_program(root, today=TODAY)
    assert not result.ok and result.diagnostics[0].file == "goals/goals.yaml"
