"""What a change to program.yaml does to how every goal is judged."""

from __future__ import annotations

from app.diff.change import Change, Maker, more_or_less
from app.spec.program import ProgramSettings


def settings_changes(base: ProgramSettings, head: ProgramSettings) -> list[Change]:
    make = Maker("Program", head.id)
    old, new = base.spec, head.spec
    out: list[Change] = []
    if old.timezone != new.timezone:
        out.append(
            make(
                "timezone",
                "breaking",
                f"months are cut in {new.timezone} (was {old.timezone}): every "
                "monthly actual is computed over other instants",
                ("spec", "timezone"),
                before=old.timezone,
                after=new.timezone,
            )
        )
    if old.currency != new.currency:
        out.append(
            make(
                "currency",
                "breaking",
                f"program currency {old.currency} → {new.currency}",
                ("spec", "currency"),
                before=old.currency,
                after=new.currency,
            )
        )
    if old.start_date != new.start_date:
        later = new.start_date > old.start_date
        out.append(
            make(
                "start_date",
                "softened" if later else "tightened",
                f"program start {old.start_date} → {new.start_date}: every roadmap item due by day number "
                f"moves {'later' if later else 'earlier'}",
                ("spec", "start_date"),
                before=old.start_date,
                after=new.start_date,
            )
        )
    for field, label in (("on_track_within", "on track"), ("at_risk_within", "at risk")):
        a, b = getattr(old.status, field), getattr(new.status, field)
        severity = more_or_less(a, b, more_is="softened", less_is="tightened")
        if severity is not None:
            out.append(
                make(
                    "tolerance",
                    severity,
                    f"a goal counts as {label} when behind plan by up to {b:g} points (was {a:g})",
                    ("spec", "status", field),
                    before=a,
                    after=b,
                )
            )
    a, b = old.smart.max_monthly_change_percent, new.smart.max_monthly_change_percent
    severity = more_or_less(a, b, more_is="softened", less_is="tightened")
    if severity is not None:
        out.append(
            make(
                "smart",
                severity,
                f"goals may plan up to {b:g} a month without a rationale (was {a:g})",
                ("spec", "smart", "max_monthly_change_percent"),
                before=a,
                after=b,
            )
        )
    severity = more_or_less(
        old.stale_after_days, new.stale_after_days, more_is="softened", less_is="tightened"
    )
    if severity is not None:
        out.append(
            make(
                "stale",
                severity,
                f"a metric is stale after {new.stale_after_days} days without an actual "
                f"(was {old.stale_after_days})",
                ("spec", "stale_after_days"),
                before=old.stale_after_days,
                after=new.stale_after_days,
            )
        )
    if old.access != new.access:
        out.append(
            make("access", "info", "who gets which role in the app changed", ("spec", "access"))
        )
    return out
