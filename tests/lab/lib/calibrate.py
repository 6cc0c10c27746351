"""The estimate's inputs, measured: calibrate.py POLICY.toml PLAN.log... > CALIBRATED.toml

Reads the timestamped plan logs of a run that just happened in the lab (the install of the
starting topology), measures how long an instance took from its start to its first good probe
and how long an ordinary step took, and prints POLICY with its [estimate] start_seconds and
step_millis set to those figures: what docs/planning.md tells an operator to do ("measure yours
and the estimate follows"). The machine is shared, so the figures follow its load; the rollout
right after runs under the same load.

A log line is `EPOCH.MICROS TEXT`; a step starts with `[N] machine: description`."""
import re
import sys
import tomllib

STEP = re.compile(r"^\[\d+\] [^:]+: (.*)$")


def durations(paths):
    lines = []
    for path in paths:
        for line in open(path):
            stamp, _, text = line.rstrip("\n").partition(" ")
            lines.append((float(stamp), text))
    lines.sort()
    steps = [(t, m.group(1)) for t, text in lines if (m := STEP.match(text))]
    end = lines[-1][0] if lines else 0
    for (t, what), nxt in zip(steps, steps[1:] + [(end, "")]):
        yield what, nxt[0] - t


def main():
    policy_path, logs = sys.argv[1], sys.argv[2:]
    text = open(policy_path).read()
    policy = tomllib.loads(text)
    min_healthy = policy.get("health", {}).get("min_healthy_seconds", 10)
    waits, others = [], []
    for what, seconds in durations(logs):
        if what.startswith("wait until"):
            waits.append(seconds)
        elif not what.startswith(("stage ", "wait ")):
            others.append(seconds)
    if waits and others:
        start = max(1, round(sum(waits) / len(waits) - min_healthy))
        step_ms = round(1000 * sum(others) / len(others))
        text = re.sub(r"(?m)^start_seconds = .*$", f"start_seconds = {start}", text)
        text = re.sub(r"(?m)^step_millis = .*$", f"step_millis = {step_ms}", text)
        text += f"# measured: {len(waits)} health waits, {len(others)} other steps\n"
    sys.stdout.write(text)


main()
