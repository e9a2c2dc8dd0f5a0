"""Shared helpers for tests that drive a real `streamlit run` server in headless Chromium."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

requires_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (CI and `make test` install it)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int) -> list[str]:
    """`streamlit run app.py`, headless on a loopback port (tests and the bench start it the same way)."""
    app = str(ROOT / "app.py")
    return [sys.executable, "-m", "streamlit", "run", app, "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1"]  # fmt: skip


@contextmanager
def streamlit_server(log_path: Path, cwd: Path | None = None, extra_env: dict | None = None):
    """Start `streamlit run app.py` on a free loopback port; yield its URL; stop it afterwards."""
    port = free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **(extra_env or {}))
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            streamlit_command(port),
            cwd=cwd or ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start: {log_path.read_text()[-2000:]}")
                time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# Finished = the app says its script is not running and no element from the previous run is still
# shown (a stale "Next" button looks clickable but its click is lost when the new run replaces it).
APP_IDLE_JS = """() => {
    const app = document.querySelector('[data-test-script-state]');
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid="stStatusWidget"]');
}"""
# Counts runs that start, so that "idle" means "idle after the run my action caused", not "idle
# because that run has not begun yet". Returns whether the counter was already installed.
RUN_COUNTER_JS = """() => {
    if (window.__runCounter) return true;
    const app = document.querySelector('[data-test-script-state]');
    if (!app) return false;
    window.__runsStarted = 0; window.__runsSeen = 0; window.__runCounter = true;
    let last = app.getAttribute('data-test-script-state');
    new MutationObserver(() => {
        const now = app.getAttribute('data-test-script-state');
        if (now !== 'notRunning' && last === 'notRunning') window.__runsStarted++;
        last = now;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    return false;
}"""
NEW_RUN_JS = "() => window.__runsStarted > window.__runsSeen"
MARK_SEEN_JS = "() => { window.__runsSeen = window.__runsStarted; }"
NEW_RUN_WAIT_MS = 3000  # an action that changes nothing starts no run; do not wait for ever


def wait_idle(page, timeout: float = 30000) -> None:
    """Wait until Streamlit has finished the run the last action started."""
    if page.evaluate(RUN_COUNTER_JS):
        try:
            page.wait_for_function(NEW_RUN_JS, timeout=NEW_RUN_WAIT_MS)
        except PlaywrightTimeout:
            pass
    else:
        page.wait_for_timeout(150)
    page.wait_for_function(APP_IDLE_JS, timeout=timeout)
    page.evaluate(MARK_SEEN_JS)


def pick(page, combobox: str, typed: str) -> None:
    """Choose in a Streamlit select box by typing, as a keyboard user would."""
    page.get_by_role("combobox", name=combobox).click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    wait_idle(page)


def open_tab(page, name: str) -> None:
    """Open a nurse-form tab and wait for the run its change starts: a pick made while that run
    replaces the tab's widgets can be lost (CI saw "Primary diagnosis" dropped this way)."""
    tab = page.get_by_role("tab", name=name)
    tab.click()
    wait_idle(page)
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('[role=tab][aria-selected=true]')]"
        ".some(t => t.textContent.includes(name))",
        arg=name,
    )


def fill(page, textbox: str, value: str) -> None:
    box = page.get_by_role("textbox", name=textbox)
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def next_step(page) -> None:
    page.get_by_role("button", name="Next →").click()
    wait_idle(page)


def choose_many(page, question: str, typed: str) -> None:
    """Type into a multi-choice list and press Enter, as a keyboard user would, then close the list."""
    page.get_by_role("combobox", name=question).click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    wait_idle(page)
    page.keyboard.press("Escape")
