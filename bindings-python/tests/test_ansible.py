"""The Ansible collection as users install it: built with `ansible-galaxy collection build`,
installed from the tarball, its module run for real by `ansible-playbook -i localhost, -c local`
(by its FQCN, rocketchat.topology.topology) against temp dirs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import rocketchat_topology as rct

from conftest import CANARY, CANARY_TOKEN, HOWTO, REPO, canary_dict, failing_text

COLLECTION = REPO / "ansible-collection"
MODULE = "rocketchat.topology.topology"


def ansible_tool(name: str) -> str:
    """An Ansible command of the interpreter running the tests (the test venv)."""
    return str(Path(sys.executable).parent / name)


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The collection built into a tarball and installed from it, as `ansible-galaxy` does."""
    work = tmp_path_factory.mktemp("collection")
    subprocess.run(
        [ansible_tool("ansible-galaxy"), "collection", "build", str(COLLECTION),
         "--output-path", str(work)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (tarball,) = work.glob("rocketchat-topology-*.tar.gz")
    installed = work / "collections"
    subprocess.run(
        [ansible_tool("ansible-galaxy"), "collection", "install", str(tarball), "-p", str(installed)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    module = installed / "ansible_collections" / "rocketchat" / "topology" / "plugins" / "modules"
    assert (module / "topology.py").is_file()
    assert (installed / "ansible_collections" / "rocketchat" / "topology" / "LICENSE").is_file()
    return installed


class Run:
    def __init__(self, done: subprocess.CompletedProcess[str], result: dict[str, Any]) -> None:
        self.returncode = done.returncode
        self.stdout = done.stdout + done.stderr
        self.result = result


@pytest.fixture(autouse=True)
def _use_the_installed_collection(collections_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RCTOPO_TEST_COLLECTIONS", str(collections_path))


def playbook(
    tmp: Path, args: dict[str, Any], *flags: str, ignore_errors: bool = True
) -> Run:
    """Runs the module once on localhost with `args`, and returns its registered result."""
    dump = tmp / f"result-{len(list(tmp.glob('result-*')))}.json"
    book = tmp / "play.yml"
    # JSON is YAML: the module arguments go in verbatim.
    book.write_text(
        f"""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: {MODULE}
      {MODULE}: {json.dumps(args)}
      register: result
      ignore_errors: {str(ignore_errors).lower()}
    - name: keep the result for the test
      ansible.builtin.copy:
        content: "{{{{ result | to_nice_json }}}}"
        dest: {json.dumps(str(dump))}
      check_mode: false
      diff: false
      changed_when: false
"""
    )
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ["RCTOPO_TEST_COLLECTIONS"],
        ANSIBLE_HOME=str(tmp / ".ansible"),
        ANSIBLE_LOCAL_TEMP=str(tmp / ".ansible" / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="0",
    )
    done = subprocess.run(
        [
            # The ansible-playbook of the interpreter running the tests (the test venv).
            ansible_tool("ansible-playbook"),
            "-i", "localhost,", "-c", "local",
            "-e", f"ansible_python_interpreter={sys.executable}",
            *flags,
            str(book),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    result = json.loads(dump.read_text()) if dump.exists() else {}
    return Run(done, result)


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every file under root: relative path -> (contents, mode)."""
    return {
        str(p.relative_to(root)): (p.read_text(), p.stat().st_mode & 0o7777)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_checked_passes_on_the_example(tmp_path: Path) -> None:
    run = playbook(tmp_path, {"topology": str(HOWTO)})
    assert run.returncode == 0, run.stdout
    assert run.result.get("failed") is not True
    assert run.result["changed"] is False
    assert run.result["error_count"] == 0
    assert "T019" in [d["code"] for d in run.result["diagnostics"]]


def test_checked_fails_with_the_codes_in_the_message(tmp_path: Path) -> None:
    bad = tmp_path / "failing.toml"
    bad.write_text(failing_text())
    run = playbook(tmp_path, {"topology": str(bad), "state": "checked"}, ignore_errors=False)
    assert run.returncode == 2, run.stdout
    assert "topology has 2 error(s)" in run.stdout
    assert "T005 duplicate-port at hosts[0].ports[1]" in run.stdout
    assert "T007 port-collides-with-mongod" in run.stdout
    assert "failed=1" in run.stdout


def test_rendered_refuses_a_failing_topology_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "failing.toml"
    bad.write_text(failing_text())
    dest = tmp_path / "build"
    run = playbook(tmp_path, {"topology": str(bad), "state": "rendered", "dest": str(dest)})
    assert run.result["failed"] is True
    assert "T005" in run.result["msg"] and "T007" in run.result["msg"]
    assert not dest.exists()


def test_unloadable_topology_fails_with_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "typo.toml"
    bad.write_text(HOWTO.read_text().replace("base_port = 3000", "base_prot = 3000"))
    run = playbook(tmp_path, {"topology": str(bad)})
    assert run.result["failed"] is True
    assert "did you mean `base_port`" in run.result["msg"]
    assert run.result["path"].startswith("hosts[0]")
    assert run.result["file"] == str(bad)


def test_rendered_writes_files_with_modes_and_is_idempotent(tmp_path: Path) -> None:
    dest = tmp_path / "build"
    args = {"topology": str(HOWTO), "state": "rendered", "dest": str(dest)}
    expected = {
        f"{f.host}/{f.path.lstrip('/')}": (f.contents, f.mode)
        for f in rct.Topology.load(HOWTO).render("all")
    }

    first = playbook(tmp_path, args)
    assert first.returncode == 0, first.stdout
    assert first.result["changed"] is True
    assert tree(dest) == expected
    assert sorted(first.result["written"]) == sorted(str(dest / k) for k in expected)

    second = playbook(tmp_path, args)
    assert second.result["changed"] is False, second.stdout
    assert second.result["written"] == []
    assert "changed=0" in second.stdout

    # A file edited by hand, or with a wrong mode, is put back.
    some = next(iter(expected))
    (dest / some).write_text("edited\n")
    (dest / some).chmod(0o666)
    third = playbook(tmp_path, args)
    assert third.result["written"] == [str(dest / some)]
    assert tree(dest) == expected


def test_check_mode_changes_nothing_and_diff_shows_the_files(tmp_path: Path) -> None:
    dest = tmp_path / "build"
    args = {"topology": str(HOWTO), "state": "rendered", "dest": str(dest), "target": "systemd"}
    run = playbook(tmp_path, args, "--check", "--diff")
    assert run.returncode == 0, run.stdout
    assert run.result["changed"] is True
    assert not dest.exists()
    files = rct.Topology.load(HOWTO).render("systemd")
    diffs = {d["after_header"]: d for d in run.result["diff"]}
    assert set(diffs) == {str(dest / f.host / f.path.lstrip("/")) for f in files}
    public = next(f for f in files if f.mode & 0o077)
    assert diffs[str(dest / public.host / public.path.lstrip("/"))]["after"] == public.contents
    assert diffs[str(dest / public.host / public.path.lstrip("/"))]["before"] == ""


def test_rendered_without_dest_returns_files_per_host(tmp_path: Path) -> None:
    run = playbook(tmp_path, {"topology": str(HOWTO), "state": "rendered"})
    assert run.returncode == 0, run.stdout
    assert run.result["changed"] is False
    expected: dict[str, list[str]] = {}
    for f in rct.Topology.load(HOWTO).render("all"):
        expected.setdefault(f.host, []).append(f.path)
    assert {h: [f["path"] for f in fs] for h, fs in run.result["files"].items()} == expected


def test_inline_secrets_never_reach_ansible_output(tmp_path: Path) -> None:
    dest = tmp_path / "build"
    run = playbook(
        tmp_path,
        {"topology": canary_dict(), "state": "rendered", "dest": str(dest)},
        "--diff",
        "-v",
    )
    assert run.returncode == 0, run.stdout
    dumped = json.dumps(run.result)
    for secret in (CANARY, CANARY_TOKEN):
        assert secret not in run.stdout
        assert secret not in dumped
    holders = {p: mode for p, (text, mode) in tree(dest).items() if CANARY in text}
    assert holders and all(mode == 0o600 for mode in holders.values()), holders


def test_checked_fails_on_a_non_topology_value(tmp_path: Path) -> None:
    run = playbook(tmp_path, {"topology": 42})
    assert run.result["failed"] is True
    assert "expected a file path or a dict" in run.result["msg"]


@pytest.mark.skipif(not hasattr(rct, "plan"), reason="core plan() not merged into main yet")
def test_planned_returns_steps_and_waves(tmp_path: Path) -> None:
    run = playbook(
        tmp_path,
        {"topology": str(HOWTO), "state": "planned", "policy": {"max_unavailable": 1}},
    )
    assert run.returncode == 0, run.stdout
    plan = run.result["plan"]
    assert plan["steps"], plan
    assert run.result["waves"]
    scripts = run.result["scripts"]
    assert scripts and all(s["text"].startswith("#!") for s in scripts)
    assert [s["wave"] for s in plan["steps"]] == sorted(s["wave"] for s in plan["steps"])
    assert [[s["id"] for s in wave] for wave in run.result["waves"]] == [
        [s["id"] for s in plan["steps"] if s["wave"] == wave[0]["wave"]]
        for wave in run.result["waves"]
    ]


def test_site_playbook_and_module_docs_parse(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ["RCTOPO_TEST_COLLECTIONS"],
        ANSIBLE_HOME=str(tmp_path),
    )
    syntax = subprocess.run(
        [ansible_tool("ansible-playbook"), "--syntax-check", "-i", "inventory.ini", "site.yml"],
        cwd=REPO / "examples" / "ansible",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert syntax.returncode == 0, syntax.stdout + syntax.stderr
    docs = subprocess.run(
        [ansible_tool("ansible-doc"), "--json", MODULE],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert docs.returncode == 0, docs.stderr
    entry = json.loads(docs.stdout)[MODULE]
    doc = entry["doc"]
    assert set(doc["options"]) == {"topology", "state", "target", "dest", "current", "policy"}
    assert doc["options"]["state"]["choices"] == ["checked", "rendered", "planned"]
    assert doc["attributes"]["check_mode"]["support"] == "full"
    assert doc["attributes"]["diff_mode"]["support"] == "full"
    assert doc["author"]
    assert all("sample" in value for value in entry["return"].values()), entry["return"]


def test_a_mode_only_change_shows_in_diff(tmp_path: Path) -> None:
    dest = tmp_path / "build"
    args = {"topology": str(HOWTO), "state": "rendered", "dest": str(dest)}
    assert playbook(tmp_path, args).result["changed"] is True
    secret = next(p for p, (_, mode) in tree(dest).items() if mode == 0o600)
    (dest / secret).chmod(0o644)
    run = playbook(tmp_path, args, "--diff")
    assert run.result["written"] == [str(dest / secret)]
    assert (dest / secret).stat().st_mode & 0o777 == 0o600
    # The contents did not change: the only diff entry is the mode, shown by the diff callback.
    (entry,) = run.result["diff"]
    assert entry["before"] == {"path": str(dest / secret), "mode": "0644"}
    assert entry["after"] == {"path": str(dest / secret), "mode": "0600"}
    assert '-    "mode": "0644"' in run.stdout and '+    "mode": "0600"' in run.stdout, run.stdout


@pytest.mark.skipif(not hasattr(rct, "plan"), reason="core plan() not merged into main yet")
def test_site_playbook_control_play_runs_for_real(tmp_path: Path) -> None:
    """Play 1 of site.yml on localhost: check, render, plan and write the plan's scripts. The
    later plays need real Rocket.Chat machines and are only syntax-checked here."""
    build = tmp_path / "build"
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ["RCTOPO_TEST_COLLECTIONS"],
        ANSIBLE_HOME=str(tmp_path / ".ansible"),
        ANSIBLE_NOCOLOR="1",
    )
    done = subprocess.run(
        [
            ansible_tool("ansible-playbook"),
            "-i", "inventory.ini", "site.yml", "--tags", "control",
            "-e", f"ansible_python_interpreter={sys.executable}",
            "-e", f"build={build}", "-e", f"topology={HOWTO}",
        ],
        cwd=REPO / "examples" / "ansible",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    rendered = tree(build / "rendered")
    expected = {
        f"{f.host}/{f.path.lstrip('/')}": (f.contents, f.mode)
        for f in rct.Topology.load(HOWTO).render("all")
    }
    assert rendered == expected
    scripts = {s["name"]: s["text"] for s in rct.plan(None, rct.Topology.load(HOWTO)).to_shell()}
    assert {p: text for p, (text, mode) in tree(build / "scripts").items()} == scripts
    assert all(mode == 0o755 for _, mode in tree(build / "scripts").values())


def run_rollout_play(
    tmp_path: Path, parts: list[dict[str, Any]], inventory: str, tags: str = "rollout"
) -> tuple[Path, Run]:
    """Play 3 of site.yml alone (`--tags rollout`) over PARTS, each a script under build/scripts
    that leaves a marker named after itself in tmp_path/ran when it runs on this machine."""
    build = tmp_path / "build"
    (build / "scripts").mkdir(parents=True, exist_ok=True)
    ran = tmp_path / "ran"
    ran.mkdir()
    for part in parts:
        script = build / "scripts" / part["name"]
        script.write_text(f"#!/bin/sh\ntouch {ran / part['name']}\nexit {part.pop('exit', 0)}\n")
        script.chmod(0o755)
    (tmp_path / "inventory.ini").write_text(inventory)
    (tmp_path / "vars.json").write_text(json.dumps({
        "build": str(build),
        # A rollback script for several machines has no host: it is never run, nor staged for.
        "rollout": {"scripts": [dict(p, rollback=False) for p in parts]
                    + [{"name": "rollback-wave-1.sh", "host": None, "rollback": True}]},
        # The parts run as the test's user: no privilege escalation here.
        "ansible_become": False,
        # Play 2 staged the machines, unless it runs in this test.
        **({} if "stage" in tags else {"rctopo_staged": True}),
        "ansible_python_interpreter": sys.executable,
    }))
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path / ".ansible"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=os.environ["RCTOPO_TEST_COLLECTIONS"])
    done = subprocess.run(
        [ansible_tool("ansible-playbook"), "-i", str(tmp_path / "inventory.ini"), "site.yml",
         "--tags", tags, "-e", f"@{tmp_path / 'vars.json'}"],
        cwd=REPO / "examples" / "ansible", capture_output=True, text=True, env=env, timeout=300,
    )
    return ran, Run(done, {})


def test_site_rollout_stops_at_the_first_part_that_fails(tmp_path: Path) -> None:
    """A loop over one task would run every part even after one failed: the rest of the rollout
    must not run once a part fails (an instance that did not become healthy)."""
    parts = [{"name": "01-a.sh", "host": "localhost"}, {"name": "02-a.sh", "host": "localhost", "exit": 1},
             {"name": "03-a.sh", "host": "localhost"}]
    ran, run = run_rollout_play(tmp_path, parts, "localhost ansible_connection=local\n")
    assert run.returncode != 0, run.stdout
    assert sorted(p.name for p in ran.iterdir()) == ["01-a.sh", "02-a.sh"], run.stdout


def test_site_rollout_runs_each_part_on_its_machine(tmp_path: Path) -> None:
    """The parts are delegated to their machines, over the machines' own connection: none may
    run on the control node (a play-level `connection: local` would run them all here). The
    machine is unreachable here, so the part fails unreachable and leaves no marker."""
    parts = [{"name": "01-app1.sh", "host": "app1"}]
    ran, run = run_rollout_play(
        tmp_path, parts,
        "[rocketchat]\napp1 ansible_host=127.0.0.1 ansible_port=9 ansible_ssh_common_args='-o ConnectTimeout=5'\n")
    assert run.returncode != 0, run.stdout
    assert "UNREACHABLE" in run.stdout, run.stdout
    assert list(ran.iterdir()) == [], run.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="play 2 installs the files owned by root")
def test_site_stage_gives_each_machine_only_its_own_files(tmp_path: Path) -> None:
    """Play 2 of site.yml (`--tags stage`): each machine receives its own rendered tree, with
    its modes, and nothing of another machine's (the proxy gets no environment file, which
    holds the MongoDB password)."""
    build = tmp_path / "build"
    # Two application hosts and a proxy machine.
    rendered = rct.Topology.load(str(REPO / "tests" / "lab" / "topologies" / "lab.toml")).render("all")
    for f in rendered:
        target = build / "rendered" / f.host / f.path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f.contents)
        target.chmod(f.mode)
    # `docs` holds the diagram, for no machine.
    machines = sorted({f.host for f in rendered} - {"docs"})
    assert machines == ["app1", "app2", "proxy"], machines
    inventory = "[rocketchat]\n" + "".join(
        f"{m} ansible_connection=local staged={tmp_path / 'staged' / m}\n" for m in machines)
    (tmp_path / "inventory.ini").write_text(inventory)
    env = dict(os.environ, ANSIBLE_HOME=str(tmp_path / ".ansible"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_COLLECTIONS_PATH=os.environ["RCTOPO_TEST_COLLECTIONS"])
    done = subprocess.run(
        [ansible_tool("ansible-playbook"), "-i", str(tmp_path / "inventory.ini"), "site.yml",
         "--tags", "stage", "-e", f"build={build}", "-e", "ansible_become=false",
         "-e", f"ansible_python_interpreter={sys.executable}"],
        cwd=REPO / "examples" / "ansible", capture_output=True, text=True, env=env, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for m in machines:
        own = {f"{m}/{f.path.lstrip('/')}": (f.contents, f.mode) for f in rendered if f.host == m}
        assert tree(tmp_path / "staged" / m) == own


def test_site_rollout_never_starts_when_a_machine_was_not_staged(tmp_path: Path) -> None:
    """Play 2 fails on an unreachable machine: no part of play 3 may run, on any machine (the
    rollout would stop half-way at that machine's first part)."""
    parts = [{"name": "01-app1.sh", "host": "localhost"}, {"name": "02-proxy.sh", "host": "proxy"}]
    (tmp_path / "build" / "rendered" / "proxy").mkdir(parents=True)
    ran, run = run_rollout_play(
        tmp_path, parts,
        "[rocketchat]\nproxy ansible_host=127.0.0.1 ansible_port=9 ansible_ssh_common_args='-o ConnectTimeout=5'\n",
        tags="stage,rollout")
    assert run.returncode != 0, run.stdout
    assert "UNREACHABLE" in run.stdout, run.stdout
    assert list(ran.iterdir()) == [], run.stdout
