"""HTTP API load test: 32 concurrent clients for 60 s against `mailkb api --workers 2` (Debian's wrk), printed beside the
in-process `diagnose()` rate measured in the same run. Figures are printed, never asserted.

Two phases, each against a fresh server:
- engine: the answer cache off and 2,000 distinct queries, so every request runs the engine;
- cached: the default settings and 500 queries that recur (each worker's LRU holds them all after the warm-up, which
  runs until the rate settles).
The server's memory (RSS of each worker) is read after a warm-up and again once 100,000 requests have been served.
On a 2-core machine wrk, the server and anything else running share the cores: compare the ratios of one run.

    .venv/bin/python bench/api_load.py [--quick] [--duration 60] [--connections 32] [--workers 2] [--threads 0]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from engine_bench import make_queries, real_kb

from mailkb import diagnose
from mailkb.questions import use_numpy

TARGET_REQUESTS = 100_000
LUA = """
local bodies = {%s}
local counter = 0
local headers = {["Content-Type"] = "application/json"}
function setup(thread) thread:set("id", counter); counter = counter + 1 end
function init(args) n = id * 7919 end
function request() n = n %% #bodies + 1; return wrk.format("POST", "/v1/diagnose", headers, bodies[n]) end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,"timeout":%%d,'
    .. '"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d}\\n', summary.requests, summary.duration, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def lua_script(queries: list[dict], folder: Path) -> Path:
    bodies = ",".join(f"[==[{json.dumps(q, ensure_ascii=False)}]==]" for q in queries)
    path = folder / "diagnose.lua"
    path.write_text(LUA % bodies, encoding="utf-8")
    return path


def in_process_rate(kb, queries: list[dict], seconds: float) -> dict[str, float]:
    """diagnose() in this process, one thread, no cache: queries per second and per-call latency."""
    for query in queries[:50]:
        diagnose(query, kb=kb)
    times: list[float] = []
    cpu_started = time.process_time()
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        query = queries[len(times) % len(queries)]
        t0 = time.perf_counter()
        diagnose(query, kb=kb)
        times.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    cpu_ms = (time.process_time() - cpu_started) * 1000 / len(times)
    times.sort()
    return {
        "qps": len(times) / elapsed,
        "cpu_ms": cpu_ms,
        "p50_ms": statistics.median(times) * 1000,
        "p99_ms": times[int(len(times) * 0.99)] * 1000,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used (robust against other load on the machine, unlike wall time)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """`mailkb api` in a child process, its JSON log in a file."""

    def __init__(self, folder: Path, workers: int, threads: int, *options: str):
        self.port = free_port()
        self.log = folder / f"server-{self.port}.log"
        command = [sys.executable, "-m", "mailkb", "api", "--port", str(self.port), "--workers", str(workers), "--threads", str(threads)]
        with self.log.open("wb") as stderr:
            self.process = subprocess.Popen([*command, *options], stdout=subprocess.DEVNULL, stderr=stderr)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as response:
                    if response.status == 200 and len(self.workers()) >= workers:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"mailkb api did not start: {self.log.read_text()[-2000:]}")

    def workers(self) -> list[int]:
        """The worker processes (uvicorn spawns them; with one worker the server is the process itself)."""
        spawned = [pid for pid in children(self.process.pid) if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
        return spawned or [self.process.pid]

    def rss(self) -> list[float]:
        return [round(rss_mb(pid), 1) for pid in sorted(self.workers())]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.workers())

    def logged_requests(self) -> int:
        return sum(1 for line in self.log.read_text(encoding="utf-8").splitlines() if '"mailkb.api.access"' in line)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wrk(url: str, script: Path, seconds: float, connections: int) -> dict[str, Any]:
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK "))
    result = json.loads(line[4:])
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def warm_up(url: str, script: Path, args: argparse.Namespace) -> None:
    """Load the server until its rate settles (at most 60 s): the workers have imported everything and, with the
    cache on, each worker's LRU holds every recurring query; until then a miss runs the engine for ~15 ms while
    the requests queued behind it wait, which is the warm-up's tail, not the cache's."""
    start, previous = time.monotonic(), 0.0
    while True:
        rate = wrk(url, script, args.warmup, args.connections)["rps"]
        if rate <= previous * 1.1 or time.monotonic() - start > 60:
            return
        previous = rate


def phase(name: str, folder: Path, queries: list[dict], args: argparse.Namespace, *options: str) -> dict[str, Any]:
    script = lua_script(queries, folder)
    server = Server(folder, args.workers, args.threads, *options)
    try:
        warm_up(server.url, script, args)
        before = server.rss()
        served_before, cpu_before = server.logged_requests(), server.cpu()
        result = wrk(server.url, script, args.duration, args.connections)
        after_run = server.rss()
        served = server.logged_requests() - served_before
        result["cpu_ms"] = (server.cpu() - cpu_before) * 1000 / max(served, 1)
        while served < args.requests:  # top up to the memory target (not part of the timed figures)
            wrk(server.url, script, min(60, max(2, (args.requests - served) / max(result["rps"], 1))), args.connections)
            served = server.logged_requests() - served_before
        result.update(name=name, rss_before=before, rss_after_run=after_run, rss_after=server.rss(), served=served)
    finally:
        server.stop()
    return result


def report(run: dict[str, Any], baseline: dict[str, float], args: argparse.Namespace) -> str:
    per_worker = run["rps"] / args.workers
    errors = f"connect {run['connect']}, read {run['read']}, write {run['write']}, non-2xx {run['status']}, timeout {run['timeout']}"
    lines = [
        f"\n## {run['name']}",
        f"  requests/s      {run['rps']:.0f} ({per_worker:.0f} per worker = {per_worker / baseline['qps']:.2f}× the in-process rate)",
        f"  server CPU      {run['cpu_ms']:.2f} ms per request ({run['cpu_ms'] / baseline['cpu_ms']:.2f}× the in-process CPU per diagnosis)",
        f"  latency         p50 {run['p50_us'] / 1000:.2f} ms · p90 {run['p90_us'] / 1000:.2f} ms · p99 {run['p99_us'] / 1000:.2f} ms",
        f"  errors          {run['errors']} of {run['requests']} requests ({errors})",
        f"  worker RSS, MB  after warm-up {run['rss_before']} · after the {args.duration:g} s run {run['rss_after_run']}"
        f" · after {run['served']:,} requests {run['rss_after']}",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 s phases and 5,000 requests for the memory figure (a smoke run)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of each timed phase (default 60)")
    parser.add_argument(
        "--requests", type=int, default=TARGET_REQUESTS, help=f"requests served before memory is read again (default {TARGET_REQUESTS:,})"
    )
    parser.add_argument("--connections", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=0, help="engine threads per worker (default 0, as `mailkb api`)")
    parser.add_argument("--phases", default="engine,cached", help="which phases to run (default both)")
    args = parser.parse_args()
    use_numpy()  # the in-process baseline scores questions as the server's workers do
    args.warmup = 5.0
    if args.quick:
        args.duration, args.warmup, args.requests = min(args.duration, 5.0), 2.0, 5_000
    if shutil.which("wrk") is None:
        raise SystemExit("api_load: needs Debian's wrk (`make bench` installs it, or apt-get install wrk)")

    kb, status = real_kb()
    distinct = make_queries(kb, 2000)
    recurring = make_queries(kb, 500, seed=2)
    baseline = in_process_rate(kb, distinct, 3.0 if args.quick else 10.0)
    print(f"# HTTP API load — python {sys.version.split()[0]}, {os.cpu_count()} cores, real KB {status}")
    print(f"wrk -t2 -c{args.connections} -d{args.duration:g}s against `mailkb api --workers {args.workers} --threads {args.threads}`")
    print(
        f"in-process diagnose(), one thread, no cache: {baseline['qps']:.0f} q/s "
        f"(p50 {baseline['p50_ms']:.2f} ms, p99 {baseline['p99_ms']:.2f} ms, CPU {baseline['cpu_ms']:.2f} ms per diagnosis)"
    )
    with tempfile.TemporaryDirectory(prefix="mailkb-api-load-") as tmp:
        folder = Path(tmp)
        runs = []
        if "engine" in args.phases:
            runs.append(phase("engine (no cache, 2,000 distinct queries)", folder, distinct, args, "--cache-size", "0"))
        if "cached" in args.phases:
            runs.append(phase("cached (default LRU, 500 recurring queries)", folder, recurring, args))
    for run in runs:
        print(report(run, baseline, args))


if __name__ == "__main__":
    main()
