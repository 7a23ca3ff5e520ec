"""KPI calculations as SQL aggregates over contacts, and the computed actuals written from them."""

from app.metrics.compute import KpiValue, compute_kpis, compute_series, contact_metrics
from app.metrics.queries import Series
from app.metrics.record import ComputeSummary, refresh_after_import, write_computed_actuals

__all__ = [
    "ComputeSummary",
    "KpiValue",
    "Series",
    "compute_kpis",
    "compute_series",
    "contact_metrics",
    "refresh_after_import",
    "write_computed_actuals",
]
