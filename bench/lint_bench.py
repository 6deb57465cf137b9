"""Lint time on the real knowledge base and on synthetic ones of 1,000 / 5,000 / 10,000 entity files.

Prints seconds and files per second, beside a baseline measured in the same run: reading the same
files with PyYAML's C safe_load and nothing else (no positions, no schema, no cross-file checks).
Usage: python bench/lint_bench.py [--sizes 1000,5000,10000]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from mailkb.lint import lint
from mailkb.paths import knowledge_dir

SOURCE = """  - url: "https://support.apple.com/ja-jp/102562"
    title: "iCloud メールが機能しない場合"
    kind: official
"""


def synthesize(root: Path, entities: int) -> Path:
    """A valid knowledge base: per unit, 1 observation, 1 cause, 2 remedies; one rule per cause."""
    kb = root / f"kb{entities}"
    for folder in ("observations", "causes", "remedies", "rules"):
        (kb / folder).mkdir(parents=True)
    units = max(1, entities // 4)
    rules = []
    for i in range(units):
        (kb / "observations" / f"o{i}.yaml").write_text(
            f"# yaml-language-server: $schema=../../schemas/observation.schema.json\nid: o{i}\ntype: boolean\ngroup: context\n"
            f'title: {{ja: "観察 {i}", en: "Observation {i}"}}\nquestion: {{ja: "{i} は起きていますか?", en: "Does {i} happen?"}}\n'
            f"how_to_check:\n  ja: |\n    「設定」を開き、項目 {i} を確かめます。\n  en: |\n    Open Settings and check item {i}.\ncost_minutes: 2\n",
            encoding="utf-8",
        )
        (kb / "causes" / f"c{i}.yaml").write_text(
            f"# yaml-language-server: $schema=../../schemas/cause.schema.json\nid: c{i}\n"
            f'title: {{ja: "原因 {i}", en: "Cause {i}"}}\narea: receive\nsummary:\n  ja: |\n    原因 {i} の説明です。\n\n    - 一つ目\n    - 二つ目\n'
            f"  en: |\n    About cause {i}.\n\n    - first\n    - second\nremedies: [r{i}a, r{i}b]\nsources:\n{SOURCE}",
            encoding="utf-8",
        )
        for suffix in "ab":
            (kb / "remedies" / f"r{i}{suffix}.yaml").write_text(
                f"# yaml-language-server: $schema=../../schemas/remedy.schema.json\nid: r{i}{suffix}\n"
                f'title: {{ja: "対処 {i}{suffix}", en: "Remedy {i}{suffix}"}}\nstage: receive\nminutes: 3\nadvice: official\n'
                f'side_effects: {{ja: "なし", en: "None"}}\nreversible: true\nsteps:\n  iphone:\n    - {{ja: "手順 1", en: "Step 1"}}\n'
                f'    - {{ja: "手順 2", en: "Step 2"}}\nverify: {{ja: "確認します。", en: "Check it."}}\nsources:\n{SOURCE}',
                encoding="utf-8",
            )
        rules.append(
            f"  - id: rule_{i}\n    when: {{all: [{{fact: o{i}, is: true}}]}}\n    then: {{suspect: {{cause: c{i}, weight: 0.5}}}}\n"
            f'    because: {{ja: "観察 {i} が原因 {i} を示します。", en: "Observation {i} points at cause {i}."}}\n'
        )
    (kb / "rules" / "all.yaml").write_text(
        '# yaml-language-server: $schema=../../schemas/rules.schema.json\nid: all\ntitle: {ja: "規則", en: "Rules"}\nrules:\n'
        + "".join(rules),
        encoding="utf-8",
    )
    return kb


def baseline(kb: Path) -> float:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    started = time.perf_counter()
    for path in kb.rglob("*.yaml"):
        with contextlib.suppress(yaml.YAMLError):  # the linter reports these; the baseline only reads
            yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return time.perf_counter() - started


def timed_lint(kb: Path, repeat: int) -> tuple[float, int, int]:
    times = []
    for _ in range(repeat):
        result = lint(kb)
        times.append(result.seconds)
    return statistics.median(times), result.files, len(result.errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,10000")
    args = parser.parse_args()
    print(f"{'knowledge base':<22}{'files':>8}{'lint s':>9}{'files/s':>10}{'safe_load s':>13}{'lint/load':>11}{'errors':>8}")
    rows = [("real (bundled)", knowledge_dir(), 5)]
    tmp = Path(tempfile.mkdtemp(prefix="mailkb-bench-"))
    try:
        rows += [(f"synthetic {n:,}", synthesize(tmp, n), 1) for n in (int(s) for s in args.sizes.split(","))]
        for label, kb, repeat in rows:
            seconds, files, errors = timed_lint(kb, repeat)
            base = baseline(kb)
            print(f"{label:<22}{files:>8}{seconds:>9.3f}{files / seconds:>10.0f}{base:>13.3f}{seconds / base:>10.1f}x{errors:>8}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
