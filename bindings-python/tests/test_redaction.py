"""The redaction canary: a password never appears in anything the bindings print or return,
except the contents of an owner-only (0600) environment file, which must hold it."""

from __future__ import annotations

import json

import pytest
import rocketchat_topology as rct

from conftest import CANARY, CANARY_TOKEN, EXAMPLES, REPO, canary_text, howto_dict

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


# Every place a secret may live (shared with the core and CLI canary tests).
PLACEMENTS = json.loads((REPO / "core/tests/fixtures/secret_placements.json").read_text())


def placement_cases() -> list[tuple[list[object], str, str | None]]:
    """(field, value, how check_mongo_urls takes it: "url", "oplog" or None)."""
    canary = PLACEMENTS["canary"]
    secrets = [s.replace("{canary}", canary) for s in PLACEMENTS["secrets"]]
    cases = []
    for p in PLACEMENTS["placements"]:
        for secret in secrets[:1] if p.get("simple_secrets_only") else secrets:
            cases.append((p["field"], p["value"].replace("{secret}", secret), p.get("mongo_url")))
    return cases


def with_value(field: list[object], value: str) -> dict[str, object]:
    topology: dict[str, object] = howto_dict()
    at: object = topology
    for key in field[:-1]:
        at = at[key] if isinstance(key, int) else at.setdefault(key, {})  # type: ignore[index,union-attr]
    at[field[-1]] = value  # type: ignore[index]
    return topology


@pytest.mark.parametrize("field,value,mongo_url", placement_cases())
def test_a_secret_in_any_place_shows_nowhere(
    field: list[object], value: str, mongo_url: str | None
) -> None:
    canary = PLACEMENTS["canary"]

    def clean(text: str, where: str) -> None:
        assert canary not in text, f"{field} = {value!r}: the canary shows in {where}: {text}"

    try:
        topology = rct.Topology.from_dict(with_value(field, value), expand_env=False)
    except rct.TopologyError as error:
        clean(str(error) + repr(error) + repr(error.diagnostics), "TopologyError")
        return
    clean(repr(topology) + json.dumps(topology.layout()), "layout()")
    clean(json.dumps(topology.report()), "report()")
    for d in topology.check():
        clean(repr(d) + str(d) + json.dumps(d.to_dict()), f"diagnostic {d.code}")
    try:
        files = topology.render("all")
    except rct.TopologyError as error:
        clean(str(error) + repr(error) + repr(error.diagnostics), "the render error")
    else:
        for f in files:
            clean(repr(f), "repr(RenderedFile)")
            if f.mode & 0o077:
                clean(f.contents, f"{f.host}:{f.path} (mode {f.mode:o})")
    try:
        plan = rct.plan(None, topology)
    except rct.PlanError as error:
        clean(str(error) + repr(error) + repr(error.diagnostics), "PlanError")
    else:
        clean(plan.to_text() + json.dumps(plan.to_dict()), "the plan")
    if mongo_url is not None:
        plain = "mongodb://localhost:27017/rocketchat?replicaSet=rs0"
        urls = (plain, value) if mongo_url == "oplog" else (value, None)
        clean(json.dumps(rct.check_mongo_urls(*urls)), "check_mongo_urls()")
        try:
            url = rct.MongoUrl.parse(value)
            clean(str(url) + repr(url), "MongoUrl")
        except rct.MongoUrlError as error:
            clean(str(error) + repr(error), "MongoUrlError")


def test_from_dict_reads_the_environment_only_where_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEK", "l3aked-sek")
    leaky = howto_dict()
    leaky["site"] = {"root_url": "${SEK}"}
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.from_dict(leaky)
    assert "RCTOPO_ALLOW_ENV" in str(caught.value)
    assert "l3aked" not in str(caught.value) + repr(caught.value)
    # A secret field may read it; with expand_env=False nothing is read at all.
    mongo = howto_dict()
    mongo["mongo"]["url"] = "mongodb://rc:${SEK}@localhost:27017/rocketchat?replicaSet=rs0"  # type: ignore[index]
    files = rct.Topology.from_dict(mongo).render("systemd")
    assert any("l3aked-sek" in f.contents for f in files)
    # Taken as written, the `$` of `${SEK}` is what the S016 rule refuses in an environment file.
    literal = rct.Topology.from_dict(mongo, expand_env=False).check()
    assert any(d.code == "S016" and d.path == "mongo.url" for d in literal)
