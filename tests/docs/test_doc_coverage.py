"""Nothing a user can write or type is undocumented: every YAML field has a description, every
command, argument and option has help, every diagnostic code `cxgov validate` can emit has its
section in docs/reference/diagnostics.md, and every JSON output has its shape described.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from scripts.docgen import cli_reference, yaml_reference
from scripts.docgen.markdown import slug

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CODE_SHAPE = re.compile(r"^[a-z]+(?:-[a-z]+)+$")
"""A diagnostic code: lower-case words joined by hyphens (`yaml-duplicate-key`)."""


# --- YAML documents ------------------------------------------------------------------------------


def test_every_yaml_field_says_what_it_means() -> None:
    missing = yaml_reference.undocumented_fields()
    assert not missing, (
        "fields without their own Field(description=...) — the YAML reference would not say "
        f"what they mean: {missing}"
    )


def test_every_yaml_field_has_a_row_in_the_reference() -> None:
    page = (DOCS / "reference" / "yaml.md").read_text(encoding="utf-8")
    models = yaml_reference.all_models()
    assert len(models) >= 40
    missing = []
    for model in models:
        for name, _info, _hint in yaml_reference.fields_of(model):
            if f"| `{name}` |" not in page:
                missing.append(f"{model.__name__}.{name}")
    assert not missing, f"fields missing from docs/reference/yaml.md: {missing}"


def test_every_document_kind_has_its_section() -> None:
    page = (DOCS / "reference" / "yaml.md").read_text(encoding="utf-8")
    for kind in (
        "Program",
        "Metric",
        "Goal",
        "SLAContract",
        "Playbook",
        "Roadmap",
        "ContactMapping",
    ):
        assert f"## {kind} {{ #{slug(kind)} }}" in page, kind


# --- the command line ---------------------------------------------------------------------------

COMMANDS = {command.name: command for command in cli_reference.commands()}


def test_every_command_argument_and_option_has_help() -> None:
    assert len(COMMANDS) >= 20
    missing = cli_reference.undocumented()
    assert not missing, f"commands, arguments or options without help: {missing}"


def test_every_command_and_option_is_in_the_cli_reference() -> None:
    page = (DOCS / "reference" / "cli.md").read_text(encoding="utf-8")
    sections = re.split(r"^#{2,3} ", page, flags=re.MULTILINE)
    missing = []
    for name, command in COMMANDS.items():
        section = next((s for s in sections if s.startswith(f"`{name}`")), None)
        if section is None:
            missing.append(name)
            continue
        for param in command.command.params:
            for option in param.opts:
                if option.startswith("--") and option not in section:
                    missing.append(f"{name} {option}")
    assert not missing, f"missing from docs/reference/cli.md: {missing}"


def test_every_json_output_is_described() -> None:
    page = (DOCS / "reference" / "json-output.md").read_text(encoding="utf-8")
    with_json = [
        command.name
        for command in COMMANDS.values()
        if not command.is_group
        and any(
            p.names.startswith("--format") and "json" in p.names
            for p in cli_reference.parameters(command)
        )
    ]
    assert len(with_json) >= 10
    missing = [name for name in with_json if f"{{ #{slug(name)} }}" not in page]
    assert not missing, (
        f"commands whose JSON shape is not in docs/reference/json-output.md: {missing}"
    )


# --- diagnostic codes ---------------------------------------------------------------------------


def emitted_codes() -> set[str]:
    """Every diagnostic code written in the loader and the template checks.

    Codes are string literals of their own shape (`yaml-duplicate-key`); every such literal in
    app/load and app/playbooks is one, wherever it is written (a call, a mapping, a dict of
    codes), so a new code cannot hide from this test.
    """
    codes: set[str] = set()
    for folder in ("load", "playbooks"):
        for path in sorted((REPO / "app" / folder).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and CODE_SHAPE.match(node.value)
                ):
                    codes.add(node.value)
    return codes


def documented_codes() -> set[str]:
    page = (DOCS / "reference" / "diagnostics.md").read_text(encoding="utf-8")
    return set(re.findall(r"^### `([a-z-]+)` \{ #\1 \}$", page, flags=re.MULTILINE))


def test_the_code_harvest_finds_the_known_codes() -> None:
    codes = emitted_codes()
    assert len(codes) >= 45
    assert {"yaml-syntax", "schema-unknown-field", "unit-range", "smart-time-bound"} <= codes
    assert {"template-forbidden", "template-unused-variable"} <= codes


def test_every_diagnostic_code_is_documented() -> None:
    missing = sorted(emitted_codes() - documented_codes())
    assert not missing, f"codes without a section in docs/reference/diagnostics.md: {missing}"


def test_every_documented_diagnostic_code_exists() -> None:
    gone = sorted(documented_codes() - emitted_codes())
    assert not gone, f"docs/reference/diagnostics.md documents codes nothing emits: {gone}"
