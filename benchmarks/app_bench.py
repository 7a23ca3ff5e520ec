"""Benchmark of the app's pages: each page rendered with AppTest for 500 goals, 50 contracts and
36 months of actuals (the program written as YAML files, the actuals in a SQLite store).

Per page it prints the median of warm renders (program and evaluation cached, the normal case
after the first visit) and the first render after the caches are cleared (loading the YAML and
evaluating included). Each is given twice: the page script's own time (measured inside the run,
which is what a browser user waits for on the server) and AppTest's whole `run()`, whose fixed
overhead (scanning installed packages for components, polling for widgets) is shown by an empty
page rendered in the same process. Aim: every warm page under 1.5 s.

    .venv/bin/python benchmarks/app_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_bench import AS_OF, build

REPO = Path(__file__).resolve().parents[1]
VIEWS = REPO / "app" / "ui" / "views"
PAGES = ("overview", "goals", "slas", "roadmap", "actuals", "metrics")


def write_program(root: Path, program: Any) -> None:
    """The evaluate benchmark's program as YAML, adjusted so that `cxgov validate` accepts it:
    SLA objectives on higher-is-better metrics only (its credit bands are `below` bands) and
    roadmap items within the 365-day horizon."""
    higher = sorted(m.id for m in program.metrics.values() if m.spec.better == "higher")

    def dump(doc: Any) -> dict[str, Any]:
        data: dict[str, Any] = doc.model_dump(mode="json", by_alias=True, exclude_none=True)
        if data["kind"] == "SLAContract":
            for n, objective in enumerate(data["spec"]["objectives"]):
                if objective["metric"] not in higher:
                    objective["metric"] = higher[n % len(higher)]
        if data["kind"] == "Roadmap":
            for phase in data["spec"]["phases"]:
                for item in phase["items"]:
                    item["due_day"] = item["due_day"] % 365
        return data

    (root / "goals").mkdir(parents=True)
    (root / "roadmap").mkdir()
    (root / "program.yaml").write_text(yaml.safe_dump(dump(program.settings), sort_keys=False))
    for name, docs in (
        ("metrics", program.metrics),
        ("goals", program.goals),
        ("contracts", program.contracts),
    ):
        (root / "goals" / f"{name}.yaml").write_text(
            yaml.safe_dump_all([dump(d) for d in docs.values()], sort_keys=False)
        )
    (root / "roadmap" / "roadmap.yaml").write_text(
        yaml.safe_dump_all([dump(d) for d in program.roadmaps.values()], sort_keys=False)
    )


def write_actuals(root: Path, rows: list[Any]) -> int:
    from sqlalchemy import insert

    from app.store.db import open_store
    from app.store.tables import Actual, utcnow

    engine = open_store(root)
    now = utcnow()
    values = [
        {
            "metric": r.metric,
            "scope_key": r.scope_key,
            "period": r.period,
            "revision": 1,
            "value": r.value,
            "source": "computed",
            "author": "bench",
            "recorded_at": now,
        }
        for r in rows
    ]
    with engine.begin() as conn:
        conn.execute(insert(Actual.__table__), values)  # type: ignore[attr-defined]
    return len(values)


TIMED = """
import runpy, time
import streamlit as st
start = time.perf_counter()
runpy.run_path({script!r}, run_name="__main__")
st.session_state["bench.seconds"] = time.perf_counter() - start
"""


def render(script: str | None, root: Path) -> tuple[float, float]:
    """(seconds inside the page script, seconds of the whole AppTest run)."""
    from streamlit.testing.v1 import AppTest

    from app.ui.context import AS_OF_KEY, ROOT_KEY

    source = (
        "import streamlit as st\nst.title('empty')"
        if script is None
        else TIMED.format(script=script)
    )
    at = AppTest.from_string(source, default_timeout=120)
    at.session_state[ROOT_KEY] = str(root)
    at.session_state[AS_OF_KEY] = AS_OF
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{script}: {at.exception[0].value}")
    if script is not None and "bench.seconds" not in at.session_state:
        raise RuntimeError(f"{script} stopped early: {[e.value for e in at.error]}")
    inside = at.session_state["bench.seconds"] if script is not None else 0.0
    return inside, elapsed


def medians(script: str | None, root: Path, repeat: int) -> tuple[float, float]:
    runs = [render(script, root) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    import streamlit as st

    os.environ.pop("CXGOV_DATABASE_URL", None)
    program, rows = build(500, 50)
    with tempfile.TemporaryDirectory(prefix="cxgov-app-bench-") as folder:
        root = Path(folder)
        write_program(root, program)
        count = write_actuals(root, rows)
        from app.load import load_program

        loaded = load_program(root, today=AS_OF)
        errors = [d for d in loaded.diagnostics if d.severity == "error"]
        if errors:
            raise SystemExit(
                f"the benchmark program does not validate: {errors[0].location} {errors[0].message}"
            )
        print(
            f"program: {len(program.goals)} goals, {len(program.contracts)} contracts, {count} actuals over 36 months;"
            f" as of {AS_OF}"
        )
        _, empty = medians(None, root, args.repeat)
        print(f"empty page: AppTest run median {empty * 1000:6.0f} ms (its fixed overhead)")
        print(
            f"{'page':<10} {'warm: script':>13} {'AppTest run':>12} {'run/empty':>10}   {'first: script':>13} {'AppTest run':>12}"
        )
        worst = 0.0
        for page in PAGES:
            script = str(VIEWS / f"{page}.py")
            st.cache_data.clear()
            st.cache_resource.clear()
            cold_inside, cold_run = render(script, root)
            inside, run = medians(script, root, args.repeat)
            worst = max(worst, inside)
            print(
                f"{page:<10} {inside * 1000:10.0f} ms {run * 1000:9.0f} ms {run / empty:9.1f}×   "
                f"{cold_inside * 1000:10.0f} ms {cold_run * 1000:9.0f} ms"
            )
        print(
            f"aim: every warm page script under 1.5 s — {'met' if worst < 1.5 else 'NOT met'} "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )


if __name__ == "__main__":
    main()
