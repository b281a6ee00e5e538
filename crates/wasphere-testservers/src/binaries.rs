//! Finding server binaries: on `PATH`, or where Debian's `postgresql` package puts them
//! (`/usr/lib/postgresql/<major>/bin`, which is not on `PATH`).

use std::path::{Path, PathBuf};

/// The first executable file called `name` on `PATH`.
pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

/// `name` on `PATH`, else in the newest `/usr/lib/postgresql/<major>/bin`.
pub(crate) fn postgres_tool(name: &str) -> Option<PathBuf> {
    on_path(name).or_else(|| {
        let mut majors: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let major = entry.file_name().to_str()?.parse::<u32>().ok()?;
                Some((major, entry.path().join("bin").join(name)))
            })
            .filter(|(_, candidate)| is_executable(candidate))
            .collect();
        majors.sort();
        majors.pop().map(|(_, path)| path)
    })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
