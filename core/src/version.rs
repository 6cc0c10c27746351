//! Versions of Rocket.Chat and MongoDB, and the facts that depend on them
//! (supported MongoDB releases, required Node.js, health endpoints, oplog). docs/rules.md cites the
//! source of each fact (V002-V006).

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
#[error("`{}` is not a version: expected MAJOR[.MINOR[.PATCH]][-PRERELEASE], e.g. `7.10.0` or `7.11.0-rc.1`", crate::text::escape_controls(.input))]
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
        let written = s.trim().trim_start_matches('v');
        let (core, suffix) = written.split_at(written.find(['-', '+']).unwrap_or(written.len()));
        if !is_valid_suffix(suffix) {
            return Err(err());
        }
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

/// A pre-release (`-rc.1`) and/or build (`+build.7`) suffix, or none: identifiers of
/// `[0-9A-Za-z.-]`, as semver writes them. Anything else (a newline, an escape sequence) is not
/// part of a version.
fn is_valid_suffix(suffix: &str) -> bool {
    let identifiers = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
    };
    let (pre, build) = match suffix.split_once('+') {
        Some((pre, build)) => (pre, Some(build)),
        None => (suffix, None),
    };
    (pre.is_empty() || pre.strip_prefix('-').is_some_and(identifiers))
        && build.is_none_or(identifiers)
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

/// One row of the support table: a range of Rocket.Chat releases and the MongoDB releases they
/// support.
struct SupportRow {
    rocketchat_from: Version,
    rocketchat_to: Version, // exclusive
    supported: &'static [(u32, u32)],
    /// Every release of this MongoDB major is supported (8.2+: "tested and guaranteed with 8.x").
    supported_major: Option<u32>,
    deprecated: &'static [(u32, u32)],
    /// Below this release the combination is unsupported; at or above it, a release the row does
    /// not list is merely untested. `None` before 7.0: only the list counts.
    floor: Option<(u32, u32)>,
}

const fn row(
    from: Version,
    to: Version,
    supported: &'static [(u32, u32)],
    deprecated: &'static [(u32, u32)],
    floor: Option<(u32, u32)>,
) -> SupportRow {
    SupportRow {
        rocketchat_from: from,
        rocketchat_to: to,
        supported,
        supported_major: None,
        deprecated,
        floor,
    }
}

/// Rocket.Chat's release notes ("Engine versions: MongoDB") and `compatibleMongoVersions` of
/// `https://releases.rocket.chat/<version>/info`, with the startup checks of
/// `apps/meteor/server/startup/serverRunning.ts` (docs/rules.md, V002-V004, cites each row).
const SUPPORT_TABLE: &[SupportRow] = &[
    row(
        Version::new(4, 0, 0),
        Version::new(5, 0, 0),
        &[(4, 2), (4, 4), (5, 0)],
        &[(3, 6), (4, 0)],
        None,
    ),
    row(
        Version::new(5, 0, 0),
        Version::new(6, 0, 0),
        &[(4, 4), (5, 0)],
        &[(4, 2)],
        None,
    ),
    row(
        Version::new(6, 0, 0),
        Version::new(7, 0, 0),
        &[(5, 0), (6, 0)],
        &[(4, 4)],
        None,
    ),
    // 7.x exits below 5.0 and warns below 6.0 that 8.0 will not support it (serverRunning.ts).
    row(
        Version::new(7, 0, 0),
        Version::new(7, 13, 0),
        &[(6, 0), (7, 0)],
        &[(5, 0)],
        Some((5, 0)),
    ),
    row(
        Version::new(7, 13, 0),
        Version::new(8, 0, 0),
        &[(6, 0), (7, 0), (8, 0)],
        &[(5, 0)],
        Some((5, 0)),
    ),
    // 8.0 and 8.1 require MongoDB 8.2 (release notes); startup exits below 7.0 (PR #35961).
    row(
        Version::new(8, 0, 0),
        Version::new(8, 2, 0),
        &[(8, 2)],
        &[],
        Some((7, 0)),
    ),
    // From 8.2 the minimum is MongoDB 8.0 and every 8.x is guaranteed (PR #38596).
    SupportRow {
        supported_major: Some(8),
        ..row(
            Version::new(8, 2, 0),
            Version::new(u32::MAX, 0, 0),
            &[],
            &[],
            Some((8, 0)),
        )
    },
];

/// The MongoDB releases a Rocket.Chat release lists (supported and deprecated), as `major.minor`
/// (`8.x` for a whole major).
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
            let mut listed: Vec<String> = all.iter().map(|(a, b)| format!("{a}.{b}")).collect();
            listed.extend(row.supported_major.map(|m| format!("{m}.x")));
            listed
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
    if row.supported.contains(&mm) || row.supported_major == Some(mongo.major) {
        return MongoSupport::Supported;
    }
    if row.deprecated.contains(&mm) {
        return MongoSupport::Deprecated;
    }
    if let Some(floor) = row.floor {
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

/// The oldest MongoDB release a Rocket.Chat release supports: its floor from 7.0, the oldest
/// listed release before.
pub fn minimum_mongo(rocketchat: Version) -> Option<(u32, u32)> {
    let row = support_row(rocketchat)?;
    row.floor
        .or_else(|| row.supported.iter().chain(row.deprecated).min().copied())
}

/// The MongoDB release below which Rocket.Chat exits at startup (`serverRunning.ts`: 7.x below
/// 5.0, 8.x below 7.0); `None` before 7.0.
pub fn startup_mongo_floor(rocketchat: Version) -> Option<(u32, u32)> {
    if rocketchat >= Version::new(8, 0, 0) {
        Some((7, 0))
    } else if rocketchat >= Version::new(7, 0, 0) {
        Some((5, 0))
    } else {
        None
    }
}

/// The Node.js major a Rocket.Chat release was built for. Rocket.Chat exits at startup on any
/// other major (`serverRunning.ts`, unless BYPASS_NODEJS_VALIDATION is set). `None` where the
/// release notes we could verify do not pin it (docs/rules.md, V006, cites each row).
pub fn required_node_major(rocketchat: Version) -> Option<u32> {
    const ROWS: &[(Version, Version, u32)] = &[
        // 3.0 moved to Node 12 (RC #16555); 3.8.9, 3.14.6, 3.16.3 and 4.2.3 ship 12.x.
        (Version::new(3, 0, 0), Version::new(4, 3, 0), 12),
        // 4.7.3 and 4.7.5 ship 14.18.3; 5.4.10 14.19.3; 6.0.8, 6.1.8, 6.2.1 14.21.x.
        (Version::new(4, 7, 0), Version::new(7, 0, 0), 14),
        // 7.0 moved to Meteor 3 and Node 20 (changeset large-bikes-brake).
        (Version::new(7, 0, 0), Version::new(7, 1, 0), 20),
        // 7.11 builds with Node 22.16.0 (package.json engines).
        (Version::new(7, 11, 0), Version::new(8, 0, 0), 22),
    ];
    ROWS.iter()
        .find(|(from, to, _)| rocketchat >= *from && rocketchat < *to)
        .map(|(_, _, major)| *major)
}

/// Whether a Rocket.Chat release shipped a MongoDB driver that rejects a replica set name
/// starting with a digit. 0.72 moved to Meteor 1.8 and driver 3.1.6, which fails with `no
/// primary found in replicaset or invalid replica set name` (RC #12781, meteor/meteor#10362);
/// driver 3.1.9 fixed it. Which 0.7x release first shipped a fixed driver is not pinned, so every
/// release from 0.72 up to 1.0 counts as affected.
pub fn rejects_digit_replica_set_name(rocketchat: Version) -> bool {
    rocketchat >= Version::new(0, 72, 0) && rocketchat < Version::new(1, 0, 0)
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
    fn suffixes_are_semver_identifiers() {
        assert_eq!(v("7.11.0-rc.1+build.7"), Version::new(7, 11, 0));
        assert_eq!(v("7.11.0+b-1"), Version::new(7, 11, 0));
        assert_eq!(v("8.0.0-develop-2"), Version::new(8, 0, 0));
        for bad in [
            "7.11.0-a\n[Service]\u{1b}[2J",
            "7.11.0-",
            "7.11.0+",
            "7.11.0-rc+",
            "7.11.0-a b",
            "7.11.0-rc_1",
            "7.11.0-é",
            "7.11.0+a+b",
        ] {
            let e = bad.parse::<Version>().unwrap_err();
            assert!(!e.to_string().chars().any(char::is_control), "{e}");
        }
    }

    #[test]
    fn support_table_matches_release_notes() {
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
    fn seven_x_deprecates_mongo_5_0() {
        // serverRunning.ts of 7.x: below 6.0 a DEPRECATION box says 8.0 will not support it.
        assert_eq!(
            mongo_support(v("7.0.0"), v("5.0")),
            MongoSupport::Deprecated
        );
        assert_eq!(
            mongo_support(v("7.13.2"), v("5.0")),
            MongoSupport::Deprecated
        );
        assert_eq!(
            mongo_support(v("7.10.0"), v("6.0")),
            MongoSupport::Supported
        );
    }

    #[test]
    fn eight_two_and_later_take_every_mongo_8() {
        assert_eq!(mongo_support(v("8.2.0"), v("8.2")), MongoSupport::Supported);
        assert_eq!(mongo_support(v("8.5.1"), v("8.3")), MongoSupport::Supported);
        assert_eq!(
            mongo_support(v("8.5.0"), v("7.0")),
            MongoSupport::Unsupported
        );
        assert_eq!(mongo_support(v("8.5.0"), v("9.0")), MongoSupport::Unlisted);
        assert_eq!(listed_mongo_versions(v("8.5.0")), ["8.x"]);
        assert_eq!(minimum_mongo(v("8.5.0")), Some((8, 0)));
        assert_eq!(startup_mongo_floor(v("8.5.0")), Some((7, 0)));
    }

    #[test]
    fn node_major_per_release() {
        assert_eq!(required_node_major(v("6.13.0")), Some(14));
        assert_eq!(required_node_major(v("7.0.3")), Some(20));
        assert_eq!(required_node_major(v("7.11.0")), Some(22));
        assert_eq!(required_node_major(v("3.16.3")), Some(12));
        // Releases whose Node major we could not verify are not guessed.
        assert_eq!(required_node_major(v("7.5.0")), None);
        assert_eq!(required_node_major(v("8.1.0")), None);
    }

    #[test]
    fn health_path_by_version() {
        assert_eq!(health_path(v("5.2.0")), "/api/info");
        assert_eq!(health_path(v("6.0.0")), "/health");
        assert_eq!(health_path(v("7.11.0")), "/readyz");
    }
}
