"""Money in the core is Decimal, rounded to cents once, at the end of a calculation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def cents(amount: Decimal) -> Decimal:
    """Rounded to cents, half up (the way an invoice rounds)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: float) -> Decimal:
    """`percent` % of `amount`, exact (the float percent is read through its shortest text form)."""
    return amount * Decimal(repr(percent)) / Decimal(100)


@lru_cache(maxsize=4096)
def fmt_money(amount: Decimal, currency: str) -> str:
    """$2,000, $1,234.50, −$800 (an amount to recover); currencies without a symbol as
    'CHF 2,000'. Cached: a program repeats the same few amounts (its fees and their percentages)
    thousands of times."""
    rounded = cents(amount)
    if rounded < 0:
        return "−" + fmt_money(-rounded, currency)
    text = f"{int(rounded):,}" if rounded == rounded.to_integral_value() else f"{rounded:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{currency} {text}"


def fmt_percent(percent: float) -> str:
    return f"{percent:g} %"
