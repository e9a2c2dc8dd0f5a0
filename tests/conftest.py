import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import os

import pytest


# Browser tests (tests/test_*browser*.py, tests/test_a11y.py): one real `streamlit run` server and one
# headless Chromium per test module. Defined here once; tests/browser.py has the helpers.
@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.browser import streamlit_server

    with streamlit_server(tmp_path_factory.mktemp("server") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture
def shots(tmp_path):
    """Save a screenshot as <name>.png in $SCREENSHOT_DIR (default: the test's temporary folder)."""
    folder = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=folder / f"{name}.png", full_page=True)
