"""Accessibility checks for browser tests: axe-core (bundled by axe-playwright-python) and focus contrast."""

from __future__ import annotations

import io
from typing import Any

from axe_playwright_python.sync_playwright import Axe

# WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no 'wcag22a' tag: 2.2 added only AA rules to axe).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
RUN_AXE_JS = "([context, options]) => axe.run(context || document, options)"


def axe_version(page) -> str:
    """The axe-core version injected into the page."""
    _inject(page)
    return page.evaluate("() => axe.version")


def _inject(page) -> None:
    """Load axe-core into the page once (re-running the 570 kB script on every check costs time)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(Axe().axe_script)


def axe_violations(page, context: str | dict | None = None, tags: list[str] | None = None) -> list[dict[str, Any]]:
    """Raw axe-core violations for the page (or a CSS selector / axe context), WCAG A+AA rules only."""
    _inject(page)
    options = {"runOnly": {"type": "tag", "values": tags or WCAG_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate(RUN_AXE_JS, [context, options])["violations"]


def _node_summary(node: dict[str, Any]) -> dict[str, Any]:
    """Where a failing node is, and for colour contrast the colours and ratio axe measured."""
    summary: dict[str, Any] = {"target": node["target"], "html": node.get("html", "")[:160]}
    for check in node.get("any", []) + node.get("all", []) + node.get("none", []):
        data = check.get("data")
        if isinstance(data, dict) and "contrastRatio" in data:
            summary.update(
                fg=data.get("fgColor"),
                bg=data.get("bgColor"),
                ratio=data.get("contrastRatio"),
                expected=data.get("expectedContrastRatio"),
            )
    return summary


def serious_violations(page, context: str | dict | None = None) -> list[dict[str, Any]]:
    """Violations of impact serious or critical: rule id, impact, node count and the first nodes."""
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "help": v["help"],
            "first": [_node_summary(node) for node in v["nodes"][:3]],
        }
        for v in axe_violations(page, context)
        if v["impact"] in BLOCKING_IMPACTS
    ]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and node, for assertion messages."""
    lines = []
    for v in violations:
        lines.append(f"{v['rule']} ({v['impact']}, {v['nodes']} nodes): {v['help']}")
        for node in v["first"]:
            colours = f" {node['fg']} on {node['bg']} = {node['ratio']}:1" if "ratio" in node else ""
            lines.append(f"    {' '.join(map(str, node['target']))}{colours}")
    return "\n".join(lines)


def _luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _pixels(image) -> list[tuple[int, int, int]]:
    """RGB pixels of an image, row by row."""
    data = image.tobytes()
    return [tuple(data[i : i + 3]) for i in range(0, len(data), 3)]


def focus_indicator_contrast(page, selector: str, margin: int = 6, presses: int = 60) -> dict[str, float]:
    """How visible keyboard focus is on `selector`: tabs to it, then compares each pixel around it with the
    unfocused pixel (WCAG 2.4.13 asks for a change of at least 3:1). Returns the best ratio and the area
    (CSS px²) that changed by 3:1 or more."""
    from PIL import Image

    element = page.locator(selector).first
    element.scroll_into_view_if_needed()
    box = element.bounding_box()
    clip = {
        "x": max(box["x"] - margin, 0),
        "y": max(box["y"] - margin, 0),
        "width": box["width"] + 2 * margin,
        "height": box["height"] + 2 * margin,
    }
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    before = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    handle = element.element_handle()
    page.mouse.click(0, 0)  # start from the top of the page, then move focus as a keyboard user does
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => el === document.activeElement || el.contains(document.activeElement)", handle):
            break
    else:
        raise AssertionError(f"{selector} was not reached with {presses} Tab presses")
    page.wait_for_timeout(300)  # focus styles may animate in
    after = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("RGB")
    ratios = [contrast(a, b) for a, b in zip(_pixels(before), _pixels(after), strict=True) if a != b]
    scale = (before.width / clip["width"]) ** 2  # device pixels per CSS px²
    return {"best": max(ratios, default=1.0), "area_3_to_1": sum(r >= 3 for r in ratios) / scale}
