//! The simulator's Rocket.Chat releases and database: which releases are staged on each host,
//! which release each instance's unit selects, and the database's migration state as
//! Rocket.Chat's `migrateDatabase` keeps it (the version migrated to, the lock one instance holds
//! while it migrates, the backup taken before).

use super::sim_index::at;
use super::simulate::ViolationKind;
use crate::version::Version;
use std::sync::Arc;

type Check = Result<(), (ViolationKind, String)>;

fn fail(kind: ViolationKind, message: String) -> Check {
    Err((kind, message))
}

/// Staged releases by machine number, and release selections by instance number (see
/// `sim_index`): every start reads its instance's selection.
#[derive(Debug, Clone, Default)]
pub(crate) struct Releases {
    /// A machine stages a few releases: a list is the cheapest set.
    staged: Vec<Vec<String>>,
    selected: Vec<Option<Arc<str>>>,
}

impl Releases {
    pub(crate) fn stage(&mut self, host: u32, version: &str) {
        let versions = at(&mut self.staged, host);
        if !versions.iter().any(|v| v == version) {
            versions.push(version.to_string());
        }
    }

    /// Instance `n`, `<host_name>:<port>` on machine `host`, selects a release, which must be
    /// staged there.
    pub(crate) fn select(
        &mut self,
        (host, host_name): (u32, &str),
        (n, port): (u32, u16),
        version: &Arc<str>,
    ) -> Check {
        let staged = self.staged.get(host as usize);
        if !staged.is_some_and(|v| v.iter().any(|v| **v == **version)) {
            return fail(
                ViolationKind::ReleaseNotStaged,
                format!(
                    "{host_name}:{port} selects Rocket.Chat {version}, which is not staged on {host_name}"
                ),
            );
        }
        *at(&mut self.selected, n) = Some(version.clone());
        Ok(())
    }

    /// The release instance `n`'s unit runs: its selection, or without one what `bundle` holds
    /// (`fallback`: the running deployment's release, or the desired one on a fresh install).
    pub(crate) fn code(&self, n: u32, fallback: &Arc<str>) -> Arc<str> {
        self.selected
            .get(n as usize)
            .and_then(Option::as_ref)
            .unwrap_or(fallback)
            .clone()
    }

    /// Prunes keep every release a running instance of the machine selects; `running` is in the
    /// order of the instances' ids, so the first of them is reported.
    pub(crate) fn prune(
        &mut self,
        (host, host_name): (u32, &str),
        protect: &[String],
        running: &[&str],
    ) -> Check {
        if let Some(v) = running.iter().find(|v| !protect.iter().any(|p| p == **v)) {
            return fail(
                ViolationKind::ReleaseNotStaged,
                format!("pruning releases on {host_name} would remove {v}, which an instance runs"),
            );
        }
        if let Some(versions) = self.staged.get_mut(host as usize) {
            versions.retain(|v| protect.contains(v));
        }
        Ok(())
    }
}

/// How many running instances run each Rocket.Chat release, kept up to date so every step can
/// check that one runs at a time. A deployment runs one or two releases: a list is the cheapest
/// map, and the instances of a release share its text, so it is found by address first.
#[derive(Debug, Clone, Default)]
pub(crate) struct RunningReleases(Vec<(Arc<str>, usize)>);

impl RunningReleases {
    fn find(&self, release: &Arc<str>) -> Option<usize> {
        let same = |(r, _): &(Arc<str>, usize)| Arc::ptr_eq(r, release) || **r == **release;
        self.0.iter().position(same)
    }

    /// `count` instances run `release` (recorded even at 0: it was the deployment's).
    pub(crate) fn set(&mut self, release: Arc<str>, count: usize) {
        match self.find(&release) {
            Some(n) => self.0[n].1 = count,
            None => self.0.push((release, count)),
        }
    }

    /// An instance of `release` starts.
    pub(crate) fn start(&mut self, release: &Arc<str>) {
        match self.find(release) {
            Some(n) => self.0[n].1 += 1,
            None => self.0.push((release.clone(), 1)),
        }
    }

    /// An instance of `release` stops; a release nothing runs any more is forgotten.
    pub(crate) fn stop(&mut self, release: &Arc<str>) {
        if let Some(n) = self.find(release) {
            self.0[n].1 -= 1;
            if self.0[n].1 == 0 {
                self.0.remove(n);
            }
        }
    }

    /// How many releases are recorded.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// The releases recorded, in text order.
    pub(crate) fn sorted(&self) -> Vec<&str> {
        let mut releases: Vec<&str> = self.0.iter().map(|(r, _)| &**r).collect();
        releases.sort_unstable();
        releases
    }
}

/// The Rocket.Chat database.
#[derive(Debug, Clone, Default)]
pub(crate) struct Database {
    /// The release it is migrated to; `None` for an empty database.
    pub version: Option<Version>,
    /// The instance holding the migration lock (migrating, or initialising an empty database).
    pub migrating: Option<String>,
    /// The release the backup was taken at.
    pub backup: Option<Version>,
    /// The last release code [`Database::start`] read, and its version: every instance of a
    /// side starts the same release, so comparing the code is enough to read it once.
    last_read: Option<(String, Option<Version>)>,
}

impl Database {
    /// A database migrated to `version` (`None`: empty), with no lock held and no backup.
    pub(crate) fn at(version: Option<Version>) -> Database {
        Database {
            version,
            ..Database::default()
        }
    }

    /// An instance of `code` starts. The first instance of a newer release takes the lock and
    /// migrates (after a backup, when one is required); any other instance starting meanwhile
    /// would wait on the lock for about five minutes and exit; an older release cannot start on
    /// a migrated database.
    pub(crate) fn start(&mut self, id: &str, code: &str, backup_required: bool) -> Check {
        let Some(v) = self.read(code) else {
            return Ok(());
        };
        if let Some(other) = &self.migrating {
            return fail(
                ViolationKind::MigrationLock,
                format!("{id} starts while {other} holds the migration lock: it would retry for about five minutes, then exit"),
            );
        }
        match self.version {
            None => self.migrating = Some(id.to_string()),
            Some(db) if v > db => {
                if backup_required && self.backup != Some(db) {
                    return fail(
                        ViolationKind::NoBackup,
                        format!("{id} migrates the database from {db} to {v} before a backup was taken"),
                    );
                }
                self.migrating = Some(id.to_string());
            }
            Some(db) if v < db => {
                return fail(
                    ViolationKind::MigratedDatabase,
                    format!("{id} starts Rocket.Chat {v} on a database migrated to {db}: restore the backup first"),
                )
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// The version `code` names, if any; read again only when it differs from the last.
    fn read(&mut self, code: &str) -> Option<Version> {
        match &mut self.last_read {
            Some((last, v)) if last == code => *v,
            last_read => {
                let v = code.parse().ok();
                *last_read = Some((code.to_string(), v));
                v
            }
        }
    }

    /// An instance passed its health gate: if it held the lock, the migration is done.
    pub(crate) fn healthy(&mut self, id: &str, code: &str) {
        if self.migrating.as_deref() == Some(id) {
            self.version = code.parse().ok();
            self.migrating = None;
        }
    }

    pub(crate) fn back_up(&mut self) -> Check {
        if let Some(other) = &self.migrating {
            return fail(
                ViolationKind::MigrationLock,
                format!("the backup runs while {other} migrates the database"),
            );
        }
        self.backup = self.version;
        Ok(())
    }

    /// The backup comes back; nothing may run meanwhile.
    pub(crate) fn restore(&mut self, running: usize) -> Check {
        if running > 0 {
            return fail(
                ViolationKind::RestoreWhileRunning,
                format!("the database is restored while {running} instance(s) run"),
            );
        }
        let Some(backup) = self.backup else {
            return fail(
                ViolationKind::NoBackup,
                "the database is restored, but no backup was taken".into(),
            );
        };
        self.version = Some(backup);
        self.migrating = None;
        Ok(())
    }
}
