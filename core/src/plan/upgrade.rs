//! A change of Rocket.Chat release: which version changes the planner accepts, and the steps
//! that make it safe. Rocket.Chat migrates its database when the first instance of a newer
//! release starts (under a lock the others wait on for about five minutes, then exit), refuses to
//! migrate from more than one major back, and has no way down once migrated. So an upgrade
//! stages the release on every host, dumps the database, lets one instance (the leader) start
//! and migrate alone, and from then on rolls back only by restoring the dump.

use super::action::{Action, Side};
use super::builder::{Op, Out};
use super::description::Description;
use super::error::PlanError;
use super::id_hash::IdHash;
use super::ops::{Ctx, SideRelease};
use super::planned_instance::PlannedInstance;
use crate::layout::Layout;
use crate::paths;
use crate::version::Version;
use std::collections::{BTreeSet, HashSet};

/// What the planner must do about the Rocket.Chat release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReleaseChange {
    /// Same release (or a fresh install): instances run what `bundle` holds.
    None,
    /// A newer release: staged, backed up (unless the policy says not to), started by a leader.
    Upgrade { from: String, to: String },
}

impl ReleaseChange {
    pub(crate) fn of(current: Option<&Layout>, desired: &Layout) -> ReleaseChange {
        match current {
            Some(c) if c.topology.rocketchat.version != desired.topology.rocketchat.version => {
                ReleaseChange::Upgrade {
                    from: c.topology.rocketchat.version.clone(),
                    to: desired.topology.rocketchat.version.clone(),
                }
            }
            _ => ReleaseChange::None,
        }
    }

    pub(crate) fn stages(&self) -> bool {
        matches!(self, ReleaseChange::Upgrade { .. })
    }
}

/// Refuses release changes Rocket.Chat cannot migrate: a skipped major (each major's first
/// migration throws "UPGRADE NOT SUPPORTED" unless the database was migrated by the previous
/// major) and any downgrade (the older release finds a migration it does not know).
pub(crate) fn refuse_release_change(from: Version, to: Version) -> Result<(), PlanError> {
    if to.major > from.major + 1 {
        let path: Vec<String> = (from.major + 1..to.major)
            .map(|m| format!("the latest {m}.x"))
            .collect();
        return Err(PlanError::SkipsMajor {
            from: from.to_string(),
            to: to.to_string(),
            path: path.join(", then "),
        });
    }
    if to < from {
        return Err(PlanError::DowngradeAcrossMigration {
            from: from.to_string(),
            to: to.to_string(),
        });
    }
    Ok(())
}

/// Versions reach directory names and shell commands: digits, letters, `.`, `-`, `+` only.
pub(crate) fn plain_version(version: &str) -> bool {
    !version.is_empty()
        && !version.starts_with(['.', '-'])
        && !version.contains("..")
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-+".contains(&b))
}

/// `<backup_dir>/rocketchat-<from>-before-<to>.archive.gz`.
pub(crate) fn backup_archive(desired: &Layout, from: &str, to: &str) -> String {
    format!(
        "{}/rocketchat-{from}-before-{to}.archive.gz",
        desired.topology.rocketchat.backup_dir.trim_end_matches('/')
    )
}

/// `<releases_dir>/<version>/bundle`.
pub(crate) fn bundle_dir(layout: &Layout, version: &str) -> String {
    // What `release_dir` writes, joined by hand: every start onto a staged release names it.
    let releases = layout
        .topology
        .rocketchat
        .releases_dir
        .trim_end_matches('/');
    <[&str]>::concat(&[releases, "/", version, "/bundle"])
}

/// Stages a release of `layout` on `host`.
fn stage(layout: &Layout, host: &str, version: &str, checksum: Option<&String>) -> Op {
    let rc = &layout.topology.rocketchat;
    (
        host.into(),
        Action::StageRelease {
            version: version.to_string(),
            url: rc.release_url_of(version),
            checksum: checksum.cloned(),
            dir: rc.release_dir(version),
        },
        format!(
            "stage Rocket.Chat {version} in {} (skipped when already there)",
            rc.release_dir(version)
        )
        .into(),
    )
}

/// Every host that runs an instance before or after gets the new release and the one to roll
/// back to (staged too, so a rollback never depends on what `bundle` holds).
pub(crate) fn stage_ops(ctx: &Ctx, from: &str, to: &str) -> Vec<Op> {
    let current = ctx.layout(Side::Current);
    let hosts: BTreeSet<&str> = current
        .instances
        .iter()
        .chain(&ctx.desired.instances)
        .map(|i| i.host.as_str())
        .collect();
    let mut ops = Vec::new();
    for host in hosts {
        ops.push(stage(
            ctx.desired,
            host,
            to,
            ctx.desired.topology.rocketchat.checksum.as_ref(),
        ));
        ops.push(stage(
            current,
            host,
            from,
            current.topology.rocketchat.checksum.as_ref(),
        ));
    }
    ops
}

/// The dump of the database before the leader migrates it, on the first current instance's
/// machine (its env file holds MONGO_URL).
pub(crate) fn backup_op(ctx: &Ctx, from: &str, to: &str) -> Option<Op> {
    let first = ctx.current?.instances.first()?;
    let archive = backup_archive(ctx.desired, from, to);
    Some((
        first.host.as_str().into(),
        Action::Backup {
            env_file: paths::env_file(first.port),
            archive: archive.clone(),
        },
        format!("dump the Rocket.Chat database to {archive} before {to} migrates it").into(),
    ))
}

/// Old releases beyond `releases_kept` go, never the two this rollout uses.
pub(crate) fn prune_ops(ctx: &Ctx, from: &str, to: &str) -> Vec<Op> {
    let rc = &ctx.desired.topology.rocketchat;
    let hosts: BTreeSet<&str> = ctx
        .desired
        .instances
        .iter()
        .map(|i| i.host.as_str())
        .collect();
    hosts
        .into_iter()
        .map(|host| {
            (
                host.into(),
                Action::PruneReleases {
                    dir: rc.releases_dir.clone(),
                    keep: rc.releases_kept.max(2),
                    protect: vec![to.to_string(), from.to_string()],
                },
                format!(
                    "keep the {} most recent releases in {} (never {to} or {from})",
                    rc.releases_kept.max(2),
                    rc.releases_dir
                )
                .into(),
            )
        })
        .collect()
}

/// The only way back once the leader migrated the database: every instance leaves the proxy and
/// stops (chat is down), the dump is restored, and the current topology starts again on its
/// release, then the current proxy configuration goes back. Written straight into the shared
/// rollback `out` (made apart and joined, a restore of 15,000 instances was one more 13 MB copy).
pub(crate) fn restore_rollback(
    ctx: &Ctx,
    surge: &[PlannedInstance],
    from: &str,
    to: &str,
    out: &mut Out,
) {
    let Some(current) = ctx.current else {
        return;
    };
    let olds: Vec<PlannedInstance> = current
        .instances
        .iter()
        .map(|i| ctx.planned(Side::Current, i))
        .collect();
    // Only asked whether it holds an id: a hashed set, sized once, rather than a sorted one.
    let mut before: HashSet<&str, IdHash> =
        HashSet::with_capacity_and_hasher(current.instances.len(), IdHash::default());
    before.extend(current.instances.iter().map(|i| i.id.as_str()));
    let extra: Vec<PlannedInstance> = ctx
        .desired
        .instances
        .iter()
        .filter(|i| !before.contains(i.id.as_str()))
        .map(|i| ctx.planned(Side::Desired, i))
        .chain(surge.iter().cloned())
        .collect();
    // An upgrade that scales nothing has no extra instances: the current ones are everyone.
    let everyone: std::borrow::Cow<[PlannedInstance]> = if extra.is_empty() {
        std::borrow::Cow::Borrowed(&olds)
    } else {
        olds.iter().chain(&extra).cloned().collect()
    };
    let hosts: BTreeSet<&str> = current.instances.iter().map(|i| i.host.as_str()).collect();
    // Room for all of it at once: the gate, the edits and the wait, a stop (three to retire) and
    // a start (at most five) each, the units of each host, the restore and the proxy's install.
    let units = paths::HOST_UNIT_FILES.len() + 2;
    out.reserve(everyone.len() + 3 * extra.len() + 6 * olds.len() + units * hosts.len() + 16);
    let (host, action, description) = gate(ctx, &olds, to);
    out.push(host, action, description);
    ctx.leave(&everyone, out);
    ctx.stop(&olds, false, out);
    ctx.stop(&extra, true, out);
    for host in hosts {
        out.extend(ctx.install_units(&host.into(), Side::Current));
    }
    if let Some(first) = olds.first() {
        let mut ops = Vec::with_capacity(2);
        ops.push((
            first.host.clone(),
            Action::WriteFile {
                path: first.env_path.clone(),
                mode: paths::ENV_MODE,
                source: first.env.clone(),
                instance: Some(first.id.clone()),
            },
            format!(
                "install the environment file of {} (the restore reads its database URL)",
                first.id
            )
            .into(),
        ));
        let archive = backup_archive(ctx.desired, from, to);
        ops.push((
            first.host.clone(),
            Action::Restore {
                env_file: first.env_path.to_string(),
                archive: archive.clone(),
            },
            format!(
                "restore the Rocket.Chat database from {archive} (taken before {to} migrated it)"
            )
            .into(),
        ));
        out.extend(ops);
    }
    ctx.start(&olds, out);
    out.extend(ctx.install_proxy(Side::Current));
}

fn gate(ctx: &Ctx, olds: &[PlannedInstance], to: &str) -> Op {
    let machine = ctx
        .proxy
        .as_ref()
        .map(|(_, m)| m.clone())
        .or_else(|| olds.first().map(|m| m.host.clone()))
        .unwrap_or_default();
    (
        machine,
        Action::Gate {
            reason: format!(
                "rolling back past the migration to {to} stops every instance and restores the backup: chat is down until it ends"
            ),
        },
        Description::Fixed("confirm the outage a restore needs"),
    )
}

/// The UseRelease step that makes `m` run its side's staged `release`.
pub(crate) fn use_release(release: &SideRelease, m: &PlannedInstance) -> Op {
    (
        m.host.clone(),
        Action::UseRelease {
            instance: m.id.clone(),
            unit: m.unit.clone(),
            dir: release.dir.clone(),
            node: release.node.clone(),
            version: release.version.clone(),
        },
        Description::OfAction,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn skipped_majors_and_downgrades_are_refused() {
        assert!(refuse_release_change(v("7.10.0"), v("7.11.0")).is_ok());
        assert!(refuse_release_change(v("7.13.0"), v("8.2.0")).is_ok());
        let skip = refuse_release_change(v("7.13.0"), v("9.0.0")).unwrap_err();
        assert!(skip.to_string().contains("the latest 8.x"), "{skip}");
        let skip = refuse_release_change(v("5.4.0"), v("7.11.0")).unwrap_err();
        assert!(skip.to_string().contains("the latest 6.x"), "{skip}");
        assert!(matches!(
            refuse_release_change(v("7.11.0"), v("7.10.0")),
            Err(PlanError::DowngradeAcrossMigration { .. })
        ));
    }

    #[test]
    fn versions_in_paths_are_plain() {
        assert!(plain_version("7.11.0"));
        assert!(plain_version("7.11.0-rc.1"));
        assert!(!plain_version("7.11.0-../../etc"));
        assert!(!plain_version("7.11.0;reboot"));
        assert!(!plain_version(""));
    }
}
