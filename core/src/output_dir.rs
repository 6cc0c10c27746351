//! Writing rendered files and plan scripts into a directory so that nothing another user controls
//! can redirect or read a write.
//!
//! Environment files hold the MongoDB password, and the tool often runs as root. So:
//! - the output directory, and every directory below it, must not be a symbolic link, must belong
//!   to the user writing (or root) and must not be writable by group or others: nobody else can
//!   then swap an entry under our feet;
//! - directories are walked with `openat(O_NOFOLLOW)` from the output directory, never by path,
//!   and created mode 0750 (the umask can only make that tighter);
//! - each file is written as a new temporary file in its directory (`O_CREAT | O_EXCL |
//!   O_NOFOLLOW`, mode 0600 from the start), given its final mode, then renamed over the target.
//!   A symbolic link or someone else's file at the target is replaced, never written through.

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, CWD};
use rustix::io::Errno;
use std::fs::File;
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Mode of every directory created: owner full, group read, others nothing.
pub const DIR_MODE: u32 = 0o750;

/// Why a file could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct OutputError {
    /// The file or directory at fault.
    pub path: String,
    /// What went wrong.
    pub problem: String,
}

/// An output directory, opened and verified. Files are written below it with [`OutputDir::write`].
#[derive(Debug)]
pub struct OutputDir {
    path: PathBuf,
    fd: OwnedFd,
}

impl OutputDir {
    /// Opens `path`, creating it (and missing parents) mode 0750 when absent. Refuses a symbolic
    /// link, a directory owned by another user, or one that group or others can write to.
    pub fn open(path: &Path) -> Result<OutputDir, OutputError> {
        let fail = |problem: String| OutputError {
            path: path.display().to_string(),
            problem,
        };
        if std::fs::symlink_metadata(path).is_err() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(DIR_MODE)
                .create(path)
                .map_err(|e| fail(format!("cannot create the directory: {e}")))?;
        }
        let fd = open_dir(CWD, path).map_err(|e| fail(dir_problem(e)))?;
        verify_dir(&fd).map_err(fail)?;
        Ok(OutputDir {
            path: path.to_path_buf(),
            fd,
        })
    }

    /// The directory's path as given.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes `contents` at `relative` (plain components only) with `mode`, creating missing
    /// directories 0750. Returns the path written.
    pub fn write(
        &self,
        relative: &Path,
        contents: &[u8],
        mode: u32,
    ) -> Result<PathBuf, OutputError> {
        let target = self.path.join(relative);
        let fail = |at: &Path, problem: String| OutputError {
            path: at.display().to_string(),
            problem,
        };
        let names = plain_components(relative).ok_or_else(|| {
            fail(
                &target,
                "not a plain relative path (no `..`, no root, no `.`)".into(),
            )
        })?;
        let Some((file_name, dirs)) = names.split_last() else {
            return Err(fail(&target, "empty file name".into()));
        };
        let mut dir_path = self.path.clone();
        let mut dir: Option<OwnedFd> = None;
        for name in dirs {
            dir_path.push(name);
            let parent = dir.as_ref().unwrap_or(&self.fd);
            let child = enter_or_create(parent, name).map_err(|p| fail(&dir_path, p))?;
            dir = Some(child);
        }
        let parent = dir.as_ref().unwrap_or(&self.fd);
        replace_file(parent, file_name, contents, mode).map_err(|p| fail(&target, p))?;
        Ok(target)
    }
}

/// The components of `relative`, when every one is a plain name.
fn plain_components(relative: &Path) -> Option<Vec<&std::ffi::OsStr>> {
    relative
        .components()
        .map(|c| match c {
            Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect()
}

/// Opens a directory without following a symbolic link at its last component.
fn open_dir<Fd: rustix::fd::AsFd>(at: Fd, path: impl rustix::path::Arg) -> Result<OwnedFd, Errno> {
    rfs::openat(
        at,
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

fn dir_problem(e: Errno) -> String {
    match e {
        Errno::LOOP | Errno::NOTDIR => {
            "is a symbolic link or not a directory: refusing to write through it".into()
        }
        e => format!("cannot open the directory: {}", std::io::Error::from(e)),
    }
}

/// The subdirectory `name` of `parent`, created 0750 when absent, and verified.
fn enter_or_create(parent: &OwnedFd, name: &std::ffi::OsStr) -> Result<OwnedFd, String> {
    match rfs::mkdirat(parent, name, Mode::from_raw_mode(DIR_MODE)) {
        Ok(()) | Err(Errno::EXIST) => {}
        Err(e) => {
            return Err(format!(
                "cannot create the directory: {}",
                std::io::Error::from(e)
            ))
        }
    }
    let fd = open_dir(parent, name).map_err(dir_problem)?;
    verify_dir(&fd)?;
    Ok(fd)
}

/// A directory is safe to write into when only its owner (this user or root) can change it.
fn verify_dir(fd: &OwnedFd) -> Result<(), String> {
    let stat = rfs::fstat(fd).map_err(|e| std::io::Error::from(e).to_string())?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::Directory {
        return Err("is not a directory".into());
    }
    let me = rustix::process::geteuid().as_raw();
    if stat.st_uid != me && stat.st_uid != 0 {
        return Err(format!(
            "belongs to another user (uid {}): its owner could read or replace what is written; use a directory of your own",
            stat.st_uid
        ));
    }
    let mode = stat.st_mode & 0o7777;
    if mode & 0o022 != 0 {
        return Err(format!(
            "is writable by group or others (mode {mode:04o}): they could replace what is written; run `chmod go-w` on it or use another directory"
        ));
    }
    Ok(())
}

/// Distinguishes the temporary files of one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `contents` to a new temporary file in `dir`, gives it `mode`, and renames it to `name`.
fn replace_file(
    dir: &OwnedFd,
    name: &std::ffi::OsStr,
    contents: &[u8],
    mode: u32,
) -> Result<(), String> {
    let io = |e: std::io::Error| e.to_string();
    let temp = format!(
        ".{}.{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let fd = rfs::openat(
        dir,
        temp.as_str(),
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(|e| io(e.into()))?;
    let written = (|| {
        let mut file = File::from(fd);
        file.write_all(contents)?;
        rfs::fchmod(&file, Mode::from_raw_mode(mode & 0o7777))?;
        rfs::renameat(dir, temp.as_str(), dir, name)?;
        Ok::<(), std::io::Error>(())
    })();
    if let Err(e) = written {
        let _ = rfs::unlinkat(dir, temp.as_str(), AtFlags::empty());
        return Err(io(e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    fn mode_of(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).unwrap().mode() & 0o7777
    }

    #[test]
    fn writes_files_with_their_mode_in_new_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        let dir = OutputDir::open(&root).unwrap();
        let written = dir
            .write(Path::new("app1/etc/rocketchat/3000.env"), b"A=1\n", 0o600)
            .unwrap();
        assert_eq!(std::fs::read(&written).unwrap(), b"A=1\n");
        assert_eq!(mode_of(&written), 0o600);
        assert_eq!(
            mode_of(&root.join("app1/etc")),
            DIR_MODE & mode_of(&root.join("app1/etc"))
        );
        assert_eq!(mode_of(&root.join("app1/etc")) & 0o027, 0);
        let script = dir
            .write(Path::new("plan.sh"), b"#!/bin/sh\n", 0o755)
            .unwrap();
        assert_eq!(mode_of(&script), 0o755);
        // Rewriting replaces; no temporary file is left behind.
        dir.write(Path::new("plan.sh"), b"#!/bin/sh\ntrue\n", 0o755)
            .unwrap();
        let names: Vec<_> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let root = tmp.path().join("out");
        let dir = OutputDir::open(&root).unwrap();
        std::os::unix::fs::symlink(&victim, root.join("3000.env")).unwrap();
        dir.write(Path::new("3000.env"), b"SECRET=1\n", 0o600)
            .unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(std::fs::symlink_metadata(root.join("3000.env"))
            .unwrap()
            .is_file());
    }

    #[test]
    fn symlinked_directories_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        let root = tmp.path().join("out");
        let dir = OutputDir::open(&root).unwrap();
        std::os::unix::fs::symlink(&elsewhere, root.join("app1")).unwrap();
        let e = dir
            .write(Path::new("app1/x.env"), b"S=1\n", 0o600)
            .unwrap_err();
        assert!(e.problem.contains("symbolic link"), "{e}");
        assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
        // The output directory itself, too.
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        let e = OutputDir::open(&link).unwrap_err();
        assert!(e.problem.contains("symbolic link"), "{e}");
    }

    #[test]
    fn directories_others_can_write_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("out");
        std::fs::create_dir(&root).unwrap();
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o777)).unwrap();
        let e = OutputDir::open(&root).unwrap_err();
        assert!(e.problem.contains("writable by group or others"), "{e}");
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).unwrap();
        let dir = OutputDir::open(&root).unwrap();
        std::fs::create_dir(root.join("app1")).unwrap();
        std::fs::set_permissions(root.join("app1"), std::fs::Permissions::from_mode(0o757))
            .unwrap();
        let e = dir.write(Path::new("app1/a"), b"", 0o644).unwrap_err();
        assert!(e.path.ends_with("app1"), "{e}");
    }

    #[test]
    fn paths_that_climb_out_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = OutputDir::open(tmp.path()).unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../x", ""] {
            assert!(dir.write(Path::new(bad), b"", 0o600).is_err(), "{bad}");
        }
    }
}
