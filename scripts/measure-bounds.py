#!/usr/bin/env python3
"""Worst-case time and memory of `rctopo check`, `render` and `plan` on the largest topologies
the loader accepts (core/src/limits.rs, docs/performance.md "Bounds"). Prints a Markdown table:
wall time, CPU time (user + system) and peak resident memory of each command, measured with GNU
time. Run it on a release build:

    cargo build --release -p rctopo
    python3 scripts/measure-bounds.py target/release/rctopo

The shapes, each at the 20,000-instance bound:
- wide: 2,000 hosts (the host bound) of 10 instances, HAProxy on a machine of its own, and a
  shared environment of 60 variables: 20,000 environment files of about 2.4 KB, close to the
  64 MiB bound on the environment of all instances together;
- deep: 20 hosts of 1,000 instances (the per-host bound is 1,024);
- wide with 1,000 replica-set members (the member bound; R004 then reports an error, so only
  `check` runs on it).
`plan` upgrades each shape to the next patch release, with the default policy (25 % at a time)
and one instance at a time (20,000 waves).
"""
import os
import pathlib
import subprocess
import sys
import tempfile

HEAD = """[site]
root_url = "https://chat.example.com"

[rocketchat]
version = "{version}"
edition = "enterprise"
tcp_base_port = 5000

[rocketchat.env]
{env}

[mongo]
url = "mongodb://db1:27017,db2:27017,db3:27017/rocketchat?replicaSet=rs0"
version = "7.0"
replica_set = "rs0"
members = [{members}]

[proxy]
kind = "haproxy"
server_name = "chat.example.com"
affinity = "cookie"
tls = {{ certificate = "/etc/haproxy/chat.pem", key = "/etc/haproxy/chat.pem" }}
"""


def topology(hosts, per_host, version, members=3):
    env = "\n".join(f'OVERWRITE_SETTING_Custom_Setting_{i:03} = "{"v" * 8}{i:03}"'
                    for i in range(60))
    member_list = ", ".join(f'{{ host = "db{i + 1}:27017" }}' for i in range(members))
    text = [HEAD.format(version=version, env=env, members=member_list)]
    for i in range(hosts):
        text.append(f'\n[[hosts]]\nname = "app{i}"\naddress = "10.{i // 65536}.{i // 256 % 256}.'
                    f'{i % 256}"\ncores = {per_host + 1}\n')
    return "".join(text)


def measure(label, argv, out):
    """Runs argv under GNU time; returns a table row."""
    fmt = "%e %U %S %M"
    with open(out, "wb") as sink:
        proc = subprocess.run(["/usr/bin/time", "-f", fmt, *argv], stdout=sink,
                              stderr=subprocess.PIPE, text=True)
    last = proc.stderr.strip().splitlines()[-1]
    wall, user, system, rss_kb = last.split()
    cpu = float(user) + float(system)
    size = os.path.getsize(out)
    return (f"| {label} | {proc.returncode} | {float(wall):.2f} s | {cpu:.2f} s | "
            f"{int(rss_kb) / 1024:.0f} MB | {size / 1e6:.1f} MB |")


def main():
    rctopo = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/release/rctopo").resolve()
    work = pathlib.Path(tempfile.mkdtemp(prefix="rctopo-bounds-"))
    shapes = {
        "wide (2,000 hosts x 10)": (2000, 10),
        "deep (20 hosts x 1,000)": (20, 1000),
    }
    print(f"rctopo: {rctopo}\n")
    print("| command | exit | wall | CPU | peak memory | output |")
    print("| --- | --- | --- | --- | --- | --- |")
    for label, (hosts, per_host) in shapes.items():
        name = label.split()[0]
        now = work / f"{name}.toml"
        next_ = work / f"{name}-next.toml"
        now.write_text(topology(hosts, per_host, "7.10.0"))
        next_.write_text(topology(hosts, per_host, "7.10.1"))
        size = f"{now.stat().st_size / 1e6:.2f} MB file"
        out = work / "out"
        rows = [
            measure(f"{label}, {size}: check", [rctopo, "check", now], out),
            measure(f"{label}: render --target all --out DIR",
                    [rctopo, "render", "--target", "all", "--out", work / f"{name}-files", now], out),
            measure(f"{label}: plan upgrade, default policy (JSON)",
                    [rctopo, "plan", "--from", now, "--to", next_, "--format", "json"], out),
            measure(f"{label}: plan upgrade, one at a time (JSON)",
                    [rctopo, "plan", "--from", now, "--to", next_, "--max-unavailable", "1",
                     "--format", "json"], out),
        ]
        print("\n".join(rows), flush=True)
    members = work / "members.toml"
    members.write_text(topology(2000, 10, "7.10.0", members=1000))
    print(measure("wide with 1,000 replica-set members: check", [rctopo, "check", members],
                  work / "out"))
    print(f"\nfiles in {work}")


main()
