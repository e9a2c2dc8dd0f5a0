"""`make load` (second half): how many patients one server, and 1 or 2 replicas behind nginx, hold.

Runs `bench.ws_load --ramp` (simulated patients over Streamlit's own WebSocket protocol, no browser)
against: the app server alone, then `deploy/serve.py` with 1 and with 2 replicas behind nginx (the
load generator sends every request through the proxy and measures the CPU of the replicas and
nginx). Writes the "Capacity" section of docs/BENCHMARKS.md (kept when `make bench` rewrites the
rest) and the raw figures to docs/capacity.json. `--quick`: short levels, for a smoke run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import free_port  # noqa: E402

BENCHMARKS = ROOT / "docs" / "BENCHMARKS.md"
START, END = "<!-- capacity: written by `make load` (bench/capacity.py) -->", "<!-- /capacity -->"
FULL = dict(levels="25,50,100,150,200,250,300", replica_levels="100,200,300,400,500,600", duration="60", rampup="30")
QUICK = dict(levels="10,25", replica_levels="10,25", duration="15", rampup="5")


def _descendants(pid: int) -> list[int]:
    """Every process below `pid` (the replicas and nginx that deploy/serve.py started)."""
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _ramp(settings: dict, levels: str, out: Path, url: str | None = None, pids: list[int] | None = None) -> dict:
    command = [
        sys.executable, "-m", "bench.ws_load", "--ramp", "--levels", levels,
        "--duration", settings["duration"], "--rampup", settings["rampup"], "--json", str(out),
    ]  # fmt: skip
    if url:
        command += ["--url", url, "--server-pids", ",".join(map(str, pids or []))]
    subprocess.run(command, cwd=ROOT, check=False)
    return json.loads(out.read_text())


def _behind_nginx(replicas: int, settings: dict, levels: str, out: Path) -> dict:
    port = free_port()
    ports = ",".join(str(free_port()) for _ in range(replicas))
    serve = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--replicas", str(replicas), "--port", str(port),
         "--host", "127.0.0.1", "--replica-ports", ports],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                    break
            except OSError:
                if serve.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"deploy/serve.py with {replicas} replica(s) did not start") from None
                time.sleep(0.5)
        return _ramp(settings, levels, out, url, _descendants(serve.pid))
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)


def _row(name: str, result: dict) -> list[str]:
    rows = []
    for level in result["levels"]:
        rows.append(
            f"| {name} | {level['patients']} | {level['held_at_once']} | {level['interactions_per_s']:.1f} "
            f"| {level['p50_ms']:.0f} / {level['p95_ms']:.0f} / {level['p99_ms']:.0f} "
            f"| {level['errors']} | {len(level['isolation_failures'])} "
            f"| {level['server_cpu_ms_per_interaction']:.0f} | {level['server_cpu_pct_of_core']:.0f} "
            f"| {'✔' if level['passed'] else '✘'} |"
        )
    return rows


def section(results: dict[str, dict], quick: bool) -> str:
    largest = {}
    for name, result in results.items():
        n, tried = result["largest_n_within_limit"], max(level["patients"] for level in result["levels"])
        largest[name] = f"{n} (the highest level tried)" if n and n >= tried else n
    lines = [
        START,
        "## Capacity (simulated patients, no browsers)",
        "",
        f"Latest `make load{' QUICK=1' if quick else ''}` on {dt.date.today().isoformat()}: "
        f"{platform.machine()}, {os.cpu_count()} cores. `bench/ws_load.py` drives the real server over "
        "Streamlit's WebSocket protocol: each patient answers a step every 10 s (±30 %), walks to the "
        "summary, starts again, and checks it only ever sees its own answers. Levels are ramped up; "
        "a level passes with p95 ≤ 1 s and no errors. Server CPU counts every replica and nginx.",
        "",
        "| setup | patients | sessions held | interactions/s | p50 / p95 / p99 ms | errors | isolation failures "
        "| server CPU ms per interaction | server % of a core | pass |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, result in results.items():
        lines += _row(name, result)
    lines += [
        "",
        "Largest number of patients within p95 ≤ 1 s: "
        + "; ".join(f"{name}: **{n if n else 'none of the levels'}**" for name, n in largest.items())
        + ".",
        "",
        END,
    ]
    return "\n".join(lines)


def write_section(text: str, path: Path = BENCHMARKS) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        current = before + text + after
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    path.write_text(current, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short levels (a smoke run)")
    parser.add_argument("--json", default=str(ROOT / "docs" / "capacity.json"))
    parser.add_argument("--no-replicas", action="store_true", help="only the server alone (no nginx)")
    args = parser.parse_args()
    settings = QUICK if args.quick else FULL
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["one server"] = _ramp(settings, settings["levels"], Path(folder) / "one.json")
        if not args.no_replicas:
            for replicas in (1, 2):
                name = f"{replicas} replica{'s' if replicas > 1 else ''} behind nginx"
                results[name] = _behind_nginx(replicas, settings, settings["replica_levels"], Path(folder) / "r.json")
    Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    text = section(results, args.quick)
    write_section(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
