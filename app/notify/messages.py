"""One short digest per recipient, in the recipient's locale (pure; Babel formats numbers, money
and dates the way each locale writes them).

A digest groups the recipient's new events by kind, one line per event in the program's own words
(the goal's title, the counterparty, the roadmap item) with the link to its page in the app on
the next line. Plain text, never HTML: titles and comments are authored text, and mail clients
and chat apps make the links clickable by themselves.

Phrases exist in English and German; another locale falls back to its language, then to English.
Amounts are written only when the recipient may read money: the phrases for the others say what
happens ("a service credit would be owed") without the figure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, format_currency, parse_pattern

from app.display.labels import STATUS_LABEL
from app.notify.events import Event
from app.notify.recipients import Recipient
from app.periods import Month
from app.spec.notifications import EVENT_KINDS

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "subject.one": "{program}: 1 new alert or reminder, {date}",
        "subject.other": "{program}: {count} new alerts and reminders, {date}",
        "heading.goal_worse": "Goals that got worse",
        "heading.sla_at_risk": "SLA objectives at risk of a service credit",
        "heading.credit_owed": "Service credits owed",
        "heading.roadmap_overdue": "Roadmap items overdue",
        "heading.stale_series": "Numbers that are out of date",
        "heading.checkin_missing": "Check-ins due",
        "goal_worse": "{title}: {previous} → {status} ({period}: {actual} against {planned} planned; target {target}).",
        "goal_worse.no_value": "{title}: {previous} → {status} (no value for {period}).",
        "sla.heading": "{counterparty} — {title}: month to date {value} against {target} in {month}; if the month closes like this, {credit}.",
        "sla.one_miss_away": "{counterparty} — {title}: missed in {last_miss}{run}; one more miss {verb} {credit}. {so_far}",
        "sla.run": ", {misses} months in a row",
        "sla.so_far": "Month to date in {month}: {value} against {target}.",
        "sla.so_far.none": "No month-to-date value for {month} yet.",
        "sla.credit.money": "a credit of {amount} is owed",
        "sla.credit.plain": "a service credit is owed",
        "sla.verb.starts": "starts",
        "sla.verb.continues": "adds",
        "sla.next.money": "a credit of {amount}",
        "sla.next.plain": "a service credit",
        "credit_owed": "{counterparty}: a service credit of {amount} is owed for {month} ({title}).",
        "credit_owed.earn_back": "{counterparty}: a service credit of {amount} is owed for {month}; the earn-back was lost ({title}).",
        "roadmap_overdue.one": "{title}: overdue by 1 day, due {due} (owner {owner}).",
        "roadmap_overdue.other": "{title}: overdue by {days} days, due {due} (owner {owner}).",
        "stale_series.since": "{title}{scope}: no value since {last_period} ({days} days; out of date after {bound}).",
        "stale_series.never": "{title}{scope}: no value yet ({days} days since the program started; out of date after {bound}).",
        "checkin.yours": "{title}: your check-in was due on {due}.",
        "checkin.theirs": "{title}: the check-in by {owner} was due on {due}.",
        "no_value": "no value",
        "nobody": "nobody",
        "footer": "Sent by cxgov notify for {program}, as of {date}. You receive this as {why}.",
        "room.committee": "the steering committee's chat",
        "room.manager": "the managers' chat",
        "room.agent": "the agents' chat",
        "why.role": "{role}",
        "why.owner": "the owner of these items",
        "role.manager": "a manager",
        "role.committee": "a member of the steering committee",
        "role.agent": "an agent",
    },
    "de": {
        "subject.one": "{program}: 1 neuer Hinweis oder 1 neue Erinnerung, {date}",
        "subject.other": "{program}: {count} neue Hinweise und Erinnerungen, {date}",
        "heading.goal_worse": "Ziele, die sich verschlechtert haben",
        "heading.sla_at_risk": "SLA-Ziele mit drohender Service-Gutschrift",
        "heading.credit_owed": "Fällige Service-Gutschriften",
        "heading.roadmap_overdue": "Überfällige Roadmap-Punkte",
        "heading.stale_series": "Veraltete Zahlen",
        "heading.checkin_missing": "Fällige Check-ins",
        "goal_worse": "{title}: {previous} → {status} ({period}: {actual} gegenüber {planned} geplant; Ziel {target}).",
        "goal_worse.no_value": "{title}: {previous} → {status} (kein Wert für {period}).",
        "sla.heading": "{counterparty} — {title}: bisher im Monat {value} gegenüber {target} im {month}; schließt der Monat so, {credit}.",
        "sla.one_miss_away": "{counterparty} — {title}: verfehlt im {last_miss}{run}; bei einer weiteren Verfehlung {verb} {credit} fällig. {so_far}",
        "sla.run": ", {misses} Monate in Folge",
        "sla.so_far": "Bisher im {month}: {value} gegenüber {target}.",
        "sla.so_far.none": "Für {month} gibt es noch keinen Wert.",
        "sla.credit.money": "ist eine Gutschrift von {amount} fällig",
        "sla.credit.plain": "ist eine Service-Gutschrift fällig",
        "sla.verb.starts": "wird",
        "sla.verb.continues": "wird erneut",
        "sla.next.money": "eine Gutschrift von {amount}",
        "sla.next.plain": "eine Service-Gutschrift",
        "credit_owed": "{counterparty}: für {month} ist eine Service-Gutschrift von {amount} fällig ({title}).",
        "credit_owed.earn_back": "{counterparty}: für {month} ist eine Service-Gutschrift von {amount} fällig; das Earn-back ist verloren ({title}).",
        "roadmap_overdue.one": "{title}: seit 1 Tag überfällig, fällig am {due} (verantwortlich {owner}).",
        "roadmap_overdue.other": "{title}: seit {days} Tagen überfällig, fällig am {due} (verantwortlich {owner}).",
        "stale_series.since": "{title}{scope}: kein Wert seit {last_period} ({days} Tage; veraltet nach {bound}).",
        "stale_series.never": "{title}{scope}: noch kein Wert ({days} Tage seit Programmstart; veraltet nach {bound}).",
        "checkin.yours": "{title}: Ihr Check-in war am {due} fällig.",
        "checkin.theirs": "{title}: der Check-in von {owner} war am {due} fällig.",
        "no_value": "kein Wert",
        "nobody": "niemand",
        "footer": "Gesendet von cxgov notify für {program}, Stand {date}. Sie erhalten dies als {why}.",
        "room.committee": "Chat des Lenkungsausschusses",
        "room.manager": "Chat der Manager",
        "room.agent": "Chat der Agents",
        "why.role": "{role}",
        "why.owner": "Verantwortliche(r) dieser Punkte",
        "role.manager": "Manager",
        "role.committee": "Mitglied des Lenkungsausschusses",
        "role.agent": "Agent",
    },
}

_GERMAN_STATUS: dict[str, str] = {
    "achieved": "erreicht",
    "on_track": "im Plan",
    "at_risk": "gefährdet",
    "off_track": "nicht im Plan",
    "no_data": "keine Daten",
    "missed": "verfehlt",
    "done": "erledigt",
    "done_late": "verspätet erledigt",
    "overdue": "überfällig",
    "due": "fällig",
}

STATUS: dict[str, dict[str, str]] = {
    "en": {key: STATUS_LABEL[key] for key in _GERMAN_STATUS},  # the labels the other edges use
    "de": _GERMAN_STATUS,
}

UNIT_SUFFIX: dict[str, dict[str, str]] = {
    "en": {"percent": " %", "seconds": " s", "minutes": " min", "hours": " h", "days": " days"},
    "de": {"percent": " %", "seconds": " s", "minutes": " min", "hours": " h", "days": " Tage"},
}
DAYS: dict[str, str] = {"en": "{n} days", "de": "{n} Tagen"}


def language(locale: str) -> str:
    """The phrase book for `locale`: itself, its language (`de` for `de-AT`), else English."""
    if locale in PHRASES:
        return locale
    return locale.split("-")[0] if locale.split("-")[0] in PHRASES else "en"


@dataclass(frozen=True)
class Digest:
    recipient: Recipient
    subject: str
    body: str
    event_keys: tuple[str, ...]


@lru_cache(maxsize=64)
def _locale(locale: str) -> Locale:
    return Locale.parse(locale.replace("-", "_"))


@lru_cache(maxsize=8)
def _pattern(decimals: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@lru_cache(maxsize=1024)
def _amount(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=_locale(locale))


@lru_cache(maxsize=1024)
def _date(day: date, pattern: str, locale: str) -> str:
    return format_date(day, pattern, locale=_locale(locale))


class Writer:
    """Formats one recipient's values in one locale (Babel's patterns parsed once, dates and
    amounts cached: a digest repeats the same few months and fees)."""

    def __init__(self, locale: str, *, money: bool, address: str = "") -> None:
        self.locale = locale
        self.address = address
        """The recipient's own address ('' for a room): "your check-in" or "the check-in by …"."""
        self.lang = language(locale)
        self.babel = _locale(locale)
        self.money = money

    def phrase(self, key: str, **values: Any) -> str:
        return PHRASES[self.lang][key].format(**values)

    def counted(self, key: str, count: int, **values: Any) -> str:
        """The phrase's singular (`KEY.one`) or plural (`KEY.other`) form for `count` (English and
        German need only these two)."""
        return self.phrase(f"{key}.{'one' if count == 1 else 'other'}", count=count, **values)

    def status(self, status: str | None) -> str:
        if status is None:
            return "—"
        return STATUS[self.lang].get(status, status.replace("_", " "))

    def value(self, value: float | None, unit: str | None, decimals: int = 1) -> str:
        if value is None:
            return self.phrase("no_value")
        text = _pattern(decimals).apply(value, self.babel)
        if unit == "score" and value > 0:
            text = "+" + text
        return text + UNIT_SUFFIX[self.lang].get(unit or "", "")

    def amount(self, amount: Decimal, currency: str) -> str:
        return _amount(amount, currency, self.locale)

    def month(self, month: Month | None) -> str:
        return "—" if month is None else _date(month.first_day(), "MMMM y", self.locale)

    def day(self, day: date | None) -> str:
        return "—" if day is None else _date(day, "medium", self.locale)

    def days(self, n: int) -> str:
        return DAYS[self.lang].format(n=n)


def _line(writer: Writer, event: Event) -> str:
    f = event.facts
    amount = event.money.get("amount")
    if event.kind == "goal_worse":
        values = {
            "title": event.title,
            "previous": writer.status(f["previous"]),
            "status": writer.status(f["status"]),
            "period": writer.month(f["period"]),
        }
        if f["actual"] is None:
            return writer.phrase("goal_worse.no_value", **values)
        return writer.phrase(
            "goal_worse",
            **values,
            actual=writer.value(f["actual"], f["unit"], f["decimals"]),
            planned=writer.value(f["planned"], f["unit"], f["decimals"]),
            target=writer.value(f["target"], f["unit"], f["decimals"]),
        )
    if event.kind == "sla_at_risk":
        values = {
            "counterparty": f["counterparty"],
            "title": event.title,
            "value": writer.value(f["value"], f["unit"], f["decimals"]),
            "target": writer.value(f["target"], f["unit"], f["decimals"]),
            "month": writer.month(f["month"]),
        }
        money = (
            {"amount": writer.amount(amount, f["currency"])}
            if amount is not None and writer.money
            else {}
        )
        if f["trigger"] == "heading":
            credit = writer.phrase("sla.credit.money" if money else "sla.credit.plain", **money)
            return writer.phrase("sla.heading", **values, credit=credit)
        credit = writer.phrase("sla.next.money" if money else "sla.next.plain", **money)
        so_far = (
            writer.phrase("sla.so_far.none", month=values["month"])
            if f["value"] is None
            else writer.phrase("sla.so_far", **values)
        )
        return writer.phrase(
            "sla.one_miss_away",
            **values,
            last_miss=writer.month(f["last_miss"]),
            run=writer.phrase("sla.run", misses=f["misses"]) if f["misses"] > 1 else "",
            verb=writer.phrase("sla.verb.starts" if f["starts"] else "sla.verb.continues"),
            credit=credit,
            so_far=so_far,
        )
    if event.kind == "credit_owed":
        if amount is None:
            raise ValueError(f"{event.key} carries no amount")
        return writer.phrase(
            "credit_owed.earn_back" if f["earn_back_lost"] else "credit_owed",
            counterparty=f["counterparty"],
            title=event.title,
            amount=writer.amount(amount, f["currency"]),
            month=writer.month(f["month"]),
        )
    if event.kind == "roadmap_overdue":
        return writer.counted(
            "roadmap_overdue",
            f["days"],
            title=event.title,
            days=f["days"],
            due=writer.day(f["due"]),
            owner=f["owner"] or writer.phrase("nobody"),
        )
    if event.kind == "stale_series":
        values = {
            "title": event.title,
            "scope": f" ({f['scope']})" if f["scope"] else "",
            "days": f["days"],
            "bound": writer.days(f["bound"]),
        }
        if f["last_period"] is None:
            return writer.phrase("stale_series.never", **values)
        return writer.phrase(
            "stale_series.since", **values, last_period=writer.month(f["last_period"])
        )
    own = bool(writer.address) and (f["owner"] or "").lower() == writer.address
    return writer.phrase(
        "checkin.yours" if own else "checkin.theirs",
        title=event.title,
        due=writer.day(f["due"]),
        owner=f["owner"] or writer.phrase("nobody"),
    )


def _why(writer: Writer, recipient: Recipient) -> str:
    if recipient.room:
        return writer.phrase(f"room.{recipient.role}")
    role = writer.phrase(f"role.{recipient.role}") if recipient.role else None
    if role is not None:
        return writer.phrase("why.role", role=role)
    return writer.phrase("why.owner")


LineCache = dict[tuple[str, str, bool, str], str]


def digest(
    recipient: Recipient,
    events: Sequence[Event],
    *,
    program: str,
    app_url: str,
    as_of: date,
    lines: LineCache | None = None,
) -> Digest:
    """The one message `recipient` gets for `events` (already filtered to what it hears).

    `lines` caches each event's line across the recipients of one run: it depends only on the
    locale, whether amounts are shown and (for a check-in) whose it is."""
    cache: LineCache = {} if lines is None else lines
    writer = Writer(
        recipient.locale, money=recipient.money, address="" if recipient.room else recipient.address
    )
    base = app_url.rstrip("/")
    by_kind: dict[str, list[Event]] = {}
    for event in events:
        by_kind.setdefault(event.kind, []).append(event)
    parts: list[str] = []
    for kind in EVENT_KINDS:
        if kind not in by_kind:
            continue
        parts.append(writer.phrase(f"heading.{kind}"))
        for event in by_kind[kind]:
            key = (
                event.key,
                recipient.locale,
                recipient.money,
                writer.address if event.kind == "checkin_missing" else "",
            )
            if key not in cache:
                cache[key] = _line(writer, event)
            parts.append(f"• {cache[key]}")
            parts.append(f"  {base}/{event.link}")
        parts.append("")
    parts.append("—")
    parts.append(
        writer.phrase(
            "footer", program=program, date=writer.day(as_of), why=_why(writer, recipient)
        )
    )
    subject = writer.counted("subject", len(events), program=program, date=writer.day(as_of))
    return Digest(recipient, subject, "\n".join(parts), tuple(e.key for e in events))


def digests(
    routed: Sequence[tuple[Recipient, Sequence[Event]]],
    *,
    program: str,
    app_url: str,
    as_of: date,
) -> list[Digest]:
    lines: LineCache = {}
    return [
        digest(recipient, events, program=program, app_url=app_url, as_of=as_of, lines=lines)
        for recipient, events in routed
    ]


def phrase_keys() -> Mapping[str, set[str]]:
    """Each locale's phrase keys (a test holds them equal)."""
    return {lang: set(phrases) for lang, phrases in PHRASES.items()}
