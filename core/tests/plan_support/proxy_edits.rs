//! The drain and undrain commands of one instance, cut from a plan's script for the proxy
//! machine, to run with bash on a proxy configuration of a test.

use rocketchat_topology::model::ProxyKind;
use rocketchat_topology::plan::commands::shell_quote;
use rocketchat_topology::plan::{CommandSet, Policy, ShellOptions};
use rocketchat_topology::{plan, Layout};
use std::path::Path;
use std::process::Command;

/// The bash that drains and the bash that undrains one instance, cut from the plan's script for
/// the proxy machine: its preamble (helpers) and the one command line of each.
pub struct Edits {
    pub drain: String,
    pub undrain: String,
}

/// The edits of `instance` (`host:port`) in a configuration rollout of `layout`, with the
/// command set pointed at `config` (and HAProxy's admin `socket`); validate and reload only
/// echo, so nothing touches the machine's services.
pub fn plan_edits(
    layout: &Layout,
    kind: ProxyKind,
    config: &Path,
    socket: &Path,
    instance: &str,
) -> Edits {
    let mut next = layout.topology.clone();
    next.rocketchat
        .env
        .insert("OVERWRITE_SETTING_Site_Name".into(), "Renamed".into());
    let desired = Layout::resolve(&next);
    let plan = plan(Some(layout), &desired, &Policy::default()).expect("plans");
    let mut commands = CommandSet {
        haproxy_socket: socket.display().to_string(),
        ..CommandSet::default()
    };
    let pc = match kind {
        ProxyKind::Nginx => &mut commands.nginx,
        ProxyKind::Apache => &mut commands.apache,
        ProxyKind::Haproxy => &mut commands.haproxy,
        other => panic!("not handled: {other:?}"),
    };
    let file = shell_quote(&config.display().to_string());
    pc.add = pc.add.replace("{config}", &file);
    pc.remove = pc.remove.replace("{config}", &file);
    pc.validate = "echo validate skipped".into();
    pc.reload = "echo reload skipped".into();
    let scripts = plan.to_shell(
        &desired,
        &ShellOptions {
            ssh: false,
            commands,
        },
    );
    let (down, up) = match kind {
        ProxyKind::Nginx => ("rct_nginx_down", "rct_nginx_up"),
        ProxyKind::Apache => ("rct_apache_down", "rct_apache_up"),
        ProxyKind::Haproxy => ("rct_haproxy_down", "rct_haproxy_up"),
        other => panic!("not handled: {other:?}"),
    };
    let member = layout.instance(instance).expect("the instance");
    let address = member.upstream();
    let server = format!("{}_{}", member.host, member.port);
    let key = if kind == ProxyKind::Haproxy {
        server.as_str()
    } else {
        address.as_str()
    };
    let machine = layout
        .topology
        .proxy
        .as_ref()
        .and_then(|p| p.host.clone())
        .unwrap_or_else(|| "proxy".into());
    let line = |text: &str, function: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{function} ")) && l.split(' ').any(|w| w == key))
            .map(str::to_string)
    };
    // Leaving and rejoining are in different scripts of the proxy machine (the instance
    // restarts on its own machine in between): each command runs with its script's helpers.
    let cut = |function: &str| {
        scripts
            .iter()
            .filter(|s| !s.rollback && s.host.as_deref() == Some(machine.as_str()))
            .find_map(|s| {
                let command = line(&s.text, function)?;
                let preamble = &s.text[..s.text.find("\n# --- wave")?];
                Some(format!("{preamble}\n{command}\n"))
            })
            .unwrap_or_else(|| panic!("no script of {machine} runs {function} for {instance}"))
    };
    Edits {
        drain: cut(down),
        undrain: cut(up),
    }
}

/// Runs `script` with bash, the plan's directories set to `dir`; panics when it fails.
pub fn bash(script: &str, dir: &Path) {
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("RCTOPO_DESIRED", dir)
        .env("RCTOPO_CURRENT", dir)
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "bash failed: {}{}\n{script}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
