"""The process `cxgov app` becomes: Streamlit's own command line, with the app's caches warmed
beside it.

`cxgov app` execs `python -m app.ui.serve run app/ui/main.py [flags]`. This module starts one
background thread that loads the program, evaluates it and builds what needs attention into the
caches the pages read (`app.ui.context.warm_caches`), then hands the rest of the process to
Streamlit's command line, exactly as `python -m streamlit` would: the server is this process, so
one SIGTERM stops it. A first visitor who arrives after the warm-up (a second or two for 500
goals) finds every cache filled; one who arrives during it waits for the same computation, never
for a second one (Streamlit computes a cached value once per key).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

ROOT_ENV = "CXGOV_ROOT"
LOG = logging.getLogger("cxgov.serve")


def _warm(root: Path) -> None:
    try:
        from app.ui.context import warm_caches

        warm_caches(root)
    except Exception:  # a failed warm-up costs nothing: the first visit computes and reports it
        LOG.debug("warming the caches failed; the first visit will compute them", exc_info=True)


def main(argv: list[str]) -> None:
    root = os.environ.get(ROOT_ENV)
    if root and argv[:1] == ["run"]:
        threading.Thread(target=_warm, args=(Path(root),), name="cxgov-warm", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
