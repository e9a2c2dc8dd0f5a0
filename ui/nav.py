"""Page changes the way people expect from a web page.

- Each step and the summary open at the top, keyboard focus moves to the new heading, and the step
  is announced to screen readers ("Step 3 of 8: Treatments so far").
- On a phone, the sidebar closes after a sidebar action, so the new page is not hidden behind it.
- The step is kept in the URL (never the answers), so the browser's Back button moves back a step
  and a reload stays in the app.
- The browser warns before the page is left while there are answers that were not saved.

Streamlit re-runs a script in st.html only when its text changes, so each script carries the
navigation serial (or the warning flag) it acts on, and guards itself against running twice.
"""

from __future__ import annotations

import json

import streamlit as st

from . import state
from .text import t

SR_ONLY_ID = "ip-live"

_ARRIVE_JS = """<script>
(() => {
  const serial = %(serial)s, title = %(title)s, announce = %(announce)s, closeSidebar = %(close)s;
  if (window.__ipArrived === serial) return;
  window.__ipArrived = serial;
  let tries = 0;
  const arrive = () => {
    const main = document.querySelector('[data-testid="stMain"]');
    const heading = [...document.querySelectorAll('[data-testid="stMain"] h1, [data-testid="stMain"] h2')]
      .find(h => h.textContent.trim().startsWith(title) && !h.closest('[data-stale="true"]'));
    if (!heading && tries++ < 60) { setTimeout(arrive, 50); return; }
    if (main) main.scrollTop = 0;
    window.scrollTo(0, 0);
    if (heading) { heading.setAttribute('tabindex', '-1'); heading.focus({preventScroll: true}); }
    let live = document.getElementById('%(live)s');
    if (!live) {
      live = document.createElement('div');
      live.id = '%(live)s'; live.setAttribute('role', 'status'); live.setAttribute('aria-live', 'polite');
      live.className = 'ip-sr-only';
      document.body.appendChild(live);
    }
    live.textContent = '';
    setTimeout(() => { live.textContent = announce; }, 150);
    if (closeSidebar && window.innerWidth < 768) {
      const sidebar = document.querySelector('[data-testid="stSidebar"]');
      const close = document.querySelector('button[aria-label="Collapse sidebar"]');
      if (sidebar && close && sidebar.getAttribute('data-collapsed') === 'false') close.click();
    }
  };
  arrive();
})();
</script>"""

_LEAVE_JS = """<script>
(() => {
  document.documentElement.lang = %(lang)s;  // screen readers pick the voice from it (WCAG 3.1.1)
  window.__ipUnsaved = %(unsaved)s;
  if (window.__ipLeaveHooked) return;
  window.__ipLeaveHooked = true;
  window.addEventListener('beforeunload', (event) => {
    if (window.__ipUnsaved) { event.preventDefault(); event.returnValue = ''; }
  });
})();
</script>"""


def arrive(title: str, announce: str) -> None:
    """Call right after a page's heading: scroll to the top, focus the heading, announce the page."""
    script = _ARRIVE_JS % {
        "serial": json.dumps(st.session_state.get("nav_serial", 0)),
        "title": json.dumps(title),
        "announce": json.dumps(announce),
        "close": json.dumps(bool(st.session_state.get("nav_from_sidebar"))),
        "live": SR_ONLY_ID,
    }
    st.html(script, unsafe_allow_javascript=True)


def warn_before_leaving(unsaved: bool, language: str = "en") -> None:
    """Every run: the leave warning while answers are unsaved, and the page's language."""
    st.html(_LEAVE_JS % {"unsaved": json.dumps(unsaved), "lang": json.dumps(language)}, unsafe_allow_javascript=True)


def sync_url(steps_for_role) -> None:
    """Keep role and step in the URL; follow the URL when Back, Forward or a reload changed it.

    `steps_for_role(role)` gives the steps that role can be on."""
    wanted_role, wanted_step = st.query_params.get("role"), st.query_params.get("step")
    fresh = "url_step" not in st.session_state  # a new browser session: a reload or a shared link
    if fresh and st.session_state["role"] is None and wanted_role in ("patient", "nurse"):
        st.session_state["role"] = wanted_role
    role = st.session_state["role"]
    moved = wanted_step and wanted_step != st.session_state.get("url_step")
    if moved and role and wanted_step in steps_for_role(role) and wanted_step != st.session_state["step"]:
        state.go(wanted_step)
        if fresh and wanted_step not in ("start", "nurse"):
            st.session_state["notice"] = t("reloaded")
    step = st.session_state["step"]
    target = {"role": role, "step": step} if role else {"step": step}
    if dict(st.query_params) != target:
        st.query_params.from_dict(target)
    st.session_state["url_step"] = step
