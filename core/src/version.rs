//! Versions of Rocket.Chat and MongoDB, and the facts that depend on them
//! (supported MongoDB releases, health endpoints, oplog). Source: reference/rocketchat.md.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A `major[.minor[.patch]]` version. Missing parts are zero; a pre-release suffix
/// (`7.10.0-rc.1`) is kept for display but ignored in comparisons of support tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// The major release (`7` in `7.10.0`).
    pub major: u32,
    /// The minor release.
    pub minor: u32,
    /// The patch release.
    pub patch: u32,
}

/// A string that is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a version: expected MAJOR[.MINOR[.PATCH]], e.g. `7.10.0`")]
pub struct VersionError {
    /// The string.
    pub input: String,
}

impl Version {
    /// `major.minor.patch`.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// `major.minor`, the granularity of MongoDB support tables.
    pub fn major_minor(&self) -> (u32, u32) {
        (self.major, self.minor)
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || VersionError {
            input: s.to_string(),
        };
        let core = s.trim().trim_start_matches('v');
        let core = core.split(['-', '+']).next().unwrap_or("");
        let mut parts = core.split('.');
        let mut next = |required: bool| -> Result<u32, VersionError> {
            match parts.next() {
                Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().map_err(|_| err())
                }
                None if !required => Ok(0),
                _ => Err(err()),
            }
        };
        let v = Version::new(next(true)?, next(false)?, next(false)?);
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(v)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// How a Rocket.Chat release stands towards a MongoDB release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MongoSupport {
    /// Listed in `compatibleMongoVersions`.
    Supported,
    /// Listed, but deprecated: the next major drops it.
    Deprecated,
    /// Newer than anything listed: may work, untested by Rocket.Chat.
    Unlisted,
    /// Removed from the list: startup is fatal or the release is no longer tested against it.
    Unsupported,
    /// The Rocket.Chat release is older than our table (before 4.0).
    Unknown,
}

/// One row of the support table: Rocket.Chat major (and minor range), MongoDB releases.
struct SupportRow {
    rocketchat_from: Version,
    rocketchat_to: Version, // exclusive
    supported: &'static [(u32, u32)],
    deprecated: &'static [(u32, u32)],
}

/// `https://releases.rocket.chat/<version>/info` -> `compatibleMongoVersions`, summarised in
/// reference/rocketchat.md ("MongoDB versions a Rocket.Chat release supports").
const SUPPORT_TABLE: &[SupportRow] = &[
    SupportRow {
        rocketchat_from: Version::new(4, 0, 0),
        rocketchat_to: Version::new(5, 0, 0),
        supported: &[(4, 2), (4, 4), (5, 0)],
        deprecated: &[(3, 6), (4, 0)],
    },
    SupportRow {
        rocketchat_from: Version::new(5, 0, 0),
        rocketchat_to: Version::new(6, 0, 0),
        supported: &[(4, 4), (5, 0)],
        deprecated: &[(4, 2)],
    },
    SupportRow {
        rocketchat_from: Version::new(6, 0, 0),
        rocketchat_to: Version::new(7, 0, 0),
        supported: &[(5, 0), (6, 0)],
        deprecated: &[(4, 4)],
    },
    SupportRow {
        rocketchat_from: Version::new(7, 0, 0),
        rocketchat_to: Version::new(7, 13, 0),
        supported: &[(5, 0), (6, 0), (7, 0)],
        deprecated: &[],
    },
    SupportRow {
        rocketchat_from: Version::new(7, 13, 0),
        rocketchat_to: Version::new(8, 0, 0),
        supported: &[(5, 0), (6, 0), (7, 0), (8, 0)],
        deprecated: &[],
    },
    SupportRow {
        rocketchat_from: Version::new(8, 0, 0),
        rocketchat_to: Version::new(8, 2, 0),
        supported: &[(8, 2)],
        deprecated: &[],
    },
    SupportRow {
        rocketchat_from: Version::new(8, 2, 0),
        rocketchat_to: Version::new(u32::MAX, 0, 0),
        supported: &[(8, 0)],
        deprecated: &[],
    },
];

/// The MongoDB releases a Rocket.Chat release lists (supported and deprecated), as `major.minor`.
pub fn listed_mongo_versions(rocketchat: Version) -> Vec<String> {
    support_row(rocketchat)
        .map(|row| {
            let mut all: Vec<(u32, u32)> = row
                .deprecated
                .iter()
                .chain(row.supported)
                .copied()
                .collect();
            all.sort_unstable();
            all.iter().map(|(a, b)| format!("{a}.{b}")).collect()
        })
        .unwrap_or_default()
}

fn support_row(rocketchat: Version) -> Option<&'static SupportRow> {
    SUPPORT_TABLE
        .iter()
        .find(|row| rocketchat >= row.rocketchat_from && rocketchat < row.rocketchat_to)
}

/// Whether `rocketchat` supports `mongo` (compared at `major.minor`).
pub fn mongo_support(rocketchat: Version, mongo: Version) -> MongoSupport {
    let Some(row) = support_row(rocketchat) else {
        return MongoSupport::Unknown;
    };
    let mm = mongo.major_minor();
    if row.supported.contains(&mm) {
        return MongoSupport::Supported;
    }
    if row.deprecated.contains(&mm) {
        return MongoSupport::Deprecated;
    }
    if let Some(floor) = fatal_floor(rocketchat) {
        // 7.x and 8.x check the server version at startup and stop below the floor; above it,
        // an unlisted release runs but is not a tested combination.
        return if mm < floor {
            MongoSupport::Unsupported
        } else {
            MongoSupport::Unlisted
        };
    }
    let newest = row.supported.iter().chain(row.deprecated).max().copied();
    if newest.is_some_and(|n| mm > n) {
        MongoSupport::Unlisted
    } else {
        MongoSupport::Unsupported
    }
}

/// The MongoDB release below which Rocket.Chat refuses to start (7.0 and later check it).
fn fatal_floor(rocketchat: Version) -> Option<(u32, u32)> {
    if rocketchat >= Version::new(8, 0, 0) {
        Some((7, 0))
    } else if rocketchat >= Version::new(7, 0, 0) {
        Some((5, 0))
    } else {
        None
    }
}

/// The MongoDB release below which Rocket.Chat refuses to start (fatal at startup).
/// For releases before 7.0, the oldest listed release.
pub fn minimum_mongo(rocketchat: Version) -> Option<(u32, u32)> {
    fatal_floor(rocketchat).or_else(|| {
        support_row(rocketchat)
            .and_then(|row| row.supported.iter().chain(row.deprecated).min().copied())
    })
}

/// The HTTP path a proxy or rollout gate should probe to know an instance is ready.
/// `/readyz` from 7.11, `/health` from 5.3, `/api/info` before.
pub fn health_path(rocketchat: Version) -> &'static str {
    if rocketchat >= Version::new(7, 11, 0) {
        "/readyz"
    } else if rocketchat >= Version::new(5, 3, 0) {
        "/health"
    } else {
        "/api/info"
    }
}

/// How a Rocket.Chat release uses MONGO_OPLOG_URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OplogUse {
    /// Before 3.7: required when several instances run.
    Required,
    /// 3.7 to 5.3: change streams are used when available; the oplog URL is still honoured.
    Optional,
    /// 5.4 and later: change streams first; the oplog URL is legacy.
    Legacy,
}

/// How Rocket.Chat `rocketchat` uses MONGO_OPLOG_URL.
pub fn oplog_use(rocketchat: Version) -> OplogUse {
    if rocketchat < Version::new(3, 7, 0) {
        OplogUse::Required
    } else if rocketchat < Version::new(5, 4, 0) {
        OplogUse::Optional
    } else {
        OplogUse::Legacy
    }
}

/// MongoDB rapid releases (x.1, x.2, x.3 ...) have short support and no arbiter support.
pub fn is_rapid_release(mongo: Version) -> bool {
    mongo.major >= 5 && mongo.minor != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn parses_partial_versions() {
        assert_eq!(v("7.0"), Version::new(7, 0, 0));
        assert_eq!(v("7.10.3"), Version::new(7, 10, 3));
        assert_eq!(v("6.5.0-rc.1"), Version::new(6, 5, 0));
        assert!("seven".parse::<Version>().is_err());
        assert!("7..1".parse::<Version>().is_err());
        assert!("1.2.3.4".parse::<Version>().is_err());
        assert!("".parse::<Version>().is_err());
        assert!("99999999999".parse::<Version>().is_err());
    }

    #[test]
    fn support_table_matches_reference() {
        use MongoSupport::*;
        assert_eq!(mongo_support(v("7.10.0"), v("7.0")), Supported);
        assert_eq!(mongo_support(v("7.10.0"), v("8.0")), Unlisted);
        assert_eq!(mongo_support(v("7.13.0"), v("8.0")), Supported);
        assert_eq!(mongo_support(v("7.10.0"), v("4.4")), Unsupported);
        assert_eq!(mongo_support(v("6.5.0"), v("4.4")), Deprecated);
        assert_eq!(mongo_support(v("5.4.0"), v("4.0")), Unsupported);
        assert_eq!(mongo_support(v("4.8.0"), v("3.6")), Deprecated);
        assert_eq!(mongo_support(v("8.0.0"), v("6.0")), Unsupported);
        assert_eq!(mongo_support(v("8.0.0"), v("7.0")), Unlisted);
        assert_eq!(mongo_support(v("8.1.0"), v("8.2")), Supported);
        assert_eq!(mongo_support(v("8.2.0"), v("8.0")), Supported);
        assert_eq!(mongo_support(v("3.18.0"), v("4.0")), Unknown);
    }

    #[test]
    fn health_path_by_version() {
        assert_eq!(health_path(v("5.2.0")), "/api/info");
        assert_eq!(health_path(v("6.0.0")), "/health");
        assert_eq!(health_path(v("7.11.0")), "/readyz");
    }
}
