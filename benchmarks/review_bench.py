"""Benchmark of a review of the example program with four demo months: pack build and the exports.

The store is a temp SQLite file filled like `cxgov demo`. Prints median wall times of building the
pack (`pack_for`: latest actuals + `evaluate_program` + `build_pack`), laying it out as Markdown,
rendering the charts to PNG (vl-convert), and building the HTML and the PDF from those PNGs; each
as a ratio to the evaluation alone (`evaluate_program` over the same actuals, measured in the same
process), which every page of the app pays anyway.

    .venv/bin/python benchmarks/review_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import tempfile
from datetime import date
from pathlib import Path

from _timing import (
    median_seconds,  # benchmarks/_timing.py (run scripts as python benchmarks/NAME.py)
)

from app.evaluate import evaluate_program
from app.load import load_program
from app.periods import Month
from app.review import store
from app.review.charts import chart_images
from app.review.export import to_html, to_markdown, to_pdf
from app.review.pack import review_as_of
from app.service.demo import seed_demo
from app.service.program import actuals_in
from app.service.reviews import document_of, pack_for
from app.store.db import make_engine, session_scope, upgrade

AS_OF = date(2026, 11, 23)
REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    program = load_program(REPO, today=AS_OF).program
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        seed_demo(engine, program, as_of=AS_OF, months=4)
        with session_scope(engine) as session:
            review, _ = store.open_review(session, period=Month(2026, 10), author="bench")
            actuals = actuals_in(session, metrics=program.metrics)
            document = document_of(session, program=program, review=review)
            chart_images(document)  # warm vl-convert's engine once, as a running app has
            images = chart_images(document)
            results = {
                "evaluate_program (baseline)": median_seconds(
                    lambda: evaluate_program(
                        program, actuals, as_of=review_as_of(Month(2026, 10), "monthly")
                    ),
                    args.repeat,
                ),
                "pack_for (store read + evaluate + build)": median_seconds(
                    lambda: pack_for(session, program=program, review=review), args.repeat
                ),
                "markdown": median_seconds(lambda: to_markdown(document), args.repeat),
                f"charts to PNG ({len(images)})": median_seconds(
                    lambda: chart_images(document), args.repeat
                ),
                "html from PNGs": median_seconds(lambda: to_html(document, images), args.repeat),
                "pdf from PNGs": median_seconds(lambda: to_pdf(document, images), args.repeat),
            }
        engine.dispose()
    base = results["evaluate_program (baseline)"]
    print(f"review of 2026-10, example program, 4 demo months; median of {args.repeat} runs")
    for name, seconds in results.items():
        print(f"  {name:<42} {seconds * 1000:9.1f} ms   {seconds / base:7.1f}× evaluate")


if __name__ == "__main__":
    main()
