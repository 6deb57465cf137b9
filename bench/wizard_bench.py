"""Wizard benchmark: time to the first question on a throttled phone, in Debian's Chromium.

    .venv/bin/python bench/wizard_bench.py [--site DIR] [--before DIR] [--runs 7]

Builds the site (or takes `--site`), serves it on loopback and opens /diagnose/ (ja and en) at 390 px under a slow
phone profile — Lighthouse's "Slow 4G" (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up) and a CPU slowed
fourfold — with an empty cache each time. It prints, per language, the median over the runs of:

- first paint (First Contentful Paint): the floor for anything on this page, measured in the same run (the baseline);
- time to first question: from navigation start until the first question is on screen and answers a click
  (the wizard marks `#wizard` with `data-answerable`; a build from before that mark counts `data-ready`, set when
  its first question was rendered);
- the bytes the page loaded before that moment.

`--before DIR` measures a second build (e.g. one made from an older commit) in the same run, for a before/after
figure. Needs the `test` extra (Playwright) and Debian's chromium (`make test` installs both); without them it says
so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PHONE = {"width": 390, "height": 844}
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
CPU_SLOWDOWN = 4
# the first question, answerable: this wizard's mark, or (a build from before it) the old wizard's rendered question
READY = "#wizard[data-answerable] .wizard-step:not([hidden]), #wizard[data-ready=true] #wizard-question"
# records when READY first holds and when the first contentful paint happened, from the page's own clock
PROBE = """
(() => {
  const READY = READY_SELECTOR;
  const mark = () => { if (!window.__firstQuestion && document.querySelector(READY)) {
    window.__firstQuestion = performance.now();
    const navigation = performance.getEntriesByType('navigation')[0] || {};
    window.__bytes = performance.getEntriesByType('resource').reduce((n, r) => n + (r.transferSize || r.encodedBodySize || 0), 0)
      + (navigation.transferSize || 0);
  } };
  new MutationObserver(mark).observe(document, {subtree: true, childList: true, attributes: true});
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') window.__fcp = e.startTime; })
    .observe({type: 'paint', buffered: true});
})();
""".replace("READY_SELECTOR", json.dumps(READY))


def measure(browser, url: str, runs: int) -> dict[str, float]:
    """Median first paint, time to first question (ms) and bytes loaded by then, over fresh contexts."""
    paints, firsts, loaded = [], [], []
    for _ in range(runs):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
        page = context.new_page()
        page.add_init_script(PROBE)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.goto(url, wait_until="commit")
        deadline = time.monotonic() + 60
        while True:  # polled from here: the page's CSP refuses the eval behind wait_for_function
            first, fcp, size = page.evaluate("[window.__firstQuestion, window.__fcp, window.__bytes]")
            if (first is not None and fcp is not None) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        if first is None or fcp is None:
            raise SystemExit(f"{url}: no first question within 60 s")
        firsts.append(first)
        paints.append(fcp)
        loaded.append(size)
        context.close()
    return {"fcp": statistics.median(paints), "first": statistics.median(firsts), "bytes": statistics.median(loaded)}


def serve(site: Path):
    from mailkb.sitebuild.serve import make_server

    httpd = make_server(site, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build the bundled knowledge base)")
    parser.add_argument("--before", type=Path, help="another build to measure in the same run")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright

        from tests.site.browser import CHROMIUM_ARGS
    except ImportError:
        print("wizard bench skipped: Playwright is not installed (pip install -e '.[test]')")
        return 0
    chromium = Path("/usr/bin/chromium")
    if not chromium.is_file():
        print("wizard bench skipped: Debian's chromium is not installed (apt-get install chromium)")
        return 0
    with tempfile.TemporaryDirectory(prefix="mailkb-wizard-bench-") as work:
        site = args.site
        if site is None:
            from mailkb.sitebuild import build_site, load_config

            site = Path(work) / "site"
            build_site(None, site, config=load_config(base_path="/"), search=False)
        builds = {"this build": site} | ({"before": args.before} if args.before else {})
        servers = {name: serve(path) for name, path in builds.items()}
        print(f"time to first question at 390 px, Slow 4G (150 ms, 1.6 Mbit/s) and CPU ÷{CPU_SLOWDOWN}, median of {args.runs} cold loads")
        print(f"{'build':<12} {'lang':<5} {'first paint ms':>15} {'first question ms':>18} {'÷ first paint':>14} {'KB loaded':>10}")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
            for name, (_, origin) in servers.items():
                for lang in ("ja", "en"):
                    url = origin + ("/en" if lang == "en" else "") + "/diagnose/"
                    m = measure(browser, url, args.runs)
                    print(
                        f"{name:<12} {lang:<5} {m['fcp']:>15.0f} {m['first']:>18.0f} {m['first'] / m['fcp']:>14.2f} {m['bytes'] / 1024:>10.0f}"
                    )
            browser.close()
        for httpd, _ in servers.values():
            httpd.shutdown()
            httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
