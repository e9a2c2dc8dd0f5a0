"""bench/capacity.py: its section of docs/BENCHMARKS.md replaces the previous one and nothing else,
and `make bench` keeps it when it rewrites the rest (the measurements themselves are `make load`)."""

import os
import subprocess
import sys

from bench.capacity import END, START, _descendants, section, write_section

LEVEL = {
    "patients": 50, "held_at_once": 50, "interactions_per_s": 5.1, "p50_ms": 20.0, "p95_ms": 120.0,
    "p99_ms": 170.0, "errors": 0, "isolation_failures": [], "server_cpu_ms_per_interaction": 21.2,
    "server_cpu_pct_of_core": 11.0, "passed": True,
}  # fmt: skip


def test_the_section_replaces_only_itself(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(f"# Benchmarks\n\ntable\n\n{START}\nold figures\n{END}\n\nnotes after\n")
    write_section(section({"one server": {"levels": [LEVEL], "largest_n_within_limit": 50}}, quick=False), path)
    text = path.read_text()
    assert "old figures" not in text and text.count(START) == 1 and text.count(END) == 1
    assert text.startswith("# Benchmarks\n\ntable\n") and text.rstrip().endswith("notes after")
    assert "| one server | 50 | 50 | 5.1 | 20 / 120 / 170 | 0 | 0 | 21 | 11 | ✔ |" in text
    assert "one server: **50 (the highest level tried)**" in text


def test_make_bench_keeps_the_capacity_section(tmp_path):
    from bench.__main__ import Report, write_markdown

    path = tmp_path / "BENCHMARKS.md"
    write_section(section({"one server": {"levels": [LEVEL], "largest_n_within_limit": 50}}, quick=True), path)
    report = Report()
    report.add("assess(): p50 / p99", "0.6 / 1.2 ms")
    write_markdown(report, path, quick=True)
    text = path.read_text()
    assert "| assess(): p50 / p99 | 0.6 / 1.2 ms |" in text and "one server: **50 (the highest level tried)**" in text


def test_descendants_are_found_through_proc():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in _descendants(os.getpid())
    finally:
        child.kill()
        child.wait()
