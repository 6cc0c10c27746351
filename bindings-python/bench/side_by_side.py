"""Side-by-side timings: the same work through the Python bindings and through the rctopo CLI.

    RCTOPO=target/debug/rctopo python bindings-python/bench/side_by_side.py [FILE] [--runs N]

Not a test: speed targets live in core/benches (criterion). This shows what a caller pays per
call from Python (in-process) against spawning the CLI, on the same topology.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Callable

import rocketchat_topology as rct

REPO = Path(__file__).resolve().parents[2]


def timed(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median and best wall time of `work`, in milliseconds."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), min(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(REPO / "examples" / "howto.toml"))
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    rctopo = os.environ.get("RCTOPO", str(REPO / "target" / "debug" / "rctopo"))
    topology = rct.Topology.load(args.file)
    can_render = not any(d.severity == "error" for d in topology.check())

    def cli(*argv: str) -> Callable[[], object]:
        return lambda: subprocess.run([rctopo, *argv], capture_output=True, check=False)

    rows: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("load + check", lambda: rct.Topology.load(args.file).report(),
         cli("check", "--format", "json", args.file)),
    ]
    if can_render:
        out = tempfile.mkdtemp(prefix="rctopo-bench-")
        rows.append(("load + render all", lambda: rct.Topology.load(args.file).render("all"),
                     cli("render", "--target", "all", "--out", out, args.file)))
        rows.append(("load + plan (fresh)", lambda: rct.plan(None, rct.Topology.load(args.file)).to_json(),
                     cli("plan", "--to", args.file, "--format", "json")))
    print(f"{args.file}, {args.runs} runs each (median / best, ms)")
    print(f"{'operation':<20} {'python':>16} {'cli':>16}")
    for name, py, sh in rows:
        p_med, p_min = timed(py, args.runs)
        c_med, c_min = timed(sh, args.runs)
        print(f"{name:<20} {p_med:>8.3f} / {p_min:<6.3f} {c_med:>8.3f} / {c_min:<6.3f}")


if __name__ == "__main__":
    main()
