//! Apache httpd: a site with two balancers (`balancer://rocketchat-http` and
//! `balancer://rocketchat-ws`) over every instance, each member routed `<host>_<port>` (names from
//! `paths.rs`), a sticky ROUTEID cookie, the RewriteRule split that sends WebSocket upgrades to the `ws://` balancer,
//! ProxyPreserveHost, TLS 1.2/1.3 only, and an HTTP->HTTPS redirect. The balancer-manager, which
//! a plan drives to take members out and back without a reload, answers only requests from the
//! proxy machine itself. The modules it needs are listed in the header (`a2enmod ...`) and by
//! [`MODULES`].

use super::{require_proxy, Comment, RenderContext, RenderError, RenderedFile, Target};
use crate::model::{Affinity, Proxy};
use crate::paths;
use std::fmt::Write;

/// Modules the site uses (Debian `a2enmod` names).
pub const MODULES: &[&str] = &[
    "proxy",
    "proxy_http",
    "proxy_wstunnel",
    "proxy_balancer",
    "lbmethod_byrequests",
    "slotmem_shm",
    "rewrite",
    "headers",
    "alias",
    "authz_host",
    "ssl",
];

pub(super) fn render(ctx: &RenderContext) -> Result<Vec<RenderedFile>, RenderError> {
    let proxy = require_proxy(ctx, Target::Apache)?;
    let mut s = ctx.header(Comment::Hash, "Apache reverse proxy site for Rocket.Chat.");
    let modules: Vec<&str> = MODULES
        .iter()
        .copied()
        .filter(|m| *m != "ssl" || proxy.tls.is_some())
        .collect();
    let _ = writeln!(
        s,
        "# Enable with: a2enmod {} && a2ensite rocketchat",
        modules.join(" ")
    );
    if proxy.affinity == Affinity::IpHash {
        s.push_str("# Apache has no client-IP hashing: affinity `ip_hash` is rendered as the ROUTEID cookie.\n");
    }
    s.push('\n');
    worker_threads(&mut s);
    if proxy.tls.is_some() {
        let _ = write!(
            s,
            "<VirtualHost *:80>\n    ServerName {name}\n    Redirect permanent / https://{name}/\n</VirtualHost>\n\n",
            name = proxy.server_name
        );
    }
    virtual_host(&mut s, ctx, proxy);
    Ok(vec![RenderedFile {
        host: ctx.proxy_host(),
        path: paths::APACHE_CONF.into(),
        mode: paths::CONFIG_MODE,
        contents: s,
    }])
}

fn virtual_host(s: &mut String, ctx: &RenderContext, proxy: &Proxy) {
    let port = if proxy.tls.is_some() { 443 } else { 80 };
    let _ = writeln!(s, "<VirtualHost *:{port}>");
    let _ = writeln!(s, "    ServerName {}", proxy.server_name);
    if let Some(tls) = &proxy.tls {
        let _ = write!(
            s,
            "\n    SSLEngine on\n    SSLCertificateFile {}\n    SSLCertificateKeyFile {}\n    SSLProtocol -all +TLSv1.2 +TLSv1.3\n    SSLHonorCipherOrder off\n    Header always set Strict-Transport-Security \"max-age=63072000\"\n",
            tls.certificate, tls.key_file()
        );
    }
    let proto = proxy.public_scheme();
    let _ = write!(
        s,
        "\n    ProxyPreserveHost On\n    ProxyRequests Off\n    RequestHeader set X-Forwarded-Proto \"{proto}\"\n    # WebSockets stay open for long; an idle one is closed after an hour.\n    ProxyTimeout 3600\n"
    );
    let sticky = proxy.affinity != Affinity::None;
    if sticky {
        let secure = if proxy.tls.is_some() { "; Secure" } else { "" };
        let _ = writeln!(
            s,
            "    # The route of the instance that answered, so later requests return to it.\n    Header add Set-Cookie \"ROUTEID=.%{{BALANCER_WORKER_ROUTE}}e; path=/; HttpOnly{secure}\" env=BALANCER_ROUTE_CHANGED"
        );
    }
    for scheme in paths::APACHE_SCHEMES {
        balancer(s, ctx, scheme, sticky);
    }
    manager(s);
    let (http, ws) = (paths::apache_balancer("http"), paths::apache_balancer("ws"));
    let _ = write!(
        s,
        "\n    RewriteEngine On\n    RewriteRule ^{manager}$ - [L]\n    RewriteCond %{{HTTP:Upgrade}} =websocket [NC]\n    RewriteRule ^/(.*)$ {ws}/$1 [P,L]\n    RewriteCond %{{HTTP:Upgrade}} !=websocket [NC]\n    RewriteRule ^/(.*)$ {http}/$1 [P,L]\n    ProxyPassReverse / {http}/\n</VirtualHost>\n",
        manager = paths::APACHE_MANAGER_PATH
    );
}

/// Worker threads for WebSockets. mod_proxy_http tunnels an upgraded connection in the worker
/// thread that accepted it until it closes (`ap_proxy_tunnel_run`), so each open Rocket.Chat
/// client holds one thread; and a child process of mpm_event whose threads are all taken shuts
/// the keep-alive connections it holds, including one a client just sent a request on: a reset.
/// The lab measured it with Debian's 25 threads a process and 50 WebSockets (0.3 % of requests
/// reset with no rollout at all, none with 64). Server-wide directives: this Apache serves
/// Rocket.Chat.
fn worker_threads(s: &mut String) {
    s.push_str(
        "# Each open WebSocket holds one worker thread until it closes, and a process whose threads\n# are all busy closes its idle keep-alive connections (clients sending on one see a reset):\n# room for them, server-wide. MaxRequestWorkers bounds open WebSockets and requests together:\n# raise it (and ServerLimit, 16 processes by default) above the clients you expect.\n<IfModule mpm_event_module>\n    ThreadsPerChild 64\n    MaxRequestWorkers 1024\n    MinSpareThreads 64\n    MaxSpareThreads 256\n</IfModule>\n\n",
    );
}

/// mod_proxy_balancer's manager, where a plan sets a member's disabled flag at runtime. It must be
/// in this virtual host: each virtual host keeps its balancers in shared memory of its own.
/// `Require local` admits only connections from this machine (loopback, or its own address);
/// the rewrite rule above keeps the path from being proxied to Rocket.Chat.
fn manager(s: &mut String) {
    let _ = write!(
        s,
        "\n    # Members out and back without a reload (the plan's rct_apache_down/up): this machine only.\n    <Location \"{}\">\n        SetHandler balancer-manager\n        Require local\n    </Location>\n",
        paths::APACHE_MANAGER_PATH
    );
}

fn balancer(s: &mut String, ctx: &RenderContext, scheme: &str, sticky: bool) {
    let _ = writeln!(s, "\n    <Proxy {}>", paths::apache_balancer(scheme));
    // The route is the same in both balancers, so the ROUTEID cookie set by an HTTP answer also
    // pins the WebSocket. `status=+D` (disabled) last on the line: what a plan's
    // `rct_apache_down` appends in both balancers.
    for instance in &ctx.layout.instances {
        let drain = if ctx.is_drained(&instance.id) {
            " status=+D"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "        BalancerMember {scheme}://{} route={} retry=30{drain}",
            instance.upstream(),
            paths::backend_server(&instance.host, instance.port)
        );
    }
    if sticky {
        s.push_str("        ProxySet lbmethod=byrequests stickysession=ROUTEID\n");
    } else {
        s.push_str("        ProxySet lbmethod=byrequests\n");
    }
    s.push_str("    </Proxy>\n");
}
