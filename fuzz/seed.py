#!/usr/bin/env python3
"""Seeds fuzz/corpus/<target>/ to start the fuzzers deep in each grammar:

- mongo_url: the parity corpus's seed and regression URLs (core/tests/mongo_parity.rs), the URL
  benchmark corpus (bench/urls.jsonl) and MongoDB's connection-string spec tests, read from
  RCTOPO_SPEC_TESTS (default ../shared/conformance/connection-string beside the repository);
  they are read there, never copied into the repository (fuzz/corpus is not committed).
- topology: every example topology, as TOML, YAML and JSON (the first byte picks the format).
- plan: structured input needs no seed; a few fixed byte strings start it.

It also writes a libFuzzer dictionary per text target (fuzz/corpus/<target>.dict): the option
names of the URL seeds, the keys and table names of the example topologies. The targets are
built without comparison tracing (docs/fuzzing.md), so the dictionary is how the mutator learns
the grammar's words.
"""
import json
import os
import pathlib
import re
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
corpus = root / "fuzz" / "corpus"


def write(target, name, data):
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def rust_strings(path, const):
    text = path.read_text()
    block = text.split(f"const {const}: &[&str] = &[", 1)[1].split("];", 1)[0]
    # Rust's `\u{e9}` escape is not JSON's `\u00e9`: rewrite it before decoding.
    def decode(literal):
        return json.loads(re.sub(r"\\u\{([0-9a-fA-F]+)\}",
                                 lambda m: json.dumps(chr(int(m.group(1), 16)))[1:-1], literal))
    return [decode(s) for s in re.findall(r'"(?:[^"\\]|\\.)*"', block)]


def urls():
    parity = root / "core" / "tests" / "mongo_parity.rs"
    found = rust_strings(parity, "SEEDS") + rust_strings(parity, "REGRESSIONS")
    bench = root / "bench" / "urls.jsonl"
    if bench.exists():
        found += [json.loads(l) for l in bench.read_text().splitlines() if l.strip()]
    spec = pathlib.Path(os.environ.get(
        "RCTOPO_SPEC_TESTS", root.parent / "shared" / "conformance" / "connection-string"))
    for f in sorted(spec.glob("*.json")) if spec.is_dir() else []:
        found += [t["uri"] for t in json.loads(f.read_text()).get("tests", []) if "uri" in t]
    return found


def yaml_block(v, indent=0):
    pad = " " * indent
    if isinstance(v, dict):
        return "".join(
            f"{pad}{k}:\n{yaml_block(x, indent + 2)}" if isinstance(x, (dict, list))
            else f"{pad}{k}: {json.dumps(x)}\n" for k, x in v.items())
    if isinstance(v, list):
        return "".join(f"{pad}- {yaml_block(x, indent + 2).strip()}\n" for x in v)
    return f"{pad}{json.dumps(v)}\n"


def write_dict(target, words):
    """libFuzzer's dictionary format: one quoted word a line, other bytes as \\xNN."""
    def quote(word):
        return "".join(c if " " <= c <= "~" and c not in '"\\' else f"\\x{ord(c):02X}"
                       for c in word)
    lines = [f'"{quote(w)}"' for w in sorted(set(words)) if w and w.isascii()]
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / f"{target}.dict").write_text("\n".join(lines) + "\n")


def url_words(found):
    words = ["mongodb://", "mongodb+srv://", "@", "?", "&", "=", ":", ",", "/", "%", "%2F",
             "%40", "%3A", "[::1]", "27017", "true", "false"]
    for url in found:
        words += re.findall(r"[?&]([A-Za-z]+)=", url)
        words += re.findall(r"=([A-Za-z0-9_:.-]{1,24})(?:&|$)", url)
    return words


def topology_words(texts):
    words = ["[[", "]]", "[", "]", " = ", "\n", "${", "}", "- ", ": ", "{", "}", '":']
    for text in texts:
        words += re.findall(r"^\s*\[{1,2}([a-z_.]+)\]{1,2}", text, re.M)
        words += re.findall(r"^\s*([A-Za-z_]+)\s*=", text, re.M)
    return words


def main():
    found = urls()
    for i, url in enumerate(found):
        write("mongo_url", f"url{i:05}", url)
    write_dict("mongo_url", url_words(found))
    # A MONGO_URL with its MONGO_OPLOG_URL (the target splits at the first newline).
    write("mongo_url", "pair", "mongodb://rc:pw@db1,db2/rc?replicaSet=rs0\n"
          "mongodb://oplog:pw@db1,db2/local?replicaSet=rs0&authSource=admin")
    examples = sorted((root / "examples").glob("*.toml"))
    write_dict("topology", topology_words(e.read_text() for e in examples))
    for example in examples:
        text = example.read_text()
        value = tomllib.loads(text)
        write("topology", f"{example.stem}.toml", b"\x00" + text.encode())
        write("topology", f"{example.stem}.yaml", b"\x01" + yaml_block(value).encode())
        write("topology", f"{example.stem}.json", b"\x02" + json.dumps(value, indent=1).encode())
    for i in range(4):
        write("plan", f"seed{i}", bytes(range(i * 37, i * 37 + 64)))
    print(f"seeded {corpus}: " + ", ".join(
        f"{d.name} {len(list(d.iterdir()))}" for d in sorted(corpus.iterdir()) if d.is_dir()))


main()
