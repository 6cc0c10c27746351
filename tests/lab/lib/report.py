"""Prints the lab's table and writes its JSON report: report.py SCENARIOS.jsonl [OUT.json].
Exits 1 when a scenario missed its goals."""
import json
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
out = sys.argv[2] if len(sys.argv) > 2 else ""
cols = ["name", "proxy", "protocol", "requests", "non_2xx", "resets", "errors", "unanswered", "ws_sessions", "ws_dropped",
        "ws_not_reconnected", "ws_reconnect_max_ms", "rollout_s", "goals_met"]
widths = [max(len(c), *(len(str(r.get(c, ""))) for r in rows)) if rows else len(c) for c in cols]
print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
for r in rows:
    print("  ".join(str(r.get(c, "")).ljust(w) for c, w in zip(cols, widths)))
    if r.get("requests"):
        estimate = f"; estimated {r['estimated_s']} s" if "estimated_s" in r else ""
        print(f"    resets {100 * r['resets'] / r['requests']:.4f} % of requests{estimate}; {r['note']}")
# Which MongoDB stood in (the same for every scenario of a run).
mongodb = "; ".join(sorted({r.get("mongodb", "") for r in rows} - {""}))
print(f"lab: MongoDB: {mongodb or 'none'}")
if out:
    with open(out, "w") as f:
        json.dump({"mongodb": mongodb, "scenarios": rows}, f, indent=2)
        f.write("\n")
    print(f"lab: report written to {out}")
missed = [f"{r['name']}/{r['proxy']}" for r in rows if not r["goals_met"]]
if missed or not rows:
    print(f"lab: goals missed by {', '.join(missed) or 'every scenario (none ran)'}")
    sys.exit(1)
print(f"lab: {len(rows)} scenario(s) met their goals")
