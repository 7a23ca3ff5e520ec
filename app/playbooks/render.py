"""Fill a playbook's message template for one customer, safely and in the customer's language.

`render_template` is what the app's playbook pages and `cxgov playbook render` call. It refuses a
template that uses anything outside the allowed subset (see `app.playbooks.sandbox`) before
running it, renders in the sandbox, and stops a render that takes longer than `TIME_LIMIT_SECONDS`
or produces more than `MAX_OUTPUT_CHARS` characters. Every failure is a `RenderError` whose
message a playbook author or an agent can act on; no other exception escapes.

The time limit is enforced with a trace function (`sys.settrace`) on the rendering thread that
checks a monotonic deadline on every Python call and line; it works in any thread (Streamlit runs
pages in threads, so `signal.alarm` is not an option). It cannot interrupt a single long-running C
call, which is why the sandbox also refuses to build huge strings (`*`, `**`, `replace`).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from types import FrameType
from typing import Any

from jinja2 import Template as CompiledTemplate
from jinja2 import TemplateSyntaxError
from jinja2.exceptions import SecurityError, UndefinedError

from app.errors import CxgovError
from app.playbooks.sandbox import (
    MAX_OUTPUT_CHARS,
    OutputTooLarge,
    PlaybookEnvironment,
    unsafe_constructs,
    variable_lines,
)
from app.spec.playbook import Playbook, Template

TIME_LIMIT_SECONDS = 1.0
"""Wall-clock time one render (subject and body together) may take."""


class RenderError(CxgovError):
    """A template could not be filled in; the message says why and what to do."""


class RenderTimeout(BaseException):
    """The render ran past its deadline (a BaseException so that no `except Exception` on the way swallows it)."""


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


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise `RenderTimeout` in this thread's Python code once `seconds` have passed."""
    end = time.monotonic() + seconds
    previous = sys.gettrace()

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if time.monotonic() > end:
            raise RenderTimeout()
        return trace

    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


@lru_cache(maxsize=16)
def _environment(max_chars: int) -> PlaybookEnvironment:
    """One sandbox per size limit; rendering never changes it (the environment is immutable in use)."""
    return PlaybookEnvironment(max_chars=max_chars)


@lru_cache(maxsize=512)
def _compile(env: PlaybookEnvironment, source: str) -> CompiledTemplate:
    """Compiling dominates a render; a live preview re-renders the same text on every keystroke."""
    return env.from_string(source)


def render_source(
    source: str, context: Mapping[str, Any], *, env: PlaybookEnvironment, max_chars: int
) -> str:
    """Render one text in the sandbox, stopping as soon as the output passes `max_chars`."""
    compiled = _compile(env, source)
    parts: list[str] = []
    size = 0
    for part in compiled.generate(dict(context)):
        size += len(part)
        if size > max_chars:
            raise OutputTooLarge(f"the text would be longer than {max_chars:,} characters")
        parts.append(part)
    return "".join(parts)


def _refuse_unsafe(template: Template, env: PlaybookEnvironment, where: str) -> dict[str, int]:
    """Parse subject and body, refuse anything outside the allowed subset; the variables they read."""
    reads: dict[str, int] = {}
    for field in ("subject", "body"):
        text = getattr(template, field)
        if text is None:
            continue
        try:
            ast = env.parse(text)
        except TemplateSyntaxError as exc:
            raise RenderError(f"{where} {field}, line {exc.lineno}: {exc.message}") from None
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
    env = _environment(max_chars)
    reads = _refuse_unsafe(template, env, where)
    context = _context(
        playbook, reads, variables, where=where.rstrip(":"), placeholders=placeholders
    )
    try:
        with deadline(time_limit):
            subject = (
                None
                if template.subject is None
                else render_source(template.subject, context, env=env, max_chars=max_chars)
            )
            body = render_source(template.body, context, env=env, max_chars=max_chars)
    except RenderTimeout:
        raise RenderError(
            f"{where} rendering took longer than {time_limit:g} s and was stopped"
        ) from None
    except OutputTooLarge as exc:
        raise RenderError(f"{where} {exc}; the render was stopped") from None
    except SecurityError as exc:
        raise RenderError(f"{where} refused by the sandbox: {exc}") from None
    except UndefinedError as exc:
        raise RenderError(f"{where} {exc}") from None
    except RecursionError:
        raise RenderError(f"{where} the template nests too deeply to render") from None
    except Exception as exc:  # noqa: BLE001 - authored text must never crash the app or the CLI
        raise RenderError(f"{where} could not be rendered: {type(exc).__name__}: {exc}") from None
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
