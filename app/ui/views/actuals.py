"""Actuals: record a figure by hand, import a contact export, read the revision history.

Writes go through the store's and the importer's functions, the same ones `cxgov actuals record`
and `cxgov ingest` call. An import is previewed first (the whole import and its recompute, rolled
back): when it would change a goal's status or a credit, the page says what and asks for a
confirmation; otherwise it imports straight away. Either way it then shows what changed. A correction needs a reason; when someone else recorded a value since
this page was drawn, the write is refused with the conflict shown, never silently overwritten.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from pathlib import Path

import streamlit as st

from app.display.changes import actual_rows, credit_rows, goal_rows, outcome_rows
from app.display.labels import format_value
from app.errors import CxgovError
from app.periods import Month
from app.service.actuals import record_actual, revisions
from app.service.imports import (
    ImportOutcome,
    Mapping,
    choose_mapping,
    field_issues,
    import_file,
    preview_import,
    profile_names,
    quarantine_report,
    recent_imports,
)
from app.spec.common import Scope
from app.spec.exclusions import describe_series_key
from app.spec.program import measured_series
from app.textsafety import authored_markdown
from app.ui.context import PageContext, page_setup
from app.ui.month_picker import month_picker
from app.ui.roles import Capability
from app.ui.tables import data_table
from app.words import counted

SEEN_KEY = "actuals.record.seen"
# (file, digest, profile) and the preview of an import that waits for its confirmation. (A
# comment, not a docstring: Streamlit writes a page script's bare strings onto the page.)
PENDING_KEY = "actuals.import.pending"
PREVIEW_ROWS = 20


def scope_options(ctx: PageContext, metric_id: str) -> list[str]:
    keys = sorted(
        {scope.key() for metric, scope in measured_series(ctx.program) if metric == metric_id}
    )
    return keys or [ctx.program.metrics[metric_id].spec.scope.key()]


def scope_label(key: str) -> str:
    """A stored series key for people; an SLA objective's series without its excluded contacts
    names the windows too."""
    return describe_series_key(key)


def record_tab(ctx: PageContext) -> None:
    # Figures entered by hand come first: contact-based metrics are computed, a manual value is a correction.
    metrics = sorted(ctx.program.metrics, key=lambda m: (ctx.program.metrics[m].from_contacts, m))
    metric_id = st.selectbox(
        "Metric",
        metrics,
        key="record.metric",
        format_func=lambda m: f"{ctx.program.metrics[m].metadata.title} ({m})",
    )
    scope_key = st.selectbox(
        "Scope", scope_options(ctx, metric_id), key="record.scope", format_func=scope_label
    )
    open_month = Month.of(ctx.as_of)
    period = month_picker(
        "Month", key="record.period", latest=open_month, default=open_month.shift(-1)
    )
    metric = ctx.program.metrics[metric_id]
    seen = st.session_state.get(SEEN_KEY)
    this_month = [
        r
        for r in revisions(ctx.engine, metric=metric_id, scope_key=scope_key)
        if r.period == str(period)
    ]
    current = this_month[-1] if this_month else None
    if current is None:
        st.info(f"No value yet for {period}: this will be revision 1.")
    else:
        st.info(
            authored_markdown(
                f"Current value for {period}: "
                f"{format_value(current.value, metric.spec.unit, metric.spec.decimals)} "
                f"(revision {current.revision}, {current.source}, by {current.author}). "
                "A new value is a correction and needs a reason."
            )
        )
    value = st.number_input(
        f"Value ({metric.spec.unit})", value=None, key="record.value", format="%.4f"
    )
    reason = st.text_input("Reason (required for a correction)", key="record.reason")
    key = (metric_id, scope_key, str(period))
    if st.button("Record", type="primary", key="record.submit"):
        expected = seen[1] if seen and seen[0] == key else (current.revision if current else 0)
        if value is None:
            st.error("Not recorded: enter a value to record.")
        else:
            try:
                actual = record_actual(
                    ctx.engine,
                    ctx.program,
                    metric=metric_id,
                    scope=Scope.from_key(scope_key),
                    period=period,
                    value=float(value),
                    author=ctx.viewer.author,
                    reason=reason or None,
                    expected_revision=expected,
                )
            except CxgovError as exc:
                st.error(f"Not recorded: {exc}")
            else:
                st.success(
                    f"Recorded {format_value(float(value), metric.spec.unit, metric.spec.decimals)} for "
                    f"{metric_id} [{scope_label(scope_key)}] {period} as revision {actual.revision}."
                )
                st.session_state[SEEN_KEY] = (key, actual.revision)
                return
    st.session_state[SEEN_KEY] = (key, current.revision if current else 0)


def import_tab(ctx: PageContext) -> None:
    upload = st.file_uploader("Contact export (CSV)", type=["csv"], key="import.file")
    names = profile_names()
    profile = st.selectbox(
        "Column mapping",
        names,
        index=names.index("generic") if "generic" in names else 0,
        key="import.profile",
    )
    mapping = choose_mapping(profile=profile).mapping
    with st.expander(f"Mapping used: {mapping.metadata.title}"):
        data_table(
            [
                {
                    "canonical field": name,
                    **{
                        k: str(v)
                        for k, v in spec.model_dump(exclude_none=True, mode="json").items()
                    },
                }
                for name, spec in mapping.spec.resolved().items()
            ],
            hide_index=True,
            width="stretch",
            key="import.mapping",
        )
    if upload is None:
        return
    data = upload.getvalue()
    st.subheader("Preview")
    try:
        reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace")))
        header = next(reader, [])
        preview = [dict(zip(header, row)) for _, row in zip(range(PREVIEW_ROWS), reader)]
    except csv.Error as exc:
        st.error(f"This file is not readable as CSV: {exc}")
        return
    st.caption(f"First {len(preview)} rows of {upload.name}; columns: {', '.join(header)}")
    data_table(preview, hide_index=True, width="stretch", key="import.preview")
    token = (upload.name, hashlib.sha256(data).hexdigest(), profile)
    pending = st.session_state.get(PENDING_KEY)
    if pending is not None and pending[0] != token:
        del st.session_state[PENDING_KEY]  # another file or mapping: its preview no longer applies
    if st.button("Import", type="primary", key="import.run"):
        st.session_state.pop(PENDING_KEY, None)
        seen = _uploaded(ctx, upload.name, data, mapping, preview=True)
        if seen is None:
            return
        if not seen.changes.decisive:
            _show_import(ctx, _uploaded(ctx, upload.name, data, mapping, preview=False))
            return
        st.session_state[PENDING_KEY] = (token, seen)
    pending = st.session_state.get(PENDING_KEY)
    if pending is None:
        return
    box = st.empty()
    with box.container():
        confirm = _confirmation(ctx, pending[1])
    if confirm is None:
        return
    del st.session_state[PENDING_KEY]
    box.empty()
    if confirm:
        _show_import(ctx, _uploaded(ctx, upload.name, data, mapping, preview=False))
    else:
        st.info("Nothing was imported.")


def _uploaded(
    ctx: PageContext, name: str, data: bytes, mapping: Mapping, *, preview: bool
) -> ImportOutcome | None:
    """The upload previewed (rolled back) or imported; None, with the error shown, when refused."""
    with tempfile.TemporaryDirectory(prefix="cxgov-upload-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        run = preview_import if preview else import_file
        try:
            return run(
                ctx.engine,
                ctx.program,
                path,
                mapping=mapping,
                author=ctx.viewer.author,
                as_of=ctx.as_of,
            )
        except CxgovError as exc:
            st.error(f"Not imported: {exc}")
            return None


def _confirmation(ctx: PageContext, seen: ImportOutcome) -> bool | None:
    """The preview of an import that changes a goal's status or a credit, and the question:
    True (confirmed), False (cancelled) or None (not answered yet)."""
    summary = seen.summary
    st.warning(
        f"This import changes: {', '.join(seen.changes.headline())} (as of {seen.as_of}). "
        "Nothing has been imported yet.",
        icon=":material/warning:",
    )
    st.caption(
        f"{summary.file}: {counted(summary.rows_read, 'row')} — {summary.imported:,} new, "
        f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
        f"{summary.quarantined:,} quarantined, {counted(summary.field_issues, 'field issue')}."
    )
    _changes(ctx, seen, key="import.preview")
    _preview_details(seen)
    yes, no = st.columns([1, 4])
    if yes.button("Confirm import", type="primary", key="import.confirm"):
        return True
    if no.button("Cancel", key="import.cancel"):
        return False
    return None


def _changes(ctx: PageContext, outcome: ImportOutcome, *, key: str) -> None:
    changes = outcome.changes
    if changes.goals:
        st.write("Goal statuses:")
        data_table(goal_rows(changes), hide_index=True, width="stretch", key=f"{key}.goals")
    if changes.credits:
        st.write("Credits:")
        data_table(credit_rows(changes), hide_index=True, width="stretch", key=f"{key}.credits")
    if changes.outcomes:
        st.write("SLA outcomes:")
        data_table(outcome_rows(changes), hide_index=True, width="stretch", key=f"{key}.outcomes")
    if changes.actuals:
        with st.expander(f"Stored actuals: {counted(len(changes.actuals), 'change')}"):
            data_table(
                actual_rows(changes, ctx.program),
                hide_index=True,
                width="stretch",
                key=f"{key}.actuals",
            )


def _preview_details(seen: ImportOutcome) -> None:
    for warning in seen.summary.warnings:  # they quote the file's own column names
        st.warning(authored_markdown(warning))
    for warning in seen.warnings:
        st.warning(warning, icon=":material/info:")
    if seen.examples:
        with st.expander("Field issues and quarantined rows: examples"):
            data_table(
                [
                    {"reason": code, "line": example["line"], "detail": example["reason"]}
                    for code, examples in seen.examples.items()
                    for example in examples
                ],
                hide_index=True,
                width="stretch",
                key="import.preview.examples",
            )


def _show_import(ctx: PageContext, outcome: ImportOutcome | None) -> None:
    if outcome is None:
        return
    summary, computed = outcome.summary, outcome.computed
    result = summary.as_dict()
    st.success(
        f"Read {result['rows_read']} rows: {result['imported']} new, {result['updated']} updated, "
        f"{result['unchanged']} unchanged, {result['quarantined']} quarantined."
    )
    for warning in summary.warnings:  # they quote the file's own column names
        st.warning(authored_markdown(warning))
    if result["quarantine_reasons"]:
        st.write("Quarantined rows by reason:")
        data_table(
            [{"reason": k, "rows": v} for k, v in result["quarantine_reasons"].items()],
            hide_index=True,
            key="import.reasons",
        )
        data_table(
            quarantine_report(ctx.engine, summary.batch_id),
            hide_index=True,
            width="stretch",
            key="import.quarantine",
        )
    if result["field_issue_reasons"]:
        st.write("Fields left blank in otherwise good rows:")
        data_table(
            field_issues(ctx.engine, summary.batch_id),
            hide_index=True,
            width="stretch",
            key="import.issues",
        )
    if result["unmapped_values"]:
        st.warning(
            "Values the mapping does not name: stored as written (lower case), so only a goal or "
            "SLA scope that names them counts them. Add them to the mapping's `values`.",
            icon=":material/translate:",
        )
        data_table(
            [
                {"field": name, "value": value, "rows": rows}
                for name, values in result["unmapped_values"].items()
                for value, rows in values.items()
            ],
            hide_index=True,
            key="import.unmapped",
        )
    if computed is not None:
        st.success(
            f"Actuals brought up to date for {', '.join(str(m) for m in computed.months)}: "
            f"{computed.recorded} recorded, {computed.revised} revised.",
            icon=":material/functions:",
        )
    if outcome.changes.empty:
        st.info("No goal status, SLA outcome, credit or stored actual changed.")
    else:
        st.info(
            f"This import changed: {', '.join(outcome.changes.headline())} (as of {outcome.as_of})."
        )
        _changes(ctx, outcome, key="import.done")


def history_tab(ctx: PageContext) -> None:
    metric_id = st.selectbox(
        "Metric",
        sorted(ctx.program.metrics),
        key="history.metric",
        format_func=lambda m: f"{ctx.program.metrics[m].metadata.title} ({m})",
    )
    metric = ctx.program.metrics[metric_id]
    rows = revisions(ctx.engine, metric=metric_id)
    scopes = sorted({r.scope_key for r in rows}) or scope_options(ctx, metric_id)
    scope_key = st.selectbox("Scope", scopes, key="history.scope", format_func=scope_label)
    shown = [r for r in rows if r.scope_key == scope_key]
    if not shown:
        st.info("No values recorded yet for this metric and scope.")
        return
    corrections = sum(1 for r in shown if r.revision > 1)
    st.caption(
        f"{counted(len(shown), 'revision')}, {corrections} of them {'a correction' if corrections == 1 else 'corrections'}. "
        "Nothing is ever overwritten."
    )
    data_table(
        [
            {
                "month": r.period,
                "revision": r.revision,
                "value": format_value(r.value, metric.spec.unit, metric.spec.decimals),
                "source": r.source,
                "by": r.author,
                "recorded": r.recorded_at.isoformat(timespec="seconds"),
                "reason": r.reason or "",
            }
            for r in reversed(shown)
        ],
        hide_index=True,
        width="stretch",
        key="history.table",
    )


def imports_section(ctx: PageContext) -> None:
    batches = recent_imports(ctx.engine)
    if not batches:
        st.info("No contact export imported yet.")
        return
    data_table(batches, hide_index=True, width="stretch", key="imports.table")
    with_quarantine = [b for b in batches if b["quarantined"]]
    if with_quarantine:
        batch = st.selectbox(
            "Quarantine report of import",
            [b["batch"] for b in with_quarantine],
            key="imports.batch",
        )
        data_table(
            quarantine_report(ctx.engine, batch),
            hide_index=True,
            width="stretch",
            key="imports.quarantine",
        )


ctx = page_setup("Actuals", needs=Capability.READ_PROGRAM)
if ctx.viewer.can(Capability.WRITE_ACTUALS):
    record, upload, history, imports = st.tabs(
        ["Record a figure", "Import contacts", "Revision history", "Imports"]
    )
    with record:
        record_tab(ctx)
    with upload:
        import_tab(ctx)
else:
    st.caption("Read-only: recording and importing actuals is for managers.")
    history, imports = st.tabs(["Revision history", "Imports"])
with history:
    history_tab(ctx)
with imports:
    imports_section(ctx)
