"""Finding and loading mappings: shipped profiles by name, or a user's mapping file.

Loading never raises for bad input: it returns the mapping or diagnostics with file:line, like
every other cxgov document.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from app.ingest.mapping import PROFILES_DIR, Mapping
from app.load.diagnostics import Diagnostic


class UnknownProfile(LookupError):
    pass


def profile_names() -> list[str]:
    return sorted(path.stem for path in PROFILES_DIR.glob("*.yaml"))


def builtin_profile(name: str) -> Mapping:
    """A shipped mapping by name (generic, zendesk, freshdesk, kaggle-support-tickets)."""
    path = PROFILES_DIR / f"{name}.yaml"
    if name not in profile_names():
        raise UnknownProfile(f"no profile {name!r}; the shipped profiles are: {', '.join(profile_names())}")
    mapping, diagnostics = load_mapping(path)
    if mapping is None:  # a shipped file is broken: a bug, tested against
        raise RuntimeError("; ".join(f"{d.location} {d.message}" for d in diagnostics))
    return mapping


def _parse(text: str) -> tuple[Any, dict[tuple[Any, ...], tuple[int, int]]]:
    """Safe-load YAML and remember the line/column of every node by its path (dagster's approach)."""
    marks: dict[tuple[Any, ...], tuple[int, int]] = {}

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.yaml_implicit_resolvers = {
        key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    root = yaml.compose(text, Loader=_Loader)

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))  # a key wins over its value
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                marks[(*path, key.value)] = (key.start_mark.line + 1, key.start_mark.column + 1)
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))

    if root is not None:
        walk(root, ())
    return yaml.load(text, Loader=_Loader), marks  # noqa: S506 - _Loader is a SafeLoader subclass


def load_mapping(path: Path) -> tuple[Mapping | None, list[Diagnostic]]:
    """A mapping file → (Mapping, []) or (None, diagnostics located at file:line:column)."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Diagnostic(name, 0, 0, "error", "mapping-unreadable", f"cannot read the mapping: {exc}")]
    try:
        data, marks = _parse(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [Diagnostic(name, line, column, "error", "yaml-syntax", f"not valid YAML: {exc}")]
    if not isinstance(data, dict):
        return None, [Diagnostic(name, 1, 1, "error", "mapping-shape", "a mapping file is a YAML mapping "
                                 "with apiVersion, kind: ContactMapping, metadata and spec")]
    try:
        return Mapping.model_validate(data), []
    except ValidationError as exc:
        diagnostics = []
        for error in exc.errors():
            loc = tuple(part for part in error["loc"] if not (isinstance(part, str) and (part.startswith("function-") or part == "[key]")))
            probe = loc
            while probe not in marks and probe:
                probe = probe[:-1]
            line, column = marks.get(probe, (1, 1))
            message = error["msg"].removeprefix("Value error, ")
            found = error.get("input")
            if error["type"] != "missing" and not isinstance(found, (dict, list)):
                message += f" (found {found!r})"
            diagnostics.append(Diagnostic(name, line, column, "error", "mapping-invalid", message,
                                          path=".".join(str(part) for part in loc)))
        return None, sorted(set(diagnostics))
