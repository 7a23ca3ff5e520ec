"""Benchmark of playbook rendering and search: what an agent waits for on every keystroke.

Rendering: the real service-recovery e-mail (en) through `render_template` (locale choice, parse,
allow-list walk, compile, sandboxed render under the settrace deadline), against a plain
`jinja2.Template.render` of the same text compiled once (the floor), and the sandboxed render
of a compiled template with and without the deadline (what the time limit costs).
Render ceiling: the same subject and body rendered in this process (sandbox and settrace deadline)
and through the render worker (a pipe round trip to the worker process with its memory limit and
kill deadline), the keystroke preview (`render_template` with placeholders, through the worker),
and the cost of a fresh worker (what the first render after a kill waits for).
Search: what each keystroke costs while an agent types "missed callback" and "complant about a
refnd" (typos included) into `search_playbooks` over 500 playbooks (the five example playbooks
in turn, each with 40 made-up words, so that the typo search looks through some 8,500 distinct
words), against a plain substring scan of the same texts for the same prefixes (the floor: no
ranking, stems, synonyms or typos). Also the one-time cost of building the index when the program
is loaded.

    .venv/bin/python benchmarks/playbooks_bench.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import jinja2
import yaml
from _timing import (
    median_seconds,  # benchmarks/_timing.py (run scripts as python benchmarks/NAME.py)
)

from app.load import load_program
from app.playbooks.render import deadline, render_template
from app.playbooks.sandbox import PlaybookEnvironment
from app.playbooks.search import SearchIndex, search_playbooks
from app.playbooks.worker import RenderWorker, render_texts, shared_worker
from app.spec.playbook import Playbook
from app.spec.program import Program

REPO = Path(__file__).resolve().parents[1]


TYPED = ("missed callback", "complant about a refnd")


def made_up_words(rng: random.Random, count: int) -> list[str]:
    syllables = ["ka", "lo", "mi", "re", "tu", "sen", "dor", "vak", "pli", "gru", "ne", "sta"]
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(count)]


def synthetic_program(example: Program, count: int) -> Program:
    """`count` playbooks: the example's five in turn, each with its own title and made-up words."""
    rng = random.Random(19)
    bases = list(example.playbooks.values())
    playbooks = {}
    for index in range(count):
        data = bases[index % len(bases)].model_dump(by_alias=True)
        data["metadata"] = {
            **data["metadata"],
            "id": f"pb_{index}",
            "title": f"{data['metadata']['title']} ({index})",
        }
        extra = " ".join(made_up_words(rng, 40))
        data["spec"]["situation"] = f"{data['spec']['situation']} {extra}"
        playbooks[f"pb_{index}"] = Playbook.model_validate(data)
    return Program(
        settings=example.settings, playbooks=playbooks, vocabularies=example.vocabularies
    )


def keystrokes(text: str) -> list[str]:
    return [text[:end] for end in range(1, len(text) + 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    playbook = Playbook.model_validate(
        yaml.safe_load((REPO / "playbooks" / "service-recovery.yaml").read_text("utf-8"))
    )
    values = {v.name: v.example or "" for v in playbook.spec.variables}
    body = next(
        t.body for t in playbook.spec.templates if t.id == "apology_remedy" and t.locale == "en"
    )

    plain = jinja2.Template(body)
    sandboxed = PlaybookEnvironment().from_string(body)

    def with_deadline() -> str:
        with deadline(1.0):
            return sandboxed.render(values)

    full = median_seconds(
        lambda: render_template(
            playbook, "apology_remedy", values, locale="en", default_locale="en"
        ),
        args.repeat,
        number=50,
    )
    floor = median_seconds(lambda: plain.render(values), args.repeat, number=500)
    bare = median_seconds(lambda: sandboxed.render(values), args.repeat, number=500)
    traced = median_seconds(with_deadline, args.repeat, number=500)
    print(
        f"render_template (en e-mail, from source): {full * 1e3:8.3f} ms   {full / floor:6.1f}× plain compiled Jinja2"
    )
    print(f"plain jinja2, compiled once:              {floor * 1e3:8.3f} ms")
    print(f"sandbox, compiled once, no deadline:      {bare * 1e3:8.3f} ms")
    print(
        f"sandbox, compiled once, with deadline:    {traced * 1e3:8.3f} ms   {traced / bare:6.2f}× without"
    )

    version = next(
        t for t in playbook.spec.templates if t.id == "apology_remedy" and t.locale == "en"
    )
    texts_in = [version.subject, version.body]
    in_process = median_seconds(
        lambda: render_texts(texts_in, values, max_chars=50_000, time_limit=1.0),
        args.repeat,
        number=200,
    )
    through_worker = median_seconds(
        lambda: shared_worker().render(texts_in, values, max_chars=50_000, time_limit=1.0),
        args.repeat,
        number=200,
    )
    typing = {**values, "customer_name": "", "remedy": ""}
    preview = median_seconds(
        lambda: render_template(
            playbook, "apology_remedy", typing, locale="en", default_locale="en", placeholders=True
        ),
        args.repeat,
        number=50,
    )

    def fresh_worker() -> None:
        worker = RenderWorker()
        try:
            worker.render(texts_in, values, max_chars=50_000, time_limit=1.0)
        finally:
            worker.close()

    cold = median_seconds(fresh_worker, args.repeat, number=1)
    print(f"subject + body in this process (before):   {in_process * 1e3:8.3f} ms")
    print(
        f"subject + body through the worker (now):   {through_worker * 1e3:8.3f} ms   "
        f"{through_worker / in_process:6.1f}× in this process"
    )
    print(
        f"keystroke preview (render_template, placeholders, worker): {preview * 1e3:8.3f} ms   "
        f"budget 50 ms: {'met' if preview < 0.050 else 'MISSED'}"
    )
    print(f"first render from a fresh worker (start + render): {cold * 1e3:8.1f} ms")

    example = load_program(REPO).program
    assert example is not None
    program = synthetic_program(example, 500)
    started = time.perf_counter()
    index = SearchIndex(program)
    built = time.perf_counter() - started
    search_playbooks(program, "warm up")  # the app builds the index once per loaded program
    texts = [
        " ".join(
            [
                pb.metadata.title,
                pb.spec.situation,
                *pb.spec.tags,
                *(s.instruction for s in pb.spec.steps),
            ]
        ).casefold()
        for pb in program.playbooks.values()
    ]
    prefixes = [prefix for text in TYPED for prefix in keystrokes(text)]

    def per_keystroke(run: Callable[[str], object]) -> list[float]:
        return [median_seconds(lambda p=prefix: run(p), args.repeat) for prefix in prefixes]

    searched = per_keystroke(lambda p: search_playbooks(program, p))
    scanned = per_keystroke(lambda p: [t for t in texts if all(w in t for w in p.split())])
    median, worst = statistics.median(searched), max(searched)
    floor = statistics.median(scanned)
    print(
        f"index of 500 playbooks, built once:       {built * 1e3:8.1f} ms   "
        f"{len(index.typo_targets):,} words for the typo search"
    )
    print(
        f"search_playbooks per keystroke, median:   {median * 1e3:8.3f} ms   "
        f"{median / floor:6.1f}x substring scan   ({len(prefixes)} keystrokes)"
    )
    print(f"search_playbooks per keystroke, slowest:  {worst * 1e3:8.3f} ms")
    print(f"substring scan per keystroke, median:     {floor * 1e3:8.3f} ms")


if __name__ == "__main__":
    main()
