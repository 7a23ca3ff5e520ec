"""Known server-side template-injection payloads: every one must fail with a RenderError and do nothing.

Each payload runs through the public `render_template` (all three layers), and the ones that get
past the allow-list run once more straight through the sandbox to show that the later layers
hold on their own.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest
from conftest import make_playbook, template, variable
from jinja2.exceptions import TemplateError

from app.playbooks.render import (
    RenderError,
    RenderTimeout,
    deadline,
    render_source,
    render_template,
)
from app.playbooks.sandbox import OutputTooLarge, PlaybookEnvironment

CMD = "touch {marker}"

PAYLOADS: dict[str, str] = {
    "mro-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "variable-class-mro": "{{ customer_name.__class__.__mro__ }}",
    "variable-init-globals": "{{ customer_name.__init__.__globals__ }}",
    "builtins-import": "{{ customer_name.__class__.__init__.__globals__['__builtins__']['__import__']('os').system('"
    + CMD
    + "') }}",
    "cycler-globals": "{{ cycler.__init__.__globals__.os.popen('" + CMD + "').read() }}",
    "joiner-globals": "{{ joiner.__init__.__globals__.os.system('" + CMD + "') }}",
    "namespace-globals": "{{ namespace.__init__.__globals__.os.system('" + CMD + "') }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('" + CMD + "').read() }}",
    "self-init-globals": "{{ self.__init__.__globals__.__builtins__.__import__('os').system('"
    + CMD
    + "') }}",
    "self-context-walk": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('"
    + CMD
    + "') }}",
    "config-globals": "{{ config.__class__.__init__.__globals__['os'].popen('"
    + CMD
    + "').read() }}",
    "request-application": "{{ request.application.__globals__.__builtins__.__import__('os').popen('"
    + CMD
    + "') }}",
    "str-format-attribute": "{{ '{0.__class__.__mro__}'.format(customer_name) }}",
    "format-map": "{{ '{x.__class__}'.format_map({'x': customer_name}) }}",
    "percent-format": "{{ '%s and %r' % (customer_name, customer_name.__class__) }}",
    "attr-filter": "{{ customer_name|attr('__class__')|attr('__mro__') }}",
    "attr-filter-escaped": "{{ customer_name|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    "map-attribute": "{{ customer_name|map(attribute='__class__')|list }}",
    "format-filter": "{{ '%s'|format(customer_name.__class__) }}",
    "getitem-dunder": "{{ customer_name['__class__'] }}",
    "huge-range-loop": "{% for i in range(10**9) %}x{% endfor %}",
    "huge-range-silent": "{% for i in range(999999999) %}{% endfor %}done",
    "macro-recursion": "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    "string-multiplication": "{{ 'a' * 10**9 }}",
    "exponential-set": "{% set x = 'aa' %}{% for i in range(64) %}{% set x = x ~ x %}{% endfor %}{{ x }}",
    "namespace-growth": "{% set ns = namespace(s='a') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s }}",
    "replace-growth": "{{ customer_name|replace('', customer_name)|replace('', customer_name)"
    "|replace('', customer_name)|replace('', customer_name) }}",
    "include-file": "{% include '/etc/passwd' %}",
    "import-module": "{% import 'os' as os %}{{ os }}",
    "extends": "{% extends 'base.html' %}",
    "dict-global": "{{ dict(a=1) }}",
    "with-block": "{% with x = customer_name.__class__ %}{{ x }}{% endwith %}",
    "filter-block": "{% filter upper %}{{ customer_name.__class__ }}{% endfilter %}",
    "loop-object": "{% for c in customer_name %}{{ loop.__class__ }}{% endfor %}",
}


@pytest.fixture
def marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path / "pwned"


def payload_playbook(body: str, marker: Path):
    return make_playbook(
        [template(body.replace("{marker}", str(marker)))], [variable("customer_name")]
    )


def test_corpus_is_large_enough() -> None:
    assert len(PAYLOADS) >= 15


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_payload_fails_with_clear_message_and_no_side_effect(name: str, marker: Path) -> None:
    playbook = payload_playbook(PAYLOADS[name], marker)
    started = time.monotonic()
    with pytest.raises(RenderError) as error:
        render_template(
            playbook, "note", {"customer_name": "Ms Weber"}, locale="en", default_locale="en"
        )
    message = str(error.value)
    assert "template 'note' (en) of playbook 'late_delivery'" in message
    assert any(
        words in message
        for words in ("not allowed", "Jinja2 internal", "longer than", "took longer")
    )
    assert "Traceback" not in message
    assert not marker.exists()
    assert time.monotonic() - started < 5


SANDBOX_ONLY = [
    "cycler-globals",
    "joiner-globals",
    "lipsum-globals",
    "self-context-walk",
    "str-format-attribute",
    "format-map",
    "mro-subclasses",
    "variable-init-globals",
    "attr-filter",
    "huge-range-loop",
    "dict-global",
    "string-multiplication",
    "replace-growth",
    "namespace-growth",
    "builtins-import",
]


@pytest.mark.parametrize("name", SANDBOX_ONLY)
def test_sandbox_alone_refuses_payload(name: str, marker: Path) -> None:
    """With the allow-list bypassed, the sandbox and limits still stop the payload."""
    source = PAYLOADS[name].replace("{marker}", str(marker))
    with pytest.raises((TemplateError, OutputTooLarge, RenderTimeout)), deadline(1.0):
        render_source(
            source, {"customer_name": "Ms Weber"}, env=PlaybookEnvironment(), max_chars=50_000
        )
    assert not marker.exists()


def test_deadline_stops_an_endless_render() -> None:
    started = time.monotonic()
    with pytest.raises(RenderTimeout), deadline(0.3):
        render_source(
            "{% for i in xs %}{% endfor %}",
            {"xs": itertools.count()},
            env=PlaybookEnvironment(),
            max_chars=100,
        )
    assert 0.3 <= time.monotonic() - started < 2


def test_output_limit_stops_an_endless_stream() -> None:
    with pytest.raises(OutputTooLarge):
        render_source(
            "{% for i in xs %}x{% endfor %}",
            {"xs": itertools.count()},
            env=PlaybookEnvironment(),
            max_chars=10_000,
        )


def test_deadline_restores_the_previous_trace_function() -> None:
    import sys

    before = sys.gettrace()
    with deadline(5):
        pass
    assert sys.gettrace() is before
