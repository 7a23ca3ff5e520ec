"""`cxgov notify`: what is new in the program since the last run, sent once to whoever hears it.

One run: check every channel's settings (nothing is sent when one is wrong) → evaluate the program
→ the events that exist now (`app.notify.events`) → who hears which (`app.notify.recipients`) →
claim the (event, recipient) pairs in the store → one digest per recipient → send each digest
and record it. The store's unique delivery rows make "once" hold across reruns, crashes and two
schedulers at once; see `app.store.notify_ledger` for how far each state got.

**At most once.** Each digest is marked `sending` (committed) just before it is handed to the
service, and `sent` just after. A crash between the two leaves it `sending`: the service may or
may not have it, and it is not sent again — a reminder or an alert seen twice teaches people to
ignore them, while one that went missing is reported (as unconfirmed, on every later run) and
the same facts are in the app and the next review pack. Everything not yet handed over when a
run stops is sent by a later run (after the lease), and a service's refusal is retried by the
next run: only the one ambiguous moment is given up.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine

from app.errors import Refused
from app.evaluate.checkins import checkin_states
from app.notify.events import Event, current_events
from app.notify.messages import Digest, digests
from app.notify.recipients import Recipient, route
from app.notify.send import Outbox
from app.service.checkins import latest_checkins
from app.service.database import transaction
from app.service.program import evaluate_at
from app.spec.notifications import Notifications
from app.spec.program import Program
from app.store import notify_ledger as ledger
from app.store.checkin_tables import NotifyDelivery

SEND_AT_ONCE = 8
"""Digests handed to their services side by side: an SMTP exchange or a webhook call waits on
the network, not the CPU. Each is marked and recorded on its own, so a crash leaves at most the
digests being handed over at that moment unconfirmed."""

LEASE = timedelta(minutes=10)
"""How long a claimed, unsent delivery stays with the run that claimed it before a later run
presumes that run dead and sends it (longer than any run takes)."""


@dataclass(frozen=True)
class Failure:
    digest: Digest
    error: str


@dataclass(frozen=True)
class Unconfirmed:
    recipient: str
    channel: str
    event_key: str
    attempted_at: datetime | None


@dataclass(frozen=True)
class NotifyResult:
    as_of: date
    dry_run: bool
    events: tuple[Event, ...]
    """Every event that exists now (sent before or not)."""
    digests: tuple[Digest, ...]
    """What this run sent (or, in a dry run, would send)."""
    failures: tuple[Failure, ...] = ()
    already: int = 0
    """(event, recipient) pairs that earlier runs hold."""
    unconfirmed: tuple[Unconfirmed, ...] = ()
    run_id: str | None = None
    previous_run: datetime | None = None

    @property
    def sent(self) -> tuple[Digest, ...]:
        failed = {id(f.digest) for f in self.failures}
        return tuple(d for d in self.digests if id(d) not in failed)

    def as_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "dry_run": self.dry_run,
            "run_id": self.run_id,
            "previous_run": self.previous_run.isoformat() if self.previous_run else None,
            "events": [{"key": e.key, "kind": e.kind, "title": e.title} for e in self.events],
            "already_sent": self.already,
            "messages": [
                {
                    "channel": d.recipient.channel,
                    "to": d.recipient.address,
                    "role": d.recipient.role,
                    "locale": d.recipient.locale,
                    "subject": d.subject,
                    "body": d.body,
                    "events": list(d.event_keys),
                    "sent": None if self.dry_run else d in self.sent,
                }
                for d in self.digests
            ],
            "failures": [
                {
                    "to": f.digest.recipient.address,
                    "channel": f.digest.recipient.channel,
                    "error": f.error,
                }
                for f in self.failures
            ],
            "unconfirmed": [
                {
                    "to": u.recipient,
                    "channel": u.channel,
                    "event": u.event_key,
                    "attempted_at": u.attempted_at.isoformat() if u.attempted_at else None,
                }
                for u in self.unconfirmed
            ],
        }


def settings(program: Program) -> Notifications:
    found = program.spec.notifications
    if found is None:
        raise Refused(
            "program.yaml has no `notifications` section: nothing says where to send",
            hint="add `spec.notifications` with a channel, and `spec.app_url` (see the guide "
            "'Between meetings')",
        )
    return found


def app_url(program: Program) -> str:
    """Where messages link to: the program's `spec.app_url` (validation requires it with
    notifications)."""
    if program.spec.app_url is None:
        raise Refused(
            "program.yaml has `notifications` but no `spec.app_url`: messages could not link to "
            "the app",
            hint="add `app_url: https://…` under `spec`",
        )
    return program.spec.app_url


def current(
    engine: Engine, program: Program, as_of: date
) -> tuple[list[Event], list[tuple[Recipient, list[Event]]]]:
    """The events that exist as of `as_of` and who hears each."""
    evaluation = evaluate_at(engine, program, as_of)
    latest = latest_checkins(engine, [g.goal_id for g in evaluation.goals])
    states = checkin_states(program, evaluation.goals, latest, as_of)
    events = current_events(program, evaluation, stale=evaluation.stale_series, checkins=states)
    return events, route(program, settings(program), events)


def _planned(routed: Sequence[tuple[Recipient, Sequence[Event]]]) -> list[ledger.Planned]:
    return [
        ledger.Planned(event.key, event.kind, recipient.channel, recipient.address)
        for recipient, events in routed
        for event in events
    ]


def _narrow(
    routed: Sequence[tuple[Recipient, Sequence[Event]]], keep: set[tuple[str, str, str]]
) -> list[tuple[Recipient, list[Event]]]:
    out = []
    for recipient, events in routed:
        mine = [e for e in events if (e.key, recipient.channel, recipient.address) in keep]
        if mine:
            out.append((recipient, mine))
    return out


def _unconfirmed(rows: Sequence[NotifyDelivery]) -> tuple[Unconfirmed, ...]:
    return tuple(Unconfirmed(r.recipient, r.channel, r.event_key, r.attempted_at) for r in rows)


def _deliver(
    engine: Engine,
    outbox: Outbox,
    run_id: str,
    digest: Digest,
    ids: Mapping[tuple[str, str, str], int],
) -> Failure | None:
    """Mark one digest `sending`, hand it to its service, record the outcome (each step its own
    transaction, so a crash leaves this one digest, at most, unconfirmed)."""
    r = digest.recipient
    rows = [ids[(key, r.channel, r.address)] for key in digest.event_keys]
    with transaction(engine) as session:
        ledger.mark(session, ids=rows, run_id=run_id, status="sending", now=datetime.now(UTC))
    outcome = outbox.send(digest)
    with transaction(engine) as session:
        ledger.mark(
            session,
            ids=rows,
            run_id=run_id,
            status="sent" if outcome.ok else "failed",
            now=datetime.now(UTC),
            error=outcome.error,
        )
    return None if outcome.ok else Failure(digest, outcome.error or "refused")


def notify(
    engine: Engine,
    program: Program,
    *,
    as_of: date,
    environ: Mapping[str, str],
    dry_run: bool = False,
    lease: timedelta = LEASE,
) -> NotifyResult:
    """Send what is new as of `as_of`; a dry run says what would be sent and writes nothing."""
    notifications = settings(program)
    outbox = None if dry_run else Outbox.check(notifications.channels, environ)
    events, routed = current(engine, program, as_of)
    planned = _planned(routed)
    now = datetime.now(UTC)

    def render(routed: list[tuple[Recipient, list[Event]]]) -> list[Digest]:
        return digests(routed, program=program.spec.name, app_url=app_url(program), as_of=as_of)

    if outbox is None:
        with transaction(engine, "read") as session:
            stored = ledger.existing(session, planned)
            previous = ledger.last_run(session)
            stuck = ledger.unconfirmed(session)
        fresh = {
            p.ident
            for p in planned
            if p.ident not in stored or ledger.takeable(stored[p.ident], now=now, lease=lease)
        }
        return NotifyResult(
            as_of=as_of,
            dry_run=True,
            events=tuple(events),
            digests=tuple(render(_narrow(routed, fresh))),
            already=len(planned) - len(fresh),
            unconfirmed=_unconfirmed(stuck),
            previous_run=previous.started_at if previous else None,
        )

    run_id = str(uuid.uuid4())
    with transaction(engine) as session:  # a write first: SQLite then never upgrades a read
        ledger.start_run(session, run_id=run_id, as_of=as_of, now=now)
        previous = ledger.last_run(session, before=run_id)
    with transaction(engine) as session:
        claimed = ledger.claim(session, run_id=run_id, planned=planned, now=now, lease=lease)
        mine = {(row.event_key, row.channel, row.recipient): row.id for row in claimed}
    to_send = render(_narrow(routed, set(mine)))
    failures: list[Failure] = []
    try:
        with ThreadPoolExecutor(max_workers=SEND_AT_ONCE) as pool:
            outcomes = pool.map(lambda d: _deliver(engine, outbox, run_id, d, mine), to_send)
            failures = [failure for failure in outcomes if failure is not None]
    finally:
        with transaction(engine) as session:
            ledger.finish_run(
                session,
                run_id=run_id,
                now=datetime.now(UTC),
                status="failed" if failures else "done",
                events=len(events),
                sent=len(to_send) - len(failures),
                failed=len(failures),
            )
            stuck = ledger.unconfirmed(session, exclude_run=run_id)
    return NotifyResult(
        as_of=as_of,
        dry_run=False,
        events=tuple(events),
        digests=tuple(to_send),
        failures=tuple(failures),
        already=len(planned) - len(mine),
        unconfirmed=_unconfirmed(stuck),
        run_id=run_id,
        previous_run=previous.started_at if previous else None,
    )
