"""One scenario's row of the lab report, judged against the lab's goals.

row.py NAME PROXY LOAD.json END.json ROLLOUT_S NOTE CONTROL MIN_REQUESTS ESTIMATE_S

Goals of a rollout (every one must hold):
- 0 non-2xx answers and 0 other request errors (timeouts, refused connections);
- every request sent answered or failed by the time the load stops (2 s after its last one):
  none left waiting, as requests are when the proxy stops accepting connections;
- at least MIN_REQUESTS requests (the full lab's rolling upgrade: 100,000 per proxy);
- connection resets at most 0.01 % of the requests with nginx and Apache (a reload closes idle
  keep-alive connections; the plan reloads them at most once per wave), judged from 100,000
  requests on (--quick's shorter run only reports them); none with HAProxy (its runtime API
  takes servers in and out without a reload), judged always;
- every dropped WebSocket session reconnected within 10 s;
- the plan's estimate (ESTIMATE_S, 0 = none) within 25 % of the measured rollout;
- the end state the topology asks for (NOTE is "ok": versions, routing, the proxy's rendered
  configuration, enabled units, each instance connected to MongoDB when MockupDB serves it; an
  Ansible-driven run's NOTE also says whether it ends as the script-driven one does).
A fresh install (`install`, `ansible-install`) is judged on its end state and estimate only (nothing serves before its proxy
wave). A control run (restarts without drain) meets its goal when the load generator saw failures.
Prints the row as one JSON line."""
import json
import os
import sys

RESET_SHARE = {"nginx": 0.0001, "apache": 0.0001, "haproxy": 0.0}
RESET_SAMPLE = 100_000
ESTIMATE_TOLERANCE = 0.25
# Estimates and measures are whole seconds: a rollout of a few seconds is judged within 2 s.
ESTIMATE_SLACK_S = 2


def missed_goals(proxy, load, took, note, min_requests, estimate):
    missed = []
    if note != "ok":
        missed.append(note)
    if load["non_2xx"]:
        missed.append(f"{load['non_2xx']} non-2xx answers")
    if load["errors"]:
        missed.append(f"{load['errors']} request errors")
    if load.get("unanswered"):
        missed.append(f"{load['unanswered']} of {load['sent']} requests never answered (the proxy stalled)")
    if load["requests"] < min_requests:
        missed.append(f"{load['requests']} requests, fewer than {min_requests}")
    # A share is judged on the goal's own sample (100,000 requests); none is absolute.
    allowed = RESET_SHARE[proxy] * load["requests"]
    judged = RESET_SHARE[proxy] == 0 or load["requests"] >= RESET_SAMPLE
    if judged and load["resets"] > allowed:
        missed.append(f"{load['resets']} resets, more than {allowed:.0f} allowed for {proxy}")
    if load["ws_not_reconnected"]:
        missed.append(f"{load['ws_not_reconnected']} WebSocket sessions not back within 10 s")
    if estimate and abs(estimate - took) > max(ESTIMATE_TOLERANCE * took, ESTIMATE_SLACK_S):
        missed.append(f"estimate {estimate} s is not within 25 % of the measured {took} s")
    return missed


def mongo_summary(answers):
    """Each instance's MongoDB connection in a few words, as the stand-in's driver saw it."""
    out = {}
    for instance, a in answers.items():
        if a.get("state") == "connected":
            out[instance] = f"connected: {a['type']} {a['set_name']}, primary {a['primary']}, ping ok {a['ping']}"
        else:
            out[instance] = f"{a.get('state')}: {a.get('error', '')}".rstrip(": ")
    return out


def main():
    name, proxy, load_path, end_path, took, note, control, min_requests, estimate = sys.argv[1:10]
    load = json.load(open(load_path))
    end = json.loads("{" + open(end_path).read() + "}")
    took, min_requests, estimate = int(took), int(min_requests), int(estimate)
    row = {
        "name": name, "proxy": proxy, "requests": load["requests"], "non_2xx": load["non_2xx"],
        # What the clients spoke: HTTP/1.1 keep-alive, or HTTP/2 over TLS as browsers do with the
        # rendered TLS site (`h2_resent`: requests the proxy refused unprocessed, resent once).
        "protocol": load.get("protocol", "http/1.1"), "h2_resent": load.get("h2_resent", 0),
        "resets": load["resets"], "resets_reused": load["resets_reused"], "errors": load["errors"],
        "unanswered": load.get("unanswered", 0),
        # Each answer's status, or the error a request ended with, counted.
        "outcomes": load.get("status", {}), "ws_sessions": load["ws_sessions"],
        "ws_dropped": load["ws_dropped"], "ws_not_reconnected": load["ws_not_reconnected"],
        "ws_reconnect_max_ms": load["ws_reconnect_max_ms"], "duration_s": load["duration_s"],
        "execution": os.environ.get("LAB_EXECUTION") or ("ssh" if os.environ.get("LAB_SSH") else "per-machine scripts"),
        "rollout_s": took, "final_versions": end["final_versions"], "routed": end["routed"],
        "proxy_config": end["proxy_config"], "units": end["units"],
        # Which MongoDB stands in, what each instance's driver reached, what the members received.
        "mongodb": os.environ.get("LAB_MONGODB", ""), "mongo": mongo_summary(end["mongo"]),
        "mongodb_commands": end["mongodb_commands"],
        # The machine is shared: timings mean little without its load.
        "load_average": [float(x) for x in open("/proc/loadavg").read().split()[:3]],
    }
    if estimate:
        row["estimated_s"] = estimate
    if control == "yes":
        # A control run must show the failures a rollout without drain causes.
        row["control"] = True
        # WebSocket drops do not count: every rollout drops the sessions of a stopping instance.
        seen = load["non_2xx"] + load["resets"] + load["errors"]
        row["missed"] = [note] if note != "ok" else []
        if not seen:
            row["missed"].append("the load generator saw no failure in a rollout without drain")
    elif name in ("install", "ansible-install"):
        # Nothing serves before a fresh install's proxy wave: the load only shows it arrive.
        row["missed"] = [] if note == "ok" else [note]
        if estimate and abs(estimate - took) > max(ESTIMATE_TOLERANCE * took, ESTIMATE_SLACK_S):
            row["missed"].append(f"estimate {estimate} s is not within 25 % of the measured {took} s")
    else:
        row["missed"] = missed_goals(proxy, load, took, note, min_requests, estimate)
    row["goals_met"] = not row["missed"]
    row["note"] = "; ".join(row["missed"]) or "every goal met"
    print(json.dumps(row))


main()
