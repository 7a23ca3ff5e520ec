"""Playbooks for agents on a live call: find one as you type, read its steps, fill the message, copy it.

The landing page for the agent role. The list narrows while the agent types (`live` search; any
word may match, synonyms and typos count, see `app.playbooks.search`) and the best match opens at
once. Steps are shown in full as a checklist that keeps its ticks for the session, with their time
limits and escalation; "Copy steps" puts them in a ticket note. The message form has one field per
variable the template uses, labelled for the agent; the preview is the exact text that the one
"Copy message" button copies (subject and body for e-mail, the body alone for chat).

Deep links: `?playbook=ID&template=ID&locale=xx&q=TEXT`, plus any declared variable by name (a
help-desk link from `cxgov playbook link` brings `case_id`, `customer_name`, …). Values are text
for the form, never template code; the page then writes the selection back to the URL without
them, so a customer's details do not stay in the browser's address bar. Authored text (titles,
situation, steps, labels) and what the agent typed are Markdown through
`app.textsafety.authored_markdown`: a link is live only to a host in the program's
`link_domains`, and nothing is rendered as HTML; the message itself is shown as plain text.
"""

from __future__ import annotations

import streamlit as st
from st_copy_button import st_copy_button

from app.playbooks.render import RenderError, choose_template, render_template, template_locales
from app.playbooks.search import closest_playbooks, search_index, search_playbooks
from app.textsafety import authored_markdown
from app.ui.context import page_setup
from app.ui.playbook_view import (
    DeepLink,
    channel_options,
    labels_of,
    locale_note,
    locale_options,
    match_caption,
    message_text,
    missing_required,
    parse_link,
    protect_options,
    step_notes,
    steps_note,
    template_ids,
    used_variables,
    with_placeholders,
)
from app.ui.roles import Capability

SEARCH = "playbooks.search"
CHANNEL = "playbooks.channel"
PROTECTS = "playbooks.protects"
CHOSEN = "playbooks.chosen"
LOCALE = "playbooks.locale"
HITS = "playbooks.hits"
APPLIED_LINK = "playbooks.link"
VARIABLE = "playbooks.var.{}"
ANY = ""  # the filters' "all channels" / "any goal or SLA" choice
LIVE_PAUSE = "200ms"  # how long the agent pauses before the list follows what they typed

ctx = page_setup("Playbooks", needs=Capability.READ_PLAYBOOKS)
program = ctx.program
default_locale = program.spec.default_locale


def md(text: str) -> str:
    """Authored or typed text for Markdown: links only to the program's `link_domains`."""
    return authored_markdown(text, program.spec.link_domains)


def template_key(playbook_id: str) -> str:
    return f"playbooks.{playbook_id}.template"


def step_key(playbook_id: str, number: int) -> str:
    return f"playbooks.{playbook_id}.step.{number}"


def apply_link(link: DeepLink) -> None:
    """Put a deep link's choices into the widgets' state (once per distinct link)."""
    st.session_state[APPLIED_LINK] = link
    if link.search is not None or link.playbook:
        st.session_state[SEARCH] = link.search or ""
        st.session_state[CHANNEL] = ANY
        st.session_state[PROTECTS] = ANY
    if link.playbook:
        st.session_state[CHOSEN] = link.playbook
        if link.template:
            st.session_state[template_key(link.playbook)] = link.template
    if link.locale:
        st.session_state[LOCALE] = link.locale
    for name, value in link.values.items():
        st.session_state[VARIABLE.format(name)] = value


def show_everything() -> None:
    st.session_state[SEARCH] = ""
    st.session_state[CHANNEL] = ANY
    st.session_state[PROTECTS] = ANY


def keep_selection_only(playbook_id: str, **choices: str) -> None:
    """The address bar keeps what was chosen, never the customer's details."""
    st.query_params.from_dict({"playbook": playbook_id, **choices})
    st.session_state[APPLIED_LINK] = parse_link(st.query_params.to_dict(), program)


link = parse_link(st.query_params.to_dict(), program)
linked = not link.empty and st.session_state.get(APPLIED_LINK) != link
if linked:
    apply_link(link)

st.caption(
    "Type what happened, in the customer's words: the list narrows as you type and the best "
    "match opens. Fill in the customer's details and copy the message."
)
search_col, channel_col, protects_col = st.columns([2, 1, 1])
text = (
    search_col.text_input(
        "Search playbooks",
        key=SEARCH,
        type="search",
        live=LIVE_PAUSE,
        placeholder="e.g. missed callback, outage, angry about a refund",
    )
    or ""
)
channels = channel_options(program)
channel = channel_col.selectbox(
    "Channel",
    [ANY, *channels],
    key=CHANNEL,
    format_func=lambda c: c or "All channels",
)
protected = protect_options(program)
protects = protects_col.selectbox(
    "Protects",
    [ANY, *protected],
    key=PROTECTS,
    format_func=lambda p: protected.get(p, p) if p else "Any goal or SLA",
)

hits = search_playbooks(program, text, channel=channel, protects=protects)
searching = search_index(program).searchable(text)
if hits:
    listed = [hit.playbook for hit in hits]
    captions = [md(match_caption(hit)) if searching else "" for hit in hits]
    heading = f"{len(hits)} playbook{'s' if len(hits) != 1 else ''}" + (
        md(f" for “{text.strip()}”") if searching else ""
    )
else:
    listed = closest_playbooks(program, text, channel=channel, protects=protects)
    captions = ["" for _ in listed]
    filters = " with these filters" if channel or protects else ""
    st.info(md(f"No playbook matches “{text.strip()}”{filters}. These are the closest."))
    st.button("Show all playbooks", key="playbooks.show_all", on_click=show_everything)
    heading = "Closest playbooks"
    if not listed:
        st.stop()

ids = [playbook.id for playbook in listed]
if st.session_state.get(HITS) != ids:
    st.session_state[HITS] = ids
    if not (linked and link.playbook in ids):
        st.session_state[CHOSEN] = ids[0]
elif st.session_state.get(CHOSEN) not in ids:
    st.session_state[CHOSEN] = ids[0]
by_id = {playbook.id: playbook for playbook in listed}
chosen = st.radio(
    heading,
    ids,
    key=CHOSEN,
    format_func=lambda i: md(by_id[i].metadata.title),
    captions=captions,
)
playbook = by_id[chosen]
spec = playbook.spec

st.divider()
st.header(md(playbook.metadata.title))
st.markdown(md(" ".join(spec.situation.split())))
guarded = [protected.get(m, m) for m in spec.protects.metrics] + [
    protected.get(o, o) for o in spec.protects.objectives
]
if guarded:
    st.caption("Protects: " + md("; ".join(guarded)))

steps_area, message_area = st.columns([1, 1], gap="large")
with steps_area:
    st.subheader("Steps")
    done: set[int] = set()
    for number, step in enumerate(spec.steps, start=1):
        if st.checkbox(
            f"**{number}.** {md(' '.join(step.instruction.split()))}",
            key=step_key(playbook.id, number),
            wrap=True,
            width="stretch",
            persist_state="session",
        ):
            done.add(number)
        notes = [
            f":material/timer: **{md(note)}**"
            if note.startswith("Within")
            else f":material/campaign: {md(note)}"
            for note in step_notes(step)
        ]
        if notes:
            st.caption("  \n".join(notes))
    st.markdown(f"**{len(done)} of {len(spec.steps)} steps done.**")
    st_copy_button(
        steps_note(playbook, done),
        before_copy_label="Copy steps for the ticket note",
        after_copy_label="Steps copied",
        on_error_label="Copy failed: select the steps and copy by hand",
        key="playbooks.copy_steps",
    )

with message_area:
    st.subheader("Message")
    templates = template_ids(playbook)
    if not templates:
        keep_selection_only(playbook.id)
        st.info("This playbook has no message template.")
        st.stop()
    key = template_key(playbook.id)
    if st.session_state.get(key) not in templates:
        st.session_state[key] = templates[0]
    template_col, locale_col = st.columns(2)
    template_id = template_col.selectbox(
        "Template", templates, key=key, format_func=spec.template_title
    )
    title = spec.template_title(template_id)
    locales = locale_options(program, playbook, template_id)
    if st.session_state.get(LOCALE) not in locales:
        st.session_state[LOCALE] = default_locale
    available = set(template_locales(playbook, template_id))
    locale = locale_col.selectbox(
        "Customer's language",
        locales,
        key=LOCALE,
        format_func=lambda code: code if code in available else f"{code} (no version yet)",
    )
    keep_selection_only(playbook.id, template=template_id, locale=locale)

    try:
        version, _ = choose_template(
            playbook, template_id, locale=locale, default_locale=default_locale
        )
    except RenderError as exc:
        st.error(str(exc))
        st.stop()
    note = locale_note(title, locale, version.locale, default_locale)
    if note:
        st.warning(md(note))

    variables = used_variables(playbook, version)
    values: dict[str, str] = {}
    if variables:
        st.markdown("**For this customer** (fields marked * are required)")
    for variable in variables:
        values[variable.name] = st.text_input(
            f"{md(variable.shown_label)}{' *' if variable.required else ''}",
            key=VARIABLE.format(variable.name),
            placeholder=f"e.g. {variable.example}" if variable.example else "",
            help=md(" ".join(variable.description.split())),
            persist_state="session",
        )

    missing = missing_required(variables, values)
    try:
        rendered = render_template(
            playbook,
            template_id,
            with_placeholders(variables, values),
            locale=locale,
            default_locale=default_locale,
        )
    except RenderError as exc:
        st.error(
            md(
                f"“{title}” cannot be filled in: {exc}. Tell the playbook's owner "
                f"({playbook.metadata.owner})."
            )
        )
        st.stop()

    message = message_text(rendered.channel, rendered.subject, rendered.body)
    channel_name = "E-mail" if rendered.channel == "email" else rendered.channel.capitalize()
    st.markdown(f"**{channel_name} to send** ({version.locale})")
    with st.container(border=True, key="playbooks.preview"):
        st.text(message)
    if missing:
        st.warning(md(f"Still needed before you copy: {labels_of(missing)}."))
    st_copy_button(
        message,
        before_copy_label="Copy message",
        after_copy_label="Message copied",
        on_error_label="Copy failed: select the text and copy by hand",
        type="primary",
        disabled=bool(missing),
        key="playbooks.copy_message",
    )
