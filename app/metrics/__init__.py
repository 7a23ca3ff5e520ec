"""KPI calculations as SQL aggregates over contacts, and the computed actuals written from them."""

from app.metrics.compute import KpiValue, Series, compute_kpis, compute_series, contact_metrics
from app.metrics.record import ComputeSummary, write_computed_actuals

__all__ = ["ComputeSummary", "KpiValue", "Series", "compute_kpis", "compute_series", "contact_metrics",
           "write_computed_actuals"]
