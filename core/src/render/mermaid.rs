//! Mermaid: a flowchart of the topology (proxy -> hosts -> instances -> replica set members) for
//! documentation and pull requests.

use super::{Comment, RenderContext, RenderedFile};
use crate::decimal::push_decimal;
use crate::paths;
use std::fmt::Write;

pub const PATH: &str = "/rocketchat-topology.mmd";

pub(super) fn render(ctx: &RenderContext) -> Vec<RenderedFile> {
    let layout = ctx.layout;
    let t = &layout.topology;
    let mut s = ctx.header(Comment::Percent, "Diagram of the Rocket.Chat topology.");
    s.push_str("flowchart LR\n    users((users))\n");
    let entry = match &t.proxy {
        Some(p) => {
            let scheme = p.public_scheme();
            let _ = writeln!(
                s,
                "    proxy[\"{} {}<br/>{scheme}://{}\"]\n    users --> proxy",
                p.kind.as_str(),
                label(&ctx.proxy_host()),
                label(&p.server_name)
            );
            Some("proxy")
        }
        None => None,
    };
    for host in &layout.hosts {
        let address = host
            .address
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        let _ = writeln!(
            s,
            "    subgraph host{}[\"{}{}\"]",
            host.index,
            label(&host.name),
            label(&address)
        );
        // Instance lines are written piece by piece: `writeln!` for each was most of this
        // file's cost at scale.
        for i in layout.instances_of(host.index) {
            s.push_str("        ");
            push_node(&mut s, i);
            s.push_str("[\"");
            push_label(&mut s, &i.id);
            if ctx.is_drained(&i.id) {
                s.push_str(" drained");
            }
            s.push_str("\"]\n");
        }
        s.push_str("    end\n");
    }
    let from = entry.unwrap_or("users");
    for i in &layout.instances {
        for part in ["    ", from, " --> "] {
            s.push_str(part);
        }
        push_node(&mut s, i);
        s.push('\n');
    }
    let members = &t.mongo.members;
    if !t.mongo.runs_mongod() {
        s.push_str("    mongo[(\"MongoDB (external)\")]\n");
        for host in &layout.hosts {
            if layout.instances_on(&host.name).next().is_some() {
                let _ = writeln!(s, "    host{} --> mongo", host.index);
            }
        }
    } else if !members.is_empty() {
        let set = t.mongo.replica_set.as_deref().unwrap_or("replica set");
        let _ = writeln!(s, "    subgraph mongo[\"MongoDB {}\"]", label(set));
        for (n, m) in members.iter().enumerate() {
            let role = if m.arbiter {
                " arbiter"
            } else if m.hidden {
                " hidden"
            } else {
                ""
            };
            let _ = writeln!(s, "        member{n}[\"{}{role}\"]", label(&m.host));
        }
        s.push_str("    end\n");
        for host in &layout.hosts {
            if !layout.instances_of(host.index).is_empty() {
                let _ = writeln!(s, "    host{} --> mongo", host.index);
            }
        }
    }
    vec![RenderedFile {
        host: paths::DOCS_MACHINE.into(),
        path: PATH.into(),
        mode: paths::CONFIG_MODE,
        contents: s,
    }]
}

/// Text for a quoted Mermaid label: `"` and `#` would end or escape it, so they become entities.
fn label(s: &str) -> String {
    s.replace('#', "#35;").replace('"', "#quot;")
}

/// Appends [`label`]'s text, copying `s` as it is when it needs no entity (the usual case).
fn push_label(out: &mut String, s: &str) {
    if s.contains(['#', '"']) {
        out.push_str(&label(s));
    } else {
        out.push_str(s);
    }
}

/// An instance's node name, `host<index>_<port>`.
fn push_node(out: &mut String, i: &crate::Instance) {
    out.push_str("host");
    push_decimal(out, i.host_index as u64);
    out.push('_');
    push_decimal(out, i.port.into());
}
