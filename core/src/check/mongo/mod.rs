//! M rules: MONGO_URL and MONGO_OPLOG_URL. Each rule reads a [`UrlContext`], which comes either
//! from a topology (paths `mongo.url`, `mongo.oplog_url`) or from bare URLs (`rctopo mongo-url`,
//! paths `MONGO_URL`, `MONGO_OPLOG_URL`), so both front ends apply the same rules.
use super::{Check, Context, Emit, Family, Rule};
use crate::diagnostic::Diagnostic;
use crate::model::Topology;
use crate::mongo_url::{MongoUrl, MongoUrlError};
use crate::version::Version;

mod direct_connection;
mod host_not_member;
mod invalid;
mod localhost_multi_host;
mod no_database;
mod no_replica_set;
mod oplog_auth_source;
mod oplog_legacy;
mod oplog_mismatch;
mod oplog_missing;
mod oplog_not_local;
mod read_preference;
mod replica_set_digit;
mod replica_set_mismatch;
pub(crate) mod report;

pub(super) const FAMILY: Family = Family {
    letter: 'M',
    title: "MongoDB URLs",
    intro: "MONGO_URL and MONGO_OPLOG_URL, parsed the way Rocket.Chat's driver (Node `mongodb` 6.x) parses \
        them. The same rules run on a topology file (paths `mongo.url`, `mongo.oplog_url`) and on bare \
        URLs (`rctopo mongo-url`, paths `MONGO_URL`, `MONGO_OPLOG_URL`); rules that need the deployment \
        (hosts, members, replica set name) run only on a topology.",
    rules: RULES,
};

const RULES: &[&Rule] = &[
    &invalid::RULE,
    &no_database::RULE,
    &no_replica_set::RULE,
    &replica_set_digit::RULE,
    &direct_connection::RULE,
    &read_preference::RULE,
    &localhost_multi_host::RULE,
    &replica_set_mismatch::RULE,
    &host_not_member::RULE,
    &oplog_not_local::RULE,
    &oplog_auth_source::RULE,
    &oplog_mismatch::RULE,
    &oplog_legacy::RULE,
    &oplog_missing::RULE,
];

/// A URL to check: where it sits (a field path or a variable name) and how it parsed.
pub struct UrlField {
    /// `mongo.url`, `mongo.oplog_url`, or `MONGO_URL`, `MONGO_OPLOG_URL` for bare URLs.
    pub path: String,
    /// The URL, or the driver's reason to refuse it.
    pub parsed: Result<MongoUrl, MongoUrlError>,
}

impl UrlField {
    /// Parses `text`, found at `path`.
    pub fn new(path: impl Into<String>, text: &str) -> Self {
        UrlField {
            path: path.into(),
            parsed: MongoUrl::parse(text),
        }
    }

    /// The URL when the driver accepts it.
    pub fn url(&self) -> Option<&MongoUrl> {
        self.parsed.as_ref().ok()
    }
}

/// What the M rules read.
pub struct UrlContext<'a> {
    /// MONGO_URL.
    pub url: UrlField,
    /// MONGO_OPLOG_URL, when set.
    pub oplog: Option<UrlField>,
    /// `None` when unknown; rules that depend on it then stay quiet.
    pub rocketchat_version: Option<Version>,
    /// The deployment, when the URLs come from a topology file.
    pub topology: Option<&'a Topology>,
    /// Number of application hosts; `None` when unknown (bare URLs).
    pub app_hosts: Option<usize>,
    /// Number of Rocket.Chat instances; `None` when unknown (bare URLs: the tool is for
    /// multi-instance deployments, so rules that depend on it assume several).
    pub instances: Option<usize>,
}

impl<'a> UrlContext<'a> {
    /// The URLs of a topology, at their field paths.
    pub fn from_topology(ctx: &Context<'a>) -> Self {
        let mongo = &ctx.topology.mongo;
        UrlContext {
            url: UrlField::new("mongo.url", &mongo.url),
            oplog: mongo
                .oplog_url
                .as_deref()
                .map(|o| UrlField::new("mongo.oplog_url", o)),
            rocketchat_version: ctx.rocketchat_version,
            topology: Some(ctx.topology),
            app_hosts: Some(ctx.topology.hosts.len()),
            instances: Some(ctx.instance_count()),
        }
    }

    /// Bare URLs, named as the environment variables Rocket.Chat reads.
    pub fn from_urls(url: &str, oplog: Option<&str>, version: Option<Version>) -> Self {
        UrlContext {
            url: UrlField::new("MONGO_URL", url),
            oplog: oplog.map(|o| UrlField::new("MONGO_OPLOG_URL", o)),
            rocketchat_version: version,
            topology: None,
            app_hosts: None,
            instances: None,
        }
    }

    /// Both URLs that parsed, with their paths.
    pub fn parsed(&self) -> impl Iterator<Item = (&str, &MongoUrl)> {
        std::iter::once(&self.url)
            .chain(self.oplog.as_ref())
            .filter_map(|f| f.url().map(|u| (f.path.as_str(), u)))
    }

    /// Whether the Rocket.Chat version is known and below `major.minor`.
    pub fn rocketchat_below(&self, major: u32, minor: u32) -> bool {
        self.rocketchat_version
            .is_some_and(|v| v < Version::new(major, minor, 0))
    }
}

/// Runs every M rule over `ctx`.
pub fn url_diagnostics(ctx: &UrlContext) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in RULES {
        if let Check::Urls(check) = rule.check {
            check(ctx, &mut Emit::new(rule, &mut out));
        }
    }
    out
}

#[cfg(test)]
mod testing;
