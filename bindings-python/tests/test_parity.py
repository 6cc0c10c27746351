"""The bindings give exactly what the CLI gives: same diagnostics JSON, same rendered bytes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import rocketchat_topology as rct

from conftest import EXAMPLES, failing_text


def cli_check(rctopo: Path, path: Path) -> dict[str, object]:
    done = subprocess.run(
        [str(rctopo), "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode in (0, 1), done.stderr
    parsed: dict[str, object] = json.loads(done.stdout)
    return parsed


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_check_matches_the_cli(rctopo: Path, example: Path) -> None:
    assert rct.Topology.load(example).report() == cli_check(rctopo, example)


def test_errors_match_the_cli(rctopo: Path, tmp_path: Path) -> None:
    path = tmp_path / "failing.toml"
    path.write_text(failing_text())
    report = rct.Topology.load(path).report()
    assert report["errors"] == 2
    assert report == cli_check(rctopo, path)


def cli_render(rctopo: Path, example: Path, out: Path) -> dict[str, bytes]:
    """`rctopo render --target all --out DIR` writes DIR/<host>/<install path>."""
    done = subprocess.run(
        [str(rctopo), "render", "--target", "all", "--out", str(out), str(example)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return {
        str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_render_matches_the_cli_byte_for_byte(
    rctopo: Path, example: Path, tmp_path: Path
) -> None:
    topology = rct.Topology.load(example)
    if any(d.severity == "error" for d in topology.check()):
        # Both refuse: the CLI with a non-zero exit, the bindings with the diagnostics.
        with pytest.raises(rct.TopologyError) as caught:
            topology.render("all")
        assert caught.value.diagnostics == [d for d in topology.check() if d.severity == "error"]
        refused = subprocess.run(
            [str(rctopo), "render", "--target", "all", "--out", str(tmp_path), str(example)],
            capture_output=True,
            timeout=120,
        )
        assert refused.returncode != 0
        assert not any(tmp_path.iterdir())
        return
    files = topology.render("all")
    assert files, "render returned no files"
    ours = {f"{f.host}/{f.path.lstrip('/')}": f.contents.encode() for f in files}
    assert ours == cli_render(rctopo, example, tmp_path / "out")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_render_modes_match_the_cli(rctopo: Path, example: Path, tmp_path: Path) -> None:
    topology = rct.Topology.load(example)
    if any(d.severity == "error" for d in topology.check()):
        return  # covered by the byte-for-byte test: both refuse
    out = tmp_path / "out"
    cli_render(rctopo, example, out)
    for f in topology.render("all"):
        on_disk = out / f.host / f.path.lstrip("/")
        assert on_disk.stat().st_mode & 0o7777 == f.mode, f.path


def test_render_refuses_a_failing_topology_with_its_diagnostics() -> None:
    with pytest.raises(rct.TopologyError) as caught:
        rct.Topology.from_str(failing_text()).render("all")
    # the errors that caused the refusal, as in Node: no warnings
    assert all(d.severity == "error" for d in caught.value.diagnostics)
    assert {d.code for d in caught.value.diagnostics} == {"T005", "T007"}


def test_unknown_render_target_is_a_topology_error() -> None:
    with pytest.raises(rct.TopologyError, match="unknown target"):
        rct.Topology.load(EXAMPLES[0]).render("lighttpd")  # type: ignore[arg-type]


def test_drained_render_matches_the_cli(rctopo: Path, tmp_path: Path) -> None:
    example = EXAMPLES[[p.name for p in EXAMPLES].index("howto.toml")]
    out = tmp_path / "out"
    done = subprocess.run(
        [str(rctopo), "render", "--target", "nginx", "--drain", "app1:3001", "--out", str(out),
         str(example)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    topology = rct.Topology.load(example)
    drained = topology.render("nginx", drained=["app1:3001"])
    assert drained != topology.render("nginx")
    for f in drained:
        assert (out / f.host / f.path.lstrip("/")).read_text() == f.contents
    with pytest.raises(rct.TopologyError, match="app1:9999"):
        topology.render("nginx", drained=["app1:9999"])
