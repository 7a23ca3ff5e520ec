"""Fill a playbook's message template for one customer, safely and in the customer's language.

`render_template` is what the app's playbook pages and `cxgov playbook render` call. It refuses a
template that uses anything outside the allowed subset, or nests too deeply (see
`app.playbooks.sandbox`), before running it; refuses a variable value longer than the output may
be; and renders in the sandbox inside the render worker (`app.playbooks.worker`: a separate
process with a hard memory limit, killed when it runs past `TIME_LIMIT_SECONDS`), stopping a
render that produces more than `MAX_OUTPUT_CHARS` characters. Every failure is a `RenderError`
whose message a playbook author or an agent can act on; no other exception escapes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError

from app.errors import CxgovError
from app.playbooks.sandbox import (
    MAX_OUTPUT_CHARS,
    PlaybookEnvironment,
    TemplateTooDeep,
    parse_template,
    unsafe_constructs,
    variable_lines,
)
from app.playbooks.worker import (
    RenderTimeout,
    WorkerError,
    deadline,
    environment,
    render_source,
    shared_worker,
)
from app.spec.playbook import Playbook, Template

__all__ = [
    "MAX_OUTPUT_CHARS",
    "RenderError",
    "RenderTimeout",
    "Rendered",
    "choose_template",
    "deadline",
    "render_source",
    "render_template",
    "template_locales",
]

TIME_LIMIT_SECONDS = 1.0
"""Wall-clock time one render (subject and body together) may take."""


class RenderError(CxgovError):
    """A template could not be filled in; the message says why and what to do."""


@dataclass(frozen=True)
class Rendered:
    template_id: str
    channel: str
    subject: str | None
    body: str
    locale_used: str
    requested_locale: str | None
    fell_back: bool
    note: str


def _language(locale: str) -> str:
    return locale.split("-")[0]


def template_locales(playbook: Playbook, template_id: str) -> list[str]:
    """The locales a template exists in, in document order."""
    return [t.locale for t in playbook.spec.templates if t.id == template_id]


def choose_template(
    playbook: Playbook, template_id: str, *, locale: str | None, default_locale: str
) -> tuple[Template, str]:
    """The template version to use and a note saying which locale was picked and why.

    Order: the requested locale, the same language in another region (`de-AT` → `de`), the
    program's default locale (or its language), then the first version the playbook has.
    """
    versions = [t for t in playbook.spec.templates if t.id == template_id]
    if not versions:
        known = sorted({t.id for t in playbook.spec.templates})
        raise RenderError(
            f"playbook {playbook.id!r} has no template {template_id!r}; "
            f"its templates: {', '.join(known) if known else 'none'}"
        )
    wanted = locale or default_locale
    for candidate, reason in (
        (wanted, None),
        (_language(wanted), "same language"),
        (default_locale, "default"),
        (_language(default_locale), "default"),
    ):
        exact = [t for t in versions if t.locale == candidate]
        by_language = [t for t in versions if _language(t.locale) == candidate] if reason else []
        found = next(iter(exact or by_language), None)
        if found is None:
            continue
        if found.locale == wanted:
            return found, f"Rendered in {found.locale}" + (
                " (requested)." if locale else " (the program's default)."
            )
        if reason == "same language":
            return (
                found,
                f"No {wanted} version of {template_id!r}; rendered in {found.locale}, the same language.",
            )
        return (
            found,
            f"No {wanted} version of {template_id!r}; rendered in the program's default locale, {found.locale}.",
        )
    first = versions[0]
    return first, (
        f"No {wanted} version of {template_id!r} and none in the program's default locale {default_locale}; "
        f"rendered in {first.locale}, the only locale available."
        if len(versions) == 1
        else f"No {wanted} version of {template_id!r} and none in the program's default locale {default_locale}; "
        f"rendered in {first.locale} (available: {', '.join(t.locale for t in versions)})."
    )


def _refuse_unsafe(template: Template, env: PlaybookEnvironment, where: str) -> dict[str, int]:
    """Parse subject and body, refuse anything outside the allowed subset; the variables they read."""
    reads: dict[str, int] = {}
    for field in ("subject", "body"):
        text = getattr(template, field)
        if text is None:
            continue
        try:
            ast = parse_template(env, text)
        except TemplateSyntaxError as exc:
            raise RenderError(f"{where} {field}, line {exc.lineno}: {exc.message}") from None
        except TemplateTooDeep as exc:
            raise RenderError(
                f"{where} {field}, line {exc.lineno}: {exc}; the template was not rendered"
            ) from None
        refused = unsafe_constructs(ast)
        if refused:
            first = refused[0]
            raise RenderError(
                f"{where} {field}, line {first.lineno}: {first.message}; the template was not rendered "
                f"({first.hint})"
            )
        for name, line in variable_lines(ast).items():
            reads.setdefault(name, line)
    return reads


def _context(
    playbook: Playbook,
    reads: Mapping[str, int],
    variables: Mapping[str, str],
    *,
    where: str,
    placeholders: bool,
    max_chars: int,
) -> dict[str, str]:
    declared = {v.name: v for v in playbook.spec.variables}
    unknown = sorted(set(variables) - set(declared))
    if unknown:
        raise RenderError(
            f"unknown variable{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}: playbook {playbook.id!r} "
            f"declares {', '.join(sorted(declared)) or 'no variables'}"
        )
    undeclared = sorted(set(reads) - set(declared))
    if undeclared:
        raise RenderError(
            f"{where} uses {', '.join(undeclared)}, which the playbook does not declare; "
            f"`cxgov validate` shows where"
        )
    values = {name: str(variables.get(name) or "") for name in declared}
    too_long = sorted(name for name, value in values.items() if len(value) > max_chars)
    if too_long:
        raise RenderError(
            f"the value of {', '.join(too_long)} is longer than {max_chars:,} characters, "
            "the longest a message may be"
        )
    missing = [
        name for name in sorted(reads) if declared[name].required and not values[name].strip()
    ]
    if missing and not placeholders:
        if len(missing) == 1:
            raise RenderError(
                f"missing required variable: {missing[0]} ({declared[missing[0]].description})"
            )
        raise RenderError(
            f"missing required variables: {', '.join(missing)} "
            f"({'; '.join(f'{name}: {declared[name].description}' for name in missing)})"
        )
    for name in missing:
        values[name] = f"[{name}]"
    return values


def render_template(
    playbook: Playbook,
    template_id: str,
    variables: Mapping[str, str],
    *,
    locale: str | None,
    default_locale: str,
    placeholders: bool = False,
    time_limit: float = TIME_LIMIT_SECONDS,
    max_chars: int = MAX_OUTPUT_CHARS,
) -> Rendered:
    """Fill `template_id` with `variables` in the best available locale.

    A required variable the template uses must be given and not blank, else `RenderError` names
    it; an optional one left out renders as empty. With `placeholders=True` (a live preview
    while the agent is still typing) a missing required variable shows as `[name]` instead.
    """
    template, note = choose_template(
        playbook, template_id, locale=locale, default_locale=default_locale
    )
    where = f"template {template_id!r} ({template.locale}) of playbook {playbook.id!r}:"
    env = environment(max_chars)
    reads = _refuse_unsafe(template, env, where)
    context = _context(
        playbook,
        reads,
        variables,
        where=where.rstrip(":"),
        placeholders=placeholders,
        max_chars=max_chars,
    )
    try:
        subject, body = shared_worker().render(
            [template.subject, template.body], context, max_chars=max_chars, time_limit=time_limit
        )
    except WorkerError as exc:
        raise RenderError(f"{where} {exc}; the render was stopped") from None
    assert body is not None
    wanted = locale or default_locale
    return Rendered(
        template_id=template_id,
        channel=template.channel,
        subject=subject,
        body=body,
        locale_used=template.locale,
        requested_locale=locale,
        fell_back=template.locale != wanted,
        note=note,
    )
