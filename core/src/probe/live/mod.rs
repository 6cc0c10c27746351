//! `probe`: asks every member (concurrently, one direct connection each), then reads the oplog
//! on the member Rocket.Chat would use, then judges. Synchronous to its caller: it runs its own
//! single-threaded runtime and leaves nothing running when it returns.

mod ask;
mod diagnostics;
mod facts;
mod failure;
mod judge;

use super::{MemberSummary, ProbeError, ProbeOptions, ProbeReport};
use crate::diagnostic::{Diagnostic, Report};
use crate::layout::Layout;
use crate::mongo_url::MongoUrl;
use ask::{Session, Target};
use facts::MemberFacts;
use judge::{Expected, ExpectedMember};
use mongodb::options::{ClientOptions, ConnectionString};
use std::sync::Arc;
use tokio::time::Instant;

/// Probes the replica set of `layout` and judges what it finds. Never panics on what servers
/// answer; no password reaches the report (driver errors are scrubbed).
///
/// Errors only when there is nothing to ask (a URL the driver refuses, no host); an unreachable
/// set is a report whose [`ProbeReport::nothing_reachable`] is true.
pub fn probe(layout: &Layout, options: &ProbeOptions) -> Result<ProbeReport, ProbeError> {
    let mongo = &layout.topology.mongo;
    let secrets = Arc::new(secrets(&mongo.url, mongo.oplog_url.as_deref()));
    validate(&mongo.url, "mongo.url", &secrets)?;
    if let Some(oplog) = &mongo.oplog_url {
        validate(oplog, "mongo.oplog_url", &secrets)?;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ProbeError::Runtime(e.to_string()))?;
    let result = runtime.block_on(run(layout, options, secrets));
    // Driver monitors may still be winding down; they must not hold the caller.
    runtime.shutdown_background();
    result
}

/// Passwords of both URLs, removed from every driver message.
fn secrets(url: &str, oplog_url: Option<&str>) -> Vec<String> {
    [Some(url), oplog_url]
        .into_iter()
        .flatten()
        .filter_map(|u| MongoUrl::parse(u).ok()?.password)
        .map(|p| p.expose().to_string())
        .collect()
}

/// The driver's own syntax check (no network).
fn validate(url: &str, field: &str, secrets: &[String]) -> Result<(), ProbeError> {
    ConnectionString::parse(url)
        .map(drop)
        .map_err(|e| ProbeError::Url {
            field: field.to_string(),
            message: failure::scrub(&e.to_string(), secrets),
        })
}

async fn run(
    layout: &Layout,
    options: &ProbeOptions,
    secrets: Arc<Vec<String>>,
) -> Result<ProbeReport, ProbeError> {
    let mongo = &layout.topology.mongo;
    let url_options = match ClientOptions::parse(mongo.url.as_str()).await {
        Ok(o) => o,
        Err(e) => return srv_failure(layout, &failure::Failure::from_driver(&e, &secrets)),
    };
    let oplog_options = match &mongo.oplog_url {
        Some(url) => {
            Some(
                ClientOptions::parse(url.as_str())
                    .await
                    .map_err(|e| ProbeError::Url {
                        field: "mongo.oplog_url".to_string(),
                        message: failure::scrub(&e.to_string(), &secrets),
                    })?,
            )
        }
        None => None,
    };
    let targets = targets(layout, &url_options)?;
    let mut diagnostics = srv_hosts(&mongo.url, &url_options);
    let expected = expected(layout, &url_options);
    let session = Session {
        options: url_options,
        database: expected.database.clone(),
        secrets: Arc::clone(&secrets),
        deadline: Instant::now() + options.timeout,
    };
    let members = ask_all(&session, targets).await;
    let oplog = match judge::rocketchat_member(&members) {
        Some(m) => {
            let oplog_session = Session {
                options: oplog_options.unwrap_or_else(|| session.options.clone()),
                deadline: Instant::now() + options.timeout,
                ..session.clone()
            };
            Some(ask::oplog(oplog_session, m.host.clone()).await)
        }
        None => None,
    };
    diagnostics.extend(judge::judge(&expected, &members, oplog.as_ref()));
    Ok(ProbeReport {
        report: located(layout, diagnostics),
        members: members.iter().map(summary).collect(),
    })
}

/// Asks every target at once; answers come back in the targets' order.
async fn ask_all(session: &Session, targets: Vec<Target>) -> Vec<MemberFacts> {
    let mut set = tokio::task::JoinSet::new();
    for (i, target) in targets.iter().cloned().enumerate() {
        let session = session.clone();
        set.spawn(async move { (i, ask::member(session, target).await) });
    }
    let mut answers: Vec<Option<MemberFacts>> = vec![None; targets.len()];
    while let Some(joined) = set.join_next().await {
        if let Ok((i, facts)) = joined {
            answers[i] = Some(facts);
        }
    }
    // A task that panicked inside the driver is reported as a member that gave no answer.
    answers
        .into_iter()
        .zip(targets)
        .map(|(answer, target)| {
            answer.unwrap_or_else(|| MemberFacts {
                host: target.host,
                path: target.path,
                hello: Err(failure::Failure::Other(
                    "the driver stopped unexpectedly".into(),
                )),
                reached: None,
            })
        })
        .collect()
}

/// `mongo.members`, else the hosts of MONGO_URL (for `mongodb+srv`, what DNS resolved).
fn targets(layout: &Layout, url_options: &ClientOptions) -> Result<Vec<Target>, ProbeError> {
    let members = &layout.topology.mongo.members;
    let targets: Vec<Target> = if members.is_empty() {
        url_options
            .hosts
            .iter()
            .map(|h| Target {
                host: h.to_string(),
                path: "mongo.url".to_string(),
            })
            .collect()
    } else {
        members
            .iter()
            .enumerate()
            .map(|(i, m)| Target {
                host: m.host.clone(),
                path: format!("mongo.members[{i}]"),
            })
            .collect()
    };
    if targets.is_empty() {
        return Err(ProbeError::NoHosts);
    }
    Ok(targets)
}

fn expected(layout: &Layout, url_options: &ClientOptions) -> Expected {
    let mongo = &layout.topology.mongo;
    Expected {
        replica_set: mongo
            .replica_set
            .clone()
            .or_else(|| url_options.repl_set_name.clone()),
        members: mongo
            .members
            .iter()
            .enumerate()
            .map(|(i, m)| ExpectedMember {
                host: judge::normalize(&m.host),
                path: format!("mongo.members[{i}]"),
                votes: m.votes(),
            })
            .collect(),
        mongo_version: layout.mongo_version(),
        rocketchat_version: layout.rocketchat_version(),
        oplog_url: mongo.oplog_url.is_some(),
        database: url_options
            .default_database
            .clone()
            .unwrap_or_else(|| "test".to_string()),
    }
}

fn is_srv(url: &str) -> bool {
    url.trim_start()
        .to_ascii_lowercase()
        .starts_with("mongodb+srv://")
}

/// For a `mongodb+srv` URL, what its DNS records resolved to.
fn srv_hosts(url: &str, url_options: &ClientOptions) -> Vec<Diagnostic> {
    if !is_srv(url) {
        return Vec::new();
    }
    let hosts: Vec<String> = url_options.hosts.iter().map(|h| h.to_string()).collect();
    vec![super::rules::SRV.report(
        "mongo.url",
        format!("the SRV records of MONGO_URL resolve to {}", hosts.join(", ")),
        "these are the hosts Rocket.Chat's driver seeds from; they should be the replica set's members",
    )]
}

/// A `mongodb+srv` URL whose DNS lookup failed: nothing to ask.
fn srv_failure(layout: &Layout, failure: &failure::Failure) -> Result<ProbeReport, ProbeError> {
    let url = &layout.topology.mongo.url;
    if !is_srv(url) {
        return Err(ProbeError::Url {
            field: "mongo.url".to_string(),
            message: failure.to_string(),
        });
    }
    let d = super::rules::UNREACHABLE.report(
        "mongo.url",
        format!("the SRV records of MONGO_URL did not resolve: {failure}"),
        "check the `_mongodb._tcp.<host>` SRV and TXT records from this machine (dig SRV _mongodb._tcp.<host>)",
    );
    Ok(ProbeReport {
        report: located(layout, vec![d]),
        members: Vec::new(),
    })
}

/// Diagnostics placed in the topology file and sorted, as `check` does.
fn located(layout: &Layout, diagnostics: Vec<Diagnostic>) -> Report {
    crate::check::report(layout, diagnostics)
}

/// What a member said about itself; its texts (the topology's host, the server's version) have
/// their control characters escaped, as every diagnostic does.
fn summary(m: &MemberFacts) -> MemberSummary {
    let hello = m.hello.as_ref().ok();
    let safe = |s: &str| crate::text::escape_controls(s).into_owned();
    MemberSummary {
        host: safe(&m.host),
        // A member that refused the credentials did answer.
        reachable: hello.is_some() || m.hello.as_ref().is_err_and(failure::Failure::answered),
        state: hello.map(|h| h.state().to_string()),
        version: m
            .reached
            .as_ref()
            .and_then(|r| r.version.as_ref().ok().map(|v| safe(v))),
    }
}
