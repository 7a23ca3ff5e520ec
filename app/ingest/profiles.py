"""Finding and loading mappings: shipped profiles by name, or a user's mapping file.

A mapping file is read like every other cxgov document — through the shared loader's
`parse_yaml` and `to_model` — so it gets the same safe YAML, the same file:line:column
diagnostics and the same manager-readable messages.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import UsageError
from app.ingest.mapping import PROFILES_DIR, Mapping
from app.load import Diagnostic, has_errors, parse_yaml, to_model


class UnknownProfile(UsageError, LookupError):
    """The command line or the app named a shipped profile that does not exist."""


def profile_names() -> list[str]:
    return sorted(path.stem for path in PROFILES_DIR.glob("*.yaml"))


def builtin_profile(name: str) -> Mapping:
    """A shipped mapping by name (`profile_names`: generic, zendesk, amazon-connect…)."""
    path = PROFILES_DIR / f"{name}.yaml"
    if name not in profile_names():
        raise UnknownProfile(
            f"no profile {name!r}; the shipped profiles are: {', '.join(profile_names())}"
        )
    mapping, diagnostics = load_mapping(path)
    if mapping is None:  # a shipped file is broken: a bug, tested against
        raise RuntimeError("; ".join(f"{d.location} {d.message}" for d in diagnostics))
    return mapping


def load_mapping(path: Path) -> tuple[Mapping | None, list[Diagnostic]]:
    """A mapping file → (Mapping, warnings) or (None, diagnostics located at file:line:column)."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [
            Diagnostic(
                name, 1, 1, "error", "file-unreadable", f"cannot read the mapping: {exc.strerror}"
            )
        ]
    documents, diagnostics = parse_yaml(raw, name)
    if has_errors(diagnostics):
        return None, diagnostics
    if len(documents) != 1 or not isinstance(documents[0].data, dict):
        line = documents[1].line if len(documents) > 1 else 1
        return None, [
            *diagnostics,
            Diagnostic(
                name,
                line,
                1,
                "error",
                "mapping-shape",
                "a mapping file holds one YAML mapping with apiVersion, kind: ContactMapping, metadata and spec",
            ),
        ]
    mapping, problems = to_model(Mapping, documents[0], name)
    return mapping, [*diagnostics, *problems]
