"""The template language playbook authors get: a small, allow-listed subset of Jinja2.

Playbook authors are managers editing YAML, not trusted with code. Three layers keep a template
harmless, each enough on its own for the known attacks:

1. `unsafe_constructs` walks the parsed template and allows only plain variables, string
   constants, `{% if %}`/`elif`/`else`, comparisons, `and`/`or`/`not`, `~` and the filters and
   tests named below. Attribute and item access, calls, loops, macros, imports, assignments and
   arithmetic are refused before anything runs, with the line they are on.
2. Rendering uses Jinja2's `ImmutableSandboxedEnvironment` with no globals (no `range`, `lipsum`,
   `cycler`, `joiner`, `namespace`, `dict`), only the allowed filters, `StrictUndefined`, and
   every operation that can make a text longer — `wordwrap`, `replace`, `e`, the case filters,
   `truncate`'s ending, `~`, `*` — sized from its inputs and refused *before* it allocates a text
   longer than the output limit. So no value in a render is ever longer than `MAX_OUTPUT_CHARS`.
3. `app.playbooks.render` runs the render in a separate worker process under hard memory and
   time limits (`app.playbooks.worker`), with a deadline and an output-size limit inside it.

Templates are parsed through `parse_template`, which refuses nesting deeper than
`MAX_TEMPLATE_DEPTH` before Jinja2's recursive parser and compiler could overflow the stack.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.filters import do_capitalize, do_title
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import escape

MAX_OUTPUT_CHARS = 50_000
"""The longest text a template may render to (subject or body), in characters."""

MAX_TEMPLATE_DEPTH = 40
"""How deeply a template may nest: brackets, `not`, filters applied to filters, `if` inside `if`.

A real message template nests three or four levels; Jinja2's parser and compiler recurse once
(or more) per level, so a hostile one nested thousands deep would exhaust Python's stack.
"""

_OPENERS = frozenset({"(", "[", "{"})
_CLOSERS = frozenset({")", "]", "}"})
_BLOCKS = frozenset(
    {"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "trans", "raw"}
)
_UNARY = frozenset({"not", "-", "+"})

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


class TemplateTooDeep(Exception):
    """A template nests deeper than `MAX_TEMPLATE_DEPTH`; `lineno` is where it first does."""

    def __init__(self, lineno: int, limit: int = MAX_TEMPLATE_DEPTH) -> None:
        super().__init__(f"the template nests deeper than {limit} levels")
        self.lineno = lineno
        self.limit = limit


def _lexical_depth(env: Any, source: str, limit: int) -> None:
    """Refuse, from the token stream alone, nesting that Jinja2's recursive parser could not take.

    Counts open brackets, open blocks (`{% if %}` … `{% endif %}`) and runs of unary operators
    (`not not …`); lexing is iterative, so this never recurses whatever the text.
    """
    brackets = blocks = unary = 0
    after_block_begin = False
    for lineno, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if kind == "operator" and value in _OPENERS:
            brackets += 1
        elif kind == "operator" and value in _CLOSERS:
            brackets = max(brackets - 1, 0)
        if after_block_begin and kind == "name":
            if value in _BLOCKS:
                blocks += 1
            elif value.startswith("end"):
                blocks = max(blocks - 1, 0)
        after_block_begin = kind == "block_begin"
        unary = unary + 1 if value in _UNARY and kind in ("name", "operator") else 0
        if brackets + blocks + unary > limit:
            raise TemplateTooDeep(lineno, limit)


def _tree_depth(template: nodes.Template, limit: int) -> None:
    """Refuse a parsed template whose tree is deeper than `limit` (`x|e|e|e…` parses flat, nests deep)."""
    stack: list[tuple[nodes.Node, int]] = [(template, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            raise TemplateTooDeep(getattr(node, "lineno", 1) or 1, limit)
        stack.extend((child, depth + 1) for child in node.iter_child_nodes())


def parse_template(env: Any, source: str, *, limit: int = MAX_TEMPLATE_DEPTH) -> nodes.Template:
    """Parse template text; `TemplateSyntaxError` or `TemplateTooDeep`, never a RecursionError.

    Every place that parses authored template text goes through here.
    """
    try:
        _lexical_depth(env, source, limit)
        template = env.parse(source)
    except TemplateSyntaxError:
        raise
    except RecursionError:
        raise TemplateTooDeep(1, limit) from None
    _tree_depth(template, limit)
    return template


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


def _refuse_over(size: int, limit: int, what: str) -> None:
    if size > limit:
        raise OutputTooLarge(f"{what} would make a text longer than {limit:,} characters")


def _capped_replace(limit: int) -> Callable[..., str]:
    def replace(value: Any, old: Any, new: Any, count: int | None = None) -> str:
        text, old, new = str(value), str(old), str(new)
        hits = len(text) + 1 if old == "" else text.count(old)
        if count is not None and count >= 0:
            hits = min(hits, count)
        _refuse_over(len(text) + hits * (len(new) - len(old)), limit, "`replace`")
        return text.replace(old, new) if count is None else text.replace(old, new, count)

    return replace


def _capped_wordwrap(limit: int) -> Callable[..., str]:
    """Jinja2's `wordwrap`, with the wrapped size counted from the pieces before they are joined.

    `{{ x|wordwrap(1, true, x) }}` puts a copy of `x` between every character of `x`: a 50 KB
    value would become 2.5 GB in one C-level join. The pieces `textwrap` returns are at most as
    long as the text, so counting them first is cheap.
    """

    def wordwrap(
        value: Any,
        width: int = 79,
        break_long_words: bool = True,
        wrapstring: str | None = None,
        break_on_hyphens: bool = True,
    ) -> str:
        text = str(value)
        joiner = "\n" if wrapstring is None else str(wrapstring)
        _refuse_over(len(text), limit, "`wordwrap`")
        paragraphs = [
            textwrap.wrap(
                line,
                width=width,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=break_long_words,
                break_on_hyphens=break_on_hyphens,
            )
            for line in text.splitlines()
        ]
        pieces = sum(len(lines) for lines in paragraphs)
        joins = max(pieces - len(paragraphs), 0) + max(len(paragraphs) - 1, 0)
        size = sum(len(line) for lines in paragraphs for line in lines) + joins * len(joiner)
        _refuse_over(size, limit, "`wordwrap`")
        return joiner.join(joiner.join(lines) for lines in paragraphs)

    return wordwrap


def _capped(fn: Callable[[str], str], limit: int, name: str) -> Callable[[Any], str]:
    """A text filter that never shortens a text and lengthens it at most a few times (case, escaping).

    A Unicode case mapping makes a character at most three characters long (`ΐ`.upper()), HTML
    escaping at most five (`"` → `&#34;`). An input over the limit is refused before the filter
    runs, so a result is at most five times the limit, and it is measured before it is passed on.
    """

    def capped(value: Any) -> str:
        text = str(value)
        _refuse_over(len(text), limit, f"`{name}`")
        result = fn(text)
        _refuse_over(len(result), limit, f"`{name}`")
        return result

    return capped


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja2's code generator with `~` compiled to a join that is sized before it is built."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.bounded_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class PlaybookEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox templates render in: no globals, allowed filters only, no value over the size limit."""

    intercepted_binops = frozenset({"*", "**"})
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, max_chars: int = MAX_OUTPUT_CHARS) -> None:
        super().__init__(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        self.max_chars = max_chars
        self.globals.clear()
        self.tests = {name: test for name, test in self.tests.items() if name in ALLOWED_TESTS}
        self.filters = {name: fn for name, fn in self.filters.items() if name in ALLOWED_FILTERS}
        self.filters["replace"] = _capped_replace(max_chars)
        self.filters["wordwrap"] = _capped_wordwrap(max_chars)
        for name, fn in (
            ("upper", str.upper),
            ("lower", str.lower),
            ("title", do_title),
            ("capitalize", do_capitalize),
            ("e", escape),
            ("escape", escape),
        ):
            self.filters[name] = _capped(fn, max_chars, name)

    def bounded_join(self, parts: Sequence[Any]) -> str:
        """`a ~ b ~ c`: the texts' lengths are added up before they are joined."""
        texts = [str(part) for part in parts]
        _refuse_over(sum(map(len, texts)), self.max_chars, "`~`")
        return "".join(texts)

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
