"""Benchmark of the app's pages: each page rendered with AppTest for 500 goals, 50 contracts and
36 months of actuals (the program written as YAML files, the actuals in a SQLite store), plus a
year of the demo's contacts behind one metric, so that the Goals page can split a goal's figure
by queue (the drill-down) from real contacts.

Reported, with the date, the machine and its load:

- **warm**: the median of renders with every cache filled (the normal case after a first visit) —
  the Overview with Needs attention, the Goals page with its figure split by queue, every other
  page; the time inside the page script (what the server spends before the browser can draw) and
  AppTest's whole `run()`, whose fixed overhead an empty page shows (ratio against it);
- **first after the caches are cleared**, in this process (modules already imported);
- **first render after start**, each in a fresh Python process (median of `--starts`): without
  the warm-up (importing the app's modules, loading, evaluating and building Needs attention all
  fall to the first visitor), and with `app.ui.serve`'s warm-up, which `cxgov app` runs beside the
  server as it starts (its time is reported: a visitor arriving after it finds every cache full).

Aims: the Overview and the Goals page with its drill-down under 0.5 s warm; the first render after
start under 1.5 s.

    .venv/bin/python benchmarks/app_bench.py [--repeat 5] [--starts 3]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evaluate_bench import AS_OF, build

REPO = Path(__file__).resolve().parents[1]
VIEWS = REPO / "app" / "ui" / "views"
PAGES = ("overview", "goals", "slas", "roadmap", "actuals", "metrics")
CONTACT_METRIC = "m1"
"""A higher-is-better metric of the benchmark program, computed from contacts here (CSAT)."""
SPLIT_GOAL = "g1"
"""A goal on that metric (scope: chat), opened with its figure split by queue."""
SPLIT = {"goals.chosen": SPLIT_GOAL, "goals.split": "queue"}


def write_program(root: Path, program: Any) -> None:
    """The evaluate benchmark's program as YAML, adjusted so that `cxgov validate` accepts it:
    SLA objectives on higher-is-better metrics only (its credit bands are `below` bands), the
    pool shared out to no more than 100 %, roadmap items within the 365-day horizon; one metric
    computed from contacts (CSAT)."""
    higher = sorted(m.id for m in program.metrics.values() if m.spec.better == "higher")

    def dump(doc: Any) -> dict[str, Any]:
        data: dict[str, Any] = doc.model_dump(mode="json", by_alias=True, exclude_none=True)
        if data["kind"] == "SLAContract":
            objectives = data["spec"]["objectives"]
            for n, objective in enumerate(objectives):
                if objective["metric"] not in higher:
                    objective["metric"] = higher[n % len(higher)]
                if "allocation_percent" in objective:
                    objective["allocation_percent"] = round(100 / len(objectives) - 0.005, 2)
        if data["kind"] == "Roadmap":
            for phase in data["spec"]["phases"]:
                for item in phase["items"]:
                    item["due_day"] = item["due_day"] % 365
        if data["kind"] == "Metric" and data["metadata"]["id"] == CONTACT_METRIC:
            data["spec"]["calculation"] = {"type": "csat", "scale": 5, "satisfied_from": 4}
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


def import_contacts(root: Path, program: Any) -> int:
    """A year of the demo's contacts, through the real importer (no recompute: the benchmark's
    actuals stay as written)."""
    from app.demo.generate import DemoPlan, generate_contacts
    from app.ingest import builtin_profile
    from app.service.database import open_store
    from app.service.demo import write_csv
    from app.service.imports import DEFAULT_PROFILE, import_file

    plan = DemoPlan(as_of=AS_OF, months=12, timezone=program.timezone)
    path = root / "contacts.csv"
    count = write_csv(generate_contacts(plan), path)
    import_file(
        open_store(root),
        program,
        path,
        mapping=builtin_profile(DEFAULT_PROFILE),
        author="bench",
        compute=False,
    )
    path.unlink()
    return count


TIMED = """
import runpy, time
import streamlit as st
start = time.perf_counter()
runpy.run_path({script!r}, run_name="__main__")
st.session_state["bench.seconds"] = time.perf_counter() - start
"""


def render(
    script: str | None, root: Path, state: dict[str, Any] | None = None
) -> tuple[float, float]:
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
    for key, value in (state or {}).items():
        at.session_state[key] = value
    start = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{script}: {at.exception[0].value}")
    if script is not None and "bench.seconds" not in at.session_state:
        raise RuntimeError(f"{script} stopped early: {[e.value for e in at.error]}")
    inside = at.session_state["bench.seconds"] if script is not None else 0.0
    return inside, elapsed


def medians(
    script: str | None, root: Path, repeat: int, state: dict[str, Any] | None = None
) -> tuple[float, float]:
    runs = [render(script, root, state) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


FRESH = """
import json, sys, time
from datetime import date
from pathlib import Path
started = time.perf_counter()
import streamlit  # the server has imported Streamlit when the first visitor arrives
sys.path.insert(0, {bench!r})
from app_bench import render
root, warm = Path({root!r}), {warm!r}
warmed = 0.0
if warm:
    from app.ui.context import warm_caches
    begin = time.perf_counter()
    warm_caches(root, today=date.fromisoformat({as_of!r}))
    warmed = time.perf_counter() - begin
inside, run = render({script!r}, root)
print(json.dumps({{"warm": warmed, "script": inside, "run": run}}))
"""


def fresh_start(root: Path, *, warm: bool) -> dict[str, float]:
    """The Overview's first render in a new process, with or without the server's warm-up."""
    code = FRESH.format(
        bench=str(Path(__file__).resolve().parent),
        root=str(root),
        warm=warm,
        as_of=AS_OF.isoformat(),
        script=str(VIEWS / "overview.py"),
    )
    env = {k: v for k, v in os.environ.items() if k != "CXGOV_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--starts", type=int, default=3)
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
        if errors or loaded.program is None:
            raise SystemExit(
                f"the benchmark program does not validate: {errors[0].location} {errors[0].message}"
            )
        contacts = import_contacts(root, loaded.program)
        print(f"cxgov app benchmark, {date.today()}, {machine()}")
        print(
            f"program: {len(program.goals)} goals, {len(program.contracts)} contracts, {count} actuals "
            f"over 36 months, {contacts:,} contacts behind {CONTACT_METRIC}; as of {AS_OF}"
        )
        _, empty = medians(None, root, args.repeat)
        print(f"empty page: AppTest run median {empty * 1000:6.0f} ms (its fixed overhead)")
        print(
            f"{'page':<22} {'warm: script':>13} {'AppTest run':>12} {'run/empty':>10}   "
            f"{'first: script':>13} {'AppTest run':>12}"
        )
        warm: dict[str, float] = {}
        for page in PAGES:
            script = str(VIEWS / f"{page}.py")
            state = SPLIT if page == "goals" else None
            name = {"overview": "overview (attention)", "goals": "goals (split by queue)"}.get(
                page, page
            )
            st.cache_data.clear()
            st.cache_resource.clear()
            cold_inside, cold_run = render(script, root, state)
            inside, run = medians(script, root, args.repeat, state)
            warm[page] = inside
            print(
                f"{name:<22} {inside * 1000:10.0f} ms {run * 1000:9.0f} ms {run / empty:9.1f}×   "
                f"{cold_inside * 1000:10.0f} ms {cold_run * 1000:9.0f} ms"
            )
        print(f"first render after start, overview, median of {args.starts} fresh processes:")
        cold = [fresh_start(root, warm=False) for _ in range(args.starts)]
        warmed = [fresh_start(root, warm=True) for _ in range(args.starts)]
        cold_script = statistics.median(c["script"] for c in cold)
        warm_script = statistics.median(w["script"] for w in warmed)
        warm_up = statistics.median(w["warm"] for w in warmed)
        print(
            f"  without the warm-up: script {cold_script * 1000:6.0f} ms "
            f"(AppTest run {statistics.median(c['run'] for c in cold) * 1000:.0f} ms)"
        )
        print(
            f"  after app.ui.serve's warm-up ({warm_up * 1000:.0f} ms from start, in the background): "
            f"script {warm_script * 1000:6.0f} ms "
            f"(AppTest run {statistics.median(w['run'] for w in warmed) * 1000:.0f} ms); "
            f"{cold_script / warm_script:.1f}× faster"
        )
        worst = max(warm["overview"], warm["goals"])
        print(
            f"aims: overview and goals with drill-down under 0.5 s warm — "
            f"{'met' if worst < 0.5 else 'NOT met'} ({worst * 1000:.0f} ms); first render after "
            f"start under 1.5 s — {'met' if warm_script < 1.5 else 'NOT met'} with the warm-up, "
            f"{'met' if cold_script < 1.5 else 'NOT met'} without it "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )


if __name__ == "__main__":
    main()
