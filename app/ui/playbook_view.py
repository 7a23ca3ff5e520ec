"""What the Playbooks page shows, apart from drawing it: filter choices, deep links, the form, the texts.

Pure functions (no Streamlit) except `render_protecting_links`, which the committee pages call to
link a missed goal or SLA objective to the playbooks that protect it. Authored and customer text
is never passed to `unsafe_allow_html`; where it goes into Markdown it goes through
`app.textsafety.authored_markdown`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from app.playbooks.checks import parse_texts
from app.playbooks.links import PAGE_URL_PATH
from app.playbooks.sandbox import variable_lines
from app.playbooks.search import SEARCH_FIELDS, PlaybookHit, playbook_channels, playbooks_protecting
from app.spec.playbook import Playbook, Step, Template, Variable
from app.spec.program import Program
from app.textsafety import authored_markdown

LINK_FIELDS: tuple[str, ...] = ("playbook", "template", "locale", "q")
MAX_LINK_VALUE = 500
"""The longest value a link may put into a field (a name or a case number is far shorter)."""
SUBJECT_CHANNELS: frozenset[str] = frozenset({"email", "letter"})
"""Channels whose message has a subject line; a chat, SMS or social reply is the body alone."""


@dataclass(frozen=True)
class DeepLink:
    """What a URL such as `playbooks?playbook=service_recovery&template=apology_remedy` asks for.

    `values` are pre-filled template variables (e.g. `case_id` from a help-desk link); only names
    the playbook declares are kept, so a link cannot smuggle anything else into a render.
    """

    playbook: str | None = None
    template: str | None = None
    locale: str | None = None
    search: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.playbook or self.template or self.locale or self.search or self.values)


def _first(value: object) -> str | None:
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    text = str(value).strip() if value is not None else ""
    return text or None


def parse_link(params: Mapping[str, object], program: Program) -> DeepLink:
    """The deep link in a page's query parameters; unknown playbooks and names are ignored."""
    playbook_id = _first(params.get("playbook"))
    playbook = program.playbooks.get(playbook_id or "")
    values: dict[str, str] = {}
    if playbook is not None:
        for variable in playbook.spec.variables:
            given = _first(params.get(variable.name))
            if given is not None:
                values[variable.name] = given[:MAX_LINK_VALUE]
    return DeepLink(
        playbook=playbook.id if playbook else None,
        template=_first(params.get("template")) if playbook else None,
        locale=_first(params.get("locale")),
        search=_first(params.get("q")),
        values=values,
    )


def link_to(playbook_id: str, template_id: str | None = None) -> str:
    """A relative URL that opens the Playbooks page on one playbook (and template)."""
    query = {"playbook": playbook_id} | ({"template": template_id} if template_id else {})
    return f"{PAGE_URL_PATH}?{urlencode(query)}"


def channel_options(program: Program) -> list[str]:
    return sorted(
        {channel for pb in program.playbooks.values() for channel in playbook_channels(pb)}
    )


def protect_options(program: Program) -> dict[str, str]:
    """Metric ids and SLA objectives (`contract/objective`) that some playbook protects → a label."""
    options: dict[str, str] = {}
    for playbook in program.playbooks.values():
        for metric_id in playbook.spec.protects.metrics:
            metric = program.metrics.get(metric_id)
            options[metric_id] = f"Metric: {metric.metadata.title if metric else metric_id}"
        for objective in playbook.spec.protects.objectives:
            options[objective] = f"SLA objective: {objective_label(program, objective)}"
    return dict(
        sorted(
            options.items(), key=lambda item: (not item[1].startswith("SLA"), item[1].casefold())
        )
    )


def objective_label(program: Program, objective: str) -> str:
    contract_id, _, objective_id = objective.partition("/")
    contract = program.contracts.get(contract_id)
    if contract is None:
        return objective
    found = next((o for o in contract.spec.objectives if o.id == objective_id), None)
    return f"{contract.metadata.title} — {(found.title if found and found.title else objective_id)}"


def template_ids(playbook: Playbook) -> list[str]:
    """The playbook's template ids in document order, each once (a template may have several locales)."""
    return list(dict.fromkeys(t.id for t in playbook.spec.templates))


def locale_options(program: Program, playbook: Playbook, template_id: str) -> list[str]:
    """The program's locales, then any other locale the template exists in; the default first."""
    default = program.spec.default_locale
    ordered = [
        default,
        *program.spec.locales,
        *(t.locale for t in playbook.spec.templates if t.id == template_id),
    ]
    return list(dict.fromkeys(ordered))


def used_variables(playbook: Playbook, template: Template) -> list[Variable]:
    """The declared variables this template version reads, in the playbook's declaration order.

    A text with a syntax error reads nothing here; rendering it reports the error.
    """
    index = playbook.spec.templates.index(template)
    reads: set[str] = set()
    for text in parse_texts(playbook):
        if text.path[2] == index and text.ast is not None:
            reads.update(variable_lines(text.ast))
    return [variable for variable in playbook.spec.variables if variable.name in reads]


def missing_required(variables: list[Variable], values: Mapping[str, str]) -> list[Variable]:
    return [v for v in variables if v.required and not (values.get(v.name) or "").strip()]


def with_placeholders(variables: list[Variable], values: Mapping[str, str]) -> dict[str, str]:
    """The values to preview with: a required field still empty shows as `[its label]`."""
    missing = {v.name for v in missing_required(variables, values)}
    return {
        v.name: f"[{v.shown_label}]" if v.name in missing else values.get(v.name, "")
        for v in variables
    }


def labels_of(variables: list[Variable]) -> str:
    return ", ".join(v.shown_label for v in variables)


def message_text(channel: str, subject: str | None, body: str) -> str:
    """The whole message in its channel's form, as the agent copies it and the preview shows it.

    E-mail and letters: `Subject: …`, a blank line, the body. Chat, SMS, social, a phone script:
    the body alone. Outer blank lines are dropped (the copy button trims them too).
    """
    body = body.strip()
    if channel in SUBJECT_CHANNELS and subject and subject.strip():
        return f"Subject: {subject.strip()}\n\n{body}"
    return body


def locale_note(title: str, wanted: str, used: str, default: str) -> str | None:
    """Why the message is not in the language the agent chose; None when it is."""
    if used == wanted:
        return None
    if used.split("-")[0] == wanted.split("-")[0]:
        return f"“{title}” has no {wanted} version; showing {used}, the same language."
    if used == default:
        return f"“{title}” has no {wanted} version yet; showing {used}, the program's default."
    return f"“{title}” has no {wanted} version and none in {default}; showing {used}."


def step_notes(step: Step) -> list[str]:
    """A step's time limit and escalation, as plain sentences."""
    notes = [f"Within {step.time_limit}."] if step.time_limit else []
    if step.escalation:
        notes.append(f"Escalation: {' '.join(step.escalation.split())}")
    return notes


def steps_note(playbook: Playbook, done: set[int]) -> str:
    """The steps as a plain-text checklist for a ticket note; `done` holds 1-based step numbers."""
    steps = playbook.spec.steps
    lines = [
        f"{playbook.metadata.title}: {len(done & set(range(1, len(steps) + 1)))} of {len(steps)} steps done"
    ]
    for number, step in enumerate(steps, start=1):
        mark = "x" if number in done else " "
        lines.append(f"[{mark}] {number}. {' '.join(step.instruction.split())}")
        lines.extend(f"      {note}" for note in step_notes(step))
    return "\n".join(lines)


def match_caption(hit: PlaybookHit) -> str:
    """Why a playbook is in the list, in the agent's words: “call back” → callback (situation, tags)."""
    parts = []
    for match in hit.matches:
        what = f"“{match.typed}”" + ("" if match.found == match.typed else f" → {match.found}")
        fields = [f for f in SEARCH_FIELDS if f in match.fields]
        parts.append(f"{what} ({', '.join(fields)})")
    return "Matches " + "; ".join(parts) if parts else ""


def protecting_links_markdown(
    program: Program, *, metric: str | None = None, objective: str | None = None, label: str = "it"
) -> str | None:
    """A Markdown line linking to the playbooks that protect a metric or objective; None if there are none."""
    found = playbooks_protecting(program, metric=metric, objective=objective)
    if not found:
        return None
    links = ", ".join(f"[{authored_markdown(pb.metadata.title)}]({link_to(pb.id)})" for pb in found)
    return f"Playbooks that protect {authored_markdown(label)}: {links}"


def render_protecting_links(
    program: Program, *, metric: str | None = None, objective: str | None = None, label: str = "it"
) -> None:
    """Show links to the playbooks protecting a goal's metric or an SLA objective (nothing if none).

    `label` names what is protected when the page lists several (e.g. an objective's title).
    """
    import streamlit as st

    line = protecting_links_markdown(program, metric=metric, objective=objective, label=label)
    if line:
        st.markdown(line)
