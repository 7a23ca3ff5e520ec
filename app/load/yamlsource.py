"""Line-aware, safe YAML parsing: plain Python data plus the position of every node.

The parser composes PyYAML's node graph (libyaml's C composer when it is available) and builds
the data itself, so it can refuse what a safe program file never needs — Python tags and other
unknown tags, duplicate keys (PyYAML silently keeps the last one), merge keys, alias bombs — and
record each node's start mark in a tree parallel to the data (dagster's approach; no
`__line__` keys, which would break `extra="forbid"`). Dates stay text: the implicit timestamp
resolver is off so pydantic sees what the author wrote.

Nothing here raises for bad input: every problem becomes a `Diagnostic`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from app.load.diagnostics import Diagnostic

MAX_ALIAS_EXPANSION = 10_000
"""Nodes an author may add through aliases per document; a billion-laughs file stops here."""

MAX_DEPTH = 200
"""Nesting deeper than this is refused (libyaml's composer would overflow the C stack far later)."""

_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "map", "seq")
)
_MERGE_TAG = "tag:yaml.org,2002:merge"
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
_LINE_PREFIX = re.compile(r"^[ \t\-?:]*", re.M)


def _without_timestamps(resolvers: dict[Any, list[Any]]) -> dict[Any, list[Any]]:
    return {
        key: [entry for entry in entries if entry[0] != "tag:yaml.org,2002:timestamp"]
        for key, entries in resolvers.items()
    }


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's pure-Python safe loader without the implicit timestamp resolver."""

    yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)


_FastSafeLoader: type[yaml.SafeLoader | yaml.CSafeLoader] = _SafeLoader
if yaml.__with_libyaml__:  # PyYAML may be built without libyaml

    class _CSafeLoader(yaml.CSafeLoader):
        """libyaml's safe loader without the implicit timestamp resolver."""

        yaml_implicit_resolvers = _without_timestamps(yaml.SafeLoader.yaml_implicit_resolvers)

    _FastSafeLoader = _CSafeLoader


class Mark:
    """Where one node starts; `children` mirrors the data (dict by key, list by index)."""

    __slots__ = ("children", "column", "key_column", "key_line", "line", "style")

    def __init__(self, line: int, column: int, style: str | None = None) -> None:
        self.line = line
        self.column = column
        self.key_line = line
        self.key_column = column
        self.style = style
        self.children: dict[Any, Mark] | list[Mark] | None = None


@dataclass(frozen=True)
class ParsedDocument:
    """One YAML document: its data (plain Python) and where each part of it was written."""

    data: Any
    mark: Mark
    file: str

    @property
    def line(self) -> int:
        return self.mark.line

    @property
    def column(self) -> int:
        return self.mark.column

    def node(self, loc: tuple[str | int, ...]) -> tuple[Mark, int]:
        """The mark of `loc`, or of its nearest existing parent, and how many parts of `loc` matched."""
        mark = self.mark
        for depth, part in enumerate(loc):
            children = mark.children
            child: Mark | None = None
            if isinstance(children, dict):
                child = children.get(part)
            elif isinstance(children, list) and isinstance(part, int) and 0 <= part < len(children):
                child = children[part]
            if child is None:
                return mark, depth
            mark = child
        return mark, len(loc)

    def locate(self, loc: tuple[str | int, ...]) -> tuple[int, int]:
        """Line and column (1-based) of `loc`: the key for a mapping entry, else the node itself.

        A missing key is reported at its nearest existing parent's key, where it has to be added.
        """
        mark, matched = self.node(loc)
        if matched:
            return mark.key_line, mark.key_column
        return mark.line, mark.column

    def text_start_line(self, loc: tuple[str | int, ...]) -> int | None:
        """The line where the text of scalar `loc` begins (the line after `|`/`>` for block scalars)."""
        mark, matched = self.node(loc)
        if matched < len(loc):
            return None
        return mark.line + 1 if mark.style in ("|", ">") else mark.line


class _Refused(Exception):
    """A document that must not be built; carries the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


class _Builder:
    """Turns one composed node graph into plain data and a parallel mark tree."""

    def __init__(self, file: str, loader: Any) -> None:
        self.file = file
        self.loader = loader
        self.seen: set[int] = set()
        self.expanded = 0
        self.expansion: yaml.Node | None = None
        self.diagnostics: list[Diagnostic] = []

    def _error(
        self, node: yaml.Node, code: str, message: str, hint: str | None = None
    ) -> Diagnostic:
        return Diagnostic(
            self.file,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            "error",
            code,
            message,
            hint=hint,
        )

    def build(self, node: yaml.Node, ancestors: frozenset[int] = frozenset()) -> tuple[Any, Mark]:
        identity = id(node)
        if identity in ancestors:
            raise _Refused(
                self._error(
                    node, "yaml-recursive-alias", "an alias refers to a node that contains it"
                )
            )
        outermost = False
        if identity in self.seen:
            self.expanded += 1
            if self.expansion is None:
                self.expansion, outermost = node, True
            if self.expanded > MAX_ALIAS_EXPANSION:
                raise _Refused(
                    self._error(
                        self.expansion,
                        "yaml-alias-bomb",
                        f"aliases of the anchor defined here expand the document by more than {MAX_ALIAS_EXPANSION:,} nodes",
                        "write the values out instead of nesting anchors and aliases",
                    )
                )
        else:
            self.seen.add(identity)
        try:
            return self._build(node, identity, ancestors)
        finally:
            if outermost:
                self.expansion = None

    def _build(self, node: yaml.Node, identity: int, ancestors: frozenset[int]) -> tuple[Any, Mark]:
        if len(ancestors) > MAX_DEPTH:
            raise _Refused(
                self._error(node, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels")
            )
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, tag), Mark(
                node.start_mark.line + 1, node.start_mark.column + 1, node.style
            )
        if tag not in _ALLOWED_TAGS:
            raise _Refused(self._tag_error(node, tag))
        mark = Mark(node.start_mark.line + 1, node.start_mark.column + 1)
        inner = ancestors | {identity}
        if isinstance(node, yaml.SequenceNode):
            items: list[Any] = []
            marks: list[Mark] = []
            for child in node.value:
                value, child_mark = self.build(child, inner)
                items.append(value)
                marks.append(child_mark)
            mark.children = marks
            return items, mark
        assert isinstance(node, yaml.MappingNode)  # the composer makes no other kind of node
        return self._mapping(node, mark, inner)

    def _mapping(
        self, node: yaml.MappingNode, mark: Mark, inner: frozenset[int]
    ) -> tuple[dict[Any, Any], Mark]:
        data: dict[Any, Any] = {}
        marks: dict[Any, Mark] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                raise _Refused(
                    self._error(
                        key_node,
                        "yaml-merge-key",
                        "merge keys (`<<`) are not supported in cxgov files",
                        "write the fields out so that each document reads on its own",
                    )
                )
            key, _ = self.build(key_node, inner)
            try:
                hash(key)
            except TypeError:
                raise _Refused(
                    self._error(
                        key_node,
                        "yaml-key-type",
                        "a mapping key must be a plain value, not a list or mapping",
                    )
                ) from None
            key_line = key_node.start_mark.line + 1
            if key in first_line:
                self.diagnostics.append(
                    self._error(
                        key_node,
                        "yaml-duplicate-key",
                        f"duplicate key `{key}`: first at line {first_line[key]}, again at line {key_line}",
                        "YAML would silently keep only the last one; remove or rename one of them",
                    )
                )
                continue
            first_line[key] = key_line
            value, value_mark = self.build(value_node, inner)
            value_mark.key_line = key_line
            value_mark.key_column = key_node.start_mark.column + 1
            data[key] = value
            marks[key] = value_mark
        mark.children = marks
        return data, mark

    def _scalar(self, node: yaml.ScalarNode, tag: str) -> Any:
        if tag == "tag:yaml.org,2002:str":
            return node.value
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return self.loader.construct_yaml_bool(node)
        try:
            if tag == "tag:yaml.org,2002:int":
                return self.loader.construct_yaml_int(node)
            if tag == "tag:yaml.org,2002:float":
                return self.loader.construct_yaml_float(node)
        except (ValueError, yaml.YAMLError):
            raise _Refused(
                self._error(
                    node,
                    "yaml-value",
                    "cannot read this number",
                    "write it as plain digits with a `.` for decimals, e.g. `40000` or `12.5`",
                )
            ) from None
        if tag == _MERGE_TAG:
            return node.value
        raise _Refused(self._tag_error(node, tag))

    def _tag_error(self, node: yaml.Node, tag: str) -> Diagnostic:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        return self._error(
            node,
            "yaml-tag",
            f"the tag `{shown}` is not allowed",
            "cxgov files are plain YAML: remove the tag (Python and custom tags are never executed)",
        )


def _decode(data: bytes | str, file: str) -> tuple[str | None, list[Diagnostic]]:
    if isinstance(data, str):
        return data, []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Diagnostic(
                file,
                line,
                column,
                "error",
                "yaml-encoding",
                f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read)",
                hint="save the file as UTF-8 in your editor",
            )
        ]


def _nesting_bound(text: str) -> int:
    """An upper bound of how deeply the text can nest (cheap; brackets inside strings overcount)."""
    depth = deepest = 0
    for match in _FLOW_BRACKETS.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    prefix = max((len(m.group()) for m in _LINE_PREFIX.finditer(text)), default=0)
    return deepest + prefix


def _syntax_diagnostic(exc: yaml.YAMLError, file: str, text: str) -> Diagnostic:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"not valid YAML: {problem}" + (f" ({context})" if context else "")
    lines = text.splitlines()
    offending = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in offending[: len(offending) - len(offending.lstrip())] or "'\\t'" in problem:
        return Diagnostic(
            file,
            line,
            column,
            "error",
            "yaml-tab",
            "a tab is used for indentation",
            hint="YAML indents with spaces only: replace the tab with spaces",
        )
    return Diagnostic(
        file,
        line,
        column,
        "error",
        "yaml-syntax",
        message,
        hint="check the indentation and the `:` and `-` on this line and the line before",
    )


def parse_yaml(data: bytes | str, file: str) -> tuple[list[ParsedDocument], list[Diagnostic]]:
    """Every document of a YAML stream with its marks, plus diagnostics; never raises for bad input.

    A document that cannot be built safely is left out and explained; documents before a syntax
    error are kept so that their own problems are reported too.
    """
    text, diagnostics = _decode(data, file)
    if text is None:
        return [], diagnostics
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return [], [
            Diagnostic(
                file,
                1,
                1,
                "warning",
                "yaml-empty-file",
                "the file holds no YAML document",
                hint="add a document or delete the file",
            )
        ]
    loader_class = _FastSafeLoader if _nesting_bound(text) < 2_000 else _SafeLoader
    documents: list[ParsedDocument] = []
    loader = loader_class(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            builder = _Builder(file, loader)
            try:
                value, mark = builder.build(node)
            except _Refused as refused:
                diagnostics.extend(builder.diagnostics)
                diagnostics.append(refused.diagnostic)
                continue
            except RecursionError:
                diagnostics.append(
                    builder._error(node, "yaml-too-deep", "the document nests too deeply")
                )
                continue
            diagnostics.extend(builder.diagnostics)
            if value is None:
                diagnostics.append(
                    Diagnostic(
                        file,
                        mark.line,
                        mark.column,
                        "warning",
                        "yaml-empty-document",
                        "an empty document (nothing between two `---`)",
                        hint="remove the extra `---`",
                    )
                )
                continue
            documents.append(ParsedDocument(value, mark, file))
    except yaml.YAMLError as exc:
        diagnostics.append(_syntax_diagnostic(exc, file, text))
    except RecursionError:
        diagnostics.append(
            Diagnostic(file, 1, 1, "error", "yaml-too-deep", "the file nests too deeply")
        )
    finally:
        loader.dispose()
    return documents, diagnostics
