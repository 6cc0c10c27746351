//! The shell output: every script of every sample plan passes `bash -n` and shellcheck with no
//! finding, and the proxy helpers edit real configurations that the real nginx, HAProxy and
//! Apache accept.

mod plan_support;
mod render_support;

use plan_support::*;
use rocketchat_topology::model::{Instances, ProxyKind, Topology};
use rocketchat_topology::plan::format_shell::{helper, helper_names};
use rocketchat_topology::plan::{Budget, CommandSet, Policy, ShellOptions, ShellScript};
use rocketchat_topology::{plan, Layout};
use std::path::Path;
use std::process::Command;

/// Whether `tool` is installed (the shared finder: a missing one fails the test unless
/// RCTOPO_ALLOW_MISSING_VALIDATORS=1).
fn have(tool: &str) -> bool {
    render_support::validator(tool).is_some()
}

fn scratch(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("rctopo-plan-shell-{name}-"))
        .tempdir()
        .unwrap()
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// Writes `scripts` and runs `bash -n` and shellcheck on each.
fn validate(label: &str, scripts: &[ShellScript]) {
    assert!(!scripts.is_empty());
    let tmp = scratch(label);
    let dir = tmp.path();
    let shellcheck = have("shellcheck");
    for script in scripts {
        assert!(script.text.starts_with("#!/usr/bin/env bash\n"));
        assert!(
            script.text.contains("\nset -euo pipefail\n"),
            "{}",
            script.name
        );
        let path = dir.join(&script.name);
        std::fs::write(&path, &script.text).unwrap();
        let (ok, out) = run(Command::new("bash").arg("-n").arg(&path));
        assert!(
            ok,
            "{label}/{}: bash -n: {out}\n{}",
            script.name, script.text
        );
        if shellcheck {
            let (ok, out) = run(Command::new("shellcheck").arg(&path));
            assert!(
                ok && out.is_empty(),
                "{label}/{}: shellcheck:\n{out}",
                script.name
            );
        }
    }
}

fn samples() -> Vec<(&'static str, Option<Topology>, Topology, Policy)> {
    let upgrade = |t: &Topology| {
        let mut n = t.clone();
        n.rocketchat.version = "7.11.0".into();
        n
    };
    let mut out = vec![
        ("install", None, howto(), Policy::default()),
        (
            "upgrade",
            Some(howto()),
            upgrade(&howto()),
            Policy::default(),
        ),
    ];
    for kind in [ProxyKind::Nginx, ProxyKind::Apache, ProxyKind::Haproxy] {
        let current = multi(&[2, 3], &[4, 4], kind);
        let mut next = upgrade(&current);
        next.hosts[0].instances = Instances::Count(3);
        next.hosts[1].base_port = 3100;
        next.hosts.push(host(2, 1, 2));
        let policy = Policy {
            max_surge: Budget::Count(1),
            canary: 1,
            ..Policy::default()
        };
        out.push(("mixed", Some(current.clone()), next, policy));
        out.push(("fresh", None, current, Policy::default()));
    }
    // MongoDB 6.0 -> 8.0 and Rocket.Chat 7.13 -> 8.2 in one plan; an upgrade without a backup.
    let mut current = multi(&[2, 1], &[4, 4], ProxyKind::Haproxy);
    current.rocketchat.version = "7.13.0".into();
    current.mongo.version = "6.0".into();
    let mut next = current.clone();
    next.rocketchat.version = "8.2.0".into();
    next.mongo.version = "8.0".into();
    out.push(("mongo", Some(current.clone()), next, Policy::default()));
    let no_backup = Policy {
        backup: false,
        ..Policy::default()
    };
    out.push(("no-backup", Some(howto()), upgrade(&howto()), no_backup));
    out
}

#[test]
fn every_script_passes_bash_and_shellcheck() {
    for (n, (label, current, desired, policy)) in samples().into_iter().enumerate() {
        let (c, d) = (
            current.as_ref().map(Layout::resolve),
            Layout::resolve(&desired),
        );
        let plan = plan(c.as_ref(), &d, &policy).unwrap();
        for ssh in [false, true] {
            let options = ShellOptions {
                ssh,
                commands: CommandSet::default(),
            };
            let scripts = plan.to_shell(&d, &options);
            if current.is_some() {
                assert!(
                    scripts.iter().any(|s| s.rollback),
                    "{label}: rollback scripts"
                );
            }
            validate(&format!("{n}-{label}-{ssh}"), &scripts);
        }
    }
}

/// The helpers' own files (core/src/plan/shell/*.sh, whose .shellcheckrc says they are bash):
/// each passes shellcheck alone, including helpers no sample plan calls, and each is the
/// source the scripts carry.
#[test]
fn every_helper_file_is_a_helper_and_passes_shellcheck() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/plan/shell");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sh"))
        .collect();
    files.sort();
    let mut names: Vec<String> = helper_names().map(|n| format!("{n}.sh")).collect();
    names.sort();
    assert_eq!(files, names, "one file per helper, and no other");
    for file in &files {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let name = file.trim_end_matches(".sh");
        assert_eq!(helper(name), Some(text.trim_end_matches('\n')));
        assert!(
            text.contains(&format!("\n{name}() {{")),
            "{file} defines {name}"
        );
    }
    if !have("shellcheck") {
        return;
    }
    let (ok, out) = run(Command::new("shellcheck").args(&files).current_dir(&dir));
    assert!(ok && out.is_empty(), "shellcheck:\n{out}");
}

#[test]
fn ssh_output_is_one_script_and_local_output_one_per_machine_in_turn() {
    let current = multi(&[2, 2], &[4, 4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.rocketchat.version = "7.11.0".into();
    let (c, d) = (Layout::resolve(&current), Layout::resolve(&next));
    let plan = plan(Some(&c), &d, &Policy::default()).unwrap();
    let ssh = plan.to_shell(
        &d,
        &ShellOptions {
            ssh: true,
            ..Default::default()
        },
    );
    let forward: Vec<&ShellScript> = ssh.iter().filter(|s| !s.rollback).collect();
    assert_eq!(forward.len(), 1);
    assert_eq!(forward[0].name, "plan.sh");
    assert!(forward[0]
        .text
        .contains("rct_on app1 'systemctl stop rocketchat@3000.service'"));
    let local = plan.to_shell(&d, &ShellOptions::default());
    let names: Vec<&str> = local
        .iter()
        .filter(|s| !s.rollback)
        .map(|s| s.name.as_str())
        .take(5)
        .collect();
    // Staging on each host, the backup beside the first instance, then the first rolling wave.
    assert_eq!(
        names,
        [
            "01-app1.sh",
            "02-app2.sh",
            "03-app1.sh",
            "04-proxy.sh",
            "05-app1.sh"
        ]
    );
}

#[test]
fn the_health_poll_fails_the_script_when_an_instance_never_answers() {
    if !have("curl") {
        return;
    }
    let tmp = scratch("health");
    let dir = tmp.path();
    let script = format!(
        "set -euo pipefail\n{}\nrct_wait_healthy http://127.0.0.1:9/readyz 2 1 0\necho reached\n",
        helper("rct_wait_healthy").unwrap()
    );
    let path = dir.join("poll.sh");
    std::fs::write(&path, script).unwrap();
    let (ok, out) = run(Command::new("bash").arg(&path));
    assert!(!ok, "{out}");
    assert!(
        out.contains("not healthy after 2 s") && !out.contains("reached"),
        "{out}"
    );
}

#[test]
fn a_command_set_drives_another_supervisor() {
    let commands: CommandSet =
        toml::from_str("start_unit = \"pm2 start {unit}\"\nstop_unit = \"pm2 stop {unit}\"\n")
            .unwrap();
    let mut next = howto();
    next.rocketchat.version = "7.11.0".into();
    let (c, d) = (Layout::resolve(&howto()), Layout::resolve(&next));
    let plan = plan(Some(&c), &d, &Policy::default()).unwrap();
    let scripts = plan.to_shell(
        &d,
        &ShellOptions {
            ssh: false,
            commands,
        },
    );
    assert!(scripts[0].text.contains("pm2 stop rocketchat@3000.service"));
    assert!(!scripts[0].text.contains("systemctl stop"));
    validate("pm2", &scripts);
}

/// Runs helpers `names` and then `calls` in bash.
fn helpers_run(names: &[&str], calls: &str) {
    let mut text = String::from("set -euo pipefail\n");
    for n in names {
        text.push_str(helper(n).unwrap());
        text.push('\n');
    }
    text.push_str(calls);
    let (ok, out) = run(Command::new("bash").arg("-c").arg(&text));
    assert!(ok, "{out}\n{text}");
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn nginx_helpers_mark_servers_down_and_back_in_a_config_nginx_accepts() {
    let tmp = scratch("nginx");
    let dir = tmp.path();
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "pid {0}/nginx.pid;\nerror_log {0}/error.log;\nevents {{}}\nhttp {{\n  access_log off;\n  upstream rocketchat {{\n    ip_hash;\n    server 127.0.0.1:3000;\n    server 127.0.0.1:3001 max_fails=3;\n    server 127.0.0.1:30010;\n  }}\n  server {{\n    listen 127.0.0.1:18080;\n    location / {{ proxy_pass http://rocketchat; }}\n  }}\n}}\n",
            dir.display()
        ),
    )
    .unwrap();
    let c = conf.display();
    let h = ["rct_re", "rct_nginx_down", "rct_nginx_up"];
    helpers_run(&h, &format!("rct_nginx_down {c} 127.0.0.1:3001; rct_nginx_down {c} 127.0.0.1:3001; rct_nginx_down {c} 127.0.0.1:3000"));
    let text = read(&conf);
    assert!(
        text.contains("server 127.0.0.1:3001 max_fails=3 down;\n"),
        "{text}"
    );
    assert!(text.contains("server 127.0.0.1:3000 down;\n"), "{text}");
    assert!(
        text.contains("server 127.0.0.1:30010;\n"),
        "a longer port is another server: {text}"
    );
    let nginx_ok = |label: &str| {
        if have("nginx") {
            let (ok, out) = run(Command::new("nginx")
                .arg("-t")
                .arg("-q")
                .arg("-p")
                .arg(dir)
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg(dir.join("error.log")));
            assert!(ok, "{label}: nginx -t: {out}\n{}", read(&conf));
        }
    };
    nginx_ok("after down");
    helpers_run(&h, &format!("rct_nginx_up {c} rocketchat 127.0.0.1:3001; rct_nginx_up {c} rocketchat 127.0.0.1:3002"));
    let text = read(&conf);
    assert!(
        text.contains("server 127.0.0.1:3001 max_fails=3;\n"),
        "{text}"
    );
    assert!(
        text.contains("    server 127.0.0.1:3002 max_fails=3 fail_timeout=30s;\n"),
        "an added server has the rendered parameters: {text}"
    );
    assert!(text.contains("server 127.0.0.1:3000 down;\n"), "{text}");
    nginx_ok("after up");
}

#[test]
fn haproxy_helpers_disable_and_enable_servers_in_a_config_haproxy_accepts() {
    let tmp = scratch("haproxy");
    let dir = tmp.path();
    let conf = dir.join("haproxy.cfg");
    std::fs::write(
        &conf,
        "defaults\n  mode http\n  timeout connect 5s\n  timeout client 1h\n  timeout server 1h\n\nfrontend www\n  bind 127.0.0.1:18081\n  default_backend rocketchat\n\nbackend rocketchat\n  balance roundrobin\n  cookie SERVERID insert indirect nocache\n  server app1_3000 10.0.0.10:3000 check cookie app1_3000\n  server app1_3001 10.0.0.10:3001 check cookie app1_3001\n",
    )
    .unwrap();
    let c = conf.display();
    let sock = dir.join("admin.sock");
    let s = sock.display();
    let h = ["rct_re", "rct_haproxy_down", "rct_haproxy_up"];
    helpers_run(&h, &format!("rct_haproxy_down {c} rocketchat app1_3000 {s}; rct_haproxy_down {c} rocketchat app1_3000 {s}"));
    let text = read(&conf);
    assert!(
        text.contains("server app1_3000 10.0.0.10:3000 check cookie app1_3000 disabled\n"),
        "{text}"
    );
    let haproxy_ok = |label: &str| {
        if have("haproxy") {
            let (ok, out) = run(Command::new("haproxy")
                .arg("-c")
                .arg("-q")
                .arg("-f")
                .arg(&conf));
            assert!(ok, "{label}: haproxy -c: {out}\n{}", read(&conf));
        }
    };
    haproxy_ok("after down");
    helpers_run(&h, &format!("rct_haproxy_up {c} rocketchat app1_3000 10.0.0.10:3000; rct_haproxy_up {c} rocketchat app2_3000 10.0.0.11:3000"));
    let text = read(&conf);
    assert!(
        text.contains("server app1_3000 10.0.0.10:3000 check cookie app1_3000\n"),
        "{text}"
    );
    assert!(
        text.contains("    server app2_3000 10.0.0.11:3000 check cookie app2_3000\n"),
        "{text}"
    );
    haproxy_ok("after up");
}

#[test]
fn apache_helpers_disable_and_enable_members_in_a_config_apache_accepts() {
    let tmp = scratch("apache");
    let dir = tmp.path();
    let conf = dir.join("apache.conf");
    let modules = "/usr/lib/apache2/modules";
    std::fs::write(
        &conf,
        format!(
            "ServerRoot {d}\nPidFile {d}/httpd.pid\nErrorLog {d}/error.log\nListen 127.0.0.1:18082\nLoadModule mpm_event_module {m}/mod_mpm_event.so\nLoadModule authz_core_module {m}/mod_authz_core.so\nLoadModule slotmem_shm_module {m}/mod_slotmem_shm.so\nLoadModule proxy_module {m}/mod_proxy.so\nLoadModule proxy_http_module {m}/mod_proxy_http.so\nLoadModule proxy_balancer_module {m}/mod_proxy_balancer.so\nLoadModule lbmethod_byrequests_module {m}/mod_lbmethod_byrequests.so\nLoadModule proxy_wstunnel_module {m}/mod_proxy_wstunnel.so\n<Proxy \"balancer://rocketchat-http\">\n    BalancerMember http://10.0.0.10:3000 route=app1_3000\n    BalancerMember http://10.0.0.10:3001 route=app1_3001\n</Proxy>\n<Proxy balancer://rocketchat-ws>\n    BalancerMember ws://10.0.0.10:3000 route=app1_3000\n    BalancerMember ws://10.0.0.10:3001 route=app1_3001\n</Proxy>\nProxyPass /ws balancer://rocketchat-ws/\nProxyPass / balancer://rocketchat-http/\n",
            d = dir.display(),
            m = modules
        ),
    )
    .unwrap();
    let c = conf.display();
    // No Apache runs here: the balancer-manager calls fail and the helpers say the reload will
    // apply the file (plan_apache_manager runs them against a real apache2).
    let h = [
        "rct_re",
        "rct_apache_manager",
        "rct_apache_states",
        "rct_apache_member",
        "rct_apache_down",
        "rct_apache_up",
    ];
    helpers_run(
        &h,
        &format!("rct_apache_down {c} rocketchat 10.0.0.10:3000; rct_apache_down {c} rocketchat 10.0.0.10:3000"),
    );
    let text = read(&conf);
    assert!(
        text.contains("BalancerMember http://10.0.0.10:3000 route=app1_3000 status=+D\n"),
        "{text}"
    );
    assert!(
        text.contains("BalancerMember ws://10.0.0.10:3000 route=app1_3000 status=+D\n"),
        "both balancers: {text}"
    );
    assert_eq!(text.matches("status=+D").count(), 2, "{text}");
    let apache_ok = |label: &str| {
        if have("apache2") && Path::new(modules).exists() {
            let (ok, out) = run(Command::new("apache2").arg("-t").arg("-f").arg(&conf));
            assert!(ok, "{label}: apache2 -t: {out}\n{}", read(&conf));
        }
    };
    apache_ok("after down");
    helpers_run(&h, &format!("rct_apache_up {c} rocketchat 10.0.0.10:3000 app1_3000; rct_apache_up {c} rocketchat 10.0.0.11:3000 app2_3000"));
    let text = read(&conf);
    assert!(
        text.contains("BalancerMember http://10.0.0.10:3000 route=app1_3000\n"),
        "{text}"
    );
    assert!(
        text.contains("        BalancerMember http://10.0.0.11:3000 route=app2_3000 retry=30\n"),
        "{text}"
    );
    assert!(
        text.contains("        BalancerMember ws://10.0.0.11:3000 route=app2_3000 retry=30\n"),
        "{text}"
    );
    assert!(!text.contains("status=+D"), "{text}");
    apache_ok("after up");
}

/// The surge env file of the how-to upgrade with one surge instance: its plan and the rendered
/// env file it copies.
fn surge_plan() -> (rocketchat_topology::Plan, Layout, String) {
    let current = Layout::resolve(&howto());
    let mut next = howto();
    next.rocketchat.version = "7.11.0".into();
    let desired = Layout::resolve(&next);
    let policy = Policy {
        max_surge: Budget::Count(1),
        ..Policy::default()
    };
    let plan = plan(Some(&current), &desired, &policy).unwrap();
    let env =
        rocketchat_topology::render::render(&desired, rocketchat_topology::render::Target::All)
            .unwrap()
            .into_iter()
            .find(|f| f.path == "/etc/rocketchat/3000.env")
            .unwrap()
            .contents;
    (plan, desired, env)
}

#[test]
fn env_overrides_keep_the_quoted_lines_the_renderer_writes() {
    let (plan, desired, env) = surge_plan();
    assert!(env.contains("\nPORT=\"3000\"\n"), "{env}");
    let script = &plan.to_shell(
        &desired,
        &ShellOptions {
            ssh: true,
            commands: CommandSet::default(),
        },
    )[0];
    let line = script
        .text
        .lines()
        .find(|l| l.contains("rct_set_env") && l.contains("PORT 3003"))
        .unwrap_or_else(|| panic!("no PORT override:\n{}", script.text));
    assert!(line.contains("/etc/rocketchat/3003.env"), "{line}");
    let tmp = scratch("set-env");
    let dir = tmp.path();
    let file = dir.join("3003.env");
    std::fs::write(&file, &env).unwrap();
    let f = file.display();
    helpers_run(
        &["rct_set_env"],
        &format!("rct_set_env {f} PORT 3003; rct_set_env {f} TCP_PORT 4003"),
    );
    let text = read(&file);
    assert!(text.contains("\nPORT=\"3003\"\n"), "{text}");
    assert!(text.contains("\nTCP_PORT=\"4003\"\n"), "{text}");
    assert_eq!(
        text.lines().count(),
        env.lines().count(),
        "only values change"
    );
    // The helper itself refuses anything but a port number.
    let mut bad = String::from("set -euo pipefail\n");
    bad.push_str(helper("rct_set_env").unwrap());
    bad.push_str(&format!("\nrct_set_env {f} PORT '1/;e reboot'\n"));
    let (ok, out) = run(Command::new("bash").arg("-c").arg(&bad));
    assert!(!ok && out.contains("not a port number"), "{out}");
    assert!(read(&file).contains("\nPORT=\"3003\"\n"));
}

#[test]
fn an_override_that_is_not_a_port_number_stops_the_script() {
    let (mut plan, desired, _) = surge_plan();
    let mut hostile = 0;
    for step in &mut plan.steps {
        if let rocketchat_topology::plan::Action::WriteFile { source, .. } = &mut step.action {
            for o in &mut source.overrides {
                o.value = "3003/;e reboot;s/x/\"$(id)".into();
                hostile += 1;
            }
        }
    }
    assert!(hostile > 0);
    let scripts = plan.to_shell(&desired, &ShellOptions::default());
    let text: String = scripts.iter().map(|s| s.text.as_str()).collect();
    assert!(!text.contains("reboot"), "{text}");
    assert!(!text.contains("rct_set_env '"), "{text}");
    assert!(text.contains("overrides set port numbers only'"), "{text}");
    assert!(text.contains("\nrct_fail() {"), "{text}");
    validate("hostile-override", &scripts);
    // The refusal line stops a `set -e` script before the next line.
    let refusal = text
        .lines()
        .find(|l| l.starts_with("rct_fail '"))
        .expect("refusal line");
    let probe = format!(
        "set -euo pipefail\n{}\n{refusal}\necho reached-after-refusal\n",
        helper("rct_fail").unwrap()
    );
    let (ok, out) = run(Command::new("bash").arg("-c").arg(&probe));
    assert!(
        !ok && out.contains("overrides set port numbers only"),
        "{out}"
    );
    assert!(!out.contains("reached-after-refusal"), "{out}");
}

/// A stand-in for haproxy's admin socket at `socket`: each connection's `show info` is
/// answered with `Pid: <n>`, n the number of reloads recorded in `calls`, so the worker seems
/// to change with each reload, as rct_haproxy_reload waits for. (A real haproxy answers it in
/// plan_render_proxy.rs.)
fn answer_as_haproxy_workers(socket: &std::path::Path, calls: std::path::PathBuf) {
    use std::io::{BufRead as _, Write as _};
    let listener = std::os::unix::net::UnixListener::bind(socket).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut line = String::new();
            let _ = std::io::BufReader::new(&stream).read_line(&mut line);
            let reloads = std::fs::read_to_string(&calls)
                .unwrap_or_default()
                .lines()
                .count();
            let _ =
                (&stream).write_all(format!("Name: HAProxy\nPid: {}\n", 1000 + reloads).as_bytes());
        }
    });
}

/// rct_haproxy_reload reloads (through `systemctl`, a recording stand-in here) only when the
/// file differs from the loaded one in more than `disabled` marks.
#[test]
fn haproxy_reload_is_skipped_when_only_server_states_changed() {
    let tmp = scratch("haproxy-reload");
    let dir = tmp.path();
    let conf = dir.join("haproxy.cfg");
    let socket = dir.join("admin.sock");
    let calls = dir.join("systemctl.calls");
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("systemctl"),
        format!("#!/bin/sh\necho \"$*\" >>{}\n", calls.display()),
    )
    .unwrap();
    let _ = std::fs::remove_file(&socket);
    answer_as_haproxy_workers(&socket, calls.clone());
    std::process::Command::new("chmod")
        .arg("755")
        .arg(bin.join("systemctl"))
        .status()
        .unwrap();
    let body = "backend rocketchat\n    server app1_3000 10.0.0.1:3000 check\n";
    std::fs::write(&conf, body).unwrap();
    let (c, s) = (conf.display(), socket.display());
    let reload = format!("PATH={}:$PATH rct_haproxy_reload {c} {s}\n", bin.display());
    let reloads = || {
        std::fs::read_to_string(&calls)
            .unwrap_or_default()
            .lines()
            .count()
    };
    // Nothing loaded yet: reload, and remember what was loaded.
    helpers_run(
        &["rct_fail", "rct_haproxy_worker", "rct_haproxy_reload"],
        &reload,
    );
    assert_eq!(reloads(), 1);
    // Only a `disabled` mark changed: the runtime API did it, no reload.
    std::fs::write(&conf, body.replace("check\n", "check disabled\n")).unwrap();
    helpers_run(
        &["rct_fail", "rct_haproxy_worker", "rct_haproxy_reload"],
        &reload,
    );
    assert_eq!(reloads(), 1);
    // Another change (a new server): reload.
    std::fs::write(
        &conf,
        format!("{body}    server app1_3001 10.0.0.1:3001 check\n"),
    )
    .unwrap();
    helpers_run(
        &["rct_fail", "rct_haproxy_worker", "rct_haproxy_reload"],
        &reload,
    );
    assert_eq!(reloads(), 2);
    assert_eq!(read(&calls).lines().next(), Some("reload haproxy"));
}

/// Every wave from an upgrade's leader on rolls back with the same restore: its scripts are
/// written once, for the leader's wave, and each later wave's rollback script runs them (over
/// ssh) or names them (per machine), instead of n copies of a restore of n instances.
#[test]
fn a_shared_restore_is_written_once_and_each_later_wave_reaches_it() {
    let current = multi(&[3, 3], &[4, 4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.rocketchat.version = "7.11.0".into();
    let (c, d) = (Layout::resolve(&current), Layout::resolve(&next));
    let plan = plan(Some(&c), &d, &Policy::default()).unwrap();
    let shared: Vec<(u32, u32)> = plan
        .summary
        .waves
        .iter()
        .filter_map(|w| Some((w.wave, w.rollback_same_as?)))
        .collect();
    assert!(shared.len() >= 5, "{shared:?}");
    let first = shared[0].1;
    assert!(shared.iter().all(|(_, f)| *f == first));

    let ssh = ShellOptions {
        ssh: true,
        commands: CommandSet::default(),
    };
    let dir = scratch("shared-restore");
    for s in plan.to_shell(&d, &ssh) {
        std::fs::write(dir.path().join(&s.name), &s.text).unwrap();
    }
    // Stand in for the restore itself, which would stop every instance of the machine.
    let restore = dir.path().join(format!("rollback-wave-{first}.sh"));
    assert!(read(&restore).contains("rct_restore"));
    std::fs::write(&restore, "echo \"restore ran with $# argument(s)\"\n").unwrap();
    for (wave, _) in &shared {
        let script = dir.path().join(format!("rollback-wave-{wave}.sh"));
        assert!(read(&script).len() < 400, "wave {wave} holds a copy");
        let (ok, out) = run(Command::new("bash").arg(&script));
        assert!(ok, "wave {wave}: {out}");
        assert_eq!(out.trim(), "restore ran with 0 argument(s)");
    }

    let per_machine = plan.to_shell(&d, &ShellOptions::default());
    let names: Vec<&str> = per_machine.iter().map(|s| s.name.as_str()).collect();
    let restores: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| n.starts_with(&format!("rollback-wave-{first}-")))
        .collect();
    assert!(restores.len() > 1, "{names:?}");
    let (wave, _) = shared[1];
    let pointer = per_machine
        .iter()
        .find(|s| s.name == format!("rollback-wave-{wave}.sh"))
        .unwrap();
    let dir = scratch("shared-restore-local");
    let path = dir.path().join(&pointer.name);
    std::fs::write(&path, &pointer.text).unwrap();
    let (ok, out) = run(Command::new("bash").arg(&path));
    assert!(!ok, "a per-machine pointer runs nothing and fails");
    for name in &restores {
        assert!(out.contains(name), "{name} not named in: {out}");
    }
}
