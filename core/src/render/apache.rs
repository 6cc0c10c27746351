//! Apache httpd: a site with two balancers (HTTP and WebSocket) over every instance, a sticky
//! ROUTEID cookie, the RewriteRule split that sends WebSocket upgrades to the `ws://` balancer,
//! ProxyPreserveHost, TLS 1.2/1.3 only, and an HTTP->HTTPS redirect. The modules it needs are
//! listed in the header (`a2enmod ...`) and by [`MODULES`].

use super::{require_proxy, Comment, RenderContext, RenderError, RenderedFile, Target};
use crate::layout::Instance;
use crate::model::{Affinity, Proxy};
use std::fmt::Write;

pub const PATH: &str = "/etc/apache2/sites-available/rocketchat.conf";
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
    "ssl",
];
const HTTP_BALANCER: &str = "balancer://rocketchat-http";
const WS_BALANCER: &str = "balancer://rocketchat-ws";

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
        path: PATH.into(),
        mode: 0o644,
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
            tls.certificate, tls.key
        );
    }
    let proto = if proxy.tls.is_some() { "https" } else { "http" };
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
    balancer(s, ctx, HTTP_BALANCER, "http", sticky);
    balancer(s, ctx, WS_BALANCER, "ws", sticky);
    let _ = write!(
        s,
        "\n    RewriteEngine On\n    RewriteCond %{{HTTP:Upgrade}} =websocket [NC]\n    RewriteRule ^/(.*)$ {WS_BALANCER}/$1 [P,L]\n    RewriteCond %{{HTTP:Upgrade}} !=websocket [NC]\n    RewriteRule ^/(.*)$ {HTTP_BALANCER}/$1 [P,L]\n    ProxyPassReverse / {HTTP_BALANCER}/\n</VirtualHost>\n"
    );
}

fn balancer(s: &mut String, ctx: &RenderContext, name: &str, scheme: &str, sticky: bool) {
    let _ = writeln!(s, "\n    <Proxy {name}>");
    for instance in &ctx.layout.instances {
        let drain = if ctx.is_drained(&instance.id) {
            " status=+N"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "        BalancerMember {scheme}://{} route={} retry=30{drain}",
            instance.upstream(),
            route(instance)
        );
    }
    if sticky {
        s.push_str("        ProxySet lbmethod=byrequests stickysession=ROUTEID\n");
    } else {
        s.push_str("        ProxySet lbmethod=byrequests\n");
    }
    s.push_str("    </Proxy>\n");
}

/// A balancer route: `h<host index>p<port>`, unique and made of letters and digits only
/// (mod_proxy_balancer splits the cookie value on `.`).
pub fn route(instance: &Instance) -> String {
    format!("h{}p{}", instance.host_index, instance.port)
}
