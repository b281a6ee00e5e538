//! One runner per journal: an exclusive lock on `<journal>.lock`, held while a campaign
//! runs. The operating system releases it when the process dies, even by `kill -9`, so a
//! stale lock never blocks a resume.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::JournalError;

/// The lock a campaign runner holds on its journal (an advisory `flock`-style lock on the
/// file `<journal>.lock`, which also names the holder's process id).
#[derive(Debug)]
pub struct JournalLock {
    _file: File,
    path: PathBuf,
}

impl JournalLock {
    /// Takes the lock of the journal at `journal`, or says who holds it.
    ///
    /// # Errors
    /// [`JournalError::Locked`] when another process holds it; [`JournalError::Storage`]
    /// when the lock file cannot be created.
    pub fn acquire(journal: &Path) -> Result<JournalLock, JournalError> {
        let path = lock_path(journal);
        let storage = |e: std::io::Error| JournalError::Storage {
            path: journal.display().to_string(),
            detail: format!("cannot open the lock file {}: {e}", path.display()),
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(storage)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(JournalError::Locked {
                    path: journal.display().to_string(),
                    lock_path: path.display().to_string(),
                    holder: (!holder.is_empty()).then(|| holder.to_owned()),
                });
            }
            Err(TryLockError::Error(e)) => return Err(storage(e)),
        }
        // Who holds it, for the next process's error message.
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = write!(file, "pid {}", std::process::id());
        let _ = file.flush();
        Ok(JournalLock { _file: file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// `<journal>.lock`, beside the journal.
pub(crate) fn lock_path(journal: &Path) -> PathBuf {
    let mut name = journal.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_told_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("c.db");
        let first = JournalLock::acquire(&journal).unwrap();
        let err = JournalLock::acquire(&journal).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("c.db.lock is held"), "{text}");
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        drop(first);
        assert!(JournalLock::acquire(&journal).is_ok());
    }
}
