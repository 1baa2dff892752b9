"""Classroom load test: N real Streamlit sessions over the websocket, each changing a
control every few seconds, on loopback only and for a bounded time.  Plain HTTP load
never runs the script; this speaks Streamlit's own protocol (BackMsg / ForwardMsg
protobufs on /_stcore/stream).

python benchmarks/load.py --sessions 30 --seconds 60            # starts its own server
python benchmarks/load.py --sessions 100 --seconds 60
python benchmarks/load.py --sessions 30 --seconds 600 --soak    # memory every 30 s
python benchmarks/load.py --url http://127.0.0.1:8080 ...
# an existing server (e.g. nginx in front)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import sys
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser_util import cpu_seconds as process_cpu_seconds  # noqa: E402
from browser_util import streamlit_process  # noqa: E402

EXCEPTIONS: list[str] = []
# "slider": values of the app's log slider (101 positions, as students pick them; cached
# runs are shared by sessions).  "distinct": a new typed value every time (every change
# is a cache miss).
SLIDER_RATES = [
    float(f"{v:.3g}") for v in (10 ** (k / 20 - 4) for k in range(101)) if v < 0.8
]


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the server processes have used so far (a process gone
    counts nothing)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += process_cpu_seconds(pid)
    return total


def find_widget_ids(msg: ForwardMsg, ids: dict[str, str]) -> None:
    if (
        msg.WhichOneof("type") != "delta"
        or msg.delta.WhichOneof("type") != "new_element"
    ):
        return
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    widget = getattr(element, kind) if kind else None
    wid = getattr(widget, "id", "")
    if isinstance(wid, str) and wid.startswith("$$ID"):
        ids[wid.rsplit("-", 1)[-1]] = wid


def exception_text(msg: ForwardMsg) -> str | None:
    """The message of an exception element the script sent, if this is one."""
    if (
        msg.WhichOneof("type") == "delta"
        and msg.delta.WhichOneof("type") == "new_element"
        and msg.delta.new_element.WhichOneof("type") == "exception"
    ):
        e = msg.delta.new_element.exception
        return f"{e.type}: {e.message}"[:200]
    return None


async def run_script(
    ws, lr_id: str | None, lr: float | None, ids: dict
) -> tuple[float, bool]:
    """Send one rerun; wait for script_finished.  Returns (seconds, had_exception)."""
    back = BackMsg()
    back.rerun_script.query_string = ""
    if lr_id is not None:
        w = back.rerun_script.widget_states.widgets.add()
        w.id = lr_id
        w.double_value = lr
    t0 = time.perf_counter()
    await ws.send(back.SerializeToString())
    error = False
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        find_widget_ids(msg, ids)
        if text := exception_text(msg):
            error = True
            EXCEPTIONS.append(text)
        if msg.WhichOneof("type") == "script_finished":
            return time.perf_counter() - t0, error


def next_rate(mode: str) -> float:
    return (
        random.choice(SLIDER_RATES)
        if mode == "slider"
        else round(random.uniform(0.001, 0.7), 9)
    )


async def until_next_tick(interval: float, sync: bool) -> None:
    """Spread: wait one interval.  Synchronized (a class on the teacher's word): wait
    for the next shared tick of the clock, so every session changes its control at the
    same moment.
    """
    await asyncio.sleep(interval - time.time() % interval if sync else interval)


async def student(
    url: str, until: float, interval: float, stats: dict, mode: str, sync: bool = False
) -> None:
    ws_url = url.replace("http", "ws", 1) + "/_stcore/stream"
    try:
        async with websockets.connect(
            ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=30
        ) as ws:
            ids: dict[str, str] = {}
            latency, error = await run_script(ws, None, None, ids)
            stats["first"].append(latency)
            stats["errors"] += error
            await (
                until_next_tick(interval, sync)
                if sync
                else asyncio.sleep(random.uniform(0, interval))
            )
            while time.perf_counter() < until:
                latency, error = await run_script(
                    ws, ids.get("learning_rate"), next_rate(mode), ids
                )
                stats["change"].append(latency)
                stats["errors"] += error
                await until_next_tick(interval, sync)
    # a dropped or refused session is an error of the run, counted and shown
    except Exception as exc:
        stats["errors"] += 1
        stats["failures"].append(repr(exc)[:120])


async def load(
    url: str,
    sessions: int,
    seconds: float,
    interval: float,
    pids: list[int],
    soak: bool,
    mode: str,
    sync: bool,
) -> dict:
    stats: dict = {"first": [], "change": [], "errors": 0, "failures": [], "memory": []}
    until = time.perf_counter() + seconds
    tasks = [
        asyncio.create_task(student(url, until, interval, stats, mode, sync))
        for _ in range(sessions)
    ]
    start = time.perf_counter()
    while not all(t.done() for t in tasks):
        await asyncio.sleep(30 if soak else 5)
        stats["memory"].append((round(time.perf_counter() - start), rss_mb(pids)))
    return stats


def pct(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=100)[q - 1]
        if len(values) >= 2
        else (values[0] if values else float("nan"))
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument(
        "--interval",
        type=float,
        default=2.0,
        help="seconds between a session's control changes",
    )
    ap.add_argument(
        "--url", help="an existing server (only loopback addresses are allowed)"
    )
    ap.add_argument(
        "--pids", default="", help="server process ids to measure memory of, with --url"
    )
    ap.add_argument(
        "--soak", action="store_true", help="memory every 30 s instead of every 5 s"
    )
    ap.add_argument(
        "--mode",
        choices=["slider", "distinct"],
        default="slider",
        help="how students pick rates",
    )
    ap.add_argument(
        "--sync",
        action="store_true",
        help="every session changes at the same moment (a class)",
    )
    args = ap.parse_args()
    if args.url and not args.url.startswith(
        ("http://127.", "http://localhost", "http://[::1]")
    ):
        sys.exit("load.py only targets this machine (loopback)")
    with contextlib.ExitStack() as own_server:  # stopped when the load is over
        if args.url is None:
            url, proc = own_server.enter_context(streamlit_process())
            pids = [proc.pid]
        else:
            url, pids = args.url, [int(p) for p in args.pids.split(",") if p]
        before, cpu_before = rss_mb(pids), cpu_seconds(pids)
        t0 = time.perf_counter()
        stats = asyncio.run(
            load(
                url,
                args.sessions,
                args.seconds,
                args.interval,
                pids,
                args.soak,
                args.mode,
                args.sync,
            )
        )
        wall = time.perf_counter() - t0
        cpu = cpu_seconds(pids) - cpu_before
    runs = len(stats["first"]) + len(stats["change"])
    print(
        f"{args.sessions} sessions, {args.seconds:.0f} s, a learning-rate change every"
        f" {args.interval:g} s per session ({args.mode} values,"
        f" {'all at the same moment' if args.sync else 'spread over time'}),"
        f" {len(pids)} server process(es)"
    )
    print(f"  runs: {runs} ({runs / wall:.1f}/s), errors: {stats['errors']}")
    if pids and runs:
        print(
            f"  server CPU: {cpu * 1e3 / runs:.0f} ms per run, {cpu / wall:.0%} of one"
            " core"
        )
    if stats["change"]:
        ch = stats["change"]
        print(
            f"  control change -> script finished: p50 {pct(ch, 50) * 1e3:.0f} ms, "
            f"p95 {pct(ch, 95) * 1e3:.0f} ms, max {max(ch) * 1e3:.0f} ms"
        )
    if stats["first"]:
        print(
            f"  first page load: p50 {pct(stats['first'], 50) * 1e3:.0f} ms, p95"
            f" {pct(stats['first'], 95) * 1e3:.0f} ms"
        )
    mem = stats["memory"]
    if pids:
        print(
            f"  server memory: {before:.0f} MB before, "
            + ", ".join(f"{t}s {m:.0f}" for t, m in mem[-8:])
            + " MB"
        )
    for failure in stats["failures"][:5]:
        print("  failure:", failure)
    for text in sorted(set(EXCEPTIONS))[:5]:
        print("  exception in the app:", text)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
