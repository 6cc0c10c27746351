"""The redaction canary: a password never appears in anything the bindings print or return,
except the contents of an owner-only (0600) environment file, which must hold it."""

from __future__ import annotations

import json

import pytest
import rocketchat_topology as rct

from conftest import CANARY, CANARY_TOKEN, EXAMPLES, canary_text

SECRETS = (CANARY, CANARY_TOKEN)


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"secret leaked through {where}"


def test_topology_layout_and_diagnostics_never_show_the_password() -> None:
    topology = rct.Topology.from_str(canary_text())
    assert_clean(repr(topology), "repr(Topology)")
    assert_clean(json.dumps(topology.layout()), "layout()")
    assert_clean(json.dumps(topology.report()), "report()")
    for d in topology.check():
        assert_clean(repr(d) + str(d) + json.dumps(d.to_dict()), f"diagnostic {d.code}")
    env = {e["name"]: e["value"] for e in topology.layout()["instances"][0]["env"]}
    assert env["MONGO_URL"] == "***"
    assert env["ADMIN_PASSWORD"] == "***"


def test_errors_never_show_the_password() -> None:
    broken = canary_text().replace("[proxy]", "[proxy]\nbogus = 1", 1)
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.from_str(broken)
    assert_clean(str(caught.value) + repr(caught.value), "TopologyError")
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.from_str(canary_text() + "\n[[hosts]]\nname = 1\n")
    assert_clean(str(caught.value) + repr(caught.value), "TopologyError")


def test_rendered_files_hold_the_password_only_in_owner_only_files() -> None:
    files = rct.Topology.from_str(canary_text()).render("all")
    holders = [f for f in files if CANARY in f.contents]
    assert holders, "no rendered file carries MONGO_URL"
    for f in files:
        assert_clean(repr(f), "repr(RenderedFile)")
        if any(secret in f.contents for secret in SECRETS):
            assert f.mode & 0o077 == 0, f"{f.path} holds a secret with mode {f.mode:o}"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_never_show_their_password(example: object) -> None:
    topology = rct.Topology.load(str(example))
    assert_clean(repr(topology) + json.dumps(topology.layout()), f"{example}")
    assert_clean(json.dumps(topology.report()), f"{example} report")
    try:
        files = topology.render("all")
    except rct.TopologyError as error:
        assert_clean(str(error) + repr(error.diagnostics), f"{example} render error")
        return
    for f in files:
        if CANARY in f.contents:
            assert f.mode & 0o077 == 0, f"{f.path} holds a secret with mode {f.mode:o}"
