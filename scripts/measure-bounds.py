#!/usr/bin/env python3
"""Worst-case time and memory of `rctopo check`, `render` and `plan` on the largest topologies
the loader accepts (core/src/limits.rs, docs/performance.md "Bounds"). Prints a Markdown table:
wall time, CPU time (user + system) and peak resident memory of each command (from wait4, or from
/proc for a command stopped at the time limit). Run it on a release build:

    cargo build --release -p rctopo
    python3 scripts/measure-bounds.py target/release/rctopo   # RCTOPO_BOUNDS_LIMIT=120 (s)

The shapes, each at the 20,000-instance bound:
- wide: 2,000 hosts (the host bound) of 10 instances, HAProxy on a machine of its own, and a
  shared environment of 60 variables: 20,000 environment files of about 2.4 KB, close to the
  64 MiB bound on the environment of all instances together;
- deep: 20 hosts of 1,000 instances (the per-host bound is 1,024);
- wide with 1,000 replica-set members (the member bound; R004 then reports an error, so only
  `check` runs on it).
`plan` upgrades each shape to the next patch release, 25 % at a time and one instance at a time
(the default policy: 20,000 waves).
"""
import os
import pathlib
import resource
import subprocess
import sys
import tempfile
import time

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


MEMORY_LIMIT = 8 << 30  # address space per command: a runaway command fails instead of the machine


def cap_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def proc_usage(pid):
    """CPU seconds and peak resident memory (KiB) of a running process, from /proc."""
    stat = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(stat[11]) + int(stat[12])) / ticks
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    hwm = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
    return cpu, hwm


def measure(label, argv, out, limit):
    """Runs argv, stopped after `limit` seconds of wall time or at 8 GiB of address space;
    prints and returns a table row: wall time, CPU time (user + system), peak resident memory."""
    start = time.monotonic()
    with open(out, "wb") as sink:
        proc = subprocess.Popen([str(a) for a in argv], stdout=sink, stderr=subprocess.DEVNULL,
                                preexec_fn=cap_memory)
        status = None
        while status is None:
            pid, code, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(code)
                cpu, rss_kb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
                status = {-6: "out of memory (8 GiB)"}.get(proc.returncode, str(proc.returncode))
            elif time.monotonic() - start > limit:
                cpu, rss_kb = proc_usage(proc.pid)
                proc.kill()
                proc.wait()
                status = f"stopped after {limit} s"
            else:
                time.sleep(0.05)
    wall = time.monotonic() - start
    size = os.path.getsize(out)
    row = (f"| {label} | {status} | {wall:.2f} s | {cpu:.2f} s | {rss_kb / 1024:.0f} MB | "
           f"{size / 1e6:.1f} MB |")
    print(row, flush=True)
    return row


def main():
    rctopo = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/release/rctopo").resolve()
    # A command still running after this many seconds is stopped and reported as such.
    limit = int(os.environ.get("RCTOPO_BOUNDS_LIMIT", "120"))
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
        measure(f"{label}, {size}: check", [rctopo, "check", now], out, limit)
        measure(f"{label}: render --target all --out DIR",
                [rctopo, "render", "--target", "all", "--out", work / f"{name}-files", now], out,
                limit)
        measure(f"{label}: plan upgrade, 25 % at a time (JSON)",
                [rctopo, "plan", "--from", now, "--to", next_, "--max-unavailable", "25%",
                 "--format", "json"], out, limit)
        measure(f"{label}: plan upgrade, one at a time (JSON)",
                [rctopo, "plan", "--from", now, "--to", next_, "--max-unavailable", "1",
                 "--format", "json"], out, limit)
    members = work / "members.toml"
    members.write_text(topology(2000, 10, "7.10.0", members=1000))
    measure("wide with 1,000 replica-set members: check", [rctopo, "check", members],
            work / "out", limit)
    print(f"\nfiles in {work}")


main()
