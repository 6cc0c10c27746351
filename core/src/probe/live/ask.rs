//! The network part: one direct connection per member (`directConnection=true`), the commands
//! Rocket.Chat and an operator would run, each bounded by the probe's deadline.

use super::facts::{self, ConnectionStatus, Hello, MemberFacts, OplogFacts, Reached, SetStatus};
use super::failure::Failure;
use mongodb::bson::{doc, Bson, Document};
use mongodb::options::{ClientOptions, ServerAddress};
use mongodb::Client;
use std::future::{Future, IntoFuture};
use std::sync::Arc;
use tokio::time::Instant;

/// A member to ask, and where it is written in the topology file.
#[derive(Debug, Clone)]
pub struct Target {
    pub host: String,
    pub path: String,
}

/// What every connection shares: the URL's options (credentials, TLS, auth source), the
/// database Rocket.Chat uses, the secrets to scrub from errors, and the deadline.
#[derive(Clone)]
pub struct Session {
    pub options: ClientOptions,
    pub database: String,
    pub secrets: Arc<Vec<String>>,
    pub deadline: Instant,
}

impl Session {
    /// A client that talks to `host` alone, whatever the set looks like.
    fn client(&self, host: &str) -> Result<Client, Failure> {
        let address = ServerAddress::parse(host).map_err(|e| self.failure(&e))?;
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        let mut options = self.options.clone();
        options.hosts = vec![address];
        options.direct_connection = Some(true);
        // The probe judges the set name itself; with `replicaSet` the driver would only refuse
        // a member of another set without saying what it found.
        options.repl_set_name = None;
        options.server_selection_timeout = Some(remaining);
        options.connect_timeout = Some(remaining);
        options.app_name = Some("rctopo-probe".to_string());
        Client::with_options(options).map_err(|e| self.failure(&e))
    }

    fn failure(&self, error: &mongodb::error::Error) -> Failure {
        Failure::from_driver(error, &self.secrets)
    }

    /// Runs `command` on `db`, within the deadline.
    async fn run(&self, client: &Client, db: &str, command: Document) -> Result<Document, Failure> {
        bounded(
            self.deadline,
            client.database(db).run_command(command).into_future(),
        )
        .await?
        .map_err(|e| self.failure(&e))
    }
}

/// `fut` or `TimedOut` at `deadline`.
async fn bounded<T>(deadline: Instant, fut: impl Future<Output = T>) -> Result<T, Failure> {
    tokio::time::timeout_at(deadline, fut)
        .await
        .map_err(|_| Failure::TimedOut)
}

/// Asks one member everything the rules need.
pub async fn member(session: Session, target: Target) -> MemberFacts {
    let client = match session.client(&target.host) {
        Ok(client) => client,
        Err(failure) => return unanswered(target, failure),
    };
    let hello = match hello(&session, &client).await {
        Ok(doc) => Hello::from_doc(&doc),
        Err(failure) => return unanswered(target, failure),
    };
    let db = session.database.as_str();
    let (build, status_doc, parameter, set_status, connection) = tokio::join!(
        session.run(&client, "admin", doc! { "buildInfo": 1 }),
        session.run(&client, db, doc! { "serverStatus": 1 }),
        session.run(
            &client,
            "admin",
            doc! { "getParameter": 1, "featureCompatibilityVersion": 1 }
        ),
        session.run(&client, "admin", doc! { "replSetGetStatus": 1 }),
        session.run(
            &client,
            db,
            doc! { "connectionStatus": 1, "showPrivileges": true }
        ),
    );
    let reached = Reached {
        version: build.map(|d| d.get_str("version").unwrap_or_default().to_string()),
        storage_engine: status_doc.map(|d| facts::storage_engine(&d)),
        fcv: parameter.map(|d| facts::fcv(&d)),
        status: set_status.map(|d| SetStatus::from_doc(&d)),
        connection: connection.map(|d| ConnectionStatus::from_doc(&d)),
    };
    MemberFacts {
        host: target.host,
        path: target.path,
        hello: Ok(hello),
        reached: Some(reached),
    }
}

/// `hello`, or `isMaster` on servers older than 4.4.2 (CommandNotFound).
async fn hello(session: &Session, client: &Client) -> Result<Document, Failure> {
    match session.run(client, "admin", doc! { "hello": 1 }).await {
        Err(Failure::Other(m)) if m.contains("no such") || m.contains("CommandNotFound") => {
            session.run(client, "admin", doc! { "isMaster": 1 }).await
        }
        answer => answer,
    }
}

fn unanswered(target: Target, failure: Failure) -> MemberFacts {
    MemberFacts {
        host: target.host,
        path: target.path,
        hello: Err(failure),
        reached: None,
    }
}

/// Reads the first and last entry of `local.oplog.rs` on `host`, as Rocket.Chat's oplog
/// watcher does (`find` sorted by `$natural`).
pub async fn oplog(session: Session, host: String) -> OplogFacts {
    let window = oplog_window(&session, &host).await;
    OplogFacts { host, window }
}

async fn oplog_window(session: &Session, host: &str) -> Result<Option<i64>, Failure> {
    let client = session.client(host)?;
    let first = oplog_end(session, &client, 1).await?;
    let last = oplog_end(session, &client, -1).await?;
    Ok(first.zip(last).map(|(first, last)| last - first))
}

/// The `ts` seconds of the oldest (`order` 1) or newest (-1) oplog entry.
async fn oplog_end(session: &Session, client: &Client, order: i32) -> Result<Option<i64>, Failure> {
    let find = doc! {
        "find": "oplog.rs",
        "filter": {},
        "sort": { "$natural": order },
        "projection": { "ts": 1, "_id": 0 },
        "limit": 1,
        "singleBatch": true,
    };
    let reply = session.run(client, "local", find).await?;
    let first = reply
        .get_document("cursor")
        .ok()
        .and_then(|c| c.get_array("firstBatch").ok())
        .and_then(|batch| batch.first())
        .and_then(Bson::as_document)
        .and_then(facts::ts_secs);
    Ok(first)
}
