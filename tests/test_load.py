"""A smaller `make load` inside `make test`: concurrent real browser sessions against one server.

Each session walks the whole patient journey with different answers and must see only its own
answers and exactly its own levels (checked against rules.assess) and PDF; one more session drops
out mid-walkthrough; afterwards a new session must still work and the server must be healthy.
"""

import json
import os
import subprocess
import sys

from tests.browser import ROOT, requires_chromium

pytestmark = requires_chromium


def test_two_concurrent_walkthroughs_and_one_dropped_session(tmp_path):
    # Two at once plus one that drops out already interleave runs on the server; `make load` runs 20.
    out = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.load", "--sessions", "2", "--drops", "1", "--limit", "420", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "LOAD_LOG_DIR": str(tmp_path)},
    )
    assert out.exists(), run.stdout[-2000:] + run.stderr[-2000:]
    result = json.loads(out.read_text())
    assert result["problems"] == {}, result["problems"]
    assert result["completed_ok"] == 2 and result["dropped_ok"] == 1 and result["after_drop_ok"]
    assert result["server_healthy"] and result["server_errors_in_log"] == 0
    assert run.returncode == 0 and run.stdout.rstrip().endswith("PASS")
