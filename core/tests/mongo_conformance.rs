//! MongoDB's Connection String specification tests, run against the parser.
//!
//! The cases are read from `$RCTOPO_SPEC_TESTS` (default `<repo>/../shared/conformance/connection-string`);
//! they are not copied into the repository. Cases where Rocket.Chat's driver departs from the
//! specification are listed with the reason in `tests/mongo-driver-oracle/spec-deviations.json`:
//! the parser follows the driver there, and this test checks that it does.

mod mongo_support;

use mongo_support::{deviations, say, spec_cases, spec_dir};
use rocketchat_topology::mongo_url::MongoUrl;
use serde_json::Value;

/// Loose equality of an expected option value with ours (numbers by value).
fn same(expected: &Value, ours: &Value) -> bool {
    match (expected, ours) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        _ => expected == ours,
    }
}

fn check_hosts(case: &Value, url: &MongoUrl, driver_types: bool, problems: &mut Vec<String>) {
    let Some(hosts) = case["hosts"].as_array() else {
        return;
    };
    if hosts.len() != url.hosts.len() {
        problems.push(format!(
            "{} hosts, expected {}",
            url.hosts.len(),
            hosts.len()
        ));
    }
    for (want, got) in hosts.iter().zip(&url.hosts) {
        if want["host"].as_str() != Some(got.host.as_str()) {
            problems.push(format!("host {:?}, expected {}", got.host, want["host"]));
        }
        if let Some(port) = want["port"].as_u64() {
            if got.port.map(u64::from) != Some(port) {
                problems.push(format!("port {:?}, expected {port}", got.port));
            }
        }
        if let Some(kind) = want["type"].as_str() {
            // Listed cases: a `.sock` name is a unix socket to the driver.
            let driver_reads_socket = driver_types && got.host.ends_with(".sock");
            if kind != got.kind.as_str() && !driver_reads_socket {
                problems.push(format!("type {}, expected {kind}", got.kind.as_str()));
            }
        }
    }
}

fn check_auth(case: &Value, url: &MongoUrl, problems: &mut Vec<String>) {
    let auth = &case["auth"];
    if !auth.is_object() {
        return;
    }
    if url.username.as_deref() != auth["username"].as_str() {
        problems.push(format!(
            "username {:?}, expected {}",
            url.username, auth["username"]
        ));
    }
    let password = url.password.as_ref().map(|p| p.expose());
    if password != auth["password"].as_str() {
        // The password itself is not printed, even in a test.
        problems.push(format!(
            "password {}, expected {}",
            if password.is_some() { "set" } else { "absent" },
            if auth["password"].is_null() {
                "absent"
            } else {
                "another value"
            }
        ));
    }
    if let Some(db) = auth["db"].as_str() {
        if url.database.as_deref() != Some(db) {
            problems.push(format!("auth db {:?}, expected {db:?}", url.database));
        }
    }
}

fn check_options(case: &Value, url: &MongoUrl, problems: &mut Vec<String>) {
    let Some(options) = case["options"].as_object() else {
        return;
    };
    for (name, want) in options {
        match url.option(name).map(|v| v.to_value()) {
            Some(got) if same(want, &got) => {}
            got => problems.push(format!("option {name} = {got:?}, expected {want}")),
        }
    }
}

fn check_parsed(case: &Value, url: &MongoUrl, driver_types: bool) -> Vec<String> {
    let mut problems = Vec::new();
    check_hosts(case, url, driver_types, &mut problems);
    check_auth(case, url, &mut problems);
    check_options(case, url, &mut problems);
    problems
}

#[test]
fn connection_string_spec() {
    let Some(cases) = spec_cases() else {
        say(&format!(
            "SKIP connection_string_spec: no conformance files at {} (set RCTOPO_SPEC_TESTS)",
            spec_dir().display()
        ));
        return;
    };
    assert!(cases.len() >= 90, "only {} spec cases found", cases.len());
    let deviations = deviations();
    let mut failures = Vec::new();
    let mut deviated = 0;
    let mut checked_parts = 0;
    for (file, case) in &cases {
        let uri = case["uri"].as_str().unwrap_or_default();
        let description = case["description"].as_str().unwrap_or_default();
        let deviation = deviations.iter().find(|d| d.description == description);
        let rejected_by_driver = deviation.is_some_and(|d| d.kind == "verdict");
        let driver_types = deviation.is_some_and(|d| d.kind == "host-type");
        let want_valid = case["valid"].as_bool().unwrap_or(false) && !rejected_by_driver;
        deviated += usize::from(deviation.is_some());
        match (MongoUrl::parse(uri), want_valid) {
            (Ok(url), true) => {
                checked_parts += 1;
                let problems = check_parsed(case, &url, driver_types);
                if !problems.is_empty() {
                    failures.push(format!(
                        "{file}: {description}: {uri}: {}",
                        problems.join("; ")
                    ));
                }
            }
            (Err(_), false) => {}
            (Ok(_), false) => failures.push(format!(
                "{file}: {description}: {uri}: accepted, expected an error"
            )),
            (Err(e), true) => failures.push(format!("{file}: {description}: {uri}: rejected: {e}")),
        }
    }
    assert_eq!(
        deviated,
        deviations.len(),
        "a listed deviation matches no spec case"
    );
    say(&format!(
        "connection-string spec: {} cases ({checked_parts} valid ones checked part by part), {deviated} where the driver deviates",
        cases.len()
    ));
    assert!(
        failures.is_empty(),
        "{} of {} spec cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
