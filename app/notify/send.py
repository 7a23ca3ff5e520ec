"""The edge that sends: a digest handed to Apprise, one notification service per channel.

Apprise (one well-kept library for e-mail over SMTP, Slack, Microsoft Teams, Mattermost, Google
Chat, webhooks and about a hundred other services) is configured by URLs. A channel in
program.yaml names the environment variable that holds its URL; the URL carries the secret (an
SMTP password, a webhook token), so it never appears in the YAML, in a message or in an error:
errors name the channel and its variable only.

`Outbox.check` reads and checks every channel before anything is sent — a missing variable or a
URL Apprise does not understand stops the run with a message naming each problem, and nothing
goes out half-configured.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

import apprise

from app.errors import Refused
from app.notify.messages import Digest
from app.spec.notifications import Channel

EMAIL_SCHEMES: tuple[str, ...] = ("mailto", "mailtos")
_TIMESTAMP = re.compile(r"^\S+ \S+ - [A-Z]+ - ", re.MULTILINE)


class ChannelsNotReady(Refused):
    """A channel cannot be used as configured; nothing was sent."""


@dataclass(frozen=True)
class Delivery:
    ok: bool
    error: str | None = None


def _scheme(url: str) -> str:
    return url.partition("://")[0].lower()


def _email_url(base: str, address: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}to={quote(address, safe='@')}"


class Outbox:
    """Sends digests through Apprise; built by `check` from the channels and the environment."""

    def __init__(self, urls: Mapping[str, str], types: Mapping[str, str]) -> None:
        self._urls = dict(urls)
        self._types = dict(types)

    @classmethod
    def check(cls, channels: Sequence[Channel], environ: Mapping[str, str]) -> Outbox:
        """Every channel's URL from the environment, checked; `ChannelsNotReady` lists each problem."""
        problems: list[str] = []
        urls: dict[str, str] = {}
        for channel in channels:
            where = f"channel `{channel.id}` ({channel.url_env})"
            url = environ.get(channel.url_env, "").strip()
            if not url:
                problems.append(
                    f"{where}: the environment variable {channel.url_env} is not set; it holds the "
                    "channel's Apprise URL with its secret"
                )
                continue
            scheme = _scheme(url)
            probe = url
            if channel.type == "email":
                if scheme not in EMAIL_SCHEMES:
                    problems.append(
                        f"{where}: an e-mail channel needs a mailto:// or mailtos:// URL, not {scheme}://"
                    )
                    continue
                if re.search(r"[?&]to=", url):
                    problems.append(
                        f"{where}: the URL names recipients (to=); cxgov writes to each person itself"
                    )
                    continue
                probe = _email_url(url, "probe@example.com")
            if not apprise.Apprise().add(probe):
                problems.append(
                    f"{where}: Apprise does not understand this {scheme}:// URL; see "
                    "https://github.com/caronc/apprise/wiki for the form each service takes"
                )
                continue
            urls[channel.id] = url
        if problems:
            raise ChannelsNotReady(
                "cannot send: " + "; ".join(problems),
                hint="nothing was sent; fix the channel settings and run again",
            )
        return cls(urls, {c.id: c.type for c in channels})

    def target(self, digest: Digest) -> str:
        url = self._urls[digest.recipient.channel]
        if self._types[digest.recipient.channel] == "email":
            return _email_url(url, digest.recipient.address)
        return url

    def send(self, digest: Digest) -> Delivery:
        """Hand one digest to its service; a refusal comes back as the service's own words."""
        sender = apprise.Apprise()
        sender.add(self.target(digest))
        with apprise.LogCapture(level=apprise.logging.WARNING) as log:
            result = sender.notify(
                title=digest.subject, body=digest.body, body_format=apprise.NotifyFormat.TEXT
            )
            said = log.getvalue()
        if result:
            return Delivery(True)
        lines = [line.strip() for line in _TIMESTAMP.sub("", said).splitlines() if line.strip()]
        return Delivery(False, "; ".join(lines[-3:]) or "the service refused the message")
