"""The map page's time to interactive, for ``bench/api.py`` (not a benchmark on its own).

Headless Debian Chromium through Playwright's sync API. An init script records, relative to
the navigation start (``performance.now()``), when ``body[data-ready]`` changes (a
MutationObserver: exact, not polled), every ``input`` event, and the long tasks (> 50 ms) the
page runs, so that two figures come out of each load:

- ``ready``: navigation start (or the last slider input) -> ``body[data-ready]`` set;
- ``settled``: the end of the last long task in the 5 s after the start: the marker cluster
  adds markers in timed chunks after ``ready``, so the page answers input only then.

Loads: one sign-in load (cold cache, not counted), then ``runs`` navigations to ``/`` with the
page's default period (its last 13 months); then ``runs`` slider moves to a window of about
``target_markers`` visible incidents elsewhere in the range (the time includes the page's
250 ms input debounce), each followed by a move back (not timed).
"""

from __future__ import annotations

import statistics
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
INIT = """
(() => {
  const b = window.__bench = {ready: [], inputs: [], longtasks: []};
  try {
    new PerformanceObserver((list) => list.getEntries().forEach(
      (e) => b.longtasks.push([e.startTime, e.duration]))).observe({type: "longtask"});
  } catch (e) {}
  document.addEventListener("input", () => b.inputs.push(performance.now()), true);
  const watch = () => new MutationObserver(() => {
    const v = document.body.dataset.ready;
    if (v && v !== b.last) { b.last = v; b.ready.push(performance.now()); }
  }).observe(document.body, {attributes: true, attributeFilter: ["data-ready"]});
  if (document.body) { watch(); } else { document.addEventListener("DOMContentLoaded", watch); }
})();
"""
FIGURES = """
(t0) => {
  const b = window.__bench, ready = b.ready[b.ready.length - 1];
  const tasks = b.longtasks.filter(([s, d]) => s >= t0 && s < t0 + 5000);
  const api = performance.getEntriesByType("resource").filter(
    (e) => e.name.includes("/api/v1/") && e.startTime >= t0).map((e) => {
      const u = new URL(e.name);
      return [u.pathname + (u.searchParams.get("cursor") ? " (page 2+)" : ""),
              Math.round(e.startTime - t0), Math.round(e.responseEnd - t0),
              e.encodedBodySize];
    });
  return {ready: ready - t0, settled: Math.max(ready, ...tasks.map(([s, d]) => s + d)) - t0,
          longtask_ms: tasks.reduce((a, [s, d]) => a + d, 0), api,
          markers: +document.getElementById("map").dataset.markers};
}
"""


def month_range(first: str, last: str) -> list[str]:
    """The page's own month list (map.js ``monthRange``)."""
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while (y, m) <= (int(last[:4]), int(last[5:7])):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def slider_window(months: list[str], by_month: dict[str, int], target: int) -> tuple[int, int]:
    """Month indices of a window ending two years before the last month, ~``target`` rows."""
    hi = max(0, len(months) - 25)
    lo, total = hi, by_month.get(months[hi], 0)
    while lo > 0 and total + by_month.get(months[lo - 1], 0) <= target * 1.05:
        lo -= 1
        total += by_month.get(months[lo], 0)
    return lo, hi


def sign_in(page: Page, base: str, user: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", user)
    page.fill("#password", password)
    with page.expect_navigation(url=f"{base}/"):
        page.locator("form[action='/login'] [type=submit], form[action='/login'] button"
                     ).first.click()
    page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)


def wait_ready_after(page: Page, token: str | None) -> None:
    """Wait for ``body[data-ready]`` to take a value other than ``token`` (selectors, not
    ``wait_for_function``: the page's CSP forbids the eval that the latter relies on)."""
    selector = "body[data-ready]" if token is None else (
        f'body[data-ready]:not([data-ready="{token}"])')
    page.wait_for_selector(selector, state="attached", timeout=60_000)


def navigate(page: Page, base: str) -> dict[str, Any]:
    page.goto(f"{base}/", wait_until="commit")
    wait_ready_after(page, None)
    page.wait_for_timeout(1500)
    figures: dict[str, Any] = page.evaluate(FIGURES, 0)
    return figures


def slide(page: Page, lo: int, hi: int, back: tuple[int, int]) -> dict[str, Any]:
    """Move the period slider to [lo, hi], time it, then move it back (untimed)."""
    token = page.evaluate("document.body.dataset.ready")
    page.locator("#from-month").fill(str(lo))
    page.locator("#to-month").fill(str(hi))
    wait_ready_after(page, token)
    page.wait_for_timeout(1500)
    t0 = page.evaluate("window.__bench.inputs[window.__bench.inputs.length - 1]")
    figures: dict[str, Any] = page.evaluate(FIGURES, t0)
    token = page.evaluate("document.body.dataset.ready")
    page.locator("#to-month").fill(str(back[1]))
    page.locator("#from-month").fill(str(back[0]))
    wait_ready_after(page, token)
    return figures


def _describe(label: str, runs: list[dict[str, Any]], expected: int) -> str:
    ready = statistics.median(r["ready"] for r in runs) / 1000
    settled = statistics.median(r["settled"] for r in runs) / 1000
    each_ready = ", ".join(f"{r['ready']:.0f}" for r in runs)
    each_settled = ", ".join(f"{r['settled']:.0f}" for r in runs)
    api = "; ".join(f"{name} {start}-{end} ms {size / 1e6:.1f} MB"
                    for name, start, end, size in runs[-1]["api"])
    return (f"{label}: {runs[-1]['markers']:,} markers (visible in the window: {expected:,}); "
            f"ready median {ready:.2f} s ({each_ready} ms), settled median {settled:.2f} s "
            f"({each_settled} ms); last run's API calls: {api}")


def time_map(base: str, user: str, password: str, by_month: dict[str, int], *,
             target_markers: int, runs: int = 3) -> dict[str, float]:
    """Time the map; prints the details and returns the median ``settled`` seconds of the
    navigations and of the slider moves."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_init_script(INIT)
            page = context.new_page()
            sign_in(page, base, user, password)
            loads = [navigate(page, base) for _ in range(runs)]
            config = page.evaluate(
                "JSON.parse(document.getElementById('map-config').textContent)")["months"]
            months = month_range(config["min"], config["max"])
            default = (months.index(config["start"]), len(months) - 1)
            lo, hi = slider_window(months, by_month, target_markers)
            slides = [slide(page, lo, hi, default) for _ in range(runs)]
        finally:
            browser.close()
    in_default = sum(by_month.get(m, 0) for m in months[default[0]:])
    in_slider = sum(by_month.get(m, 0) for m in months[lo:hi + 1])
    print("map page (headless Chromium, 1366x900):")
    print("  " + _describe(f"navigation to / ({months[default[0]]}..{months[-1]})", loads,
                           in_default))
    print("  " + _describe(f"slider to {months[lo]}..{months[hi]} (incl. 250 ms debounce)",
                           slides, in_slider))
    return {label: statistics.median(r["settled"] for r in group) / 1000
            for label, group in (("navigation", loads), ("slider", slides))}


if __name__ == "__main__":
    print("bench/api_map.py is a helper of bench/api.py; run that.")
