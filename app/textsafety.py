"""Text that came from someone else, made safe for where it goes: a spreadsheet cell or Markdown.

Two rules, one function each, used by every edge that writes such text:

- `spreadsheet_cell` / `spreadsheet_rows`: a cell of imported or authored data that a spreadsheet
  would read as a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a
  leading `'`, OWASP's rule against CSV injection (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`,
  `@SUM(…)`). A plain signed number such as `-12.5` or `+27 %` is left as it is: a spreadsheet
  reads it as a number, and it can call nothing. Every table the app lets people download or copy,
  and every CSV or XLSX cxgov writes, goes through these.
- `authored_markdown`: text that playbook authors or committee members wrote, for a Markdown
  renderer (Streamlit's). Emphasis, lists and headings keep working; a link is live only when its
  host is on the program's allow-list (`program.yaml`: `spec.link_domains`); every other link,
  bare address or image becomes text, shown as code so that no renderer turns it back into a
  link; an e-mail address (an owner, an author) reads as plain text, with an invisible word
  joiner after its `@` that no autolinker reads past; a code span (`out-of-hours`) stays code,
  whose content no renderer reads as a link; HTML, entities, reference links and LaTeX are shown
  as typed, never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d,]*(\.\d+)?( ?(%|[A-Za-z]{1,8}))?")


def spreadsheet_cell(value: Any) -> Any:
    """`value`, or — for text a spreadsheet would run as a formula — the text with a leading `'`."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def spreadsheet_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every cell of `rows` through `spreadsheet_cell` (column names too)."""
    return [
        {spreadsheet_cell(key): spreadsheet_cell(value) for key, value in row.items()}
        for row in rows
    ]


_CODE_SPAN_OR_LINK = re.compile(
    r"""
    (?P<code>(?<!`)`(?P<coded>[^`\n]{1,500})`(?!`))
    | (?P<link>!?\[(?P<label>(?:[^\[\]\\\n]|\\.){0,500})\]\((?P<target>[^()\s]{1,2000})(?:\s+"[^"\n]*")?\))
    | (?P<angle><(?P<angled>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]{1,2000}|[^<>\s@]{1,200}@[^<>\s]{1,200})>)
    | (?P<bare>(?:(?:https?|ftp)://?|//(?=\w)|www\.|mailto:(?=\S))[^\s<>`]*
       | [\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_ESCAPED = re.compile(r"([\\`\[\]<>&$])")
_EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_LINK_SCHEMES = ("http", "https", "mailto")


def _escape(text: str) -> str:
    """Markdown-escape the characters that could open a link, an image, HTML, an entity or LaTeX."""
    return _ESCAPED.sub(r"\\\1", text)


WORD_JOINER = "\u2060"


def _plain_address(address: str) -> str:
    """An e-mail address as plain text that no autolinker turns into a link. Renderers differ:
    GitHub-flavoured ones (Streamlit's) find addresses in the parsed text, where escapes are
    already decoded, but need a letter or digit right after the `@` — an invisible word joiner
    (U+2060) there stops them; linkify-style ones work on runs of text between escapes, and the
    escaped dots leave no run that holds a whole domain."""
    local, _, domain = address.partition("@")
    dotted = [_escape(part).replace(".", "\\.") for part in (local, domain)]
    return f"{dotted[0]}@{WORD_JOINER}{dotted[1]}"


def _code(text: str) -> str:
    """`text` as a Markdown code span: shown as typed, never a link."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _host(target: str) -> str | None:
    """The host a link would open, lower case; None for anything that is not http(s) or mailto."""
    if target.lower().startswith("www."):
        target = "https://" + target
    elif "@" in target and "://" not in target and not target.lower().startswith("mailto:"):
        target = "mailto:" + target
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme.lower() not in _LINK_SCHEMES:
        return None
    if parts.scheme.lower() == "mailto":
        return parts.path.rpartition("@")[2].lower() or None
    return (parts.hostname or "").lower() or None


def link_allowed(target: str, allowed_domains: Sequence[str]) -> bool:
    """Whether `target` opens a host on the allow-list: the domain itself or one under it."""
    host = _host(target)
    if host is None or "\\" in target:
        return False
    return any(
        host == domain or host.endswith("." + domain)
        for domain in (d.strip().lower().lstrip(".") for d in allowed_domains)
        if domain
    )


def _href(target: str) -> str:
    """The link destination, percent-encoded so that nothing in it can end the link early."""
    lowered = target.lower()
    if lowered.startswith("www."):
        target = "https://" + target
    elif "@" in target and "://" not in target and not lowered.startswith("mailto:"):
        target = "mailto:" + target
    return quote(target, safe="/:?#&=%@+.,;~-_!$'*")


def authored_markdown(text: str, allowed_domains: Sequence[str] = ()) -> str:
    """Authored text as Markdown that shows no link, image or HTML except links to allowed hosts.

    `allowed_domains` is the program's `spec.link_domains` (`northwind.example` allows
    `https://help.northwind.example/…` too). A link elsewhere shows its label and, as code, its
    address: `Reset your password (`https://evil.example/reset`)`.
    """
    out: list[str] = []
    position = 0
    for match in _CODE_SPAN_OR_LINK.finditer(text):
        out.append(_escape(text[position : match.start()]))
        position = match.end()
        if match.group("code"):
            out.append(_code(match.group("coded")))
        elif match.group("link"):
            label, target = match.group("label"), match.group("target").strip("<>")
            image = match.group("link").startswith("!")
            shown = re.sub(r"\\(.)", r"\1", label)
            if not image and link_allowed(target, allowed_domains):
                out.append(f"[{_escape(shown)}]({_href(target)})")
            else:
                out.append(f"{_escape(shown)} ({_code(target)})" if shown else _code(target))
        else:
            target = match.group("angled") or match.group("bare")
            if link_allowed(target, allowed_domains):
                out.append(f"[{_escape(target)}]({_href(target)})")
            elif _EMAIL.fullmatch(target):
                out.append(_plain_address(target))
            else:
                out.append(_code(target))
    out.append(_escape(text[position:]))
    return "".join(out)
