//! HAProxy: a whole `haproxy.cfg` with a frontend (HTTPS with an HTTP redirect, or plain HTTP)
//! and one backend over every instance, cookie stickiness, health checks on the release's health
//! endpoint, `timeout tunnel` for WebSockets and a runtime API socket, so a plan can run
//! `set server rocketchat/<host>_<port> state drain` (names from `paths.rs`).

use super::{require_proxy, Comment, RenderContext, RenderError, RenderedFile, Target};
use crate::model::{Affinity, Proxy};
use crate::paths::{self, BACKEND_NAME as BACKEND, HAPROXY_SOCKET as SOCKET};
use std::fmt::Write;

/// The stickiness cookie.
pub const COOKIE: &str = "RCSERVERID";

pub(super) fn render(ctx: &RenderContext) -> Result<Vec<RenderedFile>, RenderError> {
    let proxy = require_proxy(ctx, Target::Haproxy)?;
    let mut s = ctx.header(Comment::Hash, "HAProxy configuration for Rocket.Chat.");
    let separate_key = proxy.tls.as_ref().and_then(|t| Some((t, t.key.as_ref()?)));
    if let Some((tls, key)) = separate_key {
        let _ = writeln!(
            s,
            "# HAProxy loads the private key from the certificate file or from `{}.key`:\n# install the key ({key}) there.",
            tls.certificate
        );
    }
    let _ = write!(
        s,
        "\nglobal\n    log /dev/log local0\n    chroot /var/lib/haproxy\n    # Runtime API: drain and re-enable instances without a reload.\n    stats socket {SOCKET} mode 660 level admin\n    stats timeout 30s\n    # A reload's old process lets go of open WebSockets (timeout tunnel 1h) within 60 s.\n    hard-stop-after 60s\n    user haproxy\n    group haproxy\n    daemon\n    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets\n\n"
    );
    s.push_str(
        "defaults\n    log global\n    mode http\n    option httplog\n    option dontlognull\n    timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n    timeout http-request 10s\n    # WebSockets stay open for long; an idle one is closed after an hour.\n    timeout tunnel 1h\n    # A reload (servers added or removed, another setting) keeps an idle client connection\n    # open until its next request, answered with `Connection: close`, instead of closing it\n    # as the client may be sending (an option of HAProxy 2.6, Debian 12's release).\n    option idle-close-on-response\n\n",
    );
    frontend(&mut s, proxy);
    backend(&mut s, ctx, proxy);
    Ok(vec![RenderedFile {
        host: ctx.proxy_host(),
        path: paths::HAPROXY_CFG.into(),
        mode: paths::CONFIG_MODE,
        contents: s,
    }])
}

fn frontend(s: &mut String, proxy: &Proxy) {
    s.push_str("frontend rocketchat_front\n    bind :80\n");
    match &proxy.tls {
        Some(tls) => {
            let _ = write!(
                s,
                "    bind :443 ssl crt {} alpn h2,http/1.1\n    http-request redirect scheme https code 301 unless {{ ssl_fc }}\n    http-request set-header X-Forwarded-Proto https\n    http-response set-header Strict-Transport-Security \"max-age=63072000\"\n",
                tls.certificate
            );
        }
        None => {
            let _ = writeln!(
                s,
                "    http-request set-header X-Forwarded-Proto {}",
                proxy.public_scheme()
            );
        }
    }
    let _ = write!(
        s,
        "    option forwardfor\n    default_backend {BACKEND}\n\n"
    );
}

fn backend(s: &mut String, ctx: &RenderContext, proxy: &Proxy) {
    let health = ctx
        .layout
        .rocketchat_version()
        .map(crate::version::health_path)
        .unwrap_or("/api/info");
    let _ = writeln!(s, "backend {BACKEND}");
    match proxy.affinity {
        Affinity::Cookie => {
            let secure = if proxy.tls.is_some() { " secure" } else { "" };
            let _ = writeln!(
                s,
                "    balance roundrobin\n    cookie {COOKIE} insert indirect nocache httponly{secure}"
            );
        }
        Affinity::IpHash => s.push_str("    balance source\n    hash-type consistent\n"),
        Affinity::None => s.push_str("    balance leastconn\n"),
    }
    let _ = write!(
        s,
        "    option httpchk\n    http-check send meth GET uri {health}\n    http-check expect status 200\n    default-server inter 5s fall 3 rise 2\n"
    );
    // Written piece by piece: one line per instance, and `format!` for each was most of
    // rendering the proxy at scale.
    let cookie = proxy.affinity == Affinity::Cookie;
    for instance in &ctx.layout.instances {
        s.push_str("    server ");
        paths::push_backend_server(s, &instance.host, instance.port);
        s.push(' ');
        paths::push_host_port(s, &instance.upstream_host, instance.port);
        s.push_str(" check");
        if cookie {
            s.push_str(" cookie ");
            paths::push_backend_server(s, &instance.host, instance.port);
        }
        // `disabled` (maintenance) last on the line: what a plan's `rct_haproxy_down` appends
        // after draining the server on the runtime API, so a reload keeps it out.
        if ctx.is_drained(&instance.id) {
            s.push_str(" disabled");
        }
        s.push('\n');
    }
}
