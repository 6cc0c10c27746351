"""Round trips through the public API: the three ways in, the layout, diagnostics, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rocketchat_topology as rct

from conftest import HOWTO, canary_text, failing_text, howto_dict, howto_text


def test_load_parse_and_dict_give_the_same_layout(tmp_path: Path) -> None:
    loaded = rct.Topology.load(HOWTO)
    parsed = rct.Topology.from_str(howto_text(), "toml")
    as_json = json.dumps(howto_dict())
    from_json = rct.Topology.from_str(as_json, format="json")
    from_dict = rct.Topology.from_dict(json.loads(as_json))
    json_file = tmp_path / "howto.json"
    json_file.write_text(as_json)
    from_file = rct.Topology.load(str(json_file))

    layouts = [t.layout() for t in (loaded, parsed, from_json, from_dict, from_file)]
    assert all(layout == layouts[0] for layout in layouts)
    assert [i["id"] for i in layouts[0]["instances"]] == ["app1:3000", "app1:3001", "app1:3002"]
    assert [i["tcp_port"] for i in layouts[0]["instances"]] == [4000, 4001, 4002]
    assert layouts[0]["hosts"][0]["runs_proxy"] is True


def test_yaml_is_read_too() -> None:
    text = (
        "site: {root_url: 'https://chat.example.com'}\n"
        "rocketchat: {version: '7.10.0', bundle: /opt/rc/bundle, node: /usr/bin/node, user: rc}\n"
        "mongo:\n  url: 'mongodb://db1:27017/rc?replicaSet=rs0'\n  version: '7.0'\n"
        "hosts:\n  - {name: app1, cores: 2, instances: 1}\n"
    )
    t = rct.Topology.from_str(text, "yaml")
    assert [i["port"] for i in t.layout()["instances"]] == [3000]


def test_layout_redacts_a_mongo_url_with_a_password() -> None:
    def env_of(topology: rct.Topology) -> dict[str, str]:
        return {e["name"]: e["value"] for e in topology.layout()["instances"][0]["env"]}

    with_password = env_of(rct.Topology.from_str(canary_text()))
    assert with_password["MONGO_URL"] == "***"
    assert with_password["PORT"] == "3000"
    assert with_password["ROOT_URL"] == "https://chat.example.com"
    # Without credentials the URL is no secret, and shows as written.
    plain = env_of(rct.Topology.load(HOWTO))
    assert plain["MONGO_URL"] == "mongodb://localhost:27017/rocketchat?replicaSet=rs0"


def test_diagnostics_are_objects_with_every_attribute() -> None:
    topology = rct.Topology.from_str(failing_text())
    diagnostics = topology.check()
    errors = [d for d in diagnostics if d.severity == "error"]
    assert {d.code for d in errors} == {"T005", "T007"}
    duplicate = next(d for d in errors if d.code == "T005")
    assert duplicate.name == "duplicate-port"
    assert duplicate.path == "hosts[0].ports[1]"
    assert "3000" in duplicate.message
    assert duplicate.help
    assert duplicate.location is not None and duplicate.location[0] > 1
    assert repr(duplicate).startswith("<Diagnostic error T005 duplicate-port at hosts[0].ports[1]: ")
    assert str(duplicate).startswith("error[T005] duplicate-port: hosts[0].ports[1]: ")
    assert duplicate == topology.check()[diagnostics.index(duplicate)]
    assert len(set(diagnostics)) == len(diagnostics)
    assert duplicate.to_dict()["code"] == "T005"


def test_report_counts_match_the_diagnostics() -> None:
    report = rct.Topology.from_str(failing_text()).report()
    assert report["errors"] == 2
    assert [d["code"] for d in report["diagnostics"]][:2] == ["T005", "T007"]


def test_the_example_has_no_errors() -> None:
    assert [d for d in rct.Topology.load(HOWTO).check() if d.severity == "error"] == []


def test_syntax_error_names_line_and_column() -> None:
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.from_str("[site]\nroot_url = = 1\n")
    assert isinstance(caught.value, ValueError)
    assert caught.value.location is not None and caught.value.location[0] == 2
    assert caught.value.diagnostics == []
    assert "syntax" in str(caught.value)


def test_field_error_names_the_field_and_suggests_a_fix() -> None:
    bad = howto_text().replace("base_port = 3000", "base_prot = 3000")
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.from_str(bad)
    assert caught.value.path is not None and caught.value.path.startswith("hosts[0]")
    assert "did you mean `base_port`" in str(caught.value)
    assert caught.value.location is not None


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.load(missing)
    assert caught.value.file == str(missing)
    assert str(missing) in str(caught.value)
    odd = tmp_path / "topology.ini"
    odd.write_text("x")
    with pytest.raises(rct.TopologyError, match="unknown file type"):
        rct.Topology.load(odd)


def test_unknown_format_is_a_topology_error() -> None:
    with pytest.raises(rct.TopologyError, match="expected toml, yaml or json"):
        rct.Topology.from_str(howto_text(), "ini")  # type: ignore[arg-type]


def test_from_dict_refuses_what_is_not_plain_data() -> None:
    with pytest.raises(rct.TopologyError, match="not plain data"):
        rct.Topology.from_dict({"site": {1: object()}})
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.from_dict({"site": {"root_url": "https://x"}})
    assert caught.value.path == "rocketchat"


def test_exceptions_are_value_errors() -> None:
    for error in (rct.TopologyError, rct.MongoUrlError, rct.PlanError):
        assert issubclass(error, ValueError)
        assert error.__module__ == "rocketchat_topology"


def test_a_panic_becomes_internal_error_not_a_crash() -> None:
    with pytest.raises(rct.InternalError, match="deliberate panic"):
        rct._native._panic_for_test()


def test_json_schema_describes_the_file() -> None:
    schema = rct.Topology.json_schema()
    assert {"site", "rocketchat", "mongo", "hosts"} <= set(schema["properties"])


def test_repr_is_readable() -> None:
    assert repr(rct.Topology.load(HOWTO)) == (
        f"<Topology 1 host(s), 3 instance(s) from {HOWTO}>"
    )


def test_unset_environment_variable_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RC_MONGO_PASSWORD")
    production = HOWTO.parent / "production.toml"
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.load(production)
    assert "RC_MONGO_PASSWORD" in str(caught.value)
    assert caught.value.path == "mongo.url"
    assert caught.value.location is not None
