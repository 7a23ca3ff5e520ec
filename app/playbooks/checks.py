"""Checks on a playbook's templates, for `cxgov validate`: syntax, variables, duplicates, unsafe constructs.

Findings are located by the path of the text inside the document (e.g.
`("spec", "templates", 0, "body")`) and a 0-based line offset inside that text; the loader turns
that into file:line using the position of the text's YAML node.

Variables are found by walking the parsed template (`variable_lines`) rather than with
`jinja2.meta.find_undeclared_variables`: that one compiles the template, which raises on a
filter outside the allow-list, and it does not say where a variable is used. In the allowed
subset nothing assigns a name, so every name read is a variable the playbook must declare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from jinja2 import TemplateSyntaxError, nodes

from app.playbooks.sandbox import (
    JINJA_INTERNAL_NAMES,
    PlaybookEnvironment,
    TemplateTooDeep,
    parse_template,
    unsafe_constructs,
    variable_lines,
)
from app.spec.playbook import Playbook

Path = tuple[str | int, ...]
TEMPLATE_FIELDS: tuple[str, ...] = ("subject", "body")


@dataclass(frozen=True)
class TemplateFinding:
    path: Path
    line_offset: int
    severity: Literal["error", "warning"]
    code: str
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class ParsedText:
    """One template text (a subject or a body) and its parsed form, or why it could not be parsed."""

    path: Path
    template_id: str
    locale: str
    ast: nodes.Template | None
    problem: TemplateSyntaxError | TemplateTooDeep | None


def parse_texts(playbook: Playbook, env: PlaybookEnvironment | None = None) -> list[ParsedText]:
    env = env or PlaybookEnvironment()
    parsed: list[ParsedText] = []
    for index, template in enumerate(playbook.spec.templates):
        for field in TEMPLATE_FIELDS:
            text = getattr(template, field)
            if text is None:
                continue
            path: Path = ("spec", "templates", index, field)
            try:
                ast = parse_template(env, text)
            except (TemplateSyntaxError, TemplateTooDeep) as exc:
                parsed.append(ParsedText(path, template.id, template.locale, None, exc))
            else:
                parsed.append(ParsedText(path, template.id, template.locale, ast, None))
    return parsed


def _parse_finding(text: ParsedText) -> TemplateFinding:
    error = text.problem
    assert error is not None
    if isinstance(error, TemplateTooDeep):
        return TemplateFinding(
            text.path,
            error.lineno - 1,
            "error",
            "template-too-deep",
            f"template {text.template_id!r} ({text.locale}): {error}",
            "a message template needs a few levels at most: write the text out instead of "
            "nesting brackets, filters or `if` blocks",
        )
    return TemplateFinding(
        text.path,
        max((error.lineno or 1) - 1, 0),
        "error",
        "template-syntax",
        f"template {text.template_id!r} ({text.locale}): {error.message}",
        "variables are written {{ name }}; conditions {% if name %} … {% endif %}",
    )


def check_templates(playbook: Playbook) -> list[TemplateFinding]:
    """Every problem in the playbook's templates. Never raises for bad template text."""
    findings: list[TemplateFinding] = []
    declared = {variable.name for variable in playbook.spec.variables}
    declared_list = ", ".join(sorted(declared)) or "none"
    used: set[str] = set()
    parsed = parse_texts(playbook)

    for text in parsed:
        if text.ast is None:
            findings.append(_parse_finding(text))
            continue
        refused = unsafe_constructs(text.ast)
        for construct in refused:
            findings.append(
                TemplateFinding(
                    text.path,
                    construct.lineno - 1,
                    "error",
                    "template-forbidden",
                    f"template {text.template_id!r} ({text.locale}): {construct.message}",
                    construct.hint,
                )
            )
        lines = variable_lines(text.ast)
        used.update(lines)
        for name, lineno in lines.items():
            if (
                name in declared or name in JINJA_INTERNAL_NAMES
            ):  # internals are reported as forbidden
                continue
            findings.append(
                TemplateFinding(
                    text.path,
                    lineno - 1,
                    "error",
                    "template-undeclared-variable",
                    f"template {text.template_id!r} ({text.locale}) uses the variable {name!r}, "
                    f"which the playbook does not declare",
                    f"declare it under spec.variables (declared: {declared_list})",
                )
            )

    seen: dict[tuple[str, str], int] = {}
    for index, template in enumerate(playbook.spec.templates):
        key = (template.id, template.locale)
        if key in seen:
            findings.append(
                TemplateFinding(
                    ("spec", "templates", index, "id"),
                    0,
                    "error",
                    "template-duplicate",
                    f"template {template.id!r} exists twice in locale {template.locale!r} "
                    f"(templates {seen[key]} and {index})",
                    "give each locale of a template its own `locale`, or rename one of them",
                )
            )
        else:
            seen[key] = index

    if all(text.ast is not None for text in parsed):
        for index, variable in enumerate(playbook.spec.variables):
            if variable.name not in used:
                findings.append(
                    TemplateFinding(
                        ("spec", "variables", index, "name"),
                        0,
                        "warning",
                        "template-unused-variable",
                        f"variable {variable.name!r} is declared but no template uses it",
                        "remove it, or use it in a template as {{ " + variable.name + " }}",
                    )
                )
    return findings
