//! What interrupted writes leave in local-directory buckets, removed at start-up.
//!
//! A write killed half-way (the process crashed or was killed) leaves its body in the
//! bucket's `.multistore/staging/`, and `object_store`'s `LocalFileSystem` may leave one
//! of its `name#<n>` temporary files (in the gateway's own area; older versions of the
//! gateway also left them beside the user's files). Neither is ever listed or served,
//! but both would take space forever. The core decides what is a leftover
//! ([`is_interrupted_write`]): never an object, a sidecar or a multipart upload in
//! progress (those live until aborted, as on S3).
//!
//! Only files last modified before the sweep began are removed, so that a write another
//! gateway process is making in the same directory is left alone.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use multistore::config::{BackendType, BucketConfig};
use multistore::store::is_interrupted_write;
use object_store::path::Path as StorePath;

/// Removes what interrupted writes left in the directory of each local bucket among
/// `buckets`, logging what it removed and what it could not.
pub async fn sweep_interrupted_writes(buckets: &[BucketConfig]) {
    let roots: Vec<PathBuf> = buckets
        .iter()
        .filter(|bucket| bucket.backend_type == BackendType::Local)
        .filter_map(|bucket| bucket.backend_options.get("root").map(PathBuf::from))
        .collect();
    if roots.is_empty() {
        return;
    }
    let started = SystemTime::now();
    let swept = tokio::task::spawn_blocking(move || {
        for root in roots {
            let removed = sweep(&root, started);
            if removed > 0 {
                tracing::info!(
                    "removed {removed} file(s) left by interrupted writes in {}",
                    root.display()
                );
            }
        }
    })
    .await;
    if let Err(error) = swept {
        tracing::warn!(%error, "the sweep of interrupted writes stopped");
    }
}

/// Removes the leftovers under `root` last modified before `started`, and the
/// directories that removing them emptied; returns how many files it removed.
fn sweep(root: &Path, started: SystemTime) -> usize {
    let mut removed = 0;
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                if dir != root || error.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(%error, "cannot read {}", dir.display());
                }
                continue;
            }
        };
        let mut removed_here = false;
        for entry in entries.flatten() {
            let path = entry.path();
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(path),
                Ok(kind) if kind.is_file() && is_leftover(root, &path, started) => {
                    match std::fs::remove_file(&path) {
                        Ok(()) => {
                            removed += 1;
                            removed_here = true;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "cannot remove {}", path.display());
                        }
                    }
                }
                _ => {}
            }
        }
        if removed_here {
            remove_empty_dirs(root, &dir);
        }
    }
    removed
}

/// Whether the file at `path` under `root` is a leftover older than `started`.
fn is_leftover(root: &Path, path: &Path, started: SystemTime) -> bool {
    let Some(relative) = path
        .strip_prefix(root)
        .ok()
        .and_then(|relative| relative.to_str())
    else {
        return false;
    };
    let Ok(location) = StorePath::parse(relative.replace(std::path::MAIN_SEPARATOR, "/")) else {
        return false;
    };
    let old = std::fs::symlink_metadata(path)
        .and_then(|meta| meta.modified())
        .is_ok_and(|modified| modified < started);
    old && is_interrupted_write(&location)
}

/// Removes `dir` and its ancestors below `root` while they are empty, as the store does
/// after a delete.
fn remove_empty_dirs(root: &Path, dir: &Path) {
    let mut current = Some(dir);
    while let Some(dir) = current {
        if dir == root || !dir.starts_with(root) || std::fs::remove_dir(dir).is_err() {
            return;
        }
        current = dir.parent();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const LEFTOVERS: &[&str] = &[
        ".multistore/staging/0A1B2C3D",
        ".multistore/staging/0A1B2C3D#1",
        ".multistore/meta/ab/abcdef#2",
        "photos/cat.jpg#1",
    ];
    const KEPT: &[&str] = &[
        ".multistore/meta/ab/abcdef",
        ".multistore/uploads/0A1B/upload.json",
        ".multistore/uploads/0A1B/parts/00001/tmp-0A1B",
        "photos/cat.jpg",
        "photos/cat#1.jpg",
        "notes/a#b#1",
        "notes/.multistore-pct-a%231",
    ];

    fn populate() -> tempfile::TempDir {
        let root = tempfile::tempdir().expect("temporary directory");
        for name in LEFTOVERS.iter().chain(KEPT) {
            let path = root.path().join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("directories");
            std::fs::write(&path, name).expect("file");
        }
        root
    }

    #[test]
    fn removes_only_leftovers_and_the_directories_they_leave_empty() {
        let root = populate();
        let later = SystemTime::now() + Duration::from_secs(3600);
        assert_eq!(sweep(root.path(), later), LEFTOVERS.len());
        for name in KEPT {
            assert!(root.path().join(name).is_file(), "{name} was removed");
        }
        for name in LEFTOVERS {
            assert!(!root.path().join(name).exists(), "{name} is still there");
        }
        assert!(!root.path().join(".multistore/staging").exists());
        assert!(root.path().join("photos").is_dir());
    }

    #[test]
    fn leaves_files_written_after_the_sweep_began() {
        let root = populate();
        let earlier = SystemTime::now() - Duration::from_secs(3600);
        assert_eq!(sweep(root.path(), earlier), 0);
        for name in LEFTOVERS.iter().chain(KEPT) {
            assert!(root.path().join(name).is_file(), "{name} was removed");
        }
    }

    #[test]
    fn a_missing_root_is_nothing_to_sweep() {
        let root = tempfile::tempdir().expect("temporary directory");
        assert_eq!(sweep(&root.path().join("absent"), SystemTime::now()), 0);
    }
}
