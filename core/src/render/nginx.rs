//! nginx: one file for `conf.d` (http context) with the upstream of every instance, the chosen
//! affinity, the WebSocket upgrade map, and the server blocks (HTTPS with an HTTP redirect, or
//! plain HTTP when there is no TLS).
//!
//! Cookie affinity in open-source nginx (which has no `sticky`): the first response sets a
//! `rctopo_route` cookie to the request id, and the upstream hashes on that cookie, falling back
//! to the request id itself, so the first request and every later one (SockJS polling included)
//! land on the same instance. Draining renders an instance `down`, which keeps ip_hash and
//! consistent-hash assignments of the other instances stable.

use super::{require_proxy, Comment, RenderContext, RenderError, RenderedFile, Target};
use crate::model::{Affinity, Proxy};
use crate::paths::{self, BACKEND_NAME as UPSTREAM};
use std::fmt::Write;

/// The cookie that carries the affinity key.
pub const AFFINITY_COOKIE: &str = "rctopo_route";

pub(super) fn render(ctx: &RenderContext) -> Result<Vec<RenderedFile>, RenderError> {
    let proxy = require_proxy(ctx, Target::Nginx)?;
    let mut s = ctx.header(
        Comment::Hash,
        "nginx reverse proxy for Rocket.Chat (http context: include it from nginx.conf's http block).",
    );
    s.push('\n');
    maps(&mut s, proxy);
    upstream(&mut s, ctx, proxy);
    if proxy.tls.is_some() {
        redirect_server(&mut s, proxy);
    }
    main_server(&mut s, proxy);
    Ok(vec![RenderedFile {
        host: ctx.proxy_host(),
        path: paths::NGINX_CONF.into(),
        mode: paths::CONFIG_MODE,
        contents: s,
    }])
}

fn maps(s: &mut String, proxy: &Proxy) {
    s.push_str(
        "# WebSocket upgrade: pass `Connection: upgrade` only when the client asked for it, so other\n\
         # requests keep the upstream connection alive.\n\
         map $http_upgrade $rocketchat_connection {\n    default upgrade;\n    ''      '';\n}\n\n",
    );
    if proxy.affinity == Affinity::Cookie {
        let secure = if proxy.tls.is_some() { "; Secure" } else { "" };
        let _ = write!(
            s,
            "# Affinity key: the {AFFINITY_COOKIE} cookie, or on a first visit this request's id.\n\
             map $cookie_{AFFINITY_COOKIE} $rocketchat_affinity {{\n    \"\"      $request_id;\n    default $cookie_{AFFINITY_COOKIE};\n}}\n\n\
             # Set the cookie once, to the key this first request was balanced with.\n\
             map $cookie_{AFFINITY_COOKIE} $rocketchat_affinity_cookie {{\n    \"\"      \"{AFFINITY_COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax{secure}\";\n    default \"\";\n}}\n\n"
        );
    }
}

fn upstream(s: &mut String, ctx: &RenderContext, proxy: &Proxy) {
    let _ = writeln!(s, "upstream {UPSTREAM} {{");
    // The balancing method must come before `keepalive`.
    match proxy.affinity {
        Affinity::IpHash => s.push_str("    ip_hash;\n"),
        Affinity::Cookie => s.push_str("    hash $rocketchat_affinity consistent;\n"),
        Affinity::None => s.push_str("    least_conn;\n"),
    }
    // One `server <address>[ params];` per line, `down` last: the shape a plan's proxy edits
    // (`rct_nginx_down`/`rct_nginx_up`) rewrite in place.
    for instance in &ctx.layout.instances {
        let down = if ctx.is_drained(&instance.id) {
            " down"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "    server {} max_fails=3 fail_timeout=30s{down};",
            instance.upstream()
        );
    }
    s.push_str("    keepalive 32;\n}\n\n");
}

fn redirect_server(s: &mut String, proxy: &Proxy) {
    let _ = write!(
        s,
        "server {{\n    listen 80;\n    server_name {name};\n    return 301 https://{name}$request_uri;\n}}\n\n",
        name = proxy.server_name
    );
}

fn main_server(s: &mut String, proxy: &Proxy) {
    s.push_str("server {\n");
    match &proxy.tls {
        Some(tls) => {
            let _ = write!(
                s,
                "    listen 443 ssl http2;\n    server_name {};\n\n    ssl_certificate {};\n    ssl_certificate_key {};\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_prefer_server_ciphers off;\n    ssl_session_cache shared:rocketchat_tls:10m;\n    ssl_session_timeout 1d;\n    add_header Strict-Transport-Security \"max-age=63072000\" always;\n",
                proxy.server_name, tls.certificate, tls.key_file()
            );
        }
        None => {
            let _ = writeln!(s, "    listen 80;\n    server_name {};", proxy.server_name);
        }
    }
    if proxy.affinity == Affinity::Cookie {
        // Server level, next to HSTS: a location's own add_header would drop the server's.
        s.push_str("    add_header Set-Cookie $rocketchat_affinity_cookie;\n");
    }
    let proto = proxy.public_scheme();
    s.push_str("\n    client_max_body_size 200m;\n\n    location / {\n");
    let _ = writeln!(s, "        proxy_pass http://{UPSTREAM};");
    s.push_str(
        "        proxy_http_version 1.1;\n\
         \x20       proxy_set_header Upgrade $http_upgrade;\n\
         \x20       proxy_set_header Connection $rocketchat_connection;\n\
         \x20       proxy_set_header Host $host;\n\
         \x20       proxy_set_header X-Real-IP $remote_addr;\n\
         \x20       proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n",
    );
    let _ = writeln!(s, "        proxy_set_header X-Forwarded-Proto {proto};");
    s.push_str(
        "        proxy_set_header X-Nginx-Proxy true;\n\
         \x20       proxy_redirect off;\n\
         \x20       # WebSockets stay open for long; an idle one is closed after an hour.\n\
         \x20       proxy_read_timeout 3600s;\n\
         \x20       proxy_send_timeout 3600s;\n\
         \x20       # Retry another instance only for idempotent requests (nginx never retries POST).\n\
         \x20       proxy_next_upstream error timeout http_502 http_503 http_504;\n\
         \x20       proxy_next_upstream_tries 3;\n",
    );
    s.push_str("    }\n}\n");
}
