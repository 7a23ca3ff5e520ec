"""Templates cannot take the renderer's memory or time: each growing operation is sized first, and
the render runs in a worker process with a hard memory limit that is killed past its deadline.

Memory is measured, not guessed: the in-process checks run in a child process whose address space
is capped with RLIMIT_AS, so a render that allocated what the unbounded filter would (1.3 GB for
a 50 KB value) fails there with MemoryError instead of the sandbox's own refusal.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import make_playbook, template, variable
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.playbooks.render import RenderError, render_template
from app.playbooks.sandbox import MAX_OUTPUT_CHARS, MAX_TEMPLATE_DEPTH
from app.playbooks.worker import RenderWorker, WorkerError, shared_worker

BOMB = "{{ x|wordwrap(1, true, x) }}"
FIFTY_KB = "a" * 50_000


def run_capped(code: str, *, memory_mb: int = 200) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh Python whose address space is capped at `memory_mb`."""
    prelude = (
        "import resource\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mb} * 2**20, {memory_mb} * 2**20))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_wordwrap_bomb_is_refused_before_it_allocates() -> None:
    result = run_capped(
        """
        from app.playbooks.sandbox import OutputTooLarge, PlaybookEnvironment
        env = PlaybookEnvironment()
        for source, x in (
            ("{{ x|wordwrap(1, true, x) }}", "a" * 50_000),
            ("{{ '" + "ab " * 300 + "'|wordwrap(1, true, '" + "z" * 30_000 + "') }}", ""),
            ("{{ (x ~ x)|wordwrap(1, true, x)|upper|e|replace('a', x) }}", "a" * 20_000),
        ):
            try:
                env.from_string(source).render(x=x)
            except OutputTooLarge as exc:
                print("refused:", exc)
            else:
                raise SystemExit("rendered")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("refused:") == 3
    assert "MemoryError" not in result.stderr


def test_the_bomb_through_render_template_is_a_clear_error() -> None:
    playbook = make_playbook([template(BOMB)], [variable("x")])
    started = time.perf_counter()
    with pytest.raises(RenderError, match="`wordwrap` would make a text longer than 50,000"):
        render_template(playbook, "note", {"x": FIFTY_KB}, locale="en", default_locale="en")
    assert time.perf_counter() - started < 1.0


def test_a_value_longer_than_any_message_is_refused() -> None:
    playbook = make_playbook([template("{{ x }}")], [variable("x")])
    with pytest.raises(RenderError, match="longer than 50,000 characters"):
        render_template(
            playbook, "note", {"x": "a" * (MAX_OUTPUT_CHARS + 1)}, locale="en", default_locale="en"
        )


def test_the_worker_memory_ceiling_holds_when_the_size_checks_are_lifted() -> None:
    """With the checks lifted (a limit of 10^10 characters) the bomb allocates for real: the
    worker's RLIMIT_AS stops it, the app's process does not grow, the next render works."""
    worker = RenderWorker()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        with pytest.raises(WorkerError) as raised:
            worker.render([BOMB], {"x": FIFTY_KB}, max_chars=10**10, time_limit=5.0)
        assert raised.value.kind == "memory"
        assert worker.render(["{{ x|upper }}"], {"x": "ok"}, max_chars=100, time_limit=1.0) == [
            "OK"
        ]
    finally:
        worker.close()
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 50_000


def test_one_long_c_call_is_killed_at_the_deadline() -> None:
    """`replace` building 600 MB is a single C call that the in-process deadline cannot stop."""
    worker = RenderWorker(memory_limit=2 * 2**30)
    try:
        worker.render(["{{ x }}"], {"x": "warm"}, max_chars=100, time_limit=1.0)
        started = time.perf_counter()
        with pytest.raises(WorkerError) as raised:
            worker.render(
                ["{{ x|replace('a', y)|replace('b', y) }}"],
                {"x": "a" * 50_000, "y": "b" * 12_000},
                max_chars=10**12,
                time_limit=0.05,
            )
        elapsed = time.perf_counter() - started
        assert raised.value.kind in ("timeout", "memory")
        assert elapsed < 1.5
        assert worker.render(["{{ x }}"], {"x": "again"}, max_chars=100, time_limit=1.0) == [
            "again"
        ]
    finally:
        worker.close()


DEEP = {
    "brackets": "{{ " + "(" * 3000 + "x" + ")" * 3000 + " }}",
    "filters": "{{ x" + "|e" * 3000 + " }}",
    "not": "{{ " + "not " * 3000 + "x }}",
    "or": "{{ x" + " or x" * 3000 + " }}",
    "if-blocks": "{% if x %}" * 3000 + "{% endif %}" * 3000,
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_refused_with_its_own_message(name: str) -> None:
    playbook = make_playbook([template("Hello\n" + DEEP[name])], [variable("x")])
    with pytest.raises(
        RenderError, match=f"line 2: the template nests deeper than {MAX_TEMPLATE_DEPTH}"
    ):
        render_template(playbook, "note", {"x": "1"}, locale="en", default_locale="en")


def test_nesting_within_the_limit_still_renders() -> None:
    source = "{{ " + "(" * 10 + "x" + ")" * 10 + "|upper|lower|e|trim }}"
    playbook = make_playbook([template(source)], [variable("x")])
    rendered = render_template(playbook, "note", {"x": " Ok "}, locale="en", default_locale="en")
    assert rendered.body == "ok"


# --- property: random compositions of the allowed language stay under the ceiling -------------

FILTERS = [
    "upper",
    "lower",
    "title",
    "capitalize",
    "trim",
    "e",
    "default('-')",
    "replace('a', x)",
    "replace('', y)",
    "truncate(40)",
    "wordwrap(1, true, x)",
    "wordwrap(3)",
]


def expressions(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["x", "y", "'abc'", "'a b c'"])
    if depth == 0:
        return leaf
    inner = expressions(depth - 1)
    return st.one_of(
        leaf,
        st.tuples(inner, st.sampled_from(FILTERS)).map(lambda t: f"{t[0]}|{t[1]}"),
        st.tuples(inner, inner).map(lambda t: f"({t[0]} ~ {t[1]})"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} == {t[2]} else {t[0]})"),
        inner.map(lambda e: f"({e})"),
    )


def templates() -> st.SearchStrategy[str]:
    output = expressions(5).map(lambda e: "{{ " + e + " }}")
    block = st.tuples(expressions(2), output).map(lambda t: f"{{% if {t[0]} %}}{t[1]}{{% endif %}}")
    return st.lists(st.one_of(output, block, st.just("text ")), min_size=1, max_size=12).map(
        "".join
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=templates(), size=st.sampled_from([0, 10, 5_000, 50_000]))
def test_random_templates_never_pass_the_memory_or_time_ceiling(source: str, size: int) -> None:
    """Whatever the composition, a render finishes or is refused by the sandbox's own size
    checks — never by the worker's memory limit or the kill deadline."""
    values = {"x": "a b " * (size // 4), "y": "xy" * (size // 2)}
    started = time.perf_counter()
    try:
        texts = shared_worker().render([source], values, max_chars=MAX_OUTPUT_CHARS, time_limit=1.0)
    except WorkerError as exc:
        assert exc.kind not in ("memory", "timeout"), (exc.kind, str(exc), source)
        assert exc.kind == "too_large", (exc.kind, str(exc), source)
    else:
        assert len(texts[0] or "") <= MAX_OUTPUT_CHARS
    assert time.perf_counter() - started < 1.0
