"""The fee a month's credits are a percentage of: the fee schedule, proration, the contract year.

- **Fee schedule**: `monthly_fee` from the contract's first month, then each `fee_schedule` entry
  from its month on.
- **Proration** (`credits.proration: days`, the default): in a month the contract covers only in
  part — it starts after the 1st or ends before the last day — the fee is the monthly fee × the
  days in effect / the days of the calendar month, rounded to cents (as an invoice shows it). A
  contract from 2027-01-15 at $40,000: January's fee is $40,000 × 17 / 31 = $21,935.48. Every
  percentage of the fee follows (credits, the pool's at-risk amount, a `percent_of_fee` cap); a
  monthly cap written as an `amount` is prorated the same way. `proration: none` keeps the full
  monthly fee.
- **Contract year**: twelve contract months, counted from the contract's first month (a partial
  first month counts as the first). Year *n*'s fees are the sum of its months' fees as above (a
  last year cut short by `effective.to` has only its months).
- **No-credit months** (`credits.no_credit_months: N`): the contract's first N months owe no credit.

Pure: no I/O.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from app.evaluate.money import cents, fmt_money
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.sla import SLAContract


@dataclass(frozen=True)
class MonthFee(JsonReady):
    period: Month
    monthly_fee: Decimal
    """The schedule's fee for the month."""
    days: int
    """Days of the month the contract is in effect."""
    days_in_month: int
    fee: Decimal
    """What the month's credits are a percentage of: prorated by days, or the monthly fee."""
    contract_year: int
    """1 for the contract's first twelve months, 2 for the next twelve…"""
    credit_free: bool
    """One of the contract's first `no_credit_months` months."""

    @property
    def prorated(self) -> bool:
        return self.fee != self.monthly_fee

    def describe(self, currency: str) -> str:
        """ "$40,000", or "$21,935.48 (17 of 31 days of $40,000)" for a prorated month."""
        fee = fmt_money(self.fee, currency)
        if not self.prorated:
            return fee
        return (
            f"{fee} ({self.days} of {self.days_in_month} days of "
            f"{fmt_money(self.monthly_fee, currency)})"
        )

    def share(self, amount: Decimal) -> Decimal:
        """`amount` (a monthly figure, such as a cap written as an amount) prorated like the fee."""
        if not self.prorated or self.days == self.days_in_month:
            return amount
        return cents(amount * self.days / self.days_in_month)


def days_in_effect(contract: SLAContract, month: Month) -> int:
    effective = contract.spec.effective
    length = monthrange(month.year, month.month)[1]
    start, end = effective.from_, effective.to
    if (start.year, start.month) < (month.year, month.month) and (
        end is None or (end.year, end.month) > (month.year, month.month)
    ):
        return length
    first = max(month.first_day(), start)
    last = month.last_day() if end is None else min(month.last_day(), end)
    return max(0, (last - first).days + 1)


def contract_year(contract: SLAContract, month: Month) -> int:
    return (month.index - Month.of(contract.spec.effective.from_).index) // 12 + 1


def month_fee(contract: SLAContract, month: Month) -> MonthFee:
    spec = contract.spec
    monthly = spec.fee_in(month)
    days, length = days_in_effect(contract, month), monthrange(month.year, month.month)[1]
    fee = (
        cents(monthly * days / length)
        if spec.credits.proration == "days" and 0 < days < length
        else monthly
    )
    first = Month.of(spec.effective.from_)
    return MonthFee(
        period=month,
        monthly_fee=monthly,
        days=days,
        days_in_month=length,
        fee=fee,
        contract_year=contract_year(contract, month),
        credit_free=month.index - first.index < spec.credits.no_credit_months,
    )


def year_months(contract: SLAContract, year: int) -> list[Month]:
    """The months of contract year `year` within the contract's term."""
    effective = contract.spec.effective
    first = Month.of(effective.from_).shift(12 * (year - 1))
    last = first.shift(11)
    if effective.to is not None:
        last = min(last, Month.of(effective.to))
    return list(first.until(last)) if last >= first else []


def year_fees(
    contract: SLAContract,
    year: int,
    fee_of: Callable[[SLAContract, Month], MonthFee] = month_fee,
) -> Decimal:
    """The sum of the fees of contract year `year` (prorated months as prorated)."""
    return sum((fee_of(contract, m).fee for m in year_months(contract, year)), Decimal(0))


class FeeBook:
    """Each month's fee of one contract, worked out once (an evaluation asks many times)."""

    def __init__(self, contract: SLAContract) -> None:
        self.contract = contract
        self._fees: dict[int, MonthFee] = {}

    def __call__(self, contract: SLAContract, month: Month) -> MonthFee:
        found = self._fees.get(month.index)
        if found is None:
            found = self._fees[month.index] = month_fee(contract, month)
        return found

    def of(self, month: Month) -> MonthFee:
        return self(self.contract, month)
