"""MongoDB URL parsing, side by side: this package's `MongoUrl.parse` against pymongo's
`pymongo.uri_parser.parse_uri`, on the same corpus (bench/urls.jsonl, the generated parity
corpus: every URL Rocket.Chat's driver is compared with, spec-test URLs excepted). Prints each
tool's microseconds per URL, for accepted and rejected URLs apart, and the ratios.

    pip install ./bindings-python "pymongo>=4,<5"
    python bench/python_vs_pymongo.py [--rounds 9]

Only non-SRV URLs are timed: pymongo resolves `mongodb+srv://` hosts through DNS while parsing.
Each figure is the best of `--rounds` passes over the corpus, one process.
"""

from __future__ import annotations

import argparse
import gc
import json
import time
import warnings
from pathlib import Path
from typing import Callable

import rocketchat_topology as rct
from pymongo import uri_parser

CORPUS = Path(__file__).resolve().parent / "urls.jsonl"


def load_corpus() -> list[str]:
    urls = [json.loads(line) for line in CORPUS.read_text().splitlines() if line]
    return [u for u in urls if not u.lower().startswith("mongodb+srv")]


def ours(url: str) -> bool:
    try:
        rct.MongoUrl.parse(url)
        return True
    except rct.MongoUrlError:
        return False


def pymongo(url: str) -> bool:
    try:
        uri_parser.parse_uri(url, warn=True)
        return True
    except Exception:  # pymongo raises InvalidURI, ConfigurationError, ValueError, ...
        return False


def per_url(parse: Callable[[str], bool], urls: list[str], rounds: int) -> float:
    """Best microseconds per URL over `rounds` passes."""
    if not urls:
        return float("nan")
    best = float("inf")
    # As timeit does: no garbage collection while timed. The first set timed otherwise paid for
    # collecting what loading the corpus left (3.6 us/URL measured as 6.2).
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            start = time.perf_counter()
            for url in urls:
                parse(url)
            best = min(best, time.perf_counter() - start)
    finally:
        gc.enable()
    return best / len(urls) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    # pymongo warns (UserWarning) about unknown and deprecated options; printing those would
    # flood the output and count terminal writes against pymongo.
    warnings.simplefilter("ignore")
    urls = load_corpus()
    accepted = [u for u in urls if ours(u)]
    rejected = [u for u in urls if not ours(u)]
    print(f"{len(urls)} URLs (non-SRV) from {CORPUS.name}: {len(accepted)} accepted, "
          f"{len(rejected)} rejected by rocketchat_topology")
    print(f"{'set':<10}{'rocketchat_topology us/URL':>28}{'pymongo us/URL':>18}{'ratio':>9}")
    for name, subset in [("all", urls), ("accepted", accepted), ("rejected", rejected)]:
        a = per_url(ours, subset, args.rounds)
        b = per_url(pymongo, subset, args.rounds)
        print(f"{name:<10}{a:>28.2f}{b:>18.2f}{b / a:>8.1f}x")


if __name__ == "__main__":
    main()
