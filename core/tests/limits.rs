//! Hostile sizes: each input that once took minutes or gigabytes is refused when loaded, with an
//! error naming the field and the limit; the largest accepted inputs resolve, check and plan.
//! (How long they take is measured by benches and docs/performance.md, never here.)

use rocketchat_topology::limits::{
    MAX_ENV_ENTRIES, MAX_FILE_BYTES, MAX_HOSTS, MAX_INSTANCES, MAX_INSTANCES_PER_HOST,
};
use rocketchat_topology::load::Format;
use rocketchat_topology::model::Instances;
use rocketchat_topology::plan::Policy;
use rocketchat_topology::{check, example, plan, Layout, LoadError, Topology};

const HEAD: &str = r#"[site]
root_url = "https://chat.example.com"

[rocketchat]
version = "7.10.0"

[mongo]
url = "mongodb://db1:27017/rocketchat?replicaSet=rs0"
version = "7.0"
replica_set = "rs0"
members = [{ host = "db1:27017" }]
"#;

fn load(text: &str, format: Format) -> Result<Topology, LoadError> {
    Topology::parse_with_env(text, format, Some("hostile".into()), &|_| None)
}

fn load_toml(text: &str) -> Result<Topology, LoadError> {
    load(text, Format::Toml)
}

/// The error's field path and message, or a panic naming what loaded instead.
fn refusal(result: Result<Topology, LoadError>) -> (String, String) {
    match result {
        Ok(t) => panic!("loaded a topology of {} hosts", t.hosts.len()),
        Err(e) => (e.path().unwrap_or_default().to_string(), e.to_string()),
    }
}

fn hosts(n: usize, cores: u32) -> String {
    let mut text = HEAD.to_string();
    for i in 0..n {
        text.push_str(&format!(
            "\n[[hosts]]\nname = \"app{i}\"\naddress = \"10.{}.{}.{}\"\ncores = {cores}\n",
            i / 65536,
            i / 256 % 256,
            i % 256
        ));
    }
    text
}

#[test]
fn one_host_with_twenty_thousand_instances_is_refused() {
    // 231 bytes: with a version bump, planning it once took 199 s.
    let text = format!("{HEAD}[[hosts]]\nname = \"app1\"\ncores = 20001\ninstances = 20000\n");
    let (path, message) = refusal(load_toml(&text));
    assert_eq!(path, "hosts[0].instances");
    assert!(message.contains("hostile:"), "{message}");
    assert!(
        message.contains(&format!("at most {MAX_INSTANCES_PER_HOST} on one host")),
        "{message}"
    );
}

#[test]
fn forty_hosts_of_64000_instances_are_refused() {
    // 4 KB that once made `check` take 3.2 GB.
    let mut text = HEAD.to_string();
    for i in 0..40 {
        text.push_str(&format!(
            "[[hosts]]\nname = \"app{i}\"\ncores = 64001\ninstances = 64000\n"
        ));
    }
    let (path, message) = refusal(load_toml(&text));
    assert_eq!(path, "hosts[0].instances");
    assert!(message.contains("64000 instances"), "{message}");
}

#[test]
fn too_many_instances_in_all_is_refused() {
    // Within the per-host bound on every host, over the total.
    let per_host = MAX_INSTANCES_PER_HOST as u32;
    let n = (MAX_INSTANCES / MAX_INSTANCES_PER_HOST + 1) as usize;
    let (path, message) = refusal(load_toml(&hosts(n, per_host + 1)));
    assert_eq!(path, "hosts");
    assert!(
        message.contains(&format!("(at most {MAX_INSTANCES})")),
        "{message}"
    );
}

#[test]
fn a_long_ports_list_is_refused() {
    let ports: Vec<String> = (3000..3000 + MAX_INSTANCES_PER_HOST + 1)
        .map(|p| p.to_string())
        .collect();
    let text = format!(
        "{HEAD}[[hosts]]\nname = \"app1\"\ncores = 2000\nports = [{}]\n",
        ports.join(", ")
    );
    let (path, _) = refusal(load_toml(&text));
    assert_eq!(path, "hosts[0].ports");
}

#[test]
fn forty_thousand_env_entries_are_refused() {
    // Once 53 s of `check`: the environment was de-duplicated quadratically.
    let mut text = format!("{HEAD}[rocketchat.env]\n");
    for i in 0..40_000 {
        text.push_str(&format!("V{i} = \"x\"\n"));
    }
    text.push_str("\n[[hosts]]\nname = \"app1\"\ncores = 2\n");
    let (path, message) = refusal(load_toml(&text));
    assert_eq!(path, "rocketchat.env");
    assert!(
        message.contains(&format!("at most {MAX_ENV_ENTRIES}")),
        "{message}"
    );
}

#[test]
fn the_largest_env_tables_resolve_with_the_host_winning() {
    let mut t = example::topology();
    for i in 0..MAX_ENV_ENTRIES {
        t.rocketchat.env.insert(format!("V{i:04}"), "shared".into());
        t.hosts[0].env.insert(format!("V{i:04}"), "host".into());
    }
    let layout = Layout::resolve(&t);
    assert_eq!(layout.instances.len(), 3);
    for instance in &layout.instances {
        let extra: Vec<_> = instance
            .env
            .iter()
            .filter(|v| v.name.starts_with('V'))
            .collect();
        assert_eq!(extra.len(), MAX_ENV_ENTRIES, "each name once");
        assert!(extra.iter().all(|v| v.value.expose() == "host"));
        assert_eq!(extra[0].name, "V0000");
    }
    assert_eq!(check(&layout).errors(), 0);
}

#[test]
fn twenty_thousand_hosts_are_refused() {
    // 1.2 MB that once took about 120 s in each of check, render and plan.
    let (path, message) = refusal(load_toml(&hosts(20_000, 2)));
    assert_eq!(path, "hosts");
    assert!(
        message.contains(&format!("at most {MAX_HOSTS}")),
        "{message}"
    );
}

#[test]
fn a_file_of_four_mebibytes_of_hosts_is_refused() {
    // The largest file read, all hosts: it once did not finish `check` in 60 s.
    for format in [Format::Toml, Format::Json, Format::Yaml] {
        let text = largest_file_of_hosts(format);
        assert!(text.len() as u64 > MAX_FILE_BYTES * 9 / 10);
        let (path, message) = refusal(load(&text, format));
        assert_eq!(path, "hosts", "{format}: {message}");
    }
}

/// As many hosts as fit in the largest file read, in `format` (YAML: block style).
fn largest_file_of_hosts(format: Format) -> String {
    let mut n = 80_000;
    loop {
        let text = in_format(&hosts(n, 2), format);
        if text.len() as u64 <= MAX_FILE_BYTES {
            return text;
        }
        n = (n as u64 * MAX_FILE_BYTES / text.len() as u64 * 99 / 100) as usize;
    }
}

fn in_format(toml_text: &str, format: Format) -> String {
    let value: serde_json::Value = toml::from_str(toml_text).unwrap();
    match format {
        Format::Toml => toml_text.to_string(),
        Format::Json => serde_json::to_string(&value).unwrap(),
        Format::Yaml => yaml_block(&value, 0),
        other => panic!("not handled: {other:?}"),
    }
}

/// A JSON value as block-style YAML (strings quoted as JSON strings, which YAML reads alike).
fn yaml_block(value: &serde_json::Value, indent: usize) -> String {
    use serde_json::Value;
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::Object(_) | Value::Array(_) => {
                    format!("{pad}{k}:\n{}", yaml_block(v, indent + 2))
                }
                scalar => format!("{pad}{k}: {scalar}\n"),
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                let inner = yaml_block(v, indent + 2);
                format!("{pad}- {}\n", inner.trim_start().trim_end())
            })
            .collect(),
        scalar => format!("{pad}{scalar}\n"),
    }
}

#[test]
fn a_topology_built_in_code_over_a_bound_is_not_planned() {
    let mut current = example::topology();
    current.hosts[0].cores = 20_001;
    current.hosts[0].instances = Instances::Count(20_000);
    let mut desired = current.clone();
    desired.rocketchat.version = "7.11.0".into();
    let (from, to) = (Layout::resolve(&current), Layout::resolve(&desired));
    assert!(to.instances.is_empty());
    assert!(plan(Some(&from), &to, &Policy::default()).is_err());
    let report = check(&to);
    assert!(report.has_errors());
    assert!(report.diagnostics.iter().any(|d| d.code == "T021"));
}

#[test]
fn the_largest_accepted_deployment_loads_and_checks_clean() {
    // MAX_INSTANCES instances on as many hosts as the per-host bound allows.
    let per_host = 10;
    let n = (MAX_INSTANCES / per_host) as usize;
    assert!(n <= MAX_HOSTS);
    let mut text = hosts(n, per_host as u32 + 1);
    text.push_str(
        "\n[proxy]\nkind = \"haproxy\"\nserver_name = \"chat.example.com\"\naffinity = \"cookie\"\n\
         tls = { certificate = \"/etc/haproxy/chat.pem\", key = \"/etc/haproxy/chat.pem\" }\n",
    );
    let t = load_toml(&text).unwrap_or_else(|e| panic!("{e}"));
    let layout = Layout::resolve(&t);
    assert_eq!(layout.instances.len() as u64, MAX_INSTANCES);
    let report = check(&layout);
    let errors: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == rocketchat_topology::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}
