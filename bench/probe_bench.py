"""Probe benchmark: figures printed, never asserted.

Wall time of `run_probe` against loopback servers (aiosmtpd with STARTTLS, the implicit-TLS IMAP stub of the
tests, a trustme CA), beside a baseline measured in the same run: the same exchanges made directly with imaplib
and smtplib, one server after the other, with no step machinery, certificate reading or classification. Also: the
failure cases (refused, a certificate from an unknown CA, which costs a second connection to read it, a silent
server at --timeout 1) and a whole `mailkb probe --json` process beside `mailkb --version`.

    .venv/bin/python bench/probe_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import imaplib
import smtplib
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.probe.servers: the loopback servers the tests use

from mailkb.probe.runner import ProbeSettings, run_probe  # noqa: E402
from mailkb.probe.target import parse_target  # noqa: E402
from mailkb.probe.tls import Trust  # noqa: E402
from tests.probe.servers import Certificates, ImapServer, SilentServer, SmtpServer, closed_port  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up (imports, first TLS context, the servers' first connection)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def stats(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms   p90 {p90 * 1000:7.1f} ms   (n={len(ordered)})"


def direct(imap_address: str, smtp_address: str, cafile: Path) -> None:
    """The baseline: the same exchanges with the standard library alone, sequentially."""
    context = ssl.create_default_context(cafile=str(cafile))
    host, port = imap_address.rsplit(":", 1)
    client = imaplib.IMAP4_SSL(host, int(port), ssl_context=context, timeout=5)  # greeting + CAPABILITY
    client.logout()
    host, port = smtp_address.rsplit(":", 1)
    with smtplib.SMTP(host, int(port), local_hostname="[127.0.0.1]", timeout=5) as smtp:
        smtp.ehlo()
        smtp.starttls(context=context)
        smtp.ehlo()
        assert smtp.has_extn("auth")


def probe(imap_address: str, smtp_address: str, cafile: Path | None, timeout: float = 5):
    settings = ProbeSettings(
        parse_target("imap", imap_address), parse_target("smtp", smtp_address), Trust(str(cafile)) if cafile else Trust(), timeout
    )
    return run_probe(settings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mailkb-probe-bench-"))
    certs = Certificates(folder)
    print(f"probe bench: loopback servers, {args.runs} runs each (Python {sys.version.split()[0]}, {ssl.OPENSSL_VERSION})")

    with ImapServer(certs.context()) as imap, SmtpServer(certs.context()) as smtp:
        assert probe(imap.address, smtp.address, certs.cafile).passed
        base = timed(lambda: direct(imap.address, smtp.address, certs.cafile), args.runs)
        ours = timed(lambda: probe(imap.address, smtp.address, certs.cafile), args.runs)
        print(f"  baseline, imaplib + smtplib directly, one after the other   {stats(base)}")
        print(f"  run_probe, all 13 steps pass (both servers at once)        {stats(ours)}")
        print(f"  ratio run_probe / baseline (medians)                        {statistics.median(ours) / statistics.median(base):.2f}")

    refused = timed(lambda: probe(f"127.0.0.1:{closed_port()}", f"127.0.0.1:{closed_port()}", certs.cafile), args.runs)
    print(f"  run_probe, both ports refused                               {stats(refused)}")

    with ImapServer(certs.context("unknown_ca")) as imap, SmtpServer(certs.context("unknown_ca")) as smtp:
        rogue = timed(lambda: probe(imap.address, smtp.address, certs.cafile), args.runs)
    print(f"  run_probe, unknown CA (a 2nd connection reads the cert)     {stats(rogue)}")

    with SilentServer() as silent:
        quiet = timed(lambda: probe(silent.address, silent.address, certs.cafile, timeout=1.0), max(3, args.runs // 10))
    print(f"  run_probe, silent servers, --timeout 1 (each waits 1 s)     {stats(quiet)}")

    command = [sys.executable, "-m", "mailkb"]
    with ImapServer(certs.context()) as imap, SmtpServer(certs.context()) as smtp:
        probe_cli = [*command, "probe", "--json", "--imap", imap.address, "--smtp", smtp.address, "--cafile", str(certs.cafile)]
        process = timed(lambda: subprocess.run(probe_cli, capture_output=True, check=True), max(3, args.runs // 5))
    version = timed(lambda: subprocess.run([*command, "--version"], capture_output=True, check=True), max(3, args.runs // 5))
    print(f"  process: mailkb --version                                   {stats(version)}")
    print(f"  process: mailkb probe --json (all pass)                     {stats(process)}")


if __name__ == "__main__":
    main()
