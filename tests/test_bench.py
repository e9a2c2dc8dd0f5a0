"""`make bench QUICK=1` runs end to end (benchmarks are never timed unit tests: no thresholds here)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_runs_and_writes_a_table(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    table = output.read_text()
    for measure in (
        "assess() p50 ÷ C-core floor p50",
        "floor: one rule through durable-rules' Python Host",
        "plain-Python reference",
        "batch: 300 rows",
        "PDF typical",
        "cold start",
        "throughput, 16 thread(s)",
    ):
        assert measure in table
