//! systemd: a template unit `rocketchat@.service` (instance = port), a `rocketchat.target` that
//! groups a host's instances, one environment file per instance (mode 0600), and what makes the
//! unit self-sufficient on a fresh machine: a sysusers.d file (the system user), a tmpfiles.d
//! file (the uploads directory) and `rocketchat-prepare.service`, which applies both before the
//! first instance starts (systemd resolves `User=` before any `ExecStartPre=` runs, so an
//! instance cannot create its own user).
//!
//! The unit holds no environment of its own beyond what every Rocket.Chat needs (as its official
//! image sets it): everything instance-specific, secrets included, lives in
//! `/etc/rocketchat/<port>.env`, the only place [`EnvValue::expose`] is called.

use super::{Comment, RenderContext, RenderedFile};
use crate::layout::{EnvValue, HostLayout, Instance};
use crate::model::RocketChat;
use crate::paths::{self, ENV_DIR};
use std::fmt::Write;

/// The state directory under /var/lib (`StateDirectory=`): the user's HOME, writable.
const STATE_DIR: &str = "rocket.chat";

pub(super) fn render(ctx: &RenderContext) -> Vec<RenderedFile> {
    let shared = [
        (paths::SYSUSERS_CONF, sysusers(ctx)),
        (paths::TMPFILES_CONF, tmpfiles(ctx)),
        (paths::PREPARE_UNIT, prepare_unit(ctx)),
        (paths::UNIT_TEMPLATE, template_unit(ctx)),
    ];
    let mut files = Vec::new();
    for host in &ctx.layout.hosts {
        let instances: Vec<&Instance> = ctx.layout.instances_of(host.index).iter().collect();
        if instances.is_empty() {
            continue;
        }
        for (path, contents) in &shared {
            files.push(RenderedFile {
                host: host.name.clone(),
                path: (*path).into(),
                mode: paths::CONFIG_MODE,
                contents: contents.clone(),
            });
        }
        files.push(RenderedFile {
            host: host.name.clone(),
            path: paths::TARGET_UNIT.into(),
            mode: paths::CONFIG_MODE,
            contents: target_unit(ctx, host, &instances),
        });
        for instance in instances {
            files.push(RenderedFile {
                host: host.name.clone(),
                path: paths::env_file(instance.port),
                mode: paths::ENV_MODE,
                contents: env_file(ctx, instance),
            });
        }
    }
    files
}

/// The user's home: the state directory, so HOME is writable under the hardening.
fn home() -> String {
    format!("/var/lib/{STATE_DIR}")
}

fn sysusers(ctx: &RenderContext) -> String {
    let rc = &ctx.layout.topology.rocketchat;
    let mut s = ctx.header(
        Comment::Hash,
        "The system user Rocket.Chat runs as (systemd-sysusers; rocketchat-prepare.service applies it).",
    );
    let group = rc.group();
    if group != rc.user {
        let _ = writeln!(s, "g {group} -");
    }
    let _ = writeln!(
        s,
        "u {} - \"Rocket.Chat\" {} /usr/sbin/nologin",
        rc.user,
        home()
    );
    if group != rc.user {
        let _ = writeln!(s, "m {} {group}", rc.user);
    }
    s
}

fn tmpfiles(ctx: &RenderContext) -> String {
    let rc = &ctx.layout.topology.rocketchat;
    let mut s = ctx.header(
        Comment::Hash,
        "Directories Rocket.Chat writes (systemd-tmpfiles; rocketchat-prepare.service applies it).",
    );
    match &rc.uploads_path {
        Some(uploads) => {
            let _ = writeln!(s, "d {uploads} 0750 {} {} -", rc.user, rc.group());
        }
        None => s.push_str(
            "# No file-system uploads directory: uploads go to GridFS or object storage.\n",
        ),
    }
    s
}

fn prepare_unit(ctx: &RenderContext) -> String {
    let mut s = ctx.header(
        Comment::Hash,
        "Creates Rocket.Chat's system user and directories before an instance starts; safe to run again.",
    );
    let _ = write!(
        s,
        "\n[Unit]\n\
         Description=Rocket.Chat system user and directories\n\n\
         [Service]\n\
         Type=oneshot\n\
         RemainAfterExit=yes\n\
         ExecStart=/usr/bin/systemd-sysusers {}\n\
         ExecStart=/usr/bin/systemd-tmpfiles --create {}\n",
        paths::SYSUSERS_CONF,
        paths::TMPFILES_CONF
    );
    s
}

/// Whether `path` lies where `ProtectHome=yes` hides it.
fn under_home(path: &str) -> bool {
    ["/home", "/root", "/run/user"]
        .iter()
        .any(|dir| path == *dir || path.starts_with(&format!("{dir}/")))
}

fn template_unit(ctx: &RenderContext) -> String {
    let rc = &ctx.layout.topology.rocketchat;
    let bundle = match rc.bundle.trim_end_matches('/') {
        "" => "/",
        dir => dir,
    };
    let main_js = format!("{}/main.js", bundle.trim_end_matches('/'));
    let mut s = ctx.header(
        Comment::Hash,
        "Rocket.Chat instance template: `systemctl start rocketchat@3001` runs the instance on port 3001.",
    );
    s.push_str("# Its environment (secrets included) is in /etc/rocketchat/<port>.env, mode 0600, never here.\n\n");
    s.push_str(
        "[Unit]\n\
         Description=Rocket.Chat instance on port %i\n\
         After=network-online.target rocketchat-prepare.service\n\
         Wants=network-online.target\n\
         Requires=rocketchat-prepare.service\n\
         PartOf=rocketchat.target\n\n",
    );
    s.push_str("[Service]\nType=simple\n");
    let _ = writeln!(s, "User={}", rc.user);
    let _ = writeln!(s, "Group={}", rc.group());
    // What Rocket.Chat's official image sets (apps/meteor/.docker/Dockerfile), HOME excepted:
    // the image's HOME=/tmp is private per instance here, the state directory is shared.
    s.push_str("Environment=NODE_ENV=production\n");
    let _ = writeln!(s, "Environment=HOME={}", home());
    let _ = writeln!(s, "StateDirectory={STATE_DIR}");
    s.push_str("StateDirectoryMode=0750\n");
    let _ = writeln!(s, "EnvironmentFile={ENV_DIR}/%i.env");
    let _ = writeln!(s, "WorkingDirectory={bundle}");
    let _ = writeln!(s, "ExecStart={} {main_js}", rc.node);
    s.push_str(
        "Restart=on-failure\n\
         RestartSec=5s\n\
         TimeoutStopSec=30s\n\
         SyslogIdentifier=rocketchat-%i\n",
    );
    s.push_str(&hardening(rc));
    s.push_str("\n[Install]\nWantedBy=rocketchat.target\n");
    s
}

/// Only directives that cannot break what Rocket.Chat does at run time (docs/planning.md, "The
/// systemd files a plan installs"): it writes its uploads wherever the file-system storage setting points (an
/// administrator can change it at run time), temporary files under /tmp, caches under HOME and
/// the Apps engine's files; its V8 JIT needs writable executable memory (so no
/// MemoryDenyWriteExecute); Node lists network interfaces over netlink at start.
fn hardening(rc: &RocketChat) -> String {
    let protect_home = match &rc.uploads_path {
        Some(uploads) if under_home(uploads) => "no",
        _ => "yes",
    };
    format!(
        "# Hardening that leaves Rocket.Chat everything it writes: /usr, /boot and /etc read-only\n\
         # (/var, /opt and /srv stay writable, so an uploads path set at run time keeps working),\n\
         # private /tmp, no privilege gain. AF_NETLINK: Node's os.networkInterfaces() needs it.\n\
         NoNewPrivileges=yes\n\
         ProtectSystem=full\n\
         ProtectHome={protect_home}\n\
         PrivateTmp=yes\n\
         PrivateDevices=yes\n\
         ProtectKernelTunables=yes\n\
         ProtectKernelModules=yes\n\
         ProtectKernelLogs=yes\n\
         ProtectControlGroups=yes\n\
         ProtectClock=yes\n\
         ProtectHostname=yes\n\
         RestrictSUIDSGID=yes\n\
         RestrictRealtime=yes\n\
         RestrictNamespaces=yes\n\
         LockPersonality=yes\n\
         RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n\
         CapabilityBoundingSet=\n\
         SystemCallArchitectures=native\n\
         UMask=0027\n"
    )
}

fn target_unit(ctx: &RenderContext, host: &HostLayout, instances: &[&Instance]) -> String {
    let mut s = ctx.header(
        Comment::Hash,
        &format!(
            "Rocket.Chat instances of host {}: `systemctl restart rocketchat.target` restarts them all.",
            host.name
        ),
    );
    let units: Vec<&str> = instances.iter().map(|i| i.unit.as_str()).collect();
    s.push_str("\n[Unit]\n");
    let _ = writeln!(s, "Description=Rocket.Chat instances of {}", host.name);
    let _ = writeln!(s, "Wants={}", units.join(" "));
    s.push_str("\n[Install]\nWantedBy=multi-user.target\n");
    s
}

fn env_file(ctx: &RenderContext, instance: &Instance) -> String {
    // Sized once and written piece by piece: one file per instance, and `format!`/`writeln!`
    // for its header and each variable was most of rendering at scale.
    let body: usize = instance
        .env
        .iter()
        .map(|var| var.name.len() + var.value.expose().len() + 4)
        .sum();
    let mut s = String::with_capacity(body + 256);
    ctx.push_header(
        &mut s,
        Comment::Hash,
        &[
            "Environment of Rocket.Chat instance ",
            &instance.id,
            " (",
            &instance.unit,
            "). Mode 0600: it holds secrets.",
        ],
    );
    for var in &instance.env {
        // The S016 rule guarantees the value has no quote, backslash, `$`, backtick or control
        // character, so double quotes keep it literal for systemd and for shells.
        for part in [var.name, "=\"", expose(var.value), "\"\n"] {
            s.push_str(part);
        }
    }
    s
}

/// The one place a secret leaves its wrapper: an environment file of mode 0600.
fn expose(value: &EnvValue) -> &str {
    value.expose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Layout;

    fn files(edit: impl Fn(&mut RocketChat)) -> Vec<RenderedFile> {
        let mut t = crate::example::topology();
        edit(&mut t.rocketchat);
        crate::render::render(&Layout::resolve(&t), crate::render::Target::Systemd)
            .expect("renders")
    }

    fn file<'a>(files: &'a [RenderedFile], path: &str) -> &'a str {
        &files.iter().find(|f| f.path == path).expect(path).contents
    }

    #[test]
    fn a_separate_group_is_created_and_joined() {
        let f = files(|rc| rc.group = Some("chat".into()));
        let sysusers = file(&f, paths::SYSUSERS_CONF);
        assert!(sysusers.contains("g chat -\n"));
        assert!(sysusers.contains("m rocketchat chat\n"));
        assert!(file(&f, paths::TMPFILES_CONF).contains(" 0750 rocketchat chat -\n"));
    }

    #[test]
    fn uploads_under_home_keep_home_visible() {
        let f = files(|rc| rc.uploads_path = Some("/home/chat/uploads".into()));
        assert!(file(&f, paths::UNIT_TEMPLATE).contains("\nProtectHome=no\n"));
        let f = files(|rc| rc.uploads_path = None);
        assert!(file(&f, paths::UNIT_TEMPLATE).contains("\nProtectHome=yes\n"));
        assert!(!file(&f, paths::TMPFILES_CONF).contains("\nd "));
    }
}
