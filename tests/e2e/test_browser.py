"""A real browser through every page: `cxgov app` on localhost, driven in Debian's headless Chromium.

Playwright's Python package drives `/usr/bin/chromium` (no browser download). The test fails on
any Streamlit exception box and saves a screenshot per page under test-artifacts/. Without
chromium it is skipped, unless CXGOV_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from serving import free_port, wait_healthy

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path(os.environ.get("CXGOV_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE = os.environ.get("CXGOV_REQUIRE_BROWSER") == "1"
AS_OF = "2026-11-23"

pytestmark = pytest.mark.browser


def _browser_problem() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    problem = _browser_problem()
    if problem:
        if REQUIRE:
            pytest.fail(
                f"the browser test is required (CXGOV_REQUIRE_BROWSER=1) but cannot run: {problem}"
            )
        pytest.skip(problem)


@pytest.fixture(scope="module")
def app_url(browser_ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("browser") / "program"
    root.mkdir()
    for name in ("program.yaml", "goals", "playbooks", "roadmap"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    env = {k: v for k, v in os.environ.items() if k != "CXGOV_DATABASE_URL"}
    script = Path(sys.executable).with_name("cxgov")
    cxgov = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from app.cli import main; main()"]
    )
    subprocess.run(
        [*cxgov, "demo", str(root), "--as-of", AS_OF], check=True, env=env, capture_output=True
    )
    port = free_port()
    log = (tmp_path_factory.getbasetemp() / "cxgov-app.log").open("wb")
    process = subprocess.Popen(
        [*cxgov, "app", str(root), "--port", str(port), "--headless", "--address", "127.0.0.1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def _settle(page: object, title: str) -> None:
    page.get_by_role("heading", name=title).first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(1_500)  # type: ignore[attr-defined]  # let Vega draw the charts


def test_every_page_renders_in_a_real_browser(app_url: str) -> None:
    from playwright.sync_api import sync_playwright

    from app.ui.navigation import PAGES

    ARTIFACTS.mkdir(exist_ok=True)
    pages = [p for p in PAGES if p.path.is_file()]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            failures: list[str] = []
            page.goto(
                f"{app_url}/", wait_until="domcontentloaded"
            )  # the root moves on to the first page
            _settle(page, pages[0].title)
            if not page.url.endswith(f"/{pages[0].url_path}"):
                failures.append(f"/ did not move on to /{pages[0].url_path}: {page.url}")
            for spec in (
                pages
            ):  # every page at its own address, the first one too (a bookmark, a link in a mail)
                page.goto(f"{app_url}/{spec.url_path}", wait_until="domcontentloaded")
                _settle(page, spec.title)
                page.screenshot(path=str(ARTIFACTS / f"page-{spec.url_path}.png"), full_page=True)
                boxes = page.locator('[data-testid="stException"]')
                if boxes.count():
                    failures.append(f"{spec.title}: {boxes.first.inner_text()[:500]}")
                if page.get_by_text("Page not found").count():
                    failures.append(
                        f"{spec.title}: Streamlit says the page does not exist at /{spec.url_path}"
                    )
                if not page.get_by_text("Local single-user mode").count():
                    failures.append(f"{spec.title}: the local-mode notice is missing")
            assert not failures, failures
        finally:
            browser.close()


def test_an_agent_fills_the_service_recovery_e_mail_in_a_real_browser(app_url: str) -> None:
    """The README's three interactions (search, fill the form, copy), then a deep link in German."""
    from urllib.parse import urlencode

    from playwright.sync_api import sync_playwright

    fields = {
        "How the customer is addressed": "Ms Weber",
        "The help-desk case number": "NW-482913",
        "What went wrong": "the route import",
        "What we have done": "we corrected the routes.",
        "The day you will check back": "Friday",
        "Your name as it appears": "Sam Ortiz",
    }
    link = {
        "playbook": "service_recovery",
        "template": "apology_remedy",
        "locale": "de",
        "customer_name": "Frau Weber",
        "case_id": "NW-1",
        "issue_summary": "dem Import",
        "remedy": "Wir haben die Routen korrigiert.",
        "follow_up_date": "Freitag",
        "agent_name": "Sam",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            page.goto(f"{app_url}/playbooks", wait_until="domcontentloaded")
            _settle(page, "Playbooks")
            search = page.get_by_role("textbox", name="Search playbooks")
            search.fill("apolog")
            search.press("Enter")
            _settle(page, "Service recovery after a complaint")
            for label, value in fields.items():
                field = page.get_by_role("textbox", name=label)
                field.fill(value)
                field.press("Enter")
                page.wait_for_selector(
                    '[data-testid="stStatusWidget"]', state="detached", timeout=60_000
                )
            code = page.locator('[data-testid="stCode"]').filter(has_text="Dear Ms Weber,")
            code.first.wait_for(timeout=60_000)
            assert "we corrected the routes." in code.first.inner_text()
            page.screenshot(path=str(ARTIFACTS / "playbooks-filled.png"), full_page=True)
            assert not page.locator('[data-testid="stException"]').count()

            page.goto(f"{app_url}/playbooks?{urlencode(link)}", wait_until="domcontentloaded")
            _settle(page, "Service recovery after a complaint")
            german = page.locator('[data-testid="stCode"]').filter(has_text="Guten Tag Frau Weber,")
            german.first.wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "playbooks-deep-link.png"), full_page=True)
            assert not page.locator('[data-testid="stException"]').count()
            assert "Frau Weber" not in page.url  # the customer's details leave the address bar
        finally:
            browser.close()


def test_the_committee_prepares_a_review_in_a_real_browser(app_url: str) -> None:
    """The Reviews page in a real browser: prepare the last closed month's draft and see its pack."""
    from playwright.sync_api import sync_playwright

    from app.periods import Month, today_in

    month = Month.of(today_in("America/Los_Angeles")).shift(
        -1
    )  # program.yaml; the page's default: the last closed month

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2000})
            page.goto(f"{app_url}/reviews", wait_until="domcontentloaded")
            _settle(page, "Reviews")
            page.get_by_role("button", name="Prepare the draft").click()
            page.get_by_text(f"Prepared the monthly review of {month}").wait_for(timeout=60_000)
            page.get_by_role("button", name="Start the meeting").wait_for(timeout=60_000)
            page.wait_for_selector(
                '[data-testid="stStatusWidget"]', state="detached", timeout=60_000
            )
            page.screenshot(path=str(ARTIFACTS / "reviews-draft.png"), full_page=True)
            assert not page.locator('[data-testid="stException"]').count()
            assert page.get_by_text(f"Prepared the monthly review of {month}").count()
        finally:
            browser.close()


def test_an_owner_checks_in_on_a_goal_in_a_real_browser(app_url: str) -> None:
    """A link from a notification opens the goal; the check-in form records one, and the history
    beside the chart shows it at once, with what the numbers said."""
    from playwright.sync_api import sync_playwright

    comment = "Chat staffing is back to plan; expect the October dip to recover."
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 2400})
            page.goto(f"{app_url}/goals?goal=fcr_to_75", wait_until="domcontentloaded")
            _settle(page, "Raise first-contact resolution from 68 % to 75 % by March 2027")
            page.get_by_text("Owner's check-ins").wait_for(timeout=60_000)
            page.locator('[data-testid="stRadio"]').get_by_text("at risk", exact=True).click()
            page.get_by_role("textbox", name="Comment").fill(comment)
            page.get_by_role("textbox", name="Next step (optional)").fill("Review staffing weekly")
            page.get_by_role("button", name="Record the check-in").click()
            page.get_by_text("Check-in recorded.").wait_for(timeout=60_000)
            page.wait_for_selector(
                '[data-testid="stStatusWidget"]', state="detached", timeout=60_000
            )
            page.get_by_text(comment).first.wait_for(timeout=60_000)
            page.screenshot(path=str(ARTIFACTS / "goals-checkin.png"), full_page=True)
            assert not page.locator('[data-testid="stException"]').count()
            assert "goal=fcr_to_75" in page.url
        finally:
            browser.close()
