"""Playbooks for agents: find the right one as you type, follow its steps, fill its template, copy it.

The landing page for the agent role. Search picks the top hit at once, so typing "apolog" opens
the service-recovery playbook and its apology e-mail; the form has one field per variable that the
template uses; the preview updates on every change and shows `[name]` where a required value is
still missing; the finished text has a copy button (`st.code`) and a download. Authored and
customer text is shown escaped (`st.code`, `st.text`), never as HTML.

Authored titles, steps and labels are Markdown through `app.textsafety.authored_markdown`: a
link is live only to a host in the program's `link_domains`.

Deep links: `?playbook=ID&template=ID&locale=xx&q=TEXT`, plus any declared variable by name
(e.g. `&case_id=NW-1` from a help-desk link). The page then writes the selection back to the URL
without the variables, so a customer's details do not stay in the browser's address bar.
"""

from __future__ import annotations

import streamlit as st

from app.playbooks.render import RenderError, choose_template, render_template, template_locales
from app.playbooks.search import search_playbooks
from app.textsafety import authored_markdown
from app.ui.context import page_setup
from app.ui.playbook_view import (
    DeepLink,
    channel_options,
    locale_options,
    message_text,
    missing_required,
    parse_link,
    protect_options,
    template_ids,
    used_variables,
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

ctx = page_setup("Playbooks", needs=Capability.READ_PLAYBOOKS)
program = ctx.program
default_locale = program.spec.default_locale


def md(text: str) -> str:
    """Authored text for a Markdown label: links only to the program's `link_domains`."""
    return authored_markdown(text, program.spec.link_domains)


def template_key(playbook_id: str) -> str:
    return f"playbooks.{playbook_id}.template"


def apply_link(link: DeepLink) -> None:
    """Put a deep link's choices into the widgets' state (once per distinct link)."""
    st.session_state[APPLIED_LINK] = link
    if link.search is not None or link.playbook:
        st.session_state[SEARCH] = link.search or ""
        st.session_state[CHANNEL] = None
        st.session_state[PROTECTS] = None
    if link.playbook:
        st.session_state[CHOSEN] = link.playbook
        if link.template:
            st.session_state[template_key(link.playbook)] = link.template
    if link.locale:
        st.session_state[LOCALE] = link.locale
    for name, value in link.values.items():
        st.session_state[VARIABLE.format(name)] = value


link = parse_link(st.query_params.to_dict(), program)
linked = not link.empty and st.session_state.get(APPLIED_LINK) != link
if linked:
    apply_link(link)

st.caption(
    "Type what happened; the best match opens at once. Fill in the customer's details and copy the message."
)
search_col, channel_col, protects_col = st.columns([2, 1, 1])
text = search_col.text_input(
    "Search playbooks", key=SEARCH, placeholder="e.g. apology, outage, callback, refund"
)
channels = channel_options(program)
channel = channel_col.selectbox(
    "Channel",
    [None, *channels],
    key=CHANNEL,
    format_func=lambda c: "All channels" if c is None else c,
)
protected = protect_options(program)
protects = protects_col.selectbox(
    "Protects",
    [None, *protected],
    key=PROTECTS,
    format_func=lambda p: "Any goal or SLA" if p is None else protected.get(p, p),
)

hits = search_playbooks(program, text, channel=channel, protects=protects)
if not hits:
    st.info("No playbook matches. Try a shorter word, or clear the channel and protects filters.")
    st.stop()

ids = [hit.playbook.id for hit in hits]
if st.session_state.get(HITS) != ids:
    st.session_state[HITS] = ids
    if not (linked and link.playbook in ids):
        st.session_state[CHOSEN] = ids[0]
elif st.session_state.get(CHOSEN) not in ids:
    st.session_state[CHOSEN] = ids[0]
by_id = {hit.playbook.id: hit for hit in hits}
chosen = st.radio(
    f"{len(hits)} playbook{'s' if len(hits) != 1 else ''}",
    ids,
    key=CHOSEN,
    format_func=lambda i: md(by_id[i].playbook.metadata.title),
    captions=[f"matched in {', '.join(hit.matched)}" if text.strip() else "" for hit in hits],
)
playbook = by_id[chosen].playbook
spec = playbook.spec

st.divider()
st.subheader(md(playbook.metadata.title))
st.text(spec.situation)
guarded = [protected.get(m, m) for m in spec.protects.metrics] + [
    protected.get(o, o) for o in spec.protects.objectives
]
if guarded:
    st.caption("Protects: " + md("; ".join(guarded)))

steps_area, message_area = st.columns([2, 3], gap="large")
with steps_area:
    st.markdown("**Steps**")
    done = 0
    for number, step in enumerate(spec.steps, start=1):
        done += st.checkbox(
            f"{number} · {md(step.instruction)}", key=f"playbooks.{playbook.id}.step.{number}"
        )
        notes = ([f"Within {step.time_limit}."] if step.time_limit else []) + (
            [f"Escalation: {step.escalation}"] if step.escalation else []
        )
        if notes:
            st.caption(md(" ".join(notes)))
    st.caption(f"{done} of {len(spec.steps)} steps done.")

with message_area:
    st.markdown("**Message templates**")
    templates = template_ids(playbook)
    if not templates:
        st.query_params.from_dict({"playbook": playbook.id})
        st.session_state[APPLIED_LINK] = parse_link(st.query_params.to_dict(), program)
        st.caption("This playbook has no message template.")
        st.stop()
    key = template_key(playbook.id)
    if st.session_state.get(key) not in templates:
        st.session_state[key] = templates[0]
    template_col, locale_col = st.columns(2)
    template_id = template_col.selectbox("Template", templates, key=key)
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
    st.query_params.from_dict({"playbook": playbook.id, "template": template_id, "locale": locale})
    st.session_state[APPLIED_LINK] = parse_link(st.query_params.to_dict(), program)

    try:
        version, note = choose_template(
            playbook, template_id, locale=locale, default_locale=default_locale
        )
    except RenderError as exc:
        st.error(str(exc))
        st.stop()
    if version.locale != locale:
        st.warning(note)
    else:
        st.caption(f"{note} Channel: {version.channel}.")

    variables = used_variables(playbook, version)
    values: dict[str, str] = {}
    if variables:
        st.markdown("**For this customer** (fields marked * are required)")
    for variable in variables:
        values[variable.name] = st.text_input(
            f"{md(variable.description)}{' *' if variable.required else ''}",
            key=VARIABLE.format(variable.name),
            placeholder=variable.example or "",
            help=f"Template variable `{variable.name}`",
        )

    missing = missing_required(variables, values)
    if missing:
        st.warning(
            f"Still missing (required): {', '.join(v.name for v in missing)}. "
            "The preview shows [name] in their place."
        )
    try:
        rendered = render_template(
            playbook,
            template_id,
            values,
            locale=locale,
            default_locale=default_locale,
            placeholders=bool(missing),
        )
    except RenderError as exc:
        st.error(
            md(
                f"This template cannot be filled in: {exc}. Tell the playbook's owner "
                f"({playbook.metadata.owner})."
            )
        )
        st.stop()

    message = message_text(rendered.subject, rendered.body)
    if missing:
        st.markdown("**Preview**")
        with st.container(border=True):
            st.text(message)
    else:
        st.markdown("**Ready to send** — use the copy button at the top right of each box")
        if rendered.subject is not None:
            st.caption("Subject")
            st.code(rendered.subject, language=None, wrap_lines=True)
            st.caption("Message")
        st.code(rendered.body, language=None, wrap_lines=True)
        st.download_button(
            "Download as text",
            data=message,
            file_name=f"{playbook.id}-{template_id}-{rendered.locale_used}.txt",
            mime="text/plain",
            key="playbooks.download",
            icon=":material/download:",
        )
