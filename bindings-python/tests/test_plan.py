"""plan(): the same plan as `rctopo plan`, typed errors, nothing secret in any of its forms."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import rocketchat_topology as rct

from conftest import CANARY, HOWTO, canary_text, failing_text, howto_text


def upgrade(tmp_path: Path, text: str | None = None) -> tuple[Path, Path]:
    """The how-to deployed at 7.10.0, and the same upgraded to 7.11.0."""
    current = tmp_path / "current.toml"
    desired = tmp_path / "desired.toml"
    current.write_text(text or howto_text())
    desired.write_text((text or howto_text()).replace('version = "7.10.0"', 'version = "7.11.0"'))
    return current, desired


def cli_plan(rctopo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(rctopo), "plan", *args], capture_output=True, text=True, timeout=120
    )


def test_upgrade_plan_matches_the_cli_json_and_text(rctopo: Path, tmp_path: Path) -> None:
    current, desired = upgrade(tmp_path)
    plan = rct.plan(rct.Topology.load(current), rct.Topology.load(desired), max_unavailable=1)
    args = ("--from", str(current), "--to", str(desired), "--max-unavailable", "1")
    as_json = cli_plan(rctopo, *args, "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    assert plan.to_dict() == json.loads(as_json.stdout)
    assert json.loads(plan.to_json()) == json.loads(as_json.stdout)
    as_text = cli_plan(rctopo, *args, "--format", "text")
    assert plan.to_text() == as_text.stdout


def test_shell_scripts_match_the_cli_byte_for_byte(rctopo: Path, tmp_path: Path) -> None:
    current, desired = upgrade(tmp_path)
    plan = rct.plan(rct.Topology.load(current), rct.Topology.load(desired))
    out = tmp_path / "scripts"
    done = cli_plan(
        rctopo, "--from", str(current), "--to", str(desired), "--format", "shell", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    on_disk = {p.name: p.read_text() for p in out.iterdir()}
    assert {s["name"]: s["text"] for s in plan.to_shell()} == on_disk
    assert any(s["rollback"] for s in plan.to_shell())


def test_steps_and_waves(tmp_path: Path) -> None:
    current, desired = upgrade(tmp_path)
    plan = rct.plan(rct.Topology.load(current), rct.Topology.load(desired), max_unavailable=1)
    steps = plan.steps
    assert steps and [s["id"] for s in steps] == list(range(1, len(steps) + 1))
    waves = plan.waves
    assert [s for wave in waves for s in wave] == steps
    assert all(len({s["wave"] for s in wave}) == 1 for wave in waves)
    # One instance at a time: each restart wave stops and starts one instance.
    started = [s["action"]["instance"] for s in steps if s["action"]["kind"] == "start_unit"]
    assert started == ["app1:3000", "app1:3001", "app1:3002"]
    assert plan.summary["to_version"] == "7.11.0"
    assert repr(plan).startswith(f"<Plan {len(steps)} step(s)")


def test_fresh_install_needs_no_current() -> None:
    plan = rct.plan(None, rct.Topology.load(HOWTO))
    kinds = {s["action"]["kind"] for s in plan.steps}
    assert {"write_file", "start_unit", "wait_healthy"} <= kinds


def test_policy_accepts_percentages_and_refuses_unknown_fields(tmp_path: Path) -> None:
    current, desired = upgrade(tmp_path)
    c, d = rct.Topology.load(current), rct.Topology.load(desired)
    assert rct.plan(c, d, max_unavailable="100%").steps
    # A misspelled keyword is a TypeError, as for any Python function.
    with pytest.raises(TypeError, match="max_unavailabel"):
        rct.plan(c, d, max_unavailabel=1)  # type: ignore[call-arg]
    with pytest.raises(rct.PlanError, match="intervl") as caught:
        rct.plan(c, d, health={"intervl": 5})  # type: ignore[typeddict-unknown-key]
    assert isinstance(caught.value, ValueError)
    # worded as the CLI and Node word it: the field path under `policy`
    with pytest.raises(rct.PlanError, match=r"^policy\.max_unavailable: `lots` is not a budget"):
        rct.plan(c, d, max_unavailable="lots")
    with pytest.raises(rct.PlanError, match=r"^commands\.nginx: "):
        rct.plan(c, d).to_shell(commands={"nginx": 3})


def test_zero_budget_is_refused_with_the_fix(tmp_path: Path) -> None:
    current, desired = upgrade(tmp_path)
    with pytest.raises(rct.PlanError, match="max_unavailable = 1"):
        rct.plan(
            rct.Topology.load(current), rct.Topology.load(desired), max_unavailable=0, max_surge=0
        )


def test_desired_with_errors_carries_its_diagnostics() -> None:
    with pytest.raises(rct.PlanError) as caught:
        rct.plan(rct.Topology.load(HOWTO), rct.Topology.from_str(failing_text()))
    # the errors that caused the refusal, as in Node: no warnings
    assert all(d.severity == "error" for d in caught.value.diagnostics)
    assert {d.code for d in caught.value.diagnostics} == {"T005", "T007"}


def test_plan_never_shows_the_password(tmp_path: Path) -> None:
    current, desired = upgrade(tmp_path, canary_text())
    plan = rct.plan(rct.Topology.load(current), rct.Topology.load(desired))
    everything = plan.to_json() + plan.to_text() + repr(plan) + json.dumps(plan.waves)
    everything += "".join(s["text"] for s in plan.to_shell()) + json.dumps(plan.summary)
    assert CANARY not in everything
