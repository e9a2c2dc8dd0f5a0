"""Privacy: a full walkthrough writes no files and logs none of the answers; stats stay off."""

import time
import tomllib
from pathlib import Path

from playwright.sync_api import expect

from tests.browser import ROOT, fill, launch, open_tab, pick, requires_chromium, streamlit_server, wait_idle

IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".hypothesis", ".git", ".venv"}


def _snapshot(*folders: Path) -> dict[str, float]:
    files = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and not IGNORED_PARTS & set(path.parts):
                files[str(path)] = path.stat().st_mtime
    return files


def test_streamlit_config_keeps_stats_off_and_xsrf_on():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True


@requires_chromium
def test_full_walkthrough_writes_no_files_and_logs_no_answers(tmp_path):
    home, scratch, logs = tmp_path / "home", tmp_path / "tmp", tmp_path / "logs"
    for folder in (home, scratch, logs):
        folder.mkdir()
    secret_label, secret_text = "QZ-7731", "Xylophonoma of the elbow"
    before = _snapshot(ROOT, home, scratch)
    env = {"HOME": str(home), "TMPDIR": str(scratch)}
    from playwright.sync_api import sync_playwright

    with streamlit_server(logs / "server.log", extra_env=env) as url, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("button", name="I am a nurse or clinician").click()
        wait_idle(page)
        fill(page, "Patient label for the PDF (e.g. initials; not stored)", secret_label)
        open_tab(page, "Diagnosis")
        pick(page, "Primary diagnosis", "Other (specify)")
        fill(page, "Other diagnosis (free text)", secret_text)
        page.get_by_role("button", name="Show summary →").click()
        wait_idle(page)
        expect(page.get_by_text("Clinical trials").first).to_be_visible()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the PDF to bring to your doctor").click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        browser.close()
        time.sleep(0.5)
        after = _snapshot(ROOT, home, scratch)
    log = (logs / "server.log").read_text(errors="replace")
    assert secret_label not in log and secret_text not in log
    created_or_changed = sorted(p for p, m in after.items() if before.get(p) != m)
    assert created_or_changed == [], created_or_changed
