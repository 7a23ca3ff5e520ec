"""KPI calculations as SQL aggregates over contacts, and the computed actuals written from them."""

from app.metrics.compute import KpiValue, compute_kpis, compute_series, contact_metrics
from app.metrics.queries import Series
from app.metrics.record import (
    ComputeSummary,
    StaleActual,
    recompute_owed,
    stale_actuals,
    write_computed_actuals,
)
from app.metrics.touched import months_touched_by

__all__ = [
    "ComputeSummary",
    "KpiValue",
    "Series",
    "StaleActual",
    "compute_kpis",
    "compute_series",
    "contact_metrics",
    "months_touched_by",
    "recompute_owed",
    "stale_actuals",
    "write_computed_actuals",
]
