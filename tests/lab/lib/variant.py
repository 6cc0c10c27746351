"""Writes a lab topology variant: variant.py TOPOLOGY PROXY EDIT [quick].

Reads TOPOLOGY (TOML), sets the proxy kind to PROXY, gives every host an explicit instance
count (3, or 2 with `quick`) unless it has one, runs EDIT (a Python statement over `t`), and
prints the result as TOML. Only the shapes lab topologies use are written (tables, arrays of
tables, arrays of inline tables, strings, numbers, booleans)."""
import json
import sys
import tomllib


def value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {value(x)}" for k, x in v.items()) + " }"
    raise ValueError(f"cannot write {v!r}")


def table(name, t, out):
    out.append(f"[{name}]")
    out.extend(f"{k} = {value(v)}" for k, v in t.items())
    out.append("")


def main():
    path, proxy, edit = sys.argv[1:4]
    quick = len(sys.argv) > 4 and sys.argv[4] == "quick"
    with open(path, "rb") as f:
        t = tomllib.load(f)
    t["proxy"]["kind"] = proxy
    for h in t["hosts"]:
        h.setdefault("instances", 2 if quick else 3)
    if edit:
        exec(edit, {"t": t})
    out = [f"# Lab variant of {path}: proxy {proxy}; {edit or 'no change'}", ""]
    for name, section in t.items():
        if name == "hosts":
            continue
        table(name, section, out)
    for h in t["hosts"]:
        out.append("[[hosts]]")
        out.extend(f"{k} = {value(v)}" for k, v in h.items())
        out.append("")
    print("\n".join(out))


main()
