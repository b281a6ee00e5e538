//! Saved settings: `config.toml` in the platform config directory (or
//! `$WASPHERE_CONFIG_DIR`), one table per profile.
//!
//! ```toml
//! [profiles.default]
//! base-url = "https://api.yourdomain.com"
//! api-key = "wsk_live_…"
//! workspace = "be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8"
//! session = "my-session"
//! ```
//!
//! The file can hold an API key, so it is created with mode 0600 (and its directory
//! 0700), written to a temporary file and renamed, so a crash never leaves half a file.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cli::ConfigKey;
use crate::failure::Failure;

/// Overrides the config directory (tests, containers).
pub(crate) const CONFIG_DIR_ENV: &str = "WASPHERE_CONFIG_DIR";
/// The profile used when none is named.
pub(crate) const DEFAULT_PROFILE: &str = "default";

/// The whole file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, Profile>,
}

/// One profile's settings; absent ones fall through to nothing.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(crate) struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) api_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) workspace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) session: Option<String>,
}

impl ConfigFile {
    /// The profile `name`, or the default one when `None`. A default profile that was
    /// never written is empty; a named one that does not exist is an error, worded the
    /// same for every command that reads a profile.
    pub(crate) fn profile(&self, name: Option<&str>, path: &Path) -> Result<Profile, Failure> {
        let label = name.unwrap_or(DEFAULT_PROFILE);
        match (self.profiles.get(label), name) {
            (Some(profile), _) => Ok(profile.clone()),
            (None, None) => Ok(Profile::default()),
            (None, Some(_)) => {
                let existing: Vec<&str> = self.profiles.keys().map(String::as_str).collect();
                let hint = match existing.as_slice() {
                    [] => {
                        "create it with `wasphere config set KEY VALUE --profile NAME`".to_owned()
                    }
                    names => format!(
                        "the profiles are {}; create this one with `wasphere config set KEY VALUE --profile {label}`",
                        names.join(", ")
                    ),
                };
                Err(Failure::invalid(format!(
                    "there is no profile {label:?} in {}",
                    path.display()
                ))
                .hint(hint))
            }
        }
    }
}

impl Profile {
    /// The value of `key`.
    pub(crate) fn get(&self, key: ConfigKey) -> Option<&str> {
        match key {
            ConfigKey::BaseUrl => self.base_url.as_deref(),
            ConfigKey::ApiKey => self.api_key.as_deref(),
            ConfigKey::Workspace => self.workspace.as_deref(),
            ConfigKey::Session => self.session.as_deref(),
        }
    }

    /// Sets (or with `None`, removes) `key`.
    pub(crate) fn set(&mut self, key: ConfigKey, value: Option<String>) {
        let slot = match key {
            ConfigKey::BaseUrl => &mut self.base_url,
            ConfigKey::ApiKey => &mut self.api_key,
            ConfigKey::Workspace => &mut self.workspace,
            ConfigKey::Session => &mut self.session,
        };
        *slot = value;
    }

    fn is_empty(&self) -> bool {
        *self == Profile::default()
    }
}

/// Where the file lives.
pub(crate) fn config_path() -> Result<PathBuf, Failure> {
    let dir = match std::env::var_os(CONFIG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::config_dir()
            .ok_or_else(|| {
                Failure::other("cannot find the platform config directory")
                    .hint(format!("set {CONFIG_DIR_ENV} to a directory"))
            })?
            .join("wasphere"),
    };
    Ok(dir.join("config.toml"))
}

/// Reads the file; a missing file is an empty configuration.
pub(crate) fn load(path: &Path) -> Result<ConfigFile, Failure> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
        Err(e) => {
            return Err(Failure::other(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    // toml's error quotes the offending line, which may be the api-key line: show
    // only the position and the reason.
    toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let line = text.as_bytes()[..s.start.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                format!(" (line {line})")
            })
            .unwrap_or_default();
        Failure::invalid(format!(
            "{} is not a valid wasphere config{at}: {}",
            path.display(),
            e.message()
        ))
        .hint("keys are base-url, api-key, workspace and session, in [profiles.NAME] tables")
    })
}

/// Writes the file with mode 0600, replacing it atomically; empty profiles are dropped.
pub(crate) fn save(path: &Path, config: &mut ConfigFile) -> Result<(), Failure> {
    config.profiles.retain(|_, p| !p.is_empty());
    let text = toml::to_string(config)
        .map_err(|e| Failure::other(format!("cannot encode the config: {e}")))?;
    let fail = |what: &str, e: io::Error| Failure::other(format!("cannot {what}: {e}"));
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    create_private_dir(dir).map_err(|e| fail(&format!("create {}", dir.display()), e))?;
    let tmp = path.with_extension(format!("toml.tmp{}", std::process::id()));
    let written = write_private(&tmp, text.as_bytes()).and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(fail(&format!("write {}", path.display()), e));
    }
    Ok(())
}

/// Whether others than the owner may read the file (Unix); always false elsewhere.
pub(crate) fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Set at creation: there is no moment when the key is readable by others.
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_drops_empty_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/config.toml");
        let mut config = ConfigFile::default();
        let mut p = Profile::default();
        p.set(ConfigKey::Session, Some("my-session".into()));
        config.profiles.insert("default".into(), p.clone());
        config.profiles.insert("empty".into(), Profile::default());
        save(&path, &mut config).unwrap();
        let back = load(&path).unwrap();
        assert_eq!(back.profiles.len(), 1);
        assert_eq!(back.profiles["default"], p);
        assert!(!readable_by_others(&path));
    }

    #[test]
    fn unknown_keys_are_named_without_quoting_the_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        fs::write(
            &path,
            "[profiles.default]\napi-key = \"wsk_live_secret\"\napikey = \"wsk_live_secret\"\n",
        )
        .unwrap();
        let err = load(&path).unwrap_err();
        assert!(err.message.contains("apikey"), "{}", err.message);
        assert!(err.message.contains("line 3"), "{}", err.message);
        assert!(!err.message.contains("secret"), "{}", err.message);
    }
}
