"""Actuals: record a figure by hand, import a contact export, read the revision history.

Writes go through the store's and the importer's functions, the same ones `cxgov actuals record`
and `cxgov ingest` call. A correction needs a reason; when someone else recorded a value since
this page was drawn, the write is refused with the conflict shown, never silently overwritten.
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import streamlit as st

from app.periods import Month
from app.spec.common import Scope
from app.spec.program import measured_series
from app.ui.context import PageContext, page_setup
from app.ui.format import format_value
from app.ui.queries import field_issues, quarantine_report, recent_imports
from app.ui.roles import Capability

SEEN_KEY = "actuals.record.seen"
PREVIEW_ROWS = 20


def scope_options(ctx: PageContext, metric_id: str) -> list[str]:
    keys = sorted(
        {scope.key() for metric, scope in measured_series(ctx.program) if metric == metric_id}
    )
    return keys or [ctx.program.metrics[metric_id].spec.scope.key()]


def scope_label(key: str) -> str:
    return Scope.from_key(key).describe()


def record_tab(ctx: PageContext) -> None:
    from app.store.actuals import ActualsError, append_revision, history
    from app.store.db import session_scope

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
    period_text = st.text_input(
        "Month (YYYY-MM)", value=str(Month.of(ctx.as_of).shift(-1)), key="record.period"
    )
    try:
        period = Month.parse(period_text)
    except ValueError as exc:
        st.error(str(exc))
        return
    metric = ctx.program.metrics[metric_id]
    seen = st.session_state.get(SEEN_KEY)
    with session_scope(ctx.engine) as session:
        revisions = [
            r
            for r in history(session, metric=metric_id, scope_key=scope_key)
            if r.period == str(period)
        ]
    current = revisions[-1] if revisions else None
    if current is None:
        st.info(f"No value yet for {period}: this will be revision 1.")
    else:
        st.info(
            f"Current value for {period}: {format_value(current.value, metric.spec.unit, metric.spec.decimals)} "
            f"(revision {current.revision}, {current.source}, by {current.author}). A new value is a correction "
            "and needs a reason."
        )
    value = st.number_input(
        f"Value ({metric.spec.unit})", value=None, key="record.value", format="%.4f"
    )
    reason = st.text_input("Reason (required for a correction)", key="record.reason")
    key = (metric_id, scope_key, str(period))
    if st.button("Record", type="primary", key="record.submit"):
        expected = seen[1] if seen and seen[0] == key else (current.revision if current else 0)
        from app.cli.actuals import value_problem

        problem = None if value is None else value_problem(metric, float(value))
        if value is None or problem:
            st.error(f"Not recorded: {problem or 'enter a value to record.'}")
        else:
            try:
                with session_scope(ctx.engine) as session:
                    actual = append_revision(
                        session,
                        metric=metric_id,
                        scope_key=scope_key,
                        period=period,
                        value=float(value),
                        source="manual",
                        author=ctx.viewer.author,
                        reason=reason or None,
                        expected_revision=expected,
                    )
                    revision = actual.revision
            except ActualsError as exc:
                st.error(f"Not recorded: {exc}")
            except ValueError as exc:
                st.error(f"Not recorded: {exc}")
            else:
                st.success(
                    f"Recorded {format_value(float(value), metric.spec.unit, metric.spec.decimals)} for "
                    f"{metric_id} [{scope_label(scope_key)}] {period} as revision {revision}."
                )
                current_revision = revision
                st.session_state[SEEN_KEY] = (key, current_revision)
                return
    st.session_state[SEEN_KEY] = (key, current.revision if current else 0)


def import_tab(ctx: PageContext) -> None:
    from app.ingest import FILE_ERRORS, builtin_profile, ingest_file, profile_names

    upload = st.file_uploader("Contact export (CSV)", type=["csv"], key="import.file")
    names = profile_names()
    profile = st.selectbox(
        "Column mapping",
        names,
        index=names.index("generic") if "generic" in names else 0,
        key="import.profile",
    )
    mapping = builtin_profile(profile)
    with st.expander(f"Mapping used: {mapping.metadata.title}"):
        st.dataframe(
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
    st.dataframe(preview, hide_index=True, width="stretch", key="import.preview")
    if not st.button("Import", type="primary", key="import.run"):
        return
    with tempfile.TemporaryDirectory(prefix="cxgov-upload-") as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(data)
        try:
            summary = ingest_file(
                ctx.engine,
                path,
                mapping=mapping,
                program_timezone=ctx.program.timezone,
                author=ctx.viewer.author,
            )
        except FILE_ERRORS as exc:
            st.error(f"Not imported: {exc}")
            return
    result = summary.as_dict()
    st.success(
        f"Read {result['rows_read']} rows: {result['imported']} new, {result['updated']} updated, "
        f"{result['unchanged']} unchanged, {result['quarantined']} quarantined."
    )
    if result["quarantine_reasons"]:
        st.write("Quarantined rows by reason:")
        st.dataframe(
            [{"reason": k, "rows": v} for k, v in result["quarantine_reasons"].items()],
            hide_index=True,
            key="import.reasons",
        )
        st.dataframe(
            quarantine_report(ctx.engine, summary.batch_id),
            hide_index=True,
            width="stretch",
            key="import.quarantine",
        )
    if result["field_issue_reasons"]:
        st.write("Fields left blank in otherwise good rows:")
        st.dataframe(
            field_issues(ctx.engine, summary.batch_id),
            hide_index=True,
            width="stretch",
            key="import.issues",
        )
    if summary.imported or summary.updated:
        from app.metrics import refresh_after_import

        computed = refresh_after_import(
            ctx.engine, ctx.program, batch_id=summary.batch_id, author=ctx.viewer.author
        )
        st.success(
            f"Actuals brought up to date for {computed.months[0]} … {computed.months[-1]}: "
            f"{computed.recorded} recorded, {computed.revised} revised.",
            icon=":material/functions:",
        )


def history_tab(ctx: PageContext) -> None:
    from app.store.actuals import history
    from app.store.db import session_scope

    metric_id = st.selectbox(
        "Metric",
        sorted(ctx.program.metrics),
        key="history.metric",
        format_func=lambda m: f"{ctx.program.metrics[m].metadata.title} ({m})",
    )
    metric = ctx.program.metrics[metric_id]
    with session_scope(ctx.engine) as session:
        rows = history(session, metric=metric_id)
    scopes = sorted({r.scope_key for r in rows}) or scope_options(ctx, metric_id)
    scope_key = st.selectbox("Scope", scopes, key="history.scope", format_func=scope_label)
    shown = [r for r in rows if r.scope_key == scope_key]
    if not shown:
        st.info("No values recorded yet for this metric and scope.")
        return
    corrections = sum(1 for r in shown if r.revision > 1)
    st.caption(
        f"{len(shown)} revision(s), {corrections} of them correction(s). Nothing is ever overwritten."
    )
    st.dataframe(
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
    st.dataframe(batches, hide_index=True, width="stretch", key="imports.table")
    with_quarantine = [b for b in batches if b["quarantined"]]
    if with_quarantine:
        batch = st.selectbox(
            "Quarantine report of import",
            [b["batch"] for b in with_quarantine],
            key="imports.batch",
        )
        st.dataframe(
            quarantine_report(ctx.engine, batch),
            hide_index=True,
            width="stretch",
            key="imports.quarantine",
        )


ctx = page_setup("Actuals", needs=Capability.READ_PROGRAM)
if ctx.viewer.can(Capability.WRITE_ACTUALS):
    record, upload, revisions, imports = st.tabs(
        ["Record a figure", "Import contacts", "Revision history", "Imports"]
    )
    with record:
        record_tab(ctx)
    with upload:
        import_tab(ctx)
else:
    st.caption("Read-only: recording and importing actuals is for managers.")
    revisions, imports = st.tabs(["Revision history", "Imports"])
with revisions:
    history_tab(ctx)
with imports:
    imports_section(ctx)
