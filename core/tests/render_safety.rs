//! Safety of rendering: hostile values are refused at check time and never reach a file,
//! secrets appear only in the environment files, output is deterministic, and the files carry
//! what the deployment needs (drained servers, health endpoints, every instance).

use rocketchat_topology::load::Format;
use rocketchat_topology::model::{Affinity, Member, ProxyKind, Topology};
use rocketchat_topology::render::{render, render_with, RenderError, RenderOptions, Target};
use rocketchat_topology::{check, example, Layout, Severity};

/// One way of planting a value into a topology, and the field path the S rule must name.
type Plant = fn(&mut Topology, &str) -> String;

fn plant_server_name(t: &mut Topology, v: &str) -> String {
    if let Some(p) = t.proxy.as_mut() {
        p.server_name = v.into();
    }
    "proxy.server_name".into()
}
fn plant_bundle(t: &mut Topology, v: &str) -> String {
    t.rocketchat.bundle = v.into();
    "rocketchat.bundle".into()
}
fn plant_node(t: &mut Topology, v: &str) -> String {
    t.rocketchat.node = v.into();
    "rocketchat.node".into()
}
fn plant_uploads(t: &mut Topology, v: &str) -> String {
    t.rocketchat.uploads_path = Some(v.into());
    "rocketchat.uploads_path".into()
}
fn plant_certificate(t: &mut Topology, v: &str) -> String {
    if let Some(tls) = t.proxy.as_mut().and_then(|p| p.tls.as_mut()) {
        tls.certificate = v.into();
    }
    "proxy.tls.certificate".into()
}
fn plant_key(t: &mut Topology, v: &str) -> String {
    if let Some(tls) = t.proxy.as_mut().and_then(|p| p.tls.as_mut()) {
        tls.key = Some(v.into());
    }
    "proxy.tls.key".into()
}
fn plant_user(t: &mut Topology, v: &str) -> String {
    t.rocketchat.user = v.into();
    "rocketchat.user".into()
}
fn plant_group(t: &mut Topology, v: &str) -> String {
    t.rocketchat.group = Some(v.into());
    "rocketchat.group".into()
}
fn plant_host_name(t: &mut Topology, v: &str) -> String {
    t.hosts[0].name = v.into();
    if let Some(p) = t.proxy.as_mut() {
        p.host = Some(v.into());
    }
    "hosts[0].name".into()
}
fn plant_address(t: &mut Topology, v: &str) -> String {
    t.hosts[0].address = Some(v.into());
    "hosts[0].address".into()
}
fn plant_bind_ip(t: &mut Topology, v: &str) -> String {
    t.rocketchat.bind_ip = Some(v.into());
    "rocketchat.bind_ip".into()
}
fn plant_env_name(t: &mut Topology, v: &str) -> String {
    t.rocketchat.env.insert(v.into(), "1".into());
    format!("rocketchat.env.{}", v.escape_debug())
}
fn plant_env_value(t: &mut Topology, v: &str) -> String {
    t.hosts[0]
        .env
        .insert("OVERWRITE_SETTING_Site_Name".into(), v.into());
    "hosts[0].env.OVERWRITE_SETTING_Site_Name".into()
}
fn plant_mongo_password(t: &mut Topology, v: &str) -> String {
    t.mongo.url = format!("mongodb://rc:{v}@localhost:27017/rocketchat?replicaSet=rs0");
    "mongo.url".into()
}
fn plant_root_url(t: &mut Topology, v: &str) -> String {
    t.site.root_url = format!("https://chat.example.com/{v}");
    "site.root_url".into()
}
fn plant_transporter(t: &mut Topology, v: &str) -> String {
    t.rocketchat.transporter = Some(format!("monolith+nats://nats:4222/{v}"));
    "rocketchat.transporter".into()
}
fn plant_replica_set(t: &mut Topology, v: &str) -> String {
    t.mongo.replica_set = Some(v.into());
    "mongo.replica_set".into()
}
fn plant_member(t: &mut Topology, v: &str) -> String {
    t.mongo.members = vec![Member {
        host: v.into(),
        arbiter: false,
        votes: None,
        priority: None,
        hidden: false,
    }];
    "mongo.members[0].host".into()
}

/// The hostile corpus: (where, value). Each value carries a character or shape that means
/// something in a target syntax: directive separators, block braces, newlines (new directives,
/// new variables, new YAML keys), quotes, shell and systemd expansion, path traversal, comments.
const HOSTILE: &[(&str, Plant, &str)] = &[
    (
        "server_name",
        plant_server_name,
        "chat.example.com; return 200 pwned",
    ),
    (
        "server_name",
        plant_server_name,
        "chat.example.com\n    location /x { return 200; }",
    ),
    ("server_name", plant_server_name, "chat.example.com}"),
    ("server_name", plant_server_name, "chat example com"),
    (
        "server_name",
        plant_server_name,
        "chat.example.com\" evil=\"",
    ),
    ("server_name", plant_server_name, "*.example.com#"),
    ("bundle", plant_bundle, "/opt/rocket chat/bundle"),
    ("bundle", plant_bundle, "/opt/%n/bundle"),
    ("bundle", plant_bundle, "/opt/rocket.chat/../../etc"),
    ("node", plant_node, "node"),
    (
        "node",
        plant_node,
        "/usr/bin/node\nExecStartPre=/bin/sh -c reboot",
    ),
    ("node", plant_node, "/usr/bin/node;reboot"),
    ("uploads", plant_uploads, "/var/lib/$HOME/uploads"),
    ("uploads", plant_uploads, "/var/lib/uploads\u{0}"),
    (
        "certificate",
        plant_certificate,
        "/etc/ssl/cert.pem;\n    ssl_verify_client off",
    ),
    ("certificate", plant_certificate, "/etc/ssl/cert .pem"),
    ("key", plant_key, "/etc/ssl/'key'.pem"),
    ("key", plant_key, "relative/key.pem"),
    ("user", plant_user, "root\nUser=root"),
    ("user", plant_user, "Rocket Chat"),
    ("group", plant_group, "%g"),
    ("host name", plant_host_name, "app{1}"),
    ("host name", plant_host_name, "../../etc"),
    ("host name", plant_host_name, "app1 backup"),
    (
        "address",
        plant_address,
        "10.0.0.1:3000 backup; server evil",
    ),
    ("address", plant_address, "10.0.0.1\n}"),
    ("address", plant_address, "http://10.0.0.1"),
    ("bind_ip", plant_bind_ip, "0.0.0.0\nBIND_IP=1.2.3.4"),
    ("env name", plant_env_name, "A=B\nMONGO_URL"),
    ("env name", plant_env_name, "1ST"),
    ("env name", plant_env_name, "NAME WITH SPACE"),
    (
        "env value",
        plant_env_value,
        "Chat\"\nMONGO_URL=\"mongodb://evil",
    ),
    ("env value", plant_env_value, "$(curl evil)"),
    ("env value", plant_env_value, "`reboot`"),
    ("env value", plant_env_value, "C:\\temp"),
    ("env value", plant_env_value, "line\u{2028}separator"),
    ("mongo password", plant_mongo_password, "pa\"ss"),
    ("mongo password", plant_mongo_password, "pa$$word"),
    ("root_url", plant_root_url, "\nMONGO_URL=mongodb://evil"),
    ("transporter", plant_transporter, "x\"y"),
    (
        "replica set",
        plant_replica_set,
        "rs0\nsecurity:\n  authorization: disabled",
    ),
    (
        "replica set",
        plant_replica_set,
        "rs0\"}); db.dropDatabase(); ({\"",
    ),
    ("member", plant_member, "db1\"}]}); db.dropDatabase(); //"),
    ("member", plant_member, "db1:27017\nnet:\n  bindIp: 0.0.0.0"),
    ("member", plant_member, "db1:notaport"),
];

#[test]
fn every_hostile_value_is_refused_at_check_time_and_never_rendered() {
    assert!(
        HOSTILE.len() >= 30,
        "the corpus holds {} values",
        HOSTILE.len()
    );
    for (what, plant, value) in HOSTILE {
        let mut t = example::topology();
        let path = plant(&mut t, value);
        let layout = Layout::resolve(&t);
        let report = check(&layout);
        let s_errors: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code.starts_with('S') && d.severity == Severity::Error)
            .collect();
        assert!(
            s_errors.iter().any(|d| d.path == path),
            "{what} {value:?}: no S error at {path}; got {:?}",
            report.diagnostics
        );
        // No S diagnostic repeats a value that holds a newline or quote verbatim.
        for d in &s_errors {
            let text = format!("{} {}", d.message, d.help);
            assert!(
                !(value.contains(['\n', '"']) && text.contains(value)),
                "{what}: message repeats the hostile value: {text}"
            );
        }
        for target in Target::EACH.into_iter().chain([Target::All]) {
            match render(&layout, target) {
                Err(RenderError::CheckFailed { report }) => {
                    assert!(report.errors() >= 1);
                    let first = report.first_error();
                    let raw = value.contains(['\n', '"']) && first.contains(value);
                    assert!(!raw, "{what}: the error repeats the value: {first}");
                }
                Ok(files) => panic!(
                    "{what} {value:?}: {target} rendered {} file(s) despite the error",
                    files.len()
                ),
                Err(e) => panic!("{what}: unexpected error {e}"),
            }
        }
    }
}

const CANARY: &str = "canary-7f3a9c";

fn canary_topology(kind: ProxyKind) -> Topology {
    let mut t = example::topology();
    t.mongo.url =
        format!("mongodb://rc:{CANARY}@localhost:27017/rocketchat?replicaSet=rs0&authSource=admin");
    t.mongo.oplog_url = Some(format!(
        "mongodb://rc:{CANARY}@localhost:27017/local?replicaSet=rs0&authSource=admin"
    ));
    t.rocketchat
        .env
        .insert("SMTP_PASSWORD".into(), CANARY.into());
    if let Some(p) = t.proxy.as_mut() {
        p.kind = kind;
    }
    t
}

#[test]
fn the_canary_password_appears_only_in_environment_files() {
    for kind in [ProxyKind::Nginx, ProxyKind::Apache, ProxyKind::Haproxy] {
        let layout = Layout::resolve(&canary_topology(kind));
        let mut files = Vec::new();
        for target in Target::EACH {
            files.extend(render(&layout, target).unwrap_or_else(|e| panic!("{target}: {e}")));
        }
        let mut env_files = 0;
        for f in &files {
            if f.path.ends_with(".env") {
                assert_eq!(f.mode, 0o600, "{}", f.path);
                assert!(
                    f.contents.contains(CANARY),
                    "{} lacks the password it needs",
                    f.path
                );
                env_files += 1;
            } else {
                assert!(
                    !f.contents.contains(CANARY),
                    "{}:{} leaks the password",
                    f.host,
                    f.path
                );
            }
        }
        assert_eq!(env_files, layout.instances.len());
    }
}

#[test]
fn output_is_deterministic() {
    let text = example::TOML;
    let a = Topology::parse_with_env(text, Format::Toml, Some("t.toml".into()), &|_| None)
        .expect("loads");
    let b = Topology::parse_with_env(text, Format::Toml, Some("t.toml".into()), &|_| None)
        .expect("loads");
    let ra = render(&Layout::resolve(&a), Target::All).expect("renders");
    let rb = render(&Layout::resolve(&b), Target::All).expect("renders");
    assert_eq!(ra, rb);
    assert!(ra.len() >= 8);
}

#[test]
fn every_file_names_the_topology_it_came_from() {
    let layout = Layout::resolve(&example::topology());
    for target in Target::EACH {
        for f in render(&layout, target).expect("renders") {
            let second = f.contents.lines().nth(1).unwrap_or_default();
            assert!(
                second.contains(
                    "Generated by rocketchat-topology from <built-in example: examples/howto.toml>"
                ),
                "{}: {second}",
                f.path
            );
            let comment = if f.path.ends_with(".js") {
                "//"
            } else if f.path.ends_with(".mmd") {
                "%%"
            } else {
                "#"
            };
            assert!(second.starts_with(comment), "{}: {second}", f.path);
        }
    }
}

#[test]
fn a_layout_with_errors_is_refused() {
    let mut t = example::topology();
    t.hosts[0].ports = Some(vec![3000, 3000]);
    let err = render(&Layout::resolve(&t), Target::Systemd).expect_err("refused");
    assert!(matches!(err, RenderError::CheckFailed { .. }), "{err}");
    assert!(err.to_string().contains("T005"), "{err}");
}

fn multi_host(kind: ProxyKind, affinity: Affinity) -> Layout {
    let mut t = example::topology();
    let mut second = t.hosts[0].clone();
    second.name = "app2".into();
    second.address = Some("10.0.0.12".into());
    t.hosts[0].address = Some("10.0.0.11".into());
    t.hosts.push(second);
    t.mongo.url = "mongodb://db1:27017,db2:27017,db3:27017/rocketchat?replicaSet=rs0".into();
    t.mongo.members = ["db1:27017", "db2:27017", "db3:27017"]
        .iter()
        .map(|h| Member {
            host: (*h).into(),
            arbiter: false,
            votes: None,
            priority: None,
            hidden: false,
        })
        .collect();
    if let Some(p) = t.proxy.as_mut() {
        p.kind = kind;
        p.affinity = affinity;
        p.host = None;
    }
    Layout::resolve(&t)
}

#[test]
fn drained_instances_are_rendered_out_of_rotation() {
    let drained = RenderOptions {
        drained: ["app2:3001".to_string()].into(),
    };
    let line = |kind, target| {
        let files =
            render_with(&multi_host(kind, Affinity::Cookie), target, &drained).expect("renders");
        files[0].contents.clone()
    };
    let nginx = line(ProxyKind::Nginx, Target::Nginx);
    assert!(
        nginx.contains("server 10.0.0.12:3001 max_fails=3 fail_timeout=30s down;"),
        "{nginx}"
    );
    assert_eq!(nginx.matches(" down;").count(), 1);
    let haproxy = line(ProxyKind::Haproxy, Target::Haproxy);
    assert!(
        haproxy.contains("server app2_3001 10.0.0.12:3001 check cookie app2_3001 disabled\n"),
        "{haproxy}"
    );
    let apache = line(ProxyKind::Apache, Target::Apache);
    // Disabled in both balancers (HTTP and WebSocket), as the plan's proxy edit does.
    assert_eq!(apache.matches("status=+D").count(), 2, "{apache}");
    assert!(
        apache.contains("BalancerMember ws://10.0.0.12:3001 route=app2_3001 retry=30 status=+D\n"),
        "{apache}"
    );

    let unknown = RenderOptions {
        drained: ["app9:3001".to_string()].into(),
    };
    let err = render_with(
        &multi_host(ProxyKind::Nginx, Affinity::Cookie),
        Target::Nginx,
        &unknown,
    );
    assert!(matches!(err, Err(RenderError::UnknownInstance { .. })));
}

#[test]
fn proxies_list_every_instance_of_every_host_with_the_chosen_affinity() {
    let layout = multi_host(ProxyKind::Nginx, Affinity::IpHash);
    let nginx = &render(&layout, Target::Nginx).expect("renders")[0];
    assert_eq!(nginx.host, "proxy");
    for i in &layout.instances {
        assert!(
            nginx
                .contents
                .contains(&format!("server {} ", i.upstream())),
            "{}",
            i.id
        );
    }
    assert!(nginx.contents.contains("    ip_hash;\n"));
    let apache = &render(
        &multi_host(ProxyKind::Apache, Affinity::Cookie),
        Target::Apache,
    )
    .expect("renders")[0];
    assert!(apache.contents.contains("stickysession=ROUTEID"));
    assert!(apache
        .contents
        .contains("RewriteCond %{HTTP:Upgrade} =websocket [NC]"));
    let haproxy = &render(
        &multi_host(ProxyKind::Haproxy, Affinity::None),
        Target::Haproxy,
    )
    .expect("renders")[0];
    assert!(haproxy.contents.contains("balance leastconn"));
    assert!(!haproxy.contents.contains("cookie RCSERVERID"));
}

#[test]
fn haproxy_probes_the_health_endpoint_of_the_release() {
    for (version, path) in [
        ("5.2.0", "/api/info"),
        ("6.12.0", "/health"),
        ("7.11.0", "/readyz"),
    ] {
        let mut t = example::topology();
        t.rocketchat.version = version.into();
        t.mongo.version = if version.starts_with('5') {
            "5.0".into()
        } else {
            "6.0".into()
        };
        if let Some(p) = t.proxy.as_mut() {
            p.kind = ProxyKind::Haproxy;
        }
        let files = render(&Layout::resolve(&t), Target::Haproxy)
            .unwrap_or_else(|e| panic!("{version}: {e}"));
        assert!(
            files[0].contents.contains(&format!("uri {path}\n")),
            "{version}"
        );
    }
}

#[test]
fn systemd_files_are_per_host_with_secrets_only_in_env_files() {
    let layout = multi_host(ProxyKind::Nginx, Affinity::Cookie);
    let files = render(&layout, Target::Systemd).expect("renders");
    for host in ["app1", "app2"] {
        let paths: Vec<&str> = files
            .iter()
            .filter(|f| f.host == host)
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "/etc/sysusers.d/rocketchat.conf",
                "/etc/tmpfiles.d/rocketchat.conf",
                "/etc/systemd/system/rocketchat-prepare.service",
                "/etc/systemd/system/rocketchat@.service",
                "/etc/systemd/system/rocketchat.target",
                "/etc/rocketchat/3000.env",
                "/etc/rocketchat/3001.env",
                "/etc/rocketchat/3002.env"
            ]
        );
    }
    let unit = &files[3].contents;
    assert!(unit.contains("EnvironmentFile=/etc/rocketchat/%i.env"));
    assert!(unit.contains("ExecStart=/usr/local/bin/node /opt/rocket.chat/bundle/main.js"));
    // What lets Rocket.Chat start (tests/lab/unit-test.sh runs it in a real systemd).
    for line in [
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
        "Environment=NODE_ENV=production",
        "Environment=HOME=/var/lib/rocket.chat",
        "StateDirectory=rocket.chat",
        "Requires=rocketchat-prepare.service",
        "ProtectSystem=full",
    ] {
        assert!(unit.lines().any(|l| l == line), "{line}");
    }
    assert!(!unit.contains("ReadWritePaths="));
    assert!(!unit.contains("MONGO_URL"));
    assert!(files[1]
        .contents
        .contains("d /var/lib/rocket.chat/uploads 0750 rocketchat rocketchat -"));
    assert!(files[0]
        .contents
        .contains("u rocketchat - \"Rocket.Chat\" /var/lib/rocket.chat"));
    let target = &files[4].contents;
    assert!(target
        .contains("Wants=rocketchat@3000.service rocketchat@3001.service rocketchat@3002.service"));
    let env = &files
        .iter()
        .find(|f| f.host == "app2" && f.path == "/etc/rocketchat/3002.env")
        .expect("app2 has an env file for port 3002")
        .contents;
    for i in layout.instances.iter().filter(|i| i.id == "app2:3002") {
        for var in &i.env {
            assert!(
                env.contains(&format!("{}=\"{}\"", var.name, var.value.expose())),
                "{}",
                var.name
            );
        }
    }
    assert!(env.contains("INSTANCE_IP=\"10.0.0.12\""));
    assert!(env.contains("PORT=\"3002\""));
    for f in &files {
        let out = f.out_path().expect("stays inside");
        assert!(out.starts_with(&f.host));
    }
}
