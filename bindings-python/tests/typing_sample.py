"""Checked by mypy --strict against the installed stubs (test_typing.py); also runs for real."""

from __future__ import annotations

import sys

import rocketchat_topology as rct


def error_codes(topology: rct.Topology) -> list[str]:
    return [d.code for d in topology.check() if d.severity == "error"]


def ports(topology: rct.Topology) -> list[int]:
    return [instance["port"] for instance in topology.layout()["instances"]]


def main(path: str) -> int:
    try:
        topology = rct.Topology.load(path)
    except FileNotFoundError as missing:
        print(f"no such topology file: {missing.filename}", file=sys.stderr)
        return 2
    except rct.TopologyError as error:
        where: tuple[int, int] | None = error.location
        print(f"{error} at {where}", file=sys.stderr)
        return 2
    report: rct.Report = topology.report()
    codes: list[str] = [d.to_dict()["code"] for d in topology.check()]
    lines = [d["location"]["line"] for d in report["diagnostics"] if "location" in d]
    print(codes, lines)
    print(error_codes(topology), ports(topology), report["warnings"])
    for f in topology.render("systemd") if not error_codes(topology) else []:
        mode: int = f.mode
        print(f.host, f.path, oct(mode))
    rollout: rct.Plan = rct.plan(None, topology, max_unavailable="25%")
    for wave in rollout.waves:
        step: rct.PlanStep = wave[0]
        print(step["wave"], step["action"]["kind"])
    scripts: list[rct.ShellScript] = rollout.to_shell(ssh=True)
    url = rct.MongoUrl.parse("mongodb://db1:27017/rc?replicaSet=rs0")
    replica_set: str | None = url.replica_set
    print(len(scripts), str(url), replica_set, rct.check_mongo_urls(str(url))["valid"])
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
