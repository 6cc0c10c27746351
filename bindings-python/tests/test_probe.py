"""`Topology.probe` against replica sets scripted with MockupDB (tests/mockupdb/replset.py) in
this very process: the servers are Python threads, so they can answer only because the probe
releases the GIL while it waits. The Rust driver talks to them over real TCP on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
import rocketchat_topology as rct

from pathlib import Path

from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "mockupdb"))
replset = pytest.importorskip("replset", reason="mockupdb is not installed in this venv")


def codes(report: Any) -> set[tuple[str, str]]:
    return {(d["code"], d["severity"]) for d in report["diagnostics"]}


def probe(name: str, timeout: float = 1.5) -> Any:
    with replset.scenario(name) as s:
        return rct.Topology.from_str(s.topology_toml).probe(timeout=timeout)


def test_healthy_set() -> None:
    report = probe("healthy")
    assert report["errors"] == 0, report
    assert [m["state"] for m in report["members"]] == ["PRIMARY", "SECONDARY", "SECONDARY"]
    assert report["members"][0]["version"] == "7.0.14"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("no-primary", {("L001", "error"), ("L004", "error"), ("L007", "warning"), ("L017", "error")}),
        ("member-missing", {("L005", "error")}),
        ("oplog-unauthorized", {("L014", "error")}),
        ("restricted-user", {("L013", "error")}),
    ],
)
def test_broken_sets_are_described(name: str, expected: set[tuple[str, str]]) -> None:
    assert codes(probe(name)) == expected


def test_same_report_as_the_cli(rctopo: Path, tmp_path: Path) -> None:
    with replset.scenario("version-mismatch") as s:
        path = tmp_path / "topology.toml"
        path.write_text(s.topology_toml, encoding="utf-8")
        from_python = rct.Topology.load(path).probe(timeout=1.5)
        out = subprocess.run(
            [str(rctopo), "probe", str(path), "--timeout", "1.5", "--format", "json"],
            capture_output=True, text=True, timeout=60,
        )
    assert json.loads(out.stdout) == from_python


def test_auth_failure_never_shows_the_password() -> None:
    report = probe("auth-failure")
    assert ("L002", "error") in codes(report)
    assert replset.CANARY not in repr(report)


def test_other_threads_run_while_it_waits() -> None:
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.01)

    counter = threading.Thread(target=count)
    counter.start()
    start = time.monotonic()
    report = probe("timeout", timeout=1.0)
    stop.set()
    counter.join()
    assert ("L001", "error") in codes(report)
    assert time.monotonic() - start < 5
    assert ticks > 30, ticks  # ~100 if the GIL was free during the 1 s wait


def test_bad_timeout_and_unusable_url() -> None:
    topology = rct.Topology.from_str(
        replset.topology_toml({"rocketchat": "7.10.0", "version": "7.0", "oplog_url": None,
                               "url": "mongodb://rc:pw@127.0.0.1:1/rc?w=banana&journal=maybe",
                               "members": [], "arbiters": []}))
    with pytest.raises(ValueError, match="timeout"):
        topology.probe(timeout=0)
    with pytest.raises(rct.TopologyError, match="mongo.url"):
        topology.probe(timeout=1)
