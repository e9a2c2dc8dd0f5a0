"""How many patients one ImmunoPrep server holds: simulated browsers at the protocol level (no Chromium).

Each simulated patient opens the app the way a browser does, then walks the patient journey (role
button, answers step by step, "Next", review, summary, an own question added on the summary) with a
think time between interactions, and checks that the server only ever shows it its own answers.
`python -m bench.ws_load --help`; `--ramp` finds the largest N whose p95 stays within 1 s.

The protocol, as Streamlit 1.67 speaks it (read from streamlit/web/server/starlette/* and the
frontend bundle; 1.67 serves with Starlette + uvicorn, there is no Tornado any more):

- HTTP first: `GET /` (index.html) and `GET /_stcore/health`, with one cookie jar per patient. The
  health answer sets `_streamlit_xsrf`; a sticky-session proxy may set its own cookie (e.g.
  `immunoprep_replica`). Every later request, the WebSocket handshake included, carries the jar.
- WebSocket `ws(s)://host/_stcore/stream`, binary frames only. The browser offers the subprotocols
  `streamlit, <xsrf cookie value or PLACEHOLDER_AUTH_TOKEN>[, <previous session id>]`; the server
  selects `streamlit` and reads the second entry as the XSRF token (the third would resume a
  session). It also checks `Origin` against `Host`, so we send the page's origin like a browser.
- Client → server: `BackMsg.rerun_script = ClientState` for every interaction, including the first
  page load (empty widget states). ClientState carries `query_string` (the URL query the app last
  set through `page_info_changed`), `page_script_hash` (from `new_session`), `context_info`
  (timezone, locale, URL), `cached_message_hashes` (see below) and `widget_states`: the value of
  EVERY widget currently on the page, as the frontend keeps them, plus a one-shot trigger for a
  clicked button. Values are encoded by widget type: button → `trigger_value=True`, radio and
  selectbox → `string_value` = the option's displayed label (no longer an index), multiselect →
  `string_array_value` of labels, text_input → `string_value`, checkbox → `bool_value`.
  Widget ids look like `$$ID-<hash>-<user key>` (`None` when the widget has no key).
- Server → client, per run: `new_session`, `session_status_changed`, `page_info_changed`, one
  `delta` per element or block (addressed by `metadata.delta_path`; the whole page is re-sent on
  every run), then `script_finished` (FINISHED_EARLY_FOR_RERUN when the app called st.rerun, so
  another run follows). A widget whose value the app set carries `set_value=True` and the value.
- Deltas flagged `metadata.cacheable` may later come as `ref_hash` only, but only if the client
  listed that hash in `cached_message_hashes`; we keep and list them as the browser does.
- Nothing the server sends needs an acknowledgement. The browser's `app_heartbeat` only keeps an
  idle socket alive (uvicorn's own WebSocket pings, answered by the client library, do the same).

Latency of an interaction = sending its BackMsg → receiving the `script_finished` that ends it
(FINISHED_SUCCESSFULLY). Static files (JS/CSS) are not fetched: a browser caches them.

Load model: N patients arrive spread over `--rampup` seconds. Each first journey starts at a random
step (a reload of `?role=patient&step=…`, which the app honours), so the mix of pages is steady at
once instead of everyone being on step 1; the figures are for the `--duration` seconds after the
ramp-up (the ramp-up's own p95 is reported apart). One asyncio loop is enough: the client used
≤ 5 % of a core at 300 patients. `--server-env NAME=VALUE` runs the server with other Streamlit
settings (e.g. STREAMLIT_SERVER_FILE_WATCHER_TYPE=none, STREAMLIT_RUNNER_POST_SCRIPT_GC=false),
and `--profile-server` runs it under cProfile in every thread.
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import io
import json
import os
import random
import re
import signal
import string
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EN = yaml.safe_load((ROOT / "ui" / "i18n" / "en.yaml").read_text(encoding="utf-8"))
LEVELS = (25, 50, 100, 150, 200, 300, 400)
P95_LIMIT_S = 1.0
DISTURBED_PCT = 50  # other programs' CPU (% of one core) above which a failed ramp level is retried
ALERT_ERROR = 1  # Alert.Format.ERROR

# How the frontend encodes each widget's value in WidgetState (Streamlit 1.67).
WIDGET_FIELDS = {
    "button": "trigger_value",
    "radio": "string_value",
    "selectbox": "string_value",
    "text_input": "string_value",
    "multiselect": "string_array_value",
    "checkbox": "bool_value",
}
# Widgets of a question that are not the question's own answer box (lab-report boxes, "I don't know").
HELPER_SUFFIXES = ("_unknown", "_result", "_unit", "_upper", "_confirm_yes")
MARKER = re.compile(r"PX[0-9A-Z]{8}")  # the unique text each patient types; any other one on its pages is a leak
AGE_CELL = re.compile(r"^(\d+) years$")
SECTIONS = [s["id"] for s in yaml.safe_load((ROOT / "questionnaire" / "questions.yaml").read_text("utf-8"))["sections"]]
STEPS = ["start", *SECTIONS, "review", "results"]  # where a patient can be, as the URL names it


# ------------------------------------------------------------------------------------- messages


def encode_widget(widget_id: str, kind: str, value: Any) -> WidgetState:
    """One widget's value as the frontend sends it."""
    state = WidgetState(id=widget_id)
    name = WIDGET_FIELDS[kind]
    if name == "string_array_value":
        state.string_array_value.data.extend(value)
    else:
        setattr(state, name, value)
    return state


def decode_widget(state: WidgetState) -> tuple[str, Any]:
    name = state.WhichOneof("value")
    value = getattr(state, name)
    return state.id, list(value.data) if name.endswith("_array_value") else value


def rerun_request(
    widgets: list[WidgetState],
    page_url: str,
    query_string: str = "",
    page_script_hash: str = "",
    cached_hashes: list[str] | None = None,
) -> BackMsg:
    state = ClientState(query_string=query_string, page_script_hash=page_script_hash)
    state.widget_states.widgets.extend(widgets)
    state.cached_message_hashes.extend(cached_hashes or [])
    context = state.context_info
    context.timezone, context.timezone_offset, context.locale = "Europe/London", 0, "en-GB"
    context.url, context.is_embedded, context.color_scheme = page_url, False, "light"
    return BackMsg(rerun_script=state)


def user_key(widget_id: str) -> str | None:
    """The `key=` a widget was given in the app, read from its id ($$ID-<hash>-<key>)."""
    if not widget_id.startswith("$$ID-"):
        return None
    key = widget_id[5:].partition("-")[2]
    return None if key == "None" else key


# ----------------------------------------------------------------------------------------- page


@dataclass
class Widget:
    id: str
    kind: str
    label: str
    proto: Any

    @property
    def key(self) -> str | None:
        return user_key(self.id)

    def current_value(self) -> Any:
        """The value the frontend shows for a freshly drawn widget (None: no value yet)."""
        p = self.proto
        if self.kind in ("radio", "selectbox"):
            if p.HasField("raw_value"):
                return p.raw_value
            return p.options[p.default] if p.HasField("default") and not p.set_value else None
        if self.kind == "multiselect":
            return list(p.raw_values) if p.set_value else [p.options[i] for i in p.default]
        if self.kind == "text_input":
            if p.HasField("value"):
                return p.value
            return p.default if p.HasField("default") else None
        if self.kind == "checkbox":
            return p.value if p.set_value else p.default
        return None


@dataclass
class Page:
    """What one finished run drew: widgets, all visible text, table cells and download links."""

    widgets: list[Widget] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    table_cells: list[str] = field(default_factory=list)
    downloads: dict[str, str] = field(default_factory=dict)  # widget key → media URL
    error_alerts: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    def add(self, element: Any) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        if kind in WIDGET_FIELDS:
            self.widgets.append(Widget(body.id, kind, body.label, body))
            self.texts.append(body.label)
            if kind == "text_input" and body.HasField("value"):
                self.texts.append(body.value)
        elif kind == "download_button":
            self.downloads[user_key(body.id) or body.label] = body.url
        elif kind == "table":
            self.table_cells += table_cells(body.arrow_data.data)
        elif kind == "exception":
            self.exceptions.append(f"{body.type}: {body.message}"[:300])
        elif kind in ("markdown", "heading", "html", "text", "alert"):
            self.texts.append(body.body)
            if kind == "alert" and body.format == ALERT_ERROR:
                self.error_alerts.append(body.body[:300])

    def find(self, kind: str, label: str | None = None, key: str | None = None) -> Widget | None:
        for widget in self.widgets:
            if widget.kind == kind and label in (None, widget.label) and key in (None, widget.key):
                return widget
        return None

    def markers(self) -> set[str]:
        return {m for text in [*self.texts, *self.table_cells] for m in MARKER.findall(text)}

    def ages_in_tables(self) -> list[int]:
        return [int(m.group(1)) for cell in self.table_cells if (m := AGE_CELL.match(cell))]


def table_cells(arrow_bytes: bytes) -> list[str]:
    import pyarrow.ipc  # only the review page has a table; pyarrow ships with Streamlit

    table = pyarrow.ipc.open_stream(arrow_bytes).read_all()
    return [str(cell) for column in table.columns for cell in column.to_pylist()]


# ----------------------------------------------------------------------------------- connection


class ProtocolError(Exception):
    """The server said something a browser would not accept (or an app error reached the page)."""


class Browser:
    """One browser tab: a cookie jar, one WebSocket (one Streamlit session) and the widget state."""

    def __init__(self, base_url: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        # No proxies from the environment: the target is exactly --url.
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar)
        )
        self.ws = None
        self.page = Page()
        self.values: dict[str, WidgetState] = {}
        self.cache: dict[str, ForwardMsg] = {}
        self.query_string = ""
        self.page_script_hash = ""

    def _get(self, path: str) -> bytes:
        with self.opener.open(self.base_url + path, timeout=self.timeout) as response:
            return response.read()

    async def get(self, path: str) -> bytes:
        return await asyncio.to_thread(self._get, path)

    def cookie_header(self, path: str) -> str | None:
        request = urllib.request.Request(self.base_url + path)
        self.jar.add_cookie_header(request)
        return request.get_header("Cookie")

    def subprotocols(self) -> list[str]:
        xsrf = next((c.value for c in self.jar if c.name == "_streamlit_xsrf"), None)
        return ["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"]

    async def open(self, query_string: str = "") -> float:
        """Load the page as a browser does (at a URL with this query); returns the first run's latency."""
        self.query_string = query_string
        await self.get("/")
        await self.get("/_stcore/health")
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        cookie = self.cookie_header("/_stcore/stream")
        self.ws = await connect(
            f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream",
            subprotocols=self.subprotocols(),
            origin=f"{parts.scheme}://{parts.netloc}",
            additional_headers={"Cookie": cookie} if cookie else None,
            proxy=None,
            ping_interval=None,  # browsers do not ping; the server pings and the library answers
            max_size=2**26,
            open_timeout=self.timeout,
        )
        if self.ws.subprotocol != "streamlit":
            raise ProtocolError(f"server chose subprotocol {self.ws.subprotocol!r}")
        return await self.rerun()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def rerun(self, changes: list[WidgetState] = (), trigger: Widget | None = None) -> float:
        """Send one rerun with the page's widget values (plus changes and a click); wait for its end."""
        for state in changes:
            self.values[state.id] = state
        widgets = list(self.values.values())
        if trigger is not None:
            widgets.append(encode_widget(trigger.id, "button", True))
        message = rerun_request(
            widgets, self.base_url + "/", self.query_string, self.page_script_hash, list(self.cache)
        ).SerializeToString()
        start = time.perf_counter()
        await self.ws.send(message)
        async with asyncio.timeout(self.timeout):
            page = await self._read_run()
        latency = time.perf_counter() - start
        self._settle(page)
        return latency

    async def _read_run(self) -> Page:
        page = Page()
        while True:
            message = self._resolve(ForwardMsg.FromString(await self.ws.recv()))
            kind = message.WhichOneof("type")
            if kind == "new_session":  # a run starts (again, after st.rerun): the page is drawn anew
                page = Page()
                self.page_script_hash = message.new_session.page_script_hash
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                page.add(message.delta.new_element)
            elif kind == "page_info_changed":
                self.query_string = message.page_info_changed.query_string
            elif kind == "script_finished":
                status = message.script_finished
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    return page
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise ProtocolError("script finished with a compile error")

    def _resolve(self, message: ForwardMsg) -> ForwardMsg:
        if message.WhichOneof("type") == "ref_hash":
            cached = self.cache.get(message.ref_hash)
            if cached is None:
                raise ProtocolError(f"reference to a message never received: {message.ref_hash}")
            full = ForwardMsg()
            full.CopyFrom(cached)
            full.metadata.CopyFrom(message.metadata)
            return full
        if message.metadata.cacheable:
            self.cache[message.hash] = message
        return message

    def _settle(self, page: Page) -> None:
        """Keep widget values as the frontend does: only widgets on the page; the app's set values win."""
        values = {}
        for widget in page.widgets:
            if widget.kind == "button":
                continue
            kept = self.values.get(widget.id)
            setting = widget.proto.set_value if hasattr(widget.proto, "set_value") else False
            if kept is not None and not setting:
                values[widget.id] = kept
            elif (value := widget.current_value()) is not None:
                values[widget.id] = encode_widget(widget.id, widget.kind, value)
        self.values = values
        self.page = page


# -------------------------------------------------------------------------------------- patient


@dataclass
class Settings:
    think: float = 10.0
    jitter: float = 0.3
    answers_per_step: int = 2
    timeout: float = 30.0
    seed: int = 1
    rampup: float = 30.0
    spread: bool = True  # first journeys start at a random step, so a level is in steady state at once


@dataclass
class Stats:
    latencies: list[tuple[str, float, float]] = field(default_factory=list)  # (kind, sent at, seconds)
    errors: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    isolation_checks: int = 0
    isolation_failures: list[str] = field(default_factory=list)
    journeys: int = 0
    reached_summary: set[int] = field(default_factory=set)
    open_now: int = 0
    peak_open: int = 0

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{kind}: {detail}"[:400])

    def isolation(self, ok: bool, detail: str) -> None:
        self.isolation_checks += 1
        if not ok:
            self.isolation_failures.append(detail[:400])


class StopPatient(Exception):
    """The run's time is up: start no new interaction."""


class Patient:
    """One simulated person: walks the journey again and again, each time in a fresh session."""

    def __init__(self, number: int, base_url: str, settings: Settings, stats: Stats, deadline: float):
        self.number, self.base_url, self.settings = number, base_url, settings
        self.stats, self.deadline = stats, deadline
        self.rng = random.Random(settings.seed * 100_003 + number)
        self.browser: Browser | None = None
        self.counted = False  # this patient's open session is in stats.open_now
        self.age: int | None = None  # set once this journey has typed it
        self.marker = ""
        self.answered: set[str] = set()
        self.journey_number = 0

    async def live(self, start_after: float, journeys: int | None = None) -> None:
        await asyncio.sleep(start_after)
        journey = 0
        while time.monotonic() < self.deadline and journey != journeys:
            # A reload with the step in the URL lands mid-journey (the app keeps the step there).
            first = self.rng.choice(STEPS) if journey == 0 and self.settings.spread else "start"
            try:
                await self.journey(journey, first)
                self.stats.journeys += 1
                self.stats.reached_summary.add(self.number)
            except StopPatient:
                break
            except TimeoutError:
                self.stats.error("timeout", f"patient {self.number} journey {journey}: no script_finished in time")
            except Exception as error:  # noqa: BLE001 — a failed journey is a result; the patient starts again
                self.stats.error(type(error).__name__, f"patient {self.number} journey {journey}: {error}")
            finally:
                await self.leave()
            journey += 1

    async def leave(self) -> None:
        if self.browser is not None:
            if self.counted:
                self.stats.open_now -= 1
                self.counted = False
            try:
                await self.browser.close()
            except Exception:  # noqa: BLE001 — closing a broken socket may fail; the session is gone anyway
                pass
            self.browser = None

    async def think(self) -> None:
        pause = self.settings.think * self.rng.uniform(1 - self.settings.jitter, 1 + self.settings.jitter)
        if time.monotonic() + pause >= self.deadline:
            raise StopPatient
        await asyncio.sleep(pause)

    def record(self, kind: str, sent_at: float, latency: float) -> None:
        self.stats.latencies.append((kind, sent_at, latency))
        self.check_page(kind)

    async def act(self, kind: str, changes: list[WidgetState] = (), trigger: Widget | None = None) -> Page:
        await self.think()
        sent_at = time.monotonic()
        self.record(kind, sent_at, await self.browser.rerun(changes, trigger))
        return self.browser.page

    async def click(self, kind: str, label: str) -> Page:
        button = self.browser.page.find("button", label=label)
        if button is None:
            raise ProtocolError(f"no button {label!r} on the page ({self.where()})")
        return await self.act(kind, trigger=button)

    async def journey(self, number: int, first_step: str = "start") -> None:
        """From opening the app to an own question on the summary, driven by what each page shows."""
        self.age, self.answered, self.journey_number = None, set(), number
        self.marker = "PX" + "".join(self.rng.choices(string.ascii_uppercase + string.digits, k=8))
        if number > 0:
            await self.think()
        self.browser = Browser(self.base_url, self.settings.timeout)
        sent_at = time.monotonic()
        latency = await self.browser.open("" if first_step == "start" else f"role=patient&step={first_step}")
        self.counted = True
        self.stats.open_now += 1
        self.stats.peak_open = max(self.stats.peak_open, self.stats.open_now)
        self.record("open", sent_at, latency)
        for _ in range(30):  # bounded: never loop for ever on a page we do not understand
            page = self.browser.page
            if page.find("button", label=EN["i_am_patient"]):
                await self.click("start", EN["i_am_patient"])
            elif page.find("button", label=EN["next"]):
                await self.answer_step()
                await self.click("next", EN["next"])
            elif page.find("button", label=EN["see_summary"]):
                self.check_review()
                await self.click("summary", EN["see_summary"])
            elif page.find("text_input", label=EN["own_question_label"]):
                await self.add_own_question()
                await self.check_saved_answers()
                return
            else:
                raise ProtocolError(f"a page with none of our buttons ({self.where()})")
        raise ProtocolError(f"no summary after 30 pages ({self.where()})")

    async def answer_step(self) -> None:
        for _ in range(self.settings.answers_per_step):
            pending = [w for w in self.browser.page.widgets if self.is_open_question(w)]
            if not pending:
                return
            widget = next((w for w in pending if w.key == "q_age"), pending[0])
            self.answered.add(widget.key)
            await self.act("answer", [encode_widget(widget.id, widget.kind, self.choose(widget))])

    def is_open_question(self, widget: Widget) -> bool:
        key = widget.key or ""
        return (
            key.startswith("q_")
            and not key.endswith(HELPER_SUFFIXES)
            and key not in self.answered
            and widget.kind in ("radio", "selectbox", "multiselect", "text_input")
            and not widget.proto.disabled
        )

    def choose(self, widget: Widget) -> Any:
        if widget.key == "q_age":
            # 20..110 repeats across patients; together with the marker below every journey is unique.
            self.age = 20 + (self.number * 7 + self.journey_number) % 91
            return str(self.age)
        if widget.kind == "multiselect":
            return [self.rng.choice(widget.proto.options)]
        if widget.kind in ("radio", "selectbox"):
            return self.rng.choice(widget.proto.options)
        bounds = re.fullmatch(r"([\d.]+)\s*–\s*([\d.]+)", widget.proto.placeholder)
        if bounds:  # a number question: its placeholder is the accepted range
            low, high = float(bounds.group(1)), float(bounds.group(2))
            return str(round(low + (high - low) * self.rng.uniform(0.3, 0.7)))
        return f"Rare tumour {self.marker}"  # free text is shown back: another place for the marker

    async def add_own_question(self) -> None:
        box = self.browser.page.find("text_input", label=EN["own_question_label"])
        await self.act("summary_type", [encode_widget(box.id, "text_input", f"Can {self.marker} keep working?")])
        page = await self.click("summary_add", EN["own_question_add"])
        self.stats.isolation(self.marker in page.markers(), f"patient {self.number}: own question not shown back")

    async def check_saved_answers(self) -> None:
        """The answers file the summary offers is made by the server for this session: it must be ours."""
        url = self.browser.page.downloads.get("dl_answers")
        if not url:
            raise ProtocolError("no saved-answers download on the summary")
        saved = json.loads(await self.browser.get(url if url.startswith("/") else "/" + url))
        kept = [q.get("text", "") for q in (saved.get("my_questions") or {}).get("kept", [])]
        age = saved["answers"].get("age")
        ok = age == self.age and any(self.marker in text for text in kept)
        self.stats.isolation(ok, f"patient {self.number} (age {self.age}): saved answers show age {age}")

    def check_review(self) -> None:
        ages = self.browser.page.ages_in_tables()
        expected = [] if self.age is None else [self.age]
        self.stats.isolation(ages == expected, f"patient {self.number} (age {self.age}): review shows ages {ages}")

    def check_page(self, kind: str) -> None:
        page = self.browser.page
        foreign = page.markers() - {self.marker}
        if foreign:
            self.stats.isolation(False, f"patient {self.number} sees another patient's marker {sorted(foreign)}")
        age_box = page.find("text_input", key="q_age")
        shown = age_box.proto.value if age_box is not None and age_box.proto.HasField("value") else ""
        if shown not in ("", str(self.age)):
            self.stats.isolation(False, f"patient {self.number} (age {self.age}) sees age {shown}")
        if page.exceptions:
            raise ProtocolError(f"app exception after {kind}: {page.exceptions[0]}")
        if page.error_alerts:
            raise ProtocolError(f"error message after {kind} ({self.where()}): {page.error_alerts[0]}")

    def where(self) -> str:
        return f"query {self.browser.query_string!r}" if self.browser else "no session"


# --------------------------------------------------------------------------------------- server


def cpu_seconds(pids: list[int]) -> float | None:
    """utime + stime of the server processes (Linux /proc), None when unknown."""
    if not pids:
        return None
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float | None:
    if not pids:
        return None
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return round(total / 1024, 1)


def streamlit_pids(url: str) -> list[int]:
    """The `streamlit run` process serving this port (we start it, but the helper yields only the URL)."""
    port = urlsplit(url).port
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            parts = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(parts) and str(port).encode() in parts:
            found.append(int(cmdline.parent.name))
    return found


SERVER_PROBLEM = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b|Exception")


class LogWatch:
    """New problem lines in the server log since the last look (when we started the server)."""

    def __init__(self, path: Path | None):
        self.path, self.offset = path, 0

    def new_problems(self) -> list[str] | None:
        if self.path is None:
            return None
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            text = log.read().decode(errors="replace")
            self.offset = log.tell()
        return [line.strip()[:300] for line in text.splitlines() if SERVER_PROBLEM.search(line)]


# A `sitecustomize` put on the server's PYTHONPATH by --profile-server: cProfile in every thread
# (the app's script runs in one thread per session, which `python -m cProfile` would miss); SIGUSR1
# writes the merged statistics without stopping the profilers.
PROFILER = """
import os
if os.environ.get("WS_LOAD_PROFILE"):
    import cProfile, pstats, signal, threading
    _profiles = []

    def _start(*_):
        profile = cProfile.Profile()
        _profiles.append(profile)
        profile.enable()

    class _Snapshot:
        def __init__(self, stats):
            self.stats = stats

        def create_stats(self):
            pass

    def _dump(*_):
        merged = None
        for profile in list(_profiles):
            profile.snapshot_stats()
            if not profile.stats:
                continue
            merged = pstats.Stats(_Snapshot(profile.stats)) if merged is None else merged.add(_Snapshot(profile.stats))
        merged.dump_stats(os.environ["WS_LOAD_PROFILE"])

    threading.setprofile(_start)
    _start()
    signal.signal(signal.SIGUSR1, _dump)
"""


@contextmanager
def own_server(log_path: Path, env: dict[str, str], profile_out: Path | None):
    from tests.browser import streamlit_server  # imports playwright: only when we start the server

    env = dict(env)
    with tempfile.TemporaryDirectory() as folder:
        if profile_out is not None:
            (Path(folder) / "sitecustomize.py").write_text(PROFILER, encoding="utf-8")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [folder, os.environ.get("PYTHONPATH")]))
            env["WS_LOAD_PROFILE"] = str(profile_out)
        with streamlit_server(log_path, extra_env=env) as url:
            yield url


def dump_profile(pids: list[int], out: Path, lines: int = 30) -> None:
    """Ask the profiled server for its statistics; print where its time went."""
    import pstats

    out.unlink(missing_ok=True)
    os.kill(pids[0], signal.SIGUSR1)
    for _ in range(100):
        if out.exists() and out.stat().st_size:
            break
        time.sleep(0.2)
    time.sleep(1)  # let the write finish
    text = io.StringIO()
    stats = pstats.Stats(str(out), stream=text)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    out.with_suffix(".txt").write_text(text.getvalue(), encoding="utf-8")
    print(f"server profile: {out} (pstats), top functions in {out.with_suffix('.txt')}")


# ----------------------------------------------------------------------------------------- runs


def percentile(values: list[float], fraction: float) -> float | None:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else None


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


@dataclass
class Probe:
    """CPU and load at one moment: server processes, this client, the machine."""

    server: float | None
    client: float
    machine: float  # busy CPU seconds of all cores: what others run shows as machine - server - client
    load: float
    at: float

    @classmethod
    def now(cls, pids: list[int]) -> Probe:
        times = os.times()
        return cls(cpu_seconds(pids), times.user + times.system, machine_busy(), os.getloadavg()[0], time.monotonic())


def machine_busy() -> float:
    """CPU seconds all cores spent busy since boot (/proc/stat: everything but idle and iowait)."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")


async def probe_later(delay: float, pids: list[int]) -> Probe:
    await asyncio.sleep(delay)
    return Probe.now(pids)


async def run_level(url: str, patients: int, duration: float, settings: Settings, pids: list[int], log: LogWatch):
    """N patients arrive spread over the ramp-up, then `duration` seconds of steady load are measured."""
    stats = Stats()
    log.new_problems()  # only what this level causes
    start = time.monotonic()
    steady = asyncio.create_task(probe_later(settings.rampup, pids))
    people = [Patient(i, url, settings, stats, start + settings.rampup + duration) for i in range(patients)]
    await asyncio.gather(*(p.live(i * settings.rampup / patients) for i, p in enumerate(people)))
    return summarize(stats, patients, settings, await steady, Probe.now(pids), log.new_problems(), rss_mb(pids))


def latency_figures(samples: list[tuple[str, float, float]]) -> dict:
    times = [latency for _, _, latency in samples]
    return {
        "p50_ms": ms(percentile(times, 0.5)),
        "p95_ms": ms(percentile(times, 0.95)),
        "p99_ms": ms(percentile(times, 0.99)),
        "max_ms": ms(max(times, default=None)),
    }


def summarize(stats: Stats, patients: int, settings: Settings, steady: Probe, end: Probe, problems, rss) -> dict:
    """Figures for the steady part (after ramp-up); errors and isolation over the whole level."""
    measured = [s for s in stats.latencies if s[1] >= steady.at]
    elapsed = end.at - steady.at
    count = len(measured)
    by_kind = {}
    for kind in dict.fromkeys(k for k, _, _ in measured):
        mine = [s for s in measured if s[0] == kind]
        by_kind[kind] = {"n": len(mine), **latency_figures(mine)}
    server_cpu = None if steady.server is None or end.server is None else end.server - steady.server
    errors = sum(stats.errors.values()) + len(problems or [])
    figures = latency_figures(measured)
    p95 = figures["p95_ms"]
    return {
        "patients": patients,
        "rampup_s": settings.rampup,
        "duration_s": round(elapsed, 1),
        "think_s": settings.think,
        "held_at_once": stats.peak_open,
        "interactions": count,
        "interactions_per_s": round(count / elapsed, 2) if elapsed > 0 else None,
        **figures,
        "by_kind": by_kind,
        "rampup_latency": latency_figures([s for s in stats.latencies if s[1] < steady.at]),
        "journeys_completed": stats.journeys,
        "patients_reached_summary": len(stats.reached_summary),
        "isolation_checks": stats.isolation_checks,
        "isolation_failures": stats.isolation_failures,
        "errors": errors,
        "errors_by_kind": dict(stats.errors),
        "error_samples": stats.error_samples,
        "server_log_problems": "n/a" if problems is None else problems[:20],
        "server_cpu_s": None if server_cpu is None else round(server_cpu, 2),
        "server_cpu_ms_per_interaction": None
        if server_cpu is None or not count
        else round(1000 * server_cpu / count, 1),
        "server_cpu_pct_of_core": None if server_cpu is None else round(100 * server_cpu / elapsed, 1),
        "server_rss_mb": rss,
        "client_cpu_s": round(end.client - steady.client, 2),
        "client_cpu_pct_of_core": round(100 * (end.client - steady.client) / elapsed, 1),
        # Other programs on the machine (the 2 cores are shared): busy time not ours nor the server's.
        "others_cpu_pct_of_core": None
        if server_cpu is None
        else round(100 * ((end.machine - steady.machine) - server_cpu - (end.client - steady.client)) / elapsed, 1),
        "loadavg_1m": [round(steady.load, 2), round(end.load, 2)],
        "cpu_count": os.cpu_count(),
        "passed": bool(count)
        and p95 is not None
        and p95 <= P95_LIMIT_S * 1000
        and errors == 0
        and not stats.isolation_failures,
    }


COLUMNS = [
    ("N", "patients", "{}"),
    ("held", "held_at_once", "{}"),
    ("journeys", "journeys_completed", "{}"),
    ("inter.", "interactions", "{}"),
    ("/s", "interactions_per_s", "{:.1f}"),
    ("p50 ms", "p50_ms", "{:.0f}"),
    ("p95 ms", "p95_ms", "{:.0f}"),
    ("p99 ms", "p99_ms", "{:.0f}"),
    ("errors", "errors", "{}"),
    ("iso fail", "isolation_failures", "{}"),
    ("srv ms/int", "server_cpu_ms_per_interaction", "{:.1f}"),
    ("srv %core", "server_cpu_pct_of_core", "{:.0f}"),
    ("client %core", "client_cpu_pct_of_core", "{:.0f}"),
    ("others %core", "others_cpu_pct_of_core", "{:.0f}"),
    ("load1", "loadavg_1m", "{}"),
    ("ramp p95", "rampup_latency", "{}"),
    ("ok", "passed", "{}"),
]


def table_row(result: dict) -> str:
    cells = []
    for title, name, form in COLUMNS:
        value = result[name]
        if name == "isolation_failures":
            value = len(value)
        elif name == "loadavg_1m":
            value = f"{value[0]:.1f}→{value[1]:.1f}"
        elif name == "rampup_latency":
            value = None if value["p95_ms"] is None else f"{value['p95_ms']:.0f}"
        cells.append(("n/a" if value is None else form.format(value)).rjust(max(len(title), 6)))
    return " ".join(cells)


def table_header() -> str:
    return " ".join(title.rjust(max(len(title), 6)) for title, _, _ in COLUMNS)


async def warm_up(url: str, settings: Settings) -> None:
    """One quick journey first: loads the app's modules and proves the protocol works before timing."""
    stats = Stats()
    quick = Settings(think=0.0, jitter=0.0, answers_per_step=1, timeout=max(settings.timeout, 60), spread=False)
    await Patient(10_000, url, quick, stats, time.monotonic() + 120).live(0, journeys=1)
    if not stats.journeys or stats.errors or stats.isolation_failures:
        raise SystemExit(f"warm-up journey failed: {stats.error_samples or stats.isolation_failures}")


def disturbed(result: dict) -> bool:
    return (result["others_cpu_pct_of_core"] or 0) > DISTURBED_PCT


async def measure(args, url: str, pids: list[int], log: LogWatch) -> dict:
    settings = Settings(
        args.think, args.jitter, args.answers_per_step, args.timeout, args.seed, args.rampup, not args.no_spread
    )
    await warm_up(url, settings)
    print(table_header(), flush=True)
    levels = [int(x) for x in args.levels.split(",")] if args.ramp else [args.patients]
    results, largest = [], None
    for patients in levels:
        for attempt in (1, 2):
            result = await run_level(url, patients, args.duration, settings, pids, log)
            results.append(result)
            print(table_row(result), flush=True)
            problems = result["server_log_problems"] if isinstance(result["server_log_problems"], list) else []
            for line in [*result["error_samples"][:5], *result["isolation_failures"][:5], *problems[:5]]:
                print("   ", line)
            if result["passed"] or not disturbed(result) or attempt == 2 or not args.ramp:
                break
            # The cores are shared: a level that failed while other programs took the CPU is run once more.
            print(
                f"    other programs used {result['others_cpu_pct_of_core']:.0f} % of a core: running N={patients} again"
            )
            await asyncio.sleep(10)
        if result["passed"]:
            largest = patients
        elif args.ramp:
            break
        await asyncio.sleep(3 if args.ramp else 0)  # let closed sessions drain before the next level
    return {"levels": results, "largest_n_within_limit": largest}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.ws_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", "-n", type=int, help="concurrent patients (default 100; --quick: 10)")
    parser.add_argument("--duration", type=float, help="measured seconds per run or ramp level, after the ramp-up "
                        "(default 60; --quick: 20)")  # fmt: skip
    parser.add_argument("--rampup", type=float, help="arrivals spread over this many seconds (default 30; --quick: 2)")
    parser.add_argument("--think", type=float, help="seconds between one patient's interactions (default 10)")
    parser.add_argument("--jitter", type=float, default=0.3, help="± fraction of the think time (default 0.3)")
    parser.add_argument("--answers-per-step", type=int, default=2, help="questions answered on each step")
    parser.add_argument("--no-spread", action="store_true", help="every first journey starts at the start page")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for one run to finish")
    parser.add_argument("--url", help="an existing server (or proxy) instead of starting one")
    parser.add_argument("--server-pids", help="with --url: comma-separated pids whose CPU time to measure")
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE",
                        help="environment for the server we start, e.g. STREAMLIT_SERVER_FILE_WATCHER_TYPE=none")  # fmt: skip
    parser.add_argument("--profile-server", metavar="PATH", help="cProfile the server we start (slows it down)")
    parser.add_argument("--ramp", action="store_true", help="increase N level by level; report the largest passing N")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="N per ramp level")
    parser.add_argument("--quick", action="store_true", help="short run: 10 patients, 20 s, think 2 s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-log", help="where the server we start logs (default: a temp file)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    quick = args.quick
    args.patients = args.patients or (10 if quick else 100)
    args.duration = args.duration or (20.0 if quick else 60.0)
    args.rampup = args.rampup if args.rampup is not None else (2.0 if quick else 30.0)
    args.think = args.think if args.think is not None else (2.0 if quick else 10.0)
    if args.url and (args.profile_server or args.server_env):
        parser.error("--profile-server and --server-env apply only to a server this tool starts")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.time()
    log_path = Path(args.server_log or f"/tmp/immunoprep-ws-load-{os.getpid()}.log")
    profile = Path(args.profile_server).resolve() if args.profile_server else None
    env = dict(item.split("=", 1) for item in args.server_env)
    with nullcontext(args.url) if args.url else own_server(log_path, env, profile) as url:
        pids = [int(p) for p in args.server_pids.split(",")] if args.server_pids else []
        pids = pids or ([] if args.url else streamlit_pids(url))
        log = LogWatch(None if args.url else log_path)
        report = asyncio.run(measure(args, url, pids, log))
        if profile is not None:
            dump_profile(pids, profile)
    report.update(
        server_pids=pids,
        server_log=None if args.url else str(log_path),
        settings={k: v for k, v in vars(args).items() if k != "json"},
        wall_s=round(time.time() - started, 1),
    )
    print(f"largest N with p95 ≤ {P95_LIMIT_S:g} s and no errors: {report['largest_n_within_limit'] or 'none'}")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0 if (report["largest_n_within_limit"] if args.ramp else report["levels"][0]["passed"]) else 1


if __name__ == "__main__":
    sys.exit(main())
