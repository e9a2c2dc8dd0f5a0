"""`make load`: many people using one ImmunoPrep server at once, in real headless Chromium.

Starts `streamlit run` on a loopback port and drives N browser contexts (separate Streamlit
sessions) through the whole patient walkthrough at the same time, each with different answers taken
from the clinicians' example cases and a unique age. Every session must see only its own answers
and get exactly the levels `rules.assess` gives for those answers, and its PDF must carry its own
answers. Extra sessions drop out mid-walkthrough (their browser closes while a rerun is in flight).
Afterwards a fresh session must still work and the server must still be up.

Bounded: at most 60 sessions, and a wall-clock limit (default 600 s) after which it fails.
`make test` runs a small count (tests/test_load.py); `make load` runs 20 + 4 dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import re
import statistics
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from questionnaire import Answers, active_sections, load_definition, visible_in_section  # noqa: E402
from rules import assess  # noqa: E402
from tests.browser import (  # noqa: E402
    APP_IDLE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    MARK_SEEN_JS,
    NEW_RUN_JS,
    NEW_RUN_WAIT_MS,
    RUN_COUNTER_JS,
    streamlit_server,
)  # noqa: E402
from ui.widgets import number_label  # noqa: E402

MAX_SESSIONS = 60
MARKS = {"●": "commonly_considered", "◐": "may_be_considered", "○": "not_typical"}


@dataclass
class Outcome:
    index: int
    ok: bool = False
    problems: list[str] = field(default_factory=list)
    steps: list[float] = field(default_factory=list)  # Next / See my summary → next screen shown
    answers_set: list[float] = field(default_factory=list)  # one widget change → rerun finished


def scenarios(count: int, seed: int = 6) -> list[dict]:
    """Distinct, valid answer sets drivable in the patient walkthrough; each with a unique age."""
    cases = []
    for path in sorted((ROOT / "rules" / "examples").glob("*.yaml")):
        cases += [c["answers"] for c in yaml.safe_load(path.read_text(encoding="utf-8")) if c.get("answers")]
    random.Random(seed).shuffle(cases)
    chosen = []
    for index in range(count):
        raw = {k: v for k, v in cases[index % len(cases)].items() if v != "unknown"}
        raw["age"] = 21 + index  # the marker that proves nobody sees someone else's answers
        chosen.append(Answers.model_validate(raw).given())
    return chosen


async def _idle(page) -> None:
    """As tests.browser.wait_idle: idle after the run the last action started."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    if await page.evaluate(RUN_COUNTER_JS):
        try:
            await page.wait_for_function(NEW_RUN_JS, timeout=NEW_RUN_WAIT_MS)
        except PlaywrightTimeout:
            pass
    else:
        await page.wait_for_timeout(150)
    await page.wait_for_function(APP_IDLE_JS, timeout=120_000)
    await page.evaluate(MARK_SEEN_JS)


async def _set_answer(page, question, value) -> None:
    label = question.patient
    if question.type == "choice" and len(question.options) <= 6:
        await page.get_by_role("radiogroup", name=label).get_by_text(question.option(value).patient, exact=True).click()
        await _idle(page)
    elif question.type in ("choice", "multi_choice"):
        for option in [value] if question.type == "choice" else value:
            text = question.option(option).patient
            await page.get_by_role("combobox", name=label).click()
            await page.keyboard.type(text)
            await page.get_by_role("option", name=text, exact=True).click()
            await _idle(page)
        if question.type == "multi_choice":
            await page.keyboard.press("Tab")  # close the list; Escape would clear a select box
    else:
        box = page.get_by_role(
            "textbox", name=number_label(question, "patient") if question.type == "number" else label
        )
        await box.fill(str(value))
        await box.press("Enter")
        await _idle(page)


async def _timed(outcome_list: list[float], action, page, ready) -> None:
    start = time.perf_counter()
    await action()
    await ready.wait_for(timeout=120_000)
    await _idle(page)
    outcome_list.append(time.perf_counter() - start)


class Gate:
    """Every session opens the app (arrivals spread out), then all walk through at the same time."""

    def __init__(self, expected: int):
        self.expected, self.arrived, self.active, self.peak = expected, 0, 0, 0
        self.open = asyncio.Event()
        self.opened_at = time.perf_counter()

    async def arrive(self) -> None:
        self.arrived += 1
        self.active += 1
        self.peak = max(self.peak, self.active)
        if self.arrived >= self.expected:
            self.opened_at = time.perf_counter()
            self.open.set()
        await self.open.wait()

    def leave(self) -> None:
        self.active -= 1


async def walkthrough(
    browser,
    url: str,
    index: int,
    answers: dict,
    drop_at: int | None = None,
    gate: Gate | None = None,
    arrival_s: float = 0.0,
) -> Outcome:
    """One person, start to PDF. With drop_at, the browser closes during that step's rerun."""
    await asyncio.sleep(arrival_s)
    outcome = Outcome(index)
    where = "start"
    definition = load_definition()
    titles = {s.id: s.title["patient"] for s in definition.sections}
    context = await browser.new_context(viewport={"width": 1100, "height": 1200}, accept_downloads=True)
    page = await context.new_page()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=180_000)
        await page.get_by_role("button", name="I am a patient or family member").wait_for(timeout=180_000)
        if gate:
            await gate.arrive()  # this session is live on the server; wait until all are
        await page.get_by_role("button", name="I am a patient or family member").click()
        await _idle(page)
        sections = [s.id for s in active_sections(answers)]
        for number, section in enumerate(sections):
            where = f"step {section}"
            await page.get_by_role("heading", name=titles[section], exact=True).wait_for(timeout=120_000)
            for question in visible_in_section(section, answers):
                if question.id in answers:
                    where = f"answer {question.id}={answers[question.id]}"
                    start = time.perf_counter()
                    await _set_answer(page, question, answers[question.id])  # returns when its run is done
                    outcome.answers_set.append(time.perf_counter() - start)
            if drop_at == number:
                await page.get_by_role("button", name="Next →").click()
                await context.close()  # gone mid-rerun, as when a laptop lid closes
                outcome.ok = True
                return outcome
            following = titles[sections[number + 1]] if number + 1 < len(sections) else "Check your answers"
            await _timed(
                outcome.steps,
                lambda: page.get_by_role("button", name="Next →").click(),
                page,
                page.get_by_role("heading", name=following, exact=True),
            )
        where = "review"
        own_age = f"{answers['age']} years"
        await page.get_by_role("cell", name=own_age, exact=True).first.wait_for(timeout=30_000)
        cells = [c.strip() for c in await page.get_by_role("cell").all_inner_texts()]
        ages = [c for c in cells if c.endswith(" years")]
        if ages != [own_age]:
            outcome.problems.append(f"review shows ages {ages}, expected only {own_age}; cells {cells[:6]}")
        # The download button is the last thing the results page draws.
        await _timed(
            outcome.steps,
            lambda: page.get_by_role("button", name="See my summary →").click(),
            page,
            page.get_by_role("button", name="Download the PDF to bring to your doctor"),
        )
        expected = {c.title: c.level for c in assess(Answers.model_validate(answers)).categories}
        shown = {}
        where = "results"
        for summary in await page.locator("[data-testid=stExpander] summary").all_inner_texts():
            mark, _, title = summary.strip().splitlines()[-1].partition(" ")  # after the icon's ligature text
            if mark in MARKS:
                shown[title.strip()] = MARKS[mark]
        if shown != expected:
            wrong = {t: (shown.get(t), level) for t, level in expected.items() if shown.get(t) != level}
            outcome.problems.append(f"levels shown differ from rules.assess: {wrong}; shown {list(shown)[:3]}")
        async with page.expect_download(timeout=120_000) as download:
            await page.get_by_role("button", name="Download the PDF to bring to your doctor").click()
        pdf = Path(await (await download.value).path()).read_bytes()
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        if own_age not in text:
            outcome.problems.append("the PDF does not show this person's age")
        outcome.ok = not outcome.problems
        if outcome.problems and os.environ.get("LOAD_LOG_DIR"):
            await page.screenshot(path=Path(os.environ["LOAD_LOG_DIR"]) / f"failed-session-{index}.png", full_page=True)
    except Exception as error:  # noqa: BLE001 — a failed session is a result, not a crash of the run
        outcome.problems.append(f"at {where}: {type(error).__name__}: {str(error).splitlines()[0][:200]}")
        if os.environ.get("LOAD_LOG_DIR") and not page.is_closed():
            await page.screenshot(path=Path(os.environ["LOAD_LOG_DIR"]) / f"failed-session-{index}.png", full_page=True)
            outcome.problems.append(f"answers: {answers}")
    finally:
        if gate:
            gate.leave()
        if drop_at is None:
            await context.close()
    return outcome


def server_cpu_seconds(url: str) -> float:
    """CPU time used so far by the streamlit process serving `url` (Linux /proc; NaN elsewhere)."""
    port = url.rsplit(":", 1)[1].encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            parts = cmdline.read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(parts) and port in parts:
                fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
                return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except OSError:
            continue
    return float("nan")


OUR_CODE_FRAME = re.compile(r'File "(?![^"]*site-packages)[^"]*(app\.py|/ui/|/rules/|/reports/|/questionnaire/)')


def log_findings(text: str) -> tuple[int, int]:
    """(tracebacks not explained by a client disconnect, disconnect tracebacks).

    Streamlit's WebSocket endpoint logs a traceback when a browser vanishes mid-message (the dropped
    sessions do exactly that); those are counted apart. Anything else, or any frame in our code, counts.
    """
    blocks = text.split("Exception in ASGI application")
    disconnects = sum("WebSocketDisconnected" in block for block in blocks[1:])
    unexplained = blocks[0].count("Traceback") + sum(
        b.count("Traceback") for b in blocks[1:] if "WebSocketDisconnected" not in b
    )
    return unexplained + len(OUR_CODE_FRAME.findall(text)), disconnects


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")


async def _cpu_when_open(gate: Gate, url: str) -> float:
    await gate.open.wait()
    return server_cpu_seconds(url)


async def run(sessions: int, drops: int, limit: float, arrival_gap: float = 0.5) -> dict:
    from playwright.async_api import async_playwright

    pool = scenarios(sessions + drops + 1)
    log = Path(os.environ.get("LOAD_LOG_DIR", "/tmp")) / f"immunoprep-load-{os.getpid()}.log"
    with streamlit_server(log) as url:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            gate = Gate(sessions + drops)
            tasks = [
                walkthrough(browser, url, i, pool[i], gate=gate, arrival_s=i * arrival_gap) for i in range(sessions)
            ]
            tasks += [
                walkthrough(
                    browser,
                    url,
                    sessions + d,
                    pool[sessions + d],
                    drop_at=d % 3,
                    gate=gate,
                    arrival_s=(sessions + d) * arrival_gap,
                )
                for d in range(drops)
            ]
            cpu_start = asyncio.create_task(_cpu_when_open(gate, url))
            outcomes = await asyncio.wait_for(asyncio.gather(*tasks), timeout=limit)
            wall = time.perf_counter() - gate.opened_at  # from the moment everyone is in
            server_cpu = server_cpu_seconds(url) - await cpu_start
            after = await asyncio.wait_for(walkthrough(browser, url, sessions + drops, pool[-1]), timeout=limit)
            await browser.close()
        with urllib.request.urlopen(url + "/_stcore/health", timeout=5) as response:
            healthy = response.status == 200
    full = [o for o in outcomes[:sessions]]
    steps = [s for o in full for s in o.steps]
    changes = [s for o in full for s in o.answers_set]
    server_log = log.read_text(errors="replace")
    errors, disconnects = log_findings(server_log)
    if not errors:
        log.unlink(missing_ok=True)
    return {
        "sessions": sessions,
        "dropped": drops,
        "held_at_once": gate.peak,
        "completed_ok": sum(o.ok for o in full),
        "dropped_ok": sum(o.ok for o in outcomes[sessions:]),
        "after_drop_ok": after.ok,
        "server_healthy": healthy,
        "problems": {o.index: o.problems for o in [*outcomes, after] if o.problems},
        "wall_s": round(wall, 1),
        "walkthroughs_per_min": round(60 * sessions / wall, 1),
        "reruns": len(steps) + len(changes),
        "reruns_per_s": round((len(steps) + len(changes)) / wall, 1),
        "step_p50_ms": round(1000 * percentile(steps, 0.5)),
        "step_p95_ms": round(1000 * percentile(steps, 0.95)),
        "answer_p50_ms": round(1000 * percentile(changes, 0.5)),
        "answer_p95_ms": round(1000 * percentile(changes, 0.95)),
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_ms_per_rerun": round(1000 * server_cpu / max(1, len(steps) + len(changes))),
        "cpu_cores": os.cpu_count(),
        "mean_answers_per_session": round(statistics.mean(len(o.answers_set) for o in full), 1),
        "server_errors_in_log": errors,
        "disconnect_tracebacks_in_log": disconnects,
        **({"server_log_kept": str(log)} if errors else {}),
    }


def passed(result: dict) -> bool:
    return (
        result["completed_ok"] == result["sessions"]
        and result["held_at_once"] == result["sessions"] + result["dropped"]
        and result["after_drop_ok"]
        and result["server_healthy"]
        and not result["problems"]
        and result["server_errors_in_log"] == 0
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent full walkthroughs (default 20)")
    parser.add_argument("--drops", type=int, default=4, help="extra sessions that drop out mid-walkthrough")
    parser.add_argument("--limit", type=float, default=600, help="wall-clock limit in seconds (default 600)")
    parser.add_argument("--json", metavar="OUT", help="also write the figures as JSON")
    args = parser.parse_args()
    if not 1 <= args.sessions + args.drops <= MAX_SESSIONS:
        parser.error(f"sessions + drops must be between 1 and {MAX_SESSIONS}")
    if not Path(CHROMIUM).exists():
        print("Debian chromium is not installed (sudo apt-get install chromium)", file=sys.stderr)
        return 1
    result = asyncio.run(run(args.sessions, args.drops, args.limit))
    for key, value in result.items():
        print(f"{key:<28} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    print("PASS" if passed(result) else "FAIL")
    return 0 if passed(result) else 1


if __name__ == "__main__":
    sys.exit(main())
