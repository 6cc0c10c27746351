use super::*;
use crate::diagnostic::Location;

fn no_env(_: &str) -> Option<String> {
    None
}

fn toml_err(text: &str) -> LoadError {
    Topology::parse_with_env(text, Format::Toml, Some("t.toml".into()), &no_env).unwrap_err()
}

fn example_with(old: &str, new: &str) -> String {
    assert!(crate::example::TOML.contains(old));
    crate::example::TOML.replacen(old, new, 1)
}

#[test]
fn example_loads_in_all_three_formats() {
    let t = crate::example::topology();
    let json = serde_json::to_string_pretty(&t).unwrap();
    let from_json = Topology::parse_with_env(&json, Format::Json, None, &no_env).unwrap();
    assert_eq!(from_json, t);
    let yaml = to_yaml(&serde_json::to_value(&t).unwrap(), 0);
    let from_yaml = Topology::parse_with_env(&yaml, Format::Yaml, None, &no_env).unwrap();
    assert_eq!(from_yaml, t);
}

/// A tiny YAML writer for the round trip (block style, strings always quoted).
fn to_yaml(v: &serde_json::Value, indent: usize) -> String {
    use serde_json::Value::*;
    let pad = " ".repeat(indent);
    match v {
        Object(m) => m
            .iter()
            .map(|(k, v)| match v {
                Object(_) | Array(_) => format!("{pad}{k}:\n{}", to_yaml(v, indent + 2)),
                _ => format!("{pad}{k}: {}\n", to_yaml(v, 0).trim_end()),
            })
            .collect(),
        Array(items) => items
            .iter()
            .map(|v| match v {
                Object(_) => {
                    let inner = to_yaml(v, indent + 2);
                    format!("{pad}- {}\n", inner.trim_start().trim_end())
                }
                _ => format!("{pad}- {}\n", to_yaml(v, 0).trim_end()),
            })
            .collect(),
        String(s) => format!("{}\n", serde_json::to_string(s).unwrap()),
        other => format!("{other}\n"),
    }
}

#[test]
fn wrong_type_names_file_line_column_and_path() {
    let e = toml_err(&example_with("cores = 4", "cores = \"four\""));
    assert_eq!(e.path(), Some("hosts[0].cores"));
    let text = e.to_string();
    assert!(text.starts_with("t.toml:"), "{text}");
    assert!(
        text.contains("hosts[0].cores: invalid type: string \"four\", expected u32"),
        "{text}"
    );
    let line = crate::example::TOML
        .lines()
        .position(|l| l.starts_with("cores = 4"))
        .unwrap()
        + 1;
    assert_eq!(e.location().map(|l| l.line), Some(line));
}

#[test]
fn unknown_field_suggests_the_close_one() {
    let e = toml_err(&example_with("cores = 4", "cors = 4"));
    let text = e.to_string();
    assert!(text.contains("unknown field `cors`"), "{text}");
    assert!(text.contains("did you mean `cores`?"), "{text}");
}

#[test]
fn unknown_variant_suggests_the_close_one() {
    let e = toml_err(&example_with("kind = \"nginx\"", "kind = \"ngnix\""));
    assert!(e.to_string().contains("did you mean `nginx`?"), "{e}");
}

#[test]
fn missing_field_names_the_field() {
    let e = toml_err(&example_with("version = \"7.10.0\"\n", ""));
    assert_eq!(e.path(), Some("rocketchat.version"));
}

#[test]
fn huge_numbers_are_errors() {
    let e = toml_err(&example_with("cores = 4", "cores = 99999999999"));
    assert_eq!(e.path(), Some("hosts[0].cores"));
    let e = toml_err(&example_with("base_port = 3000", "base_port = -1"));
    assert_eq!(e.path(), Some("hosts[0].base_port"));
    let json = r#"{"site":{"root_url":"https://a"},"rocketchat":{"version":"7.0.0"},"mongo":{"url":"mongodb://a/b","version":"7.0"},"hosts":[{"name":"a","cores":1e400}]}"#;
    let e = Topology::parse_with_env(json, Format::Json, None, &no_env).unwrap_err();
    assert!(
        matches!(e, LoadError::Syntax { .. } | LoadError::Field { .. }),
        "{e}"
    );
}

#[test]
fn empty_files_are_errors_in_every_format() {
    for format in [Format::Toml, Format::Yaml, Format::Json] {
        for text in ["", "  \n\n"] {
            let e = Topology::parse_with_env(text, format, None, &no_env).unwrap_err();
            assert!(matches!(e, LoadError::Empty { .. }), "{format}: {e}");
        }
    }
}

#[test]
fn malformed_text_is_a_syntax_error_with_position() {
    let cases = [
        (Format::Toml, "[site\nroot_url = 1"),
        (Format::Toml, "a = \"unterminated"),
        // Found by the topology fuzz target: toml_edit 0.23 panicked ("all items have spans").
        (Format::Toml, "==\n.="),
        (Format::Yaml, "site:\n  root_url: [1, 2\n"),
        (Format::Yaml, "a: b\n a: c\n  - x"),
        (Format::Json, "{\"site\": }"),
        (Format::Json, "{\"site\": {\"root_url\": \"x\"}"),
    ];
    for (format, text) in cases {
        let e = Topology::parse_with_env(text, format, Some("f".into()), &no_env).unwrap_err();
        assert!(
            matches!(e, LoadError::Syntax { .. }),
            "{format} {text:?}: {e}"
        );
        assert!(e.location().is_some(), "{format} {text:?}: {e}");
    }
}

#[test]
fn yaml_errors_name_line_and_path() {
    let yaml = "site:\n  root_url: https://chat.example.com\nrocketchat:\n  version: \"7.10.0\"\nmongo:\n  url: mongodb://db/rc?replicaSet=rs0\n  version: \"7.0\"\nhosts:\n  - name: a\n    cores: 4\n  - name: b\n    cores: four\n";
    let e =
        Topology::parse_with_env(yaml, Format::Yaml, Some("t.yaml".into()), &no_env).unwrap_err();
    assert_eq!(e.path(), Some("hosts[1].cores"));
    assert_eq!(
        e.location(),
        Some(Location {
            line: 12,
            column: 12
        })
    );
    assert!(
        e.to_string().starts_with(
            "t.yaml:12:12: hosts[1].cores: invalid type: string \"four\", expected u32"
        ),
        "{e}"
    );
}

#[test]
fn json_errors_name_line_and_path() {
    let json = "{\n \"site\": {\"root_url\": \"https://a\"},\n \"rocketchat\": {\"version\": \"7.0.0\"},\n \"mongo\": {\"url\": \"mongodb://a/b\", \"version\": \"7.0\"},\n \"hosts\": [\n  {\"name\": \"a\", \"cores\": true}\n ]\n}\n";
    let e =
        Topology::parse_with_env(json, Format::Json, Some("t.json".into()), &no_env).unwrap_err();
    assert_eq!(e.path(), Some("hosts[0].cores"));
    assert_eq!(e.location().map(|l| l.line), Some(6));
}

#[test]
fn env_references_expand_and_are_recorded() {
    let text = example_with(
        "localhost:27017/rocketchat",
        "rc:${RC_PW}@localhost:27017/rocketchat",
    );
    let env = |n: &str| (n == "RC_PW").then(|| "s3cret".to_string());
    let t = Topology::parse_with_env(&text, Format::Toml, None, &env).unwrap();
    assert!(t.mongo.url.contains("rc:s3cret@"));
    assert!(t.provenance.from_env.contains("mongo.url"));
}

#[test]
fn unset_env_is_an_error_naming_it() {
    let text = example_with(
        "localhost:27017/rocketchat",
        "rc:${RC_PW}@localhost:27017/rocketchat",
    );
    let e = toml_err(&text);
    assert!(
        matches!(&e, LoadError::UnsetEnv { name, path, .. } if name == "RC_PW" && path == "mongo.url"),
        "{e}"
    );
    assert!(e.to_string().contains("`RC_PW` is not set"));
    assert!(e.location().is_some());
}

#[test]
fn bad_references_and_escapes() {
    let e = toml_err(&example_with(
        "/opt/rocket.chat/bundle",
        "/opt/${unterminated",
    ));
    assert!(matches!(e, LoadError::BadReference { .. }), "{e}");
    let e = toml_err(&example_with("/opt/rocket.chat/bundle", "/opt/${1X}"));
    assert!(matches!(e, LoadError::BadReference { .. }), "{e}");
    let t = Topology::parse_with_env(
        &example_with("/opt/rocket.chat/bundle", "/opt/$${x}/$y"),
        Format::Toml,
        None,
        &no_env,
    )
    .unwrap();
    assert_eq!(t.rocketchat.bundle, "/opt/${x}/$y");
}

#[test]
fn instances_accepts_auto_or_number_only() {
    let e = toml_err(&example_with(
        "instances = \"auto\"",
        "instances = \"many\"",
    ));
    assert_eq!(e.path(), Some("hosts[0].instances"));
    assert!(e.to_string().contains("\"auto\" or a number"), "{e}");
}

#[test]
fn format_from_extension() {
    use std::path::Path;
    assert_eq!(Format::from_path(Path::new("a.toml")), Some(Format::Toml));
    assert_eq!(Format::from_path(Path::new("a.YML")), Some(Format::Yaml));
    assert_eq!(Format::from_path(Path::new("a.json")), Some(Format::Json));
    assert_eq!(Format::from_path(Path::new("a.ini")), None);
    let e = Topology::load("/nonexistent/file.ini").unwrap_err();
    assert!(matches!(e, LoadError::UnknownExtension { .. }));
    let e = Topology::load("/nonexistent/file.toml").unwrap_err();
    assert!(matches!(e, LoadError::Io { .. }), "{e}");
}

#[test]
fn yaml_refuses_several_documents() {
    let e = Topology::parse_with_env("a: 1\n---\nb: 2\n", Format::Yaml, None, &no_env).unwrap_err();
    assert!(e.to_string().contains("several YAML documents"), "{e}");
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..9 {
        let prev = i - 1;
        text.push_str(&format!("a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"));
    }
    let e = Topology::parse_with_env(&text, Format::Yaml, None, &no_env).unwrap_err();
    assert!(
        matches!(e, LoadError::Syntax { .. } | LoadError::Field { .. }),
        "{e}"
    );
}

#[test]
fn wrong_types_under_env_do_not_quote_the_value() {
    let e = toml_err(&example_with(
        "base_port = 3000",
        "base_port = 3000\nenv = { DB_PASSWORD = 98765432 }",
    ));
    assert_eq!(e.path(), Some("hosts[0].env.DB_PASSWORD"));
    let text = e.to_string();
    assert!(!text.contains("98765432"), "{text}");
    assert!(
        text.contains("value not shown") && text.contains("expected a string"),
        "{text}"
    );
}

#[test]
fn oversized_files_are_refused_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("huge.toml");
    let f = std::fs::File::create(&file).unwrap();
    f.set_len(MAX_FILE_BYTES + 1).unwrap(); // sparse: costs no disk
    let e = Topology::load(&file).unwrap_err();
    assert!(matches!(e, LoadError::TooLarge { .. }), "{e}");
}

/// An environment where every variable is set, to a value that must never be shown.
fn leaky_env(name: &str) -> Option<String> {
    Some(format!("l3aked-{name}"))
}

#[test]
fn references_outside_secret_fields_are_refused() {
    for (old, new, path) in [
        ("https://chat.example.com", "${SEK}", "site.root_url"),
        (
            "/var/lib/rocket.chat/uploads",
            "/var/lib/x/${AWS_SECRET_ACCESS_KEY}",
            "rocketchat.uploads_path",
        ),
        ("name = \"app1\"", "name = \"${HOSTNAME}\"", "hosts[0].name"),
    ] {
        let text = example_with(old, new);
        let e = Topology::parse_with_env(&text, Format::Toml, None, &leaky_env).unwrap_err();
        assert!(matches!(&e, LoadError::BadReference { .. }), "{e}");
        assert_eq!(e.path(), Some(path));
        let shown = e.to_string();
        assert!(shown.contains(ALLOW_ENV_VAR), "{shown}");
        assert!(!shown.contains("l3aked"), "{shown}");
    }
}

#[test]
fn secret_fields_expand_any_variable() {
    let text = example_with(
        "[rocketchat]\n",
        "[rocketchat]\ntransporter = \"monolith+nats://${NATS_TOKEN}@nats:4222\"\nenv = { SMTP_PASS = \"${A}\", NOTE = \"x${B}\" }\n",
    )
    .replace("base_port = 3000", "base_port = 3000\nenv = { HOST_NOTE = \"${C}\" }");
    let t = Topology::parse_with_env(&text, Format::Toml, None, &leaky_env).unwrap();
    assert_eq!(t.rocketchat.env["NOTE"], "xl3aked-B");
    assert_eq!(t.hosts[0].env["HOST_NOTE"], "l3aked-C");
    for path in [
        "rocketchat.transporter",
        "rocketchat.env.SMTP_PASS",
        "rocketchat.env.NOTE",
        "hosts[0].env.HOST_NOTE",
    ] {
        assert!(t.provenance.from_env.contains(path), "{path}");
    }
    // Whatever their names, values read from the environment are secrets of the layout.
    let layout = crate::Layout::resolve(&t);
    for name in ["TRANSPORTER", "SMTP_PASS", "NOTE", "HOST_NOTE"] {
        let value = layout.instances[0].env_value(name).unwrap();
        assert!(value.is_secret(), "{name}");
    }
    assert!(!serde_json::to_string(&layout).unwrap().contains("l3aked"));
}

#[test]
fn the_allow_list_opens_other_fields_by_name_or_prefix() {
    let text = example_with("https://chat.example.com", "https://${RC_HOST}")
        .replace("user = \"rocketchat\"", "user = \"${SVC_USER}\"");
    let allow = |list: &[&str]| Expansion::SecretFields {
        allow: list.iter().map(|s| s.to_string()).collect(),
    };
    let parse = |e: &Expansion| parse_text(&text, Format::Toml, None, &leaky_env, e);
    let t = parse(&allow(&["RC_*", "SVC_USER"])).unwrap();
    assert_eq!(t.site.root_url, "https://l3aked-RC_HOST");
    assert_eq!(t.rocketchat.user, "l3aked-SVC_USER");
    let e = parse(&allow(&["RC_*"])).unwrap_err();
    assert_eq!(e.path(), Some("rocketchat.user"));
    let e = parse(&allow(&["RC_HOSTS", "SVC_USER", "SVC"])).unwrap_err();
    assert_eq!(e.path(), Some("site.root_url"));
}

#[test]
fn expansion_off_takes_every_string_as_written() {
    let mut value = serde_json::to_value(crate::example::topology()).unwrap();
    value["mongo"]["url"] = "mongodb://rc:${RC_PW}@db1/rc?replicaSet=rs0".into();
    value["site"]["root_url"] = "https://$${x}".into();
    let t = Topology::from_value_with(value, &Expansion::Off).unwrap();
    assert_eq!(t.mongo.url, "mongodb://rc:${RC_PW}@db1/rc?replicaSet=rs0");
    assert_eq!(t.site.root_url, "https://$${x}");
    assert!(t.provenance.from_env.is_empty());
}

#[test]
fn messages_show_an_expanded_value_as_its_reference() {
    // root_url allowed from the environment, holding a value the checker rejects (T015).
    let text = example_with("https://chat.example.com", "${SITE}");
    let env = |n: &str| (n == "SITE").then(|| "chat example com s3kr1t\n[x]".to_string());
    let allow = Expansion::SecretFields {
        allow: vec!["SITE".into()],
    };
    let t = parse_text(&text, Format::Toml, None, &env, &allow).unwrap();
    let report = crate::check(&crate::Layout::resolve(&t));
    let shown = serde_json::to_string(&report).unwrap();
    assert!(report.errors() > 0, "{shown}");
    assert!(!shown.contains("s3kr1t"), "{shown}");
    assert!(shown.contains("${SITE}"), "{shown}");
    // And a load error about a value read from the environment does not quote it.
    let text = example_with("cores = 4", "cores = \"${CORES}\"");
    let env = |n: &str| (n == "CORES").then(|| "s3kr1t".to_string());
    let allow = Expansion::SecretFields {
        allow: vec!["CORES".into()],
    };
    let e = parse_text(&text, Format::Toml, None, &env, &allow).unwrap_err();
    assert_eq!(e.path(), Some("hosts[0].cores"));
    assert!(!e.to_string().contains("s3kr1t"), "{e}");
}

#[test]
fn editor_schema_references_are_accepted_and_dropped() {
    let t = crate::example::topology();
    let mut value = serde_json::to_value(&t).unwrap();
    value["$schema"] = "./topology.schema.json".into();
    let json = serde_json::to_string_pretty(&value).unwrap();
    let from_json = Topology::parse_with_env(&json, Format::Json, None, &no_env).unwrap();
    assert_eq!(from_json, t);
    // The YAML language server's modeline is a comment: it changes nothing.
    let yaml = format!(
        "# yaml-language-server: $schema=./topology.schema.json\n{}",
        to_yaml(&serde_json::to_value(&t).unwrap(), 0)
    );
    let from_yaml = Topology::parse_with_env(&yaml, Format::Yaml, None, &no_env).unwrap();
    assert_eq!(from_yaml, t);
    // Taplo's `#:schema` directive, likewise a comment in TOML.
    let toml = format!("#:schema ./topology.schema.json\n{}", crate::example::TOML);
    let from_toml = Topology::parse_with_env(&toml, Format::Toml, None, &no_env).unwrap();
    assert_eq!(from_toml.rocketchat, t.rocketchat);
}

#[test]
fn a_schema_key_that_is_no_string_is_still_refused_by_name() {
    let mut value = serde_json::to_value(crate::example::topology()).unwrap();
    value["$schema"] = serde_json::json!(3);
    let err = Topology::from_value(value).unwrap_err();
    assert!(err.to_string().contains("$schema"), "{err}");
}

#[test]
fn the_schema_has_an_id_and_allows_the_schema_key() {
    let schema = Topology::json_schema();
    let id = schema["$id"].as_str().unwrap();
    assert!(
        id.starts_with("https://") && id.ends_with("/topology.schema.json"),
        "{id}"
    );
    assert!(id.contains(env!("CARGO_PKG_VERSION")), "{id}");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["properties"]["$schema"]["type"], "string");
}
