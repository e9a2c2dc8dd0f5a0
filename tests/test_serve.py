"""`make serve`: two real replicas behind a real nginx (deploy/serve.py), sticky sessions by cookie.

Plain HTTP clients with their own cookie jars stay on one replica each and fresh ones spread over
both; headless Chromium answers a step and uploads an answers file through the proxy (WebSocket,
upload PUT with Streamlit's XSRF cookie, all on the browser's replica); Ctrl-C stops every process.
SERVE_DEBUG=1 makes nginx name the replica in an X-ImmunoPrep-Replica response header.
"""

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from deploy.serve import find_nginx
from tests.browser import ROOT, free_port, requires_chromium, wait_idle

pytestmark = [
    pytest.mark.skipif(find_nginx() is None, reason="Debian nginx is not installed (CI and `make test` install it)"),
    requires_chromium,
]
HEADER = "X-ImmunoPrep-Replica"


def _children(pid: int) -> set[int]:
    """Every live descendant of pid (from /proc; zombies do not count)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            if state != "Z":
                parents[int(entry.name)] = int(ppid)
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    log_path = tmp_path_factory.mktemp("serve") / "serve.log"
    port, replica_ports = free_port(), [free_port(), free_port()]
    command = [sys.executable, str(ROOT / "deploy" / "serve.py"), "--replicas", "2", "--port", str(port),
               "--host", "127.0.0.1", "--replica-ports", ",".join(map(str, replica_ports))]  # fmt: skip
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, SERVE_DEBUG="1")
        )
    deadline = time.monotonic() + 90
    while "open http://" not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"deploy/serve.py did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)
    processes = _children(process.pid)
    yield {"url": f"http://127.0.0.1:{port}", "process": process, "processes": processes, "replicas": replica_ports}
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=20)


def _client():
    jar = http.cookiejar.CookieJar()
    return jar, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))


def _replica(opener, url: str) -> str:
    with opener.open(url, timeout=10) as response:
        assert response.status == 200
        return response.headers[HEADER]


def test_one_cookie_jar_stays_on_one_replica(served):
    url = served["url"]
    # Streamlit sets its XSRF cookie on /_stcore/health and /_stcore/host-config (not on the page).
    with urllib.request.urlopen(url + "/_stcore/health", timeout=10) as response:
        cookies = response.headers.get_all("Set-Cookie")
    ours = [c for c in cookies if c.startswith("immunoprep_replica=")]
    assert len(ours) == 1 and "Path=/" in ours[0] and "HttpOnly" in ours[0] and "SameSite=Lax" in ours[0], cookies
    assert any(c.startswith("_streamlit_xsrf=") for c in cookies), cookies  # Streamlit's own, passed through
    for _ in range(2):
        jar, opener = _client()
        seen = {_replica(opener, url + path) for path in ["/", "/_stcore/health", "/_stcore/host-config"] * 5}
        assert len(seen) == 1, seen
        assert [c.name for c in jar if c.name == "immunoprep_replica"] == ["immunoprep_replica"]
        # A browser that already has the cookie is not given a new one.
        with opener.open(url + "/_stcore/health", timeout=10) as response:
            assert not any(c.startswith("immunoprep_replica=") for c in response.headers.get_all("Set-Cookie") or [])


def test_fresh_browsers_use_every_replica(served):
    used = [_replica(_client()[1], served["url"] + "/_stcore/health") for _ in range(20)]
    assert set(used) == {f"127.0.0.1:{port}" for port in served["replicas"]}, used


def test_browser_answers_and_uploads_through_the_proxy(served, tmp_path):
    from playwright.sync_api import sync_playwright

    from questionnaire import Answers
    from reports import saved_answers_json
    from tests.browser import launch

    saved = tmp_path / "answers.json"
    saved.write_text(saved_answers_json(Answers(cancer_type="kidney", stage="metastatic", age=66)))
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport={"width": 1100, "height": 1000})
            page = context.new_page()
            replicas, sockets = set(), []
            page.on("response", lambda response: replicas.add(response.headers.get(HEADER.lower())))
            page.on("websocket", lambda socket: sockets.append(socket.url))
            page.goto(served["url"])
            # An upload: a PUT to /_stcore/upload_file/ with the XSRF header, which must reach the
            # replica holding this session (otherwise the app never sees the file).
            page.get_by_text("Continue with saved answers").first.click()
            page.locator("input[type=file]").first.set_input_files(str(saved))
            expect(page.get_by_text("Found 3 answers in the file.")).to_be_visible()
            # A step answered and the next one shown: every rerun goes over the WebSocket.
            page.get_by_role("button", name="I am a patient or family member").click()
            wait_idle(page)
            age = page.get_by_role("textbox", name="How old are you? (years)")
            age.fill("61")
            age.press("Enter")
            wait_idle(page)
            page.get_by_role("button", name="Next →").click()
            wait_idle(page)
            expect(page.get_by_role("status")).to_contain_text(re.compile(r"Step 2 of \d+: Your cancer"))
            expect(page.get_by_role("combobox", name="What type of cancer do you have?")).to_be_visible()
            assert any(url.endswith("/_stcore/stream") for url in sockets), sockets
            replicas.discard(None)  # the WebSocket's 101 response carries no added header
            assert len(replicas) == 1, replicas
            cookie = [c for c in context.cookies() if c["name"] == "immunoprep_replica"]
            assert cookie and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Lax"
        finally:
            browser.close()


def test_ctrl_c_stops_every_process(served):
    process, processes = served["process"], served["processes"]
    assert len(processes) >= 4, processes  # 2 replicas, nginx master and worker
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in processes if _alive(pid)]
    with pytest.raises(OSError):
        urllib.request.urlopen(served["url"] + "/_stcore/health", timeout=2)
