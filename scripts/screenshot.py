"""Take the README's screenshot of the app: `python -m scripts.screenshot [--out docs/img/overview.png]`.

Copies the example program to a temporary folder, fills it with `cxgov demo`, starts
`cxgov app --headless` on a free local port and photographs the Overview page in Debian's headless
Chromium (Playwright driving /usr/bin/chromium, as the browser test does: no browser download).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("CXGOV_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cxgov app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"cxgov app did not answer at {url} within {timeout:.0f} s")


def take(out: Path, *, page_path: str = "overview", width: int = 1280, height: int = 1420) -> None:
    from playwright.sync_api import sync_playwright

    cxgov = [sys.executable, "-c", "from app.cli import main; main()"]
    env = {k: v for k, v in os.environ.items() if k != "CXGOV_DATABASE_URL"}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "program"
        root.mkdir()
        for name in ("program.yaml", "goals", "playbooks", "roadmap"):
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
        subprocess.run([*cxgov, "demo", str(root)], check=True, env=env, capture_output=True)
        port = _free_port()
        process = subprocess.Popen(
            [*cxgov, "app", str(root), "--headless", "--port", str(port), "--address", "127.0.0.1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, process)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(f"{url}/{page_path}", wait_until="domcontentloaded")
                page.get_by_role("heading").first.wait_for(timeout=60_000)
                page.wait_for_selector(
                    '[data-testid="stStatusWidget"]', state="detached", timeout=60_000
                )
                page.wait_for_timeout(2_500)  # let Vega draw the charts
                if page.locator('[data-testid="stException"]').count():
                    raise RuntimeError("the page shows an exception; no screenshot taken")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
                browser.close()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img" / "overview.png")
    parser.add_argument("--page", default="overview", help="the page's address, e.g. goals")
    args = parser.parse_args()
    take(args.out, page_path=args.page)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
