"""The template language playbook authors get: a small, allow-listed subset of Jinja2.

Playbook authors are managers editing YAML, not trusted with code. Three layers keep a template
harmless, each enough on its own for the known attacks:

1. `unsafe_constructs` walks the parsed template and allows only plain variables, string
   constants, `{% if %}`/`elif`/`else`, comparisons, `and`/`or`/`not`, `~` and the filters and
   tests named below. Attribute and item access, calls, loops, macros, imports, assignments and
   arithmetic are refused before anything runs, with the line they are on.
2. Rendering uses Jinja2's `ImmutableSandboxedEnvironment` with no globals (no `range`, `lipsum`,
   `cycler`, `joiner`, `namespace`, `dict`), only the allowed filters, `StrictUndefined`, and
   `*`/`**` capped so that no operation can build a huge string.
3. `app.playbooks.render` runs the render under a deadline and an output-size limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_OUTPUT_CHARS = 50_000
"""The longest text a template may render to (subject or body), in characters."""

ALLOWED_FILTERS: frozenset[str] = frozenset(
    {
        "default",
        "d",
        "upper",
        "lower",
        "title",
        "capitalize",
        "trim",
        "replace",
        "truncate",
        "wordwrap",
        "e",
        "escape",
    }
)
ALLOWED_TESTS: frozenset[str] = frozenset(
    {"defined", "undefined", "none", "string", "eq", "ne", "equalto", "in", "lower", "upper"}
)
JINJA_INTERNAL_NAMES: frozenset[str] = frozenset(
    {
        "self",
        "loop",
        "caller",
        "varargs",
        "kwargs",
        "super",
        "range",
        "dict",
        "lipsum",
        "cycler",
        "joiner",
        "namespace",
        "config",
        "request",
        "environment",
        "context",
    }
)
"""Names that mean something to Jinja2 (or to other Jinja hosts) rather than being a playbook variable."""

_ALLOWED_NODES: tuple[type[nodes.Node], ...] = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.If,
    nodes.Name,
    nodes.Const,
    nodes.Filter,
    nodes.Test,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.CondExpr,
    nodes.Concat,
    nodes.Keyword,
)

_WHY: dict[type[nodes.Node], tuple[str, str]] = {
    nodes.Getattr: (
        "attribute access (`x.name`)",
        "use the variable itself, e.g. {{ customer_name }}; declare one variable per value",
    ),
    nodes.Getitem: (
        "item access (`x[...]`)",
        "declare a separate variable for each value you need",
    ),
    nodes.Slice: ("slicing (`x[a:b]`)", "use the `truncate` filter to shorten a text"),
    nodes.Call: (
        "a function or method call",
        "templates may only show variables, optionally through allowed filters",
    ),
    nodes.For: ("a `for` loop", "write the text out; templates have no loops"),
    nodes.Macro: ("a macro", "write the text out; templates have no macros"),
    nodes.CallBlock: ("a `call` block", "write the text out"),
    nodes.FilterBlock: (
        "a `filter` block",
        "apply an allowed filter to a variable instead: {{ name|upper }}",
    ),
    nodes.With: ("a `with` block", "use the declared variables directly"),
    nodes.Assign: ("`set`", "declare a playbook variable instead"),
    nodes.AssignBlock: ("a `set` block", "declare a playbook variable instead"),
    nodes.Block: ("a `block`", "templates cannot extend each other"),
    nodes.Extends: ("`extends`", "templates cannot extend each other"),
    nodes.Include: ("`include`", "templates cannot include other files"),
    nodes.Import: ("`import`", "templates cannot import other files"),
    nodes.FromImport: ("`from ... import`", "templates cannot import other files"),
    nodes.BinExpr: ("arithmetic or `%` formatting", "put the finished text in a variable"),
    nodes.UnaryExpr: ("a unary operator", "put the finished value in a variable"),
    nodes.List: ("a list literal", "templates show text; declare a variable instead"),
    nodes.Tuple: ("a tuple literal", "templates show text; declare a variable instead"),
    nodes.Dict: ("a dict literal", "templates show text; declare a variable instead"),
}


@dataclass(frozen=True)
class Construct:
    """Something in a template that authors may not use, with the 1-based line it is on."""

    lineno: int
    message: str
    hint: str


def _describe(node: nodes.Node) -> tuple[str, str]:
    for kind, why in _WHY.items():
        if isinstance(node, kind):
            return why
    return (
        f"the construct `{type(node).__name__}`",
        "templates may only show variables, `if` and allowed filters",
    )


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def unsafe_constructs(template: nodes.Template) -> list[Construct]:
    """Every construct outside the allow-list, outermost first; children of a refused node are skipped."""
    found: list[Construct] = []

    def visit(node: nodes.Node) -> None:
        line = getattr(node, "lineno", 1) or 1
        if not isinstance(node, _ALLOWED_NODES):
            what, hint = _describe(node)
            found.append(Construct(line, f"{what} is not allowed in a playbook template", hint))
            return
        if isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS:
            found.append(
                Construct(
                    line,
                    f"the filter `{node.name}` is not allowed in a playbook template",
                    f"allowed filters: {', '.join(sorted(ALLOWED_FILTERS))}",
                )
            )
            return
        if isinstance(node, nodes.Test) and node.name not in ALLOWED_TESTS:
            found.append(
                Construct(
                    line,
                    f"the test `is {node.name}` is not allowed in a playbook template",
                    f"allowed tests: {', '.join(sorted(ALLOWED_TESTS))}",
                )
            )
            return
        if isinstance(node, (nodes.Filter, nodes.Test)) and (
            node.dyn_args is not None or node.dyn_kwargs is not None
        ):
            found.append(
                Construct(
                    line,
                    "`*args`/`**kwargs` are not allowed in a playbook template",
                    "pass filter arguments as plain constants",
                )
            )
            return
        if isinstance(node, nodes.Name) and node.name in JINJA_INTERNAL_NAMES:
            found.append(
                Construct(
                    line,
                    f"`{node.name}` is a Jinja2 internal, not a playbook variable",
                    "use only the variables declared in the playbook (rename a variable that has this name)",
                )
            )
            return
        for child in node.iter_child_nodes():
            visit(child)

    visit(template)
    return found


def variable_lines(template: nodes.Template) -> dict[str, int]:
    """Each variable a template reads → the 1-based line of its first use."""
    lines: dict[str, int] = {}
    for node in _walk(template):
        if isinstance(node, nodes.Name) and node.ctx == "load":
            lines.setdefault(node.name, node.lineno)
    return lines


class OutputTooLarge(Exception):
    """A render would produce more text than `MAX_OUTPUT_CHARS`."""


def _capped_replace(limit: int) -> Callable[..., str]:
    def replace(value: Any, old: Any, new: Any, count: int | None = None) -> str:
        text, old, new = str(value), str(old), str(new)
        hits = len(text) + 1 if old == "" else text.count(old)
        if count is not None and count >= 0:
            hits = min(hits, count)
        if len(text) + hits * (len(new) - len(old)) > limit:
            raise OutputTooLarge(f"`replace` would make a text longer than {limit:,} characters")
        return text.replace(old, new) if count is None else text.replace(old, new, count)

    return replace


class PlaybookEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox templates render in: no globals, allowed filters only, no huge strings from `*`/`**`."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, max_chars: int = MAX_OUTPUT_CHARS) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        self.max_chars = max_chars
        self.globals.clear()
        self.tests = {name: test for name, test in self.tests.items() if name in ALLOWED_TESTS}
        self.filters = {name: fn for name, fn in self.filters.items() if name in ALLOWED_FILTERS}
        self.filters["replace"] = _capped_replace(max_chars)

    def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
        if operator_name == "**":
            raise OutputTooLarge("`**` is not allowed in a playbook template")
        sized, times = (left, right) if hasattr(left, "__len__") else (right, left)
        if (
            hasattr(sized, "__len__")
            and isinstance(times, int)
            and len(sized) * times > self.max_chars
        ):
            raise OutputTooLarge(f"`*` would build a value longer than {self.max_chars:,} items")
        return super().call_binop(context, operator_name, left, right)
