"""Bad input of every kind gives an exception, never a crash of the interpreter. Each batch runs
in a child interpreter so an abort or a segfault fails the test instead of killing pytest."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import howto_text

CHILD = textwrap.dedent(
    """
    import random, sys
    import rocketchat_topology as rct

    seed_text = sys.stdin.read()
    rng = random.Random(20261125)
    outcomes = {"ok": 0, "TopologyError": 0}

    def attempt(call):
        try:
            call()
            outcomes["ok"] += 1
        except rct.TopologyError:
            outcomes["TopologyError"] += 1

    def mutate(text):
        chars = list(text)
        for _ in range(rng.randint(1, 8)):
            pos = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                del chars[pos]
            elif op < 0.8:
                chars.insert(pos, rng.choice('[]{}"=,.:\\n\\x00\\u00e9$9-#'))
            else:
                chars[pos] = chr(rng.randrange(0x20, 0x2FFF))
        return "".join(chars)

    for _ in range(400):
        text = mutate(seed_text)
        for fmt in ("toml", "yaml", "json"):
            attempt(lambda: rct.Topology.from_str(text, fmt))
    for value in [None, 1, "x", [], {}, {"hosts": "x"}, {"site": []}, {"site": {"root_url": 10**40}},
                  {"hosts": [{"name": "a", "cores": -1}]}, {"hosts": [{"ports": [1e308]}]}]:
        attempt(lambda: rct.Topology.from_dict(value))
    for text in ["", "\\x00", "\\ufeff", "[[hosts]]\\n" * 2000, "a:\\n" * 3 + " - " * 500]:
        for fmt in ("toml", "yaml", "json"):
            attempt(lambda: rct.Topology.from_str(text, fmt))
    # Whatever loads must also check and lay out without error.
    for _ in range(200):
        text = mutate(seed_text)
        try:
            t = rct.Topology.from_str(text)
        except rct.TopologyError:
            continue
        t.check(); t.layout(); t.report()
        for target in ("all", "systemd", "nginx", "apache", "haproxy", "mongod", "mermaid"):
            attempt(lambda: t.render(target))
    print(outcomes)
    """
)


def test_mutated_and_hostile_input_never_crashes() -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        input=howto_text(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "TopologyError" in done.stdout
