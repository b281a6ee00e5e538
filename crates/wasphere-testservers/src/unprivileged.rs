//! PostgreSQL refuses to run as root (`initdb: cannot be run as root`). When the tests
//! run as root (as CI does), its processes run as `nobody` instead, in a directory handed
//! over to that user.

use std::path::Path;
use std::process::Command;

/// The user and group a server runs as: `nobody` when we are root, else ourselves.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunAs {
    ids: Option<(u32, u32)>,
}

impl RunAs {
    pub(crate) fn for_postgres() -> Self {
        let ids = is_root().then(nobody);
        RunAs { ids }
    }

    /// `command`, made to run as this user.
    pub(crate) fn apply(self, command: &mut Command) -> &mut Command {
        use std::os::unix::process::CommandExt;
        if let Some((uid, gid)) = self.ids {
            command.uid(uid).gid(gid);
        }
        command
    }

    /// Gives `dir` to this user, so the server can write in it.
    pub(crate) fn own(self, dir: &Path) -> std::io::Result<()> {
        match self.ids {
            Some((uid, gid)) => std::os::unix::fs::chown(dir, Some(uid), Some(gid)),
            None => Ok(()),
        }
    }
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // The owner of what we create is who we are; /proc/self is ours.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `nobody`'s ids from /etc/passwd, else Debian's 65534.
fn nobody() -> (u32, u32) {
    const DEBIAN_NOBODY: (u32, u32) = (65534, 65534);
    let Ok(passwd) = std::fs::read_to_string("/etc/passwd") else {
        return DEBIAN_NOBODY;
    };
    passwd
        .lines()
        .map(|line| line.split(':').collect::<Vec<_>>())
        .find(|fields| fields.first() == Some(&"nobody"))
        .and_then(|fields| Some((fields.get(2)?.parse().ok()?, fields.get(3)?.parse().ok()?)))
        .unwrap_or(DEBIAN_NOBODY)
}
