//! systemd: a template unit `rocketchat@.service` (instance = port), a `rocketchat.target` that
//! groups a host's instances, and one environment file per instance (mode 0600), per host.
//!
//! The unit holds no environment: everything instance-specific, secrets included, lives in
//! `/etc/rocketchat/<port>.env`, the only place [`EnvValue::expose`] is called.

use super::{Comment, RenderContext, RenderedFile};
use crate::layout::{EnvValue, HostLayout, Instance};
use crate::paths::{self, ENV_DIR};
use std::fmt::Write;

pub(super) fn render(ctx: &RenderContext) -> Vec<RenderedFile> {
    let template = template_unit(ctx);
    let mut files = Vec::new();
    for host in &ctx.layout.hosts {
        let instances: Vec<&Instance> = ctx.layout.instances_of(host.index).iter().collect();
        if instances.is_empty() {
            continue;
        }
        files.push(RenderedFile {
            host: host.name.clone(),
            path: paths::UNIT_TEMPLATE.into(),
            mode: paths::CONFIG_MODE,
            contents: template.clone(),
        });
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

fn template_unit(ctx: &RenderContext) -> String {
    let rc = &ctx.layout.topology.rocketchat;
    let group = rc.group.as_deref().unwrap_or(&rc.user);
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
         After=network-online.target\n\
         Wants=network-online.target\n\
         PartOf=rocketchat.target\n\n",
    );
    s.push_str("[Service]\nType=simple\n");
    let _ = writeln!(s, "User={}", rc.user);
    let _ = writeln!(s, "Group={group}");
    let _ = writeln!(s, "EnvironmentFile={ENV_DIR}/%i.env");
    let _ = writeln!(s, "WorkingDirectory={bundle}");
    let _ = writeln!(s, "ExecStart={} {main_js}", rc.node);
    s.push_str(
        "Restart=on-failure\n\
         RestartSec=5s\n\
         TimeoutStopSec=30s\n\
         SyslogIdentifier=rocketchat-%i\n\
         # Hardening: read-only system, private /tmp, no privilege gain.\n\
         NoNewPrivileges=yes\n\
         ProtectSystem=strict\n",
    );
    if let Some(uploads) = &rc.uploads_path {
        s.push_str("# File-system uploads stay writable.\n");
        let _ = writeln!(s, "ReadWritePaths={uploads}");
    }
    s.push_str(
        "PrivateTmp=yes\n\
         PrivateDevices=yes\n\
         ProtectHome=yes\n\
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
         RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6\n\
         CapabilityBoundingSet=\n\
         SystemCallArchitectures=native\n\
         UMask=0027\n\n\
         [Install]\n\
         WantedBy=rocketchat.target\n",
    );
    s
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
    let mut s = ctx.header(
        Comment::Hash,
        &format!(
            "Environment of Rocket.Chat instance {} ({}). Mode 0600: it holds secrets.",
            instance.id, instance.unit
        ),
    );
    for var in &instance.env {
        // The S016 rule guarantees the value has no quote, backslash, `$`, backtick or control
        // character, so double quotes keep it literal for systemd and for shells.
        let _ = writeln!(s, "{}=\"{}\"", var.name, expose(&var.value));
    }
    s
}

/// The one place a secret leaves its wrapper: an environment file of mode 0600.
fn expose(value: &EnvValue) -> &str {
    value.expose()
}
