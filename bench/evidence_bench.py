"""Evidence benchmark: figures printed, never asserted.

Parse time per sample (every fixture of tests/evidence/fixtures, median of repeats) and per MB (a 1 MB and a
10 MB paste of bounce lines, a 1 MB .eml bounce whose returned message carries a 1 MB attachment), beside a
baseline measured in the same run: the standard library alone parsing the same bytes
(`email.message_from_bytes` and walking every part, or splitting the text into lines).

    .venv/bin/python bench/evidence_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import base64
import email
import re
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from mailkb import load_kb  # noqa: E402
from mailkb.evidence import read_evidence  # noqa: E402

FIXTURES = ROOT / "tests" / "evidence" / "fixtures"


def timed(fn, repeats: int) -> float:
    """Median seconds of `repeats` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def baseline(data: bytes) -> None:
    if data[:1].isalpha():
        for part in email.message_from_bytes(data).walk():
            part.get_payload(decode=True)
    else:
        re.split(rb"\r\n|\r|\n", data)


def paste(size: int) -> bytes:
    block = (
        b"<user@icloud.com>: host mx01.mail.icloud.com[17.57.154.7] said: 554\n"
        b"    5.7.1 [CS01] Message rejected due to local policy. Please visit\n"
        b"    https://support.apple.com/en-us/HT204137 (in reply to end of DATA command)\n"
        b"Some line of the pasted returned message, which is just text here.\n"
    )
    return (block * (size // len(block) + 1))[:size]


def eml_with_attachment(size: int) -> bytes:
    head = (FIXTURES / "icloud_cs01_postfix.eml").read_bytes().rsplit(b"--4XyZ1a2b3c.1764724502/mail.example.org--", 1)[0]
    attachment = base64.encodebytes(b"\x89PNG" + bytes(range(256)) * (size // 340))
    return (
        head
        + b"--4XyZ1a2b3c.1764724502/mail.example.org\nContent-Type: message/rfc822\n\n"
        + b'From: a@example.org\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="inner"\n\n--inner\n'
        + b"Content-Type: image/png\nContent-Transfer-Encoding: base64\n\n"
        + attachment
        + b"\n--inner--\n--4XyZ1a2b3c.1764724502/mail.example.org--\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    repeats = 5 if args.quick else 21
    kb = load_kb()
    read_evidence(b"550 5.1.1 warm-up", kb=kb)  # compile the patterns once, as a long-running process would

    samples = sorted(p for p in FIXTURES.iterdir() if p.name != "expected.yaml")
    per_sample = []
    for path in samples:
        data = path.read_bytes()
        per_sample.append((timed(lambda d=data: read_evidence(d, kb=kb), repeats), timed(lambda d=data: baseline(d), repeats), len(data)))
    ours = [s for s, _, _ in per_sample]
    base = [b for _, b, _ in per_sample]
    print(f"evidence: {len(samples)} fixture samples, median of {repeats} runs each")
    print(f"  per sample   read_evidence median {statistics.median(ours) * 1e3:7.2f} ms  max {max(ours) * 1e3:7.2f} ms")
    print(f"               stdlib parse  median {statistics.median(base) * 1e3:7.2f} ms  max {max(base) * 1e3:7.2f} ms (baseline)")

    big = [
        ("1 MB paste", paste(1_000_000)),
        ("10 MB paste (2 MiB read)", paste(10_000_000)),
        ("1 MB .eml + attachment", eml_with_attachment(1_000_000)),
    ]
    for label, data in big:
        runs = max(3, repeats // 4)
        seconds = timed(lambda d=data: read_evidence(d, kb=kb), runs)
        reference = timed(lambda d=data: baseline(d), runs)
        mb = len(data) / 1_000_000
        print(
            f"  {label:26s} {len(data) / 1e6:5.1f} MB  read_evidence {seconds * 1e3:8.1f} ms ({seconds / mb * 1e3:7.1f} ms/MB)"
            f"  stdlib {reference * 1e3:7.1f} ms ({reference / mb * 1e3:6.1f} ms/MB)"
        )


if __name__ == "__main__":
    main()
