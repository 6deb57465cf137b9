"""Symptom matching benchmark: seconds per MB of pasted message, printed, never asserted.

For four kinds of text (a realistic paste, text dense with addresses, numbers and quotes, random kana and
kanji, and addresses, hosts and IPs that are all different) at 0.1, 1 and 4 MB: the matcher (engine/matching.py) beside two baselines measured in the same run on the
same text — the floor (NFKC normalisation alone) and the previous algorithm (a per-character filter and one
substring scan per pattern, as engine/matching.py did before typed placeholders).

    .venv/bin/python bench/matching_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailkb import load_kb
from mailkb.matching import MatchWork, matcher_for, pattern_texts

MB = 1 << 20


def texts(size: int) -> dict[str, str]:
    rng = random.Random(7)
    paste = "メールを取得できません。サーバへの接続に失敗しました。iPhone の「メール」で昨日から出ます。"
    dense = "“iCloud” <taro.yamada@icloud.com> 550 5.7.1 mx01.mail.icloud.com [17.57.155.23] port 993 "
    kana = "".join(chr(rng.choice([rng.randrange(0x3041, 0x3097), rng.randrange(0x4E00, 0x9FA0)])) for _ in range(4096))
    out = {name: (seed * (size // len(seed.encode()) + 1))[: size // 3 if name != "dense" else size] for name, seed in
           (("paste", paste), ("dense", dense), ("kana", kana))}  # fmt: skip
    # every address, host and IP different: nothing for the matcher to reuse
    lines = (f"<user{i}@host{i}.example.co.jp> mx{i}.mail.example.net [10.{i % 250}.{i % 199}.{i % 97}] port {i} " for i in range(size))
    unique, length = [], 0
    for line in lines:
        unique.append(line)
        length += len(line)
        if length >= size:
            break
    out["unique"] = "".join(unique)[:size]
    return out


def old_matcher(kb):
    """The algorithm before typed placeholders: per-character filter, one `in` scan per pattern."""

    def strip(text: str) -> str:
        kept = [ch for ch in text if unicodedata.category(ch)[0] not in "PSZC" and ch not in " \t\r\n\f\v"]
        return "".join(kept).replace("appleid", "appleaccount")

    def norm(text: str) -> str:
        return strip(unicodedata.normalize("NFKC", text).lower().replace("\u30fc", ""))

    patterns = [(i, norm(t)) for i, s in kb.symptoms.items() for t in pattern_texts(s)]

    def match(message: str) -> set[str]:
        normal = norm(message)
        return {i for i, p in patterns if p and p in normal}

    return match


def seconds(fn, text: str) -> float:
    start = time.perf_counter()
    fn(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="0.1 and 1 MB only")
    args = parser.parse_args()
    kb = load_kb()
    matcher = matcher_for(kb)
    old = old_matcher(kb)
    sizes = [MB // 10, MB] if args.quick else [MB // 10, MB, 4 * MB]
    print("matching: seconds per MB (matcher | floor: NFKC alone | previous algorithm)")
    for size in sizes:
        for name, text in texts(size).items():
            mb = len(text.encode()) / MB
            work = MatchWork()
            new = seconds(lambda t, w=work: matcher.match(t, w), text) / mb
            floor = seconds(lambda t: unicodedata.normalize("NFKC", t), text) / mb
            previous = f"{seconds(old, text) / mb:7.3f}" if size <= MB else "   (skipped)"
            print(f"  {name:6} {mb:5.2f} MB: {new:7.3f} s/MB | {floor:7.3f} | {previous}   "
                  f"({work.characters} characters read, {work.occurrences} occurrences)")  # fmt: skip


if __name__ == "__main__":
    main()
