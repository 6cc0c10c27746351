#!/usr/bin/python
# Copyright: rocketchat-topology contributors
# Apache License 2.0 (see LICENSE or https://www.apache.org/licenses/LICENSE-2.0.txt)
# SPDX-License-Identifier: Apache-2.0
#
# Ansible module over the rocketchat_topology Python package: every judgement (rules, file
# contents, plan) comes from the Rust core; this module only moves data and writes files.
from __future__ import annotations

DOCUMENTATION = r"""
---
module: topology
short_description: Check, render and plan a multi-instance Rocket.Chat deployment
version_added: 0.1.0
author:
  - rocketchat-topology contributors (@rocketchat-topology)
description:
  - Loads a rocketchat-topology description (file or inline dict) and checks it, renders its
    configuration files, or plans a rollout, with the exact behaviour of the C(rctopo) CLI.
  - Needs the C(rocketchat-topology) Python package on the host the module runs on
    (usually localhost), installed with C(pip install rocketchat-topology).
options:
  topology:
    description: Path of a .toml/.yaml/.json topology file, or the topology as a dict.
    type: raw
    required: true
  state:
    description:
      - C(checked) fails with the diagnostics when the check finds errors; warnings are returned.
      - C(rendered) returns the files per host, or writes them under O(dest).
      - C(planned) returns the rollout plan from O(current) to O(topology).
    type: str
    choices: [checked, rendered, planned]
    default: checked
  target:
    description: What to render (O(state=rendered)).
    type: str
    choices: [systemd, nginx, apache, haproxy, mongod, mermaid, all]
    default: all
  dest:
    description:
      - Directory to write rendered files under, as O(dest)/<host>/<install path>, with their
        modes. Without it the files are returned in RV(files).
    type: path
  current:
    description: The deployed topology (path or dict) for O(state=planned); omit for a first install.
    type: raw
  policy:
    description: "Rollout policy for O(state=planned), e.g. C({max_unavailable: 1, max_surge: 0})."
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: With O(dest), nothing is written; RV(written) and C(changed) say what would be.
  diff_mode:
    support: full
    description:
      - Each rendered file that would change shows its contents before and after.
      - A file whose mode alone changes (for example 0644 to 0600) shows its mode before and after.
      - Contents of owner-only files (environment files holding the MongoDB password) are masked.
  platform:
    support: full
    platforms: posix
    description: Runs where the rocketchat-topology package is installed, usually the control node.
notes:
  - Environment files (mode 0600) hold the MongoDB URL with its password; their contents are
    masked in the module's output.
requirements:
  - rocketchat-topology (Python package)
seealso:
  - name: rocketchat-topology
    description: The library, the rctopo CLI and the topology file format.
    link: https://github.com/rocketchat-topology/rocketchat-topology
"""

EXAMPLES = r"""
- name: Check the topology
  rocketchat.topology.topology:
    topology: topology.toml

- name: Render every file under build/<host>/
  rocketchat.topology.topology:
    topology: topology.toml
    state: rendered
    dest: "{{ playbook_dir }}/build"

- name: Plan the rollout
  rocketchat.topology.topology:
    topology: topology.toml
    current: deployed.toml
    state: planned
    policy: {max_unavailable: 1}
  register: rollout
"""

RETURN = r"""
diagnostics:
  description: Every finding (code, name, severity, path, message, help, location).
  type: list
  elements: dict
  returned: always
  sample:
    - code: R005
      name: single-member
      severity: warning
      path: mongo.members
      message: "a single-member replica set has no failover: if it stops, every instance stops"
      help: run three data-bearing members on separate machines for failover
      location: {line: 23, column: 11}
error_count:
  description: Number of error diagnostics.
  type: int
  returned: always
  sample: 0
warning_count:
  description: Number of warning diagnostics (C(warnings) is Ansible's own key).
  type: int
  returned: always
  sample: 1
files:
  description: Rendered files per host, each {path, mode (octal string), contents}; without O(dest).
  type: dict
  returned: state=rendered and dest not given
  sample:
    app1:
      - path: /etc/systemd/system/rocketchat@.service
        mode: "0644"
        contents: "[Unit]\nDescription=Rocket.Chat instance %i\n..."
written:
  description: Paths under O(dest) that were (or in check mode would be) written.
  type: list
  elements: str
  returned: state=rendered and dest given
  sample: [/srv/build/app1/etc/rocketchat/3000.env]
plan:
  description: The plan (steps, summary), as C(rctopo plan --format json).
  type: dict
  returned: state=planned
  sample:
    steps:
      - {id: 1, wave: 1, host: app1, action: {kind: stop_unit, unit: rocketchat@3000}, description: stop rocketchat@3000}
    summary: {restart_waves: 3}
waves:
  description: The plan's steps grouped by wave, in order.
  type: list
  elements: list
  returned: state=planned
  sample: [[{id: 1, wave: 1, host: app1, action: {kind: stop_unit}, description: stop rocketchat@3000}]]
scripts:
  description: The plan as bash scripts, [{name, host, rollback, text}], as C(rctopo plan --format shell --out DIR).
  type: list
  elements: dict
  returned: state=planned
  sample:
    - {name: 01-app1.sh, host: app1, rollback: false, text: "#!/usr/bin/env bash\nset -euo pipefail\n..."}
"""

import os
import tempfile
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:
    import rocketchat_topology as rct
except ImportError:
    rct = None
    IMPORT_ERROR = traceback.format_exc()
else:
    IMPORT_ERROR = None


def load(value, what):
    """A Topology from a path or a dict."""
    if isinstance(value, dict):
        return rct.Topology.from_dict(value)
    if isinstance(value, str):
        return rct.Topology.load(value)
    raise rct.TopologyError(f"{what}: expected a file path or a dict, got {type(value).__name__}")


def error_details(error):
    details = {"diagnostics": [d.to_dict() for d in getattr(error, "diagnostics", [])]}
    for attr in ("path", "location", "file"):
        if getattr(error, attr, None) is not None:
            details[attr] = getattr(error, attr)
    return details


def fail_on_errors(module, topology, report):
    errors = [d for d in topology.check() if d.severity == "error"]
    if errors:
        summary = "; ".join(f"{d.code} {d.name} at {d.path}: {d.message}" for d in errors)
        module.fail_json(msg=f"topology has {len(errors)} error(s): {summary}", **report)


def run_checked(module, topology, report):
    fail_on_errors(module, topology, report)
    module.exit_json(changed=False, **report)


def run_rendered(module, topology, report):
    fail_on_errors(module, topology, report)
    files = topology.render(module.params["target"])
    for f in files:
        if f.mode & 0o077 == 0:
            # Owner-only files (environment files) embed the MongoDB password.
            module.no_log_values.add(f.contents)
    dest = module.params["dest"]
    if dest is None:
        per_host = {}
        for f in files:
            per_host.setdefault(f.host, []).append(
                {"path": f.path, "mode": f"{f.mode:04o}", "contents": f.contents}
            )
        module.exit_json(changed=False, files=per_host, **report)
    written, diffs = [], []
    for f in files:
        target = install_path(module, dest, f)
        before = read_existing(target)
        if before == (f.contents, f.mode):
            continue
        written.append(target)
        diffs.extend(file_diffs(target, before, f))
        if not module.check_mode:
            write_file(module, target, f.contents, f.mode)
    result = dict(changed=bool(written), written=written, **report)
    if module._diff:
        result["diff"] = diffs
    module.exit_json(**result)


def file_diffs(target, before, rendered):
    """The --diff entries of one file: its contents when they change, and its mode when the
    file exists with another one (a mode-only change would show no contents diff)."""
    diffs = []
    if before is None or before[0] != rendered.contents:
        diffs.append(
            {
                "before_header": target,
                "after_header": target,
                "before": before[0] if before else "",
                "after": rendered.contents,
            }
        )
    if before is not None and before[1] != rendered.mode:
        diffs.append(
            {
                "before_header": f"{target} (mode)",
                "after_header": f"{target} (mode)",
                "before": {"path": target, "mode": f"{before[1]:04o}"},
                "after": {"path": target, "mode": f"{rendered.mode:04o}"},
            }
        )
    return diffs


def install_path(module, dest, rendered):
    """dest/<host>/<install path>, refusing anything that would leave dest."""
    relative = os.path.join(rendered.host, rendered.path.lstrip("/"))
    target = os.path.normpath(os.path.join(dest, relative))
    if os.path.isabs(relative) or not target.startswith(os.path.normpath(dest) + os.sep):
        module.fail_json(msg=f"refusing to write {rendered.path!r} for host {rendered.host!r} outside {dest}")
    return target


def read_existing(path):
    """(contents, mode) of the file at path, or None."""
    try:
        with open(path, encoding="utf-8") as handle:
            contents = handle.read()
        return contents, os.stat(path).st_mode & 0o7777
    except (FileNotFoundError, UnicodeDecodeError, IsADirectoryError):
        return None


def write_file(module, path, contents, mode):
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    # Write beside the target with the final mode from the start, then rename: a reader never
    # sees a half-written file, and a secret is never briefly world-readable.
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".rctopo-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(contents)
        os.replace(temp, path)
    except OSError as error:
        if os.path.exists(temp):
            os.unlink(temp)
        module.fail_json(msg=f"cannot write {path}: {error}")


def run_planned(module, topology, report):
    if not hasattr(rct, "plan"):
        module.fail_json(msg="this rocketchat-topology build has no planner; upgrade the package")
    current = module.params["current"]
    current_topology = load(current, "current") if current is not None else None
    plan = rct.plan(current_topology, topology, **module.params["policy"])
    module.exit_json(
        changed=False,
        plan=plan.to_dict(),
        waves=plan.waves,
        scripts=plan.to_shell(),
        **report,
    )


def result_of(report):
    """The check report under result keys: `warnings` is Ansible's own (a list of messages)."""
    return {
        "diagnostics": report["diagnostics"],
        "error_count": report["errors"],
        "warning_count": report["warnings"],
    }


def hide_inline_urls(module, value):
    """An inline topology's MongoDB URLs hold the password: mask them in every output,
    including the echoed module arguments. (A file path is not echoed with its contents.)"""
    mongo = value.get("mongo") if isinstance(value, dict) else None
    if isinstance(mongo, dict):
        for key in ("url", "oplog_url"):
            if isinstance(mongo.get(key), str):
                module.no_log_values.add(mongo[key])


def main():
    module = AnsibleModule(
        argument_spec=dict(
            topology=dict(type="raw", required=True),
            state=dict(type="str", default="checked", choices=["checked", "rendered", "planned"]),
            target=dict(
                type="str",
                default="all",
                choices=["systemd", "nginx", "apache", "haproxy", "mongod", "mermaid", "all"],
            ),
            dest=dict(type="path"),
            current=dict(type="raw"),
            policy=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    if rct is None:
        module.fail_json(msg=missing_required_lib("rocketchat-topology"), exception=IMPORT_ERROR)
    for value in (module.params["topology"], module.params["current"]):
        hide_inline_urls(module, value)
    state = module.params["state"]
    try:
        topology = load(module.params["topology"], "topology")
        report = result_of(topology.report())
        {"checked": run_checked, "rendered": run_rendered, "planned": run_planned}[state](
            module, topology, report
        )
    except (rct.TopologyError, rct.PlanError, rct.MongoUrlError) as error:
        module.fail_json(msg=str(error), **error_details(error))
    except rct.InternalError as error:
        module.fail_json(msg=str(error), exception=traceback.format_exc())


if __name__ == "__main__":
    main()
