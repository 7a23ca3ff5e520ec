"""A real browser through every page: `cxgov app` on localhost, driven in Debian's headless Chromium.

Playwright's Python package drives `/usr/bin/chromium` (no browser download). Every page is
visited as each role (the sidebar's "View as"), at 1440 px: the test fails on any Streamlit
exception box, on a serious or critical violation of the axe-core accessibility audit (axe-core
from npm, `tests/e2e/package.json`), and on a Streamlit toolbar that covers another element when
it pops up; it saves a full-page screenshot of each under test-artifacts/. Without chromium it is
skipped, unless CXGOV_REQUIRE_BROWSER=1 (CI), where a missing browser fails.
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
WIDTH = 1440

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
    subprocess.run([*cxgov, "demo", str(root)], check=True, env=env, capture_output=True)
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


def _full_page(page: object) -> None:
    """Let the page grow to its content's height: Streamlit scrolls inside its main block, so a
    full-page screenshot would otherwise stop at the window's height."""
    height = page.evaluate(  # type: ignore[attr-defined]
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight"
    )
    page.set_viewport_size({"width": WIDTH, "height": max(900, min(int(height) + 40, 16_000))})  # type: ignore[attr-defined]
    page.wait_for_timeout(800)  # type: ignore[attr-defined]


TOOLBAR_OVERLAP = """
() => {
  const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const toolbar = document.querySelector('[data-testid="stElementToolbar"]');
  if (!toolbar) return null;
  const box = toolbar.getBoundingClientRect();
  const own = toolbar.closest('[data-testid="stElementContainer"]');
  const blocks = Array.from(document.querySelectorAll(
    '[data-testid="stVegaLiteChart"], [data-testid="stDataFrame"], [data-testid="stTable"], ' +
    '[data-testid="stMetric"], [data-testid="stAlert"], [data-testid="stPageLink"]'
  )).filter(e => !own || !own.contains(e));
  const block = blocks.find(e => meet(box, e.getBoundingClientRect()));
  if (block) return block.getAttribute('data-testid');
  // Text: the lines as drawn (a paragraph's box spans the width, its words may not).
  const texts = Array.from(document.querySelectorAll(
    '[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li, ' +
    '[data-testid="stHeading"] h1, [data-testid="stHeading"] h2, [data-testid="stHeading"] h3'
  )).filter(e => !own || !own.contains(e));
  for (const e of texts) {
    const range = document.createRange();
    range.selectNodeContents(e);
    if (Array.from(range.getClientRects()).some(r => meet(box, r))) {
      return e.tagName + ': ' + (e.innerText || '').slice(0, 60);
    }
  }
  return '';
}
"""


def covering_toolbars(page: object) -> list[str]:
    """Hover every table and chart: the toolbar Streamlit pops up over it must not cover another
    element (a chart's legend, the text above)."""
    found = []
    elements = page.locator('[data-testid="stDataFrame"], [data-testid="stVegaLiteChart"]')  # type: ignore[attr-defined]
    for index in range(elements.count()):
        if not elements.nth(index).is_visible():  # inside a closed expander
            continue
        elements.nth(index).hover()
        page.wait_for_timeout(300)  # type: ignore[attr-defined]
        hit = page.evaluate(TOOLBAR_OVERLAP)  # type: ignore[attr-defined]
        if hit:
            found.append(f"the toolbar of element {index} covers {hit}")
    page.mouse.move(0, 0)  # type: ignore[attr-defined]
    return found


def _open_as(browser: object, app_url: str, role: str) -> object:
    """A new session on the app, switched to `role` with the sidebar's "View as"."""
    from app.ui.roles import ROLE_NAMES

    page = browser.new_page(viewport={"width": WIDTH, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{app_url}/", wait_until="domcontentloaded")
    page.get_by_role("radiogroup").first.wait_for(timeout=60_000)
    page.get_by_text(ROLE_NAMES[role], exact=True).click()  # type: ignore[index]
    page.wait_for_timeout(1_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    return page


def test_every_page_as_every_role_renders_and_passes_the_audit(app_url: str) -> None:
    """Each role (through "View as") reaches exactly its pages, each page renders without an
    exception box, passes axe-core with no serious or critical violation, and no toolbar of
    Streamlit's covers the page; a full-page screenshot of each is kept."""
    from playwright.sync_api import sync_playwright

    from app.ui.navigation import pages_for
    from app.ui.roles import Viewer

    ARTIFACTS.mkdir(exist_ok=True)
    failures: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            for role in ("committee", "manager", "agent"):
                page = _open_as(browser, app_url, role)
                specs = [p for ps in pages_for(Viewer(role=role)).values() for p in ps]  # type: ignore[arg-type]
                links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')  # type: ignore[attr-defined]
                shown = [text.split("\n")[-1] for text in links.all_inner_texts()]
                if shown != [p.title for p in specs]:
                    failures.append(f"{role}: the sidebar offers {shown}")
                for spec in specs:
                    links.filter(has_text=spec.title).first.click()
                    _settle(page, spec.title)
                    if not page.url.split("?")[0].endswith(f"/{spec.url_path}"):  # type: ignore[attr-defined]
                        failures.append(f"{role}: {spec.title} opened {page.url}")  # type: ignore[attr-defined]
                    boxes = page.locator('[data-testid="stException"]')  # type: ignore[attr-defined]
                    if boxes.count():
                        failures.append(f"{role} {spec.title}: {boxes.first.inner_text()[:500]}")
                    failures.extend(f"{role} {spec.title}: {v}" for v in _axe_problems(page))
                    failures.extend(f"{role} {spec.title}: {v}" for v in covering_toolbars(page))
                    # The example program allows links to no host: no address in authored text
                    # (an owner's e-mail, a URL in a step) may become a link.
                    mailto = page.locator('[data-testid="stMain"] a[href^="mailto:"]')  # type: ignore[attr-defined]
                    if mailto.count():
                        failures.append(f"{role} {spec.title}: a live e-mail link")
                    _full_page(page)
                    page.screenshot(  # type: ignore[attr-defined]
                        path=str(ARTIFACTS / f"{role}-{spec.url_path}.png"), full_page=True
                    )
                    page.set_viewport_size({"width": WIDTH, "height": 900})  # type: ignore[attr-defined]
                page.close()  # type: ignore[attr-defined]
        finally:
            browser.close()
    assert not failures, "\n".join(failures)


def test_every_page_answers_at_its_own_address(app_url: str) -> None:
    """A bookmark or a link in a mail: every page at its own address, the root moving on to the
    first page, in local mode as a manager."""
    from playwright.sync_api import sync_playwright

    from app.ui.navigation import PAGES

    pages = [p for p in PAGES if p.path.is_file()]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            failures: list[str] = []
            page.goto(f"{app_url}/", wait_until="domcontentloaded")
            _settle(page, pages[0].title)
            if not page.url.endswith(f"/{pages[0].url_path}"):
                failures.append(f"/ did not move on to /{pages[0].url_path}: {page.url}")
            for spec in pages:
                page.goto(f"{app_url}/{spec.url_path}", wait_until="domcontentloaded")
                _settle(page, spec.title)
                if page.locator('[data-testid="stException"]').count():
                    failures.append(f"{spec.title}: an exception box")
                if page.get_by_text("Page not found").count():
                    failures.append(f"{spec.title}: no page at /{spec.url_path}")
                if not page.get_by_text("Local single-user mode").count():
                    failures.append(f"{spec.title}: the local-mode notice is missing")
            assert not failures, failures
        finally:
            browser.close()


AXE = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"
STREAMLIT_CHROME: list[str] = []
"""Markup of Streamlit's own left out of the audit: nothing. (Its sectioned sidebar menu, whose
<ul> holds <div>s, is not on the page: the app draws its navigation with `st.page_link`.)"""


def _axe_problems(page: object) -> list[str]:
    """Serious and critical axe-core violations on the page, frames included (the copy buttons)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing (axe-core, committed under tests/e2e/vendor)")
    for frame in page.frames:  # type: ignore[attr-defined]
        frame.add_script_tag(path=str(AXE))
    result = page.evaluate(  # type: ignore[attr-defined]
        "async (exclude) => await axe.run({exclude: exclude.map(s => [s])}, "
        "{resultTypes: ['violations']})",
        STREAMLIT_CHROME,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _playbook_titles(page: object) -> list[str]:
    """The titles in the playbook list, in order (each radio's label, without its caption; the
    sidebar's "View as" is a radio too, so only the main area counts)."""
    return page.evaluate(  # type: ignore[attr-defined]
        '() => [...document.querySelectorAll(\'[data-testid="stMain"] [data-testid="stRadio"] [role="radiogroup"] label\')]'
        ".map(l => l.innerText.split('\\n')[0].trim())"
    )


def _wait_idle(page: object) -> None:
    page.wait_for_timeout(300)  # type: ignore[attr-defined]  # the live search box's pause, and a little
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)  # type: ignore[attr-defined]


def _focused_label(page: object) -> str:
    return page.evaluate(  # type: ignore[attr-defined]
        "() => { const e = document.activeElement; if (!e) return '';"
        " if (e.tagName === 'IFRAME') return 'frame:' + (e.title || '');"
        " return e.getAttribute('aria-label') || (e.labels && e.labels[0] ? e.labels[0].innerText : '')"
        " || e.innerText || ''; }"
    )


def _tab_to(page: object, label: str, limit: int = 80) -> int:
    """Press Tab until the field labelled `label` has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        if _focused_label(page).strip().startswith(label):
            return presses
    raise AssertionError(f"Tab never reached {label!r}; focus is on {_focused_label(page)!r}")


def _fill_and_copy_by_keyboard(page: object, values: dict[str, str]) -> str:
    """Tab to each field, type its value, Enter; Tab to "Copy message", Enter.

    Returns what the clipboard then holds.
    """
    labels = list(values)
    for label in labels:
        _tab_to(page, label)  # past the field's help button, when it has one
        page.keyboard.press("Control+A")  # type: ignore[attr-defined]
        page.keyboard.type(values[label])  # type: ignore[attr-defined]
        page.keyboard.press("Enter")  # type: ignore[attr-defined]
        _wait_idle(page)
    copy = page.frame_locator("iframe").last.get_by_role("button", name="Copy message")  # type: ignore[attr-defined]
    copy.wait_for(timeout=60_000)
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const f = [...document.querySelectorAll('iframe')].pop();"
        " const b = f && f.contentDocument && f.contentDocument.querySelector('button:not([style*=none])');"
        " return b && !b.disabled; }",
        timeout=60_000,
    )
    _tab_to(page, "frame:", limit=5)
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    page.frame_locator("iframe").last.get_by_role("button", name="Message copied").wait_for(
        timeout=10_000
    )  # type: ignore[attr-defined]
    return page.evaluate("() => navigator.clipboard.readText()")  # type: ignore[attr-defined]


def _preview(page: object) -> str:
    return page.locator(".st-key-playbooks-preview [data-testid='stText']").inner_text()  # type: ignore[attr-defined]


def test_an_agent_on_a_call_finds_fills_and_copies_with_the_keyboard(app_url: str) -> None:
    """Type "missed callback" key by key, read every step in full, fill the form and copy with
    Tab and Enter alone; then the same from a Zendesk link that brings the case and the name."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from app.load import load_program
    from app.playbooks.links import ticket_link
    from app.playbooks.render import render_template
    from app.ui.playbook_view import message_text

    program = load_program(REPO).program
    assert program is not None
    playbook = program.playbooks["broken_promise"]
    customer = {
        "customer_name": "Mr Okafor",
        "case_id": "NW-479120",
        "promise": "call you back by Tuesday",
        "new_commitment": "the export is fixed by Thursday, 12:00 PT",
        "refund": "a credit of $240",
        "extra": "the add-on free until January",
        "agent_name": "Sam Ortiz",
    }
    labels = {v.name: v.shown_label for v in playbook.spec.variables}
    rendered = render_template(
        playbook, "broken_promise_email", customer, locale="en", default_locale="en"
    )
    expected = message_text(rendered.channel, rendered.subject, rendered.body)

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = browser.new_context(
                viewport={"width": 1440, "height": 2200},
                permissions=["clipboard-read", "clipboard-write"],
            )
            page = context.new_page()
            page.goto(f"{app_url}/playbooks", wait_until="domcontentloaded")
            _settle(page, "Playbooks")
            everything = _playbook_titles(page)
            assert len(everything) == len(program.playbooks)

            search = page.get_by_role("searchbox", name="Search playbooks")
            search.focus()
            sizes = []
            for key in "missed callback":
                page.keyboard.type(key)
                _wait_idle(page)
                sizes.append(len(_playbook_titles(page)))
            assert min(sizes) < len(everything), sizes  # it narrowed while typing, no Enter
            assert _playbook_titles(page) == [playbook.metadata.title]
            page.get_by_role("heading", name=playbook.metadata.title).wait_for(timeout=60_000)

            for number, step in enumerate(playbook.spec.steps, start=1):
                words = " ".join(
                    step.instruction.replace("`", "").split()
                )  # code spans read as code
                label = page.locator("[data-testid='stCheckbox']").filter(has_text=words)
                assert label.count() == 1, f"step {number} is not shown in full: {words}"
                assert label.first.is_visible()
                text = label.first.locator("[data-testid='stMarkdownContainer']")
                width, full, height = text.evaluate(
                    "e => [e.clientWidth, e.scrollWidth, e.getBoundingClientRect().height]"
                )
                assert full <= width + 1, f"step {number} is cut off"
                assert height > 30, f"step {number} is squeezed into one line"
            page.screenshot(path=str(ARTIFACTS / "playbooks-missed-callback.png"), full_page=True)

            search.focus()
            copied = _fill_and_copy_by_keyboard(
                page, {labels[name]: value for name, value in customer.items()}
            )
            assert copied == expected
            assert _preview(page) == expected  # the copied text is exactly the preview
            page.screenshot(path=str(ARTIFACTS / "playbooks-copied.png"), full_page=True)
            assert not page.locator('[data-testid="stException"]').count()
            assert not _axe_problems(page), _axe_problems(page)

            # From a Zendesk ticket: Zendesk fills its placeholders and the agent clicks the link.
            link = ticket_link(playbook, "zendesk", base_url=app_url).url
            for placeholder, value in {
                "{{ticket.id}}": "48213",
                "{{ticket.requester.name}}": "Ms Adeyemi",
                "{{current_user.name}}": "Sam Ortiz",
            }.items():
                link = link.replace(placeholder, quote(value))
            narrow = context.new_page()
            narrow.set_viewport_size({"width": 390, "height": 2400})
            narrow.goto(link, wait_until="domcontentloaded")
            _settle(narrow, playbook.metadata.title)
            assert narrow.get_by_role("textbox", name=labels["case_id"]).input_value() == "48213"
            assert narrow.get_by_role("textbox", name=labels["customer_name"]).input_value() == (
                "Ms Adeyemi"
            )
            assert "Ms Adeyemi" not in narrow.url and "48213" not in narrow.url
            rest = {
                k: v
                for k, v in customer.items()
                if k not in ("case_id", "customer_name", "agent_name")
            }
            narrow.get_by_role("searchbox", name="Search playbooks").focus()
            copied = _fill_and_copy_by_keyboard(
                narrow, {labels[name]: value for name, value in rest.items()}
            )
            assert copied.startswith("Subject: Case 48213: we did not keep our word")
            assert "Dear Ms Adeyemi," in copied and copied == _preview(narrow)
            narrow.screenshot(
                path=str(ARTIFACTS / "playbooks-from-zendesk-narrow.png"), full_page=True
            )
            assert not _axe_problems(narrow), _axe_problems(narrow)
        finally:
            browser.close()


def test_the_committee_prepares_a_review_in_a_real_browser(app_url: str) -> None:
    """The Reviews page in a real browser: pick a month with the month picker, prepare its draft
    and see its pack. (The demo holds the reviews of the last two closed months; four months
    back is free.)"""
    from playwright.sync_api import sync_playwright

    from app.periods import Month, today_in

    month = Month.of(today_in("America/Los_Angeles")).shift(-4)  # program.yaml's timezone
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": 2000})
            page.goto(f"{app_url}/reviews", wait_until="domcontentloaded")
            _settle(page, "Reviews")
            picker = page.get_by_label("Month (a closed one)")
            picker.click()
            page.get_by_role("option", name=month.first_day().strftime("%b %Y")).click()
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
