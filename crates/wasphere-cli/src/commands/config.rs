//! `wasphere config set|get|list|unset`: the profiles of `config.toml`.

use std::io::{BufRead, IsTerminal};

use serde_json::{Map, Value, json};
use wasphere_client::{BaseUrl, BaseUrlProblem, ErrorClass};
use wasphere_types::{ApiKey, SessionId, WorkspaceId};

use crate::cli::{ConfigCommand, ConfigKey};
use crate::failure::Failure;
use crate::output::Output;
use crate::profile_store::{self, DEFAULT_PROFILE};

const ALL_KEYS: [ConfigKey; 4] = [
    ConfigKey::BaseUrl,
    ConfigKey::ApiKey,
    ConfigKey::Workspace,
    ConfigKey::Session,
];

/// Runs one config subcommand on `profile` (the default profile when `None`).
pub(crate) fn run(
    command: ConfigCommand,
    profile: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    let path = profile_store::config_path()?;
    let mut file = profile_store::load(&path)?;
    // Only `set` makes a profile; reading one that does not exist is an error, as `send`
    // says it is.
    if !matches!(command, ConfigCommand::Set { .. }) {
        file.profile(profile.as_deref(), &path)?;
    }
    let name = profile.unwrap_or_else(|| DEFAULT_PROFILE.to_owned());
    match command {
        ConfigCommand::Set { key, value } => {
            let value = match (key, value) {
                (ConfigKey::ApiKey, None) => read_key_interactively()?,
                (ConfigKey::ApiKey, Some(v)) if v == "-" => read_key_from_stdin()?,
                (ConfigKey::ApiKey, Some(v)) => {
                    out.warning(
                        "an API key given as an argument stays in your shell history and is visible in the process list; next time omit it to be prompted, or pipe it with `config set api-key -`",
                    );
                    v
                }
                (_, Some(v)) => v,
                (_, None) => {
                    return Err(Failure::invalid(format!(
                        "config set {} needs a VALUE",
                        key.as_str()
                    )));
                }
            };
            let value = checked(key, &value)?;
            let shown = shown(key, &value);
            file.profiles
                .entry(name.clone())
                .or_default()
                .set(key, Some(value));
            profile_store::save(&path, &mut file)?;
            if out.is_json() {
                out.json(
                    &json!({"profile": name, "key": key.as_str(), "value": shown, "path": path}),
                );
            } else {
                out.line(&format!(
                    "set {} = {shown} in profile {name:?} ({})",
                    key.as_str(),
                    path.display()
                ));
            }
        }
        ConfigCommand::Get { key } => {
            let value = file
                .profiles
                .get(&name)
                .and_then(|p| p.get(key))
                .ok_or_else(|| {
                    Failure::new(
                        ErrorClass::Other,
                        format!("{} is not set in profile {name:?}", key.as_str()),
                    )
                    .hint(format!("wasphere config set {} VALUE", key.as_str()))
                })?;
            let shown = shown(key, value);
            if out.is_json() {
                out.json(&json!({"profile": name, "key": key.as_str(), "value": shown}));
            } else {
                out.line(&shown);
            }
        }
        ConfigCommand::List => {
            let profile = file.profiles.get(&name).cloned().unwrap_or_default();
            let names: Vec<&String> = file.profiles.keys().collect();
            if out.is_json() {
                let mut settings = Map::new();
                for key in ALL_KEYS {
                    if let Some(v) = profile.get(key) {
                        settings.insert(key.as_str().to_owned(), Value::String(shown(key, v)));
                    }
                }
                out.json(&json!({"path": path, "profile": name, "profiles": names, "settings": settings}));
            } else {
                out.line(&format!("# profile {name:?} in {}", path.display()));
                for key in ALL_KEYS {
                    if let Some(v) = profile.get(key) {
                        out.line(&format!("{} = {}", key.as_str(), shown(key, v)));
                    }
                }
                if names.len() > 1 || (names.len() == 1 && *names[0] != name) {
                    let list: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                    out.line(&format!("# profiles: {}", list.join(", ")));
                }
            }
        }
        ConfigCommand::Unset { key } => {
            let removed = match file.profiles.get_mut(&name) {
                Some(p) if p.get(key).is_some() => {
                    p.set(key, None);
                    true
                }
                _ => false,
            };
            if removed {
                profile_store::save(&path, &mut file)?;
            }
            if out.is_json() {
                out.json(&json!({"profile": name, "key": key.as_str(), "removed": removed}));
            } else if removed {
                out.line(&format!("unset {} in profile {name:?}", key.as_str()));
            } else {
                out.notice(&format!("{} was not set in profile {name:?}", key.as_str()));
            }
        }
    }
    Ok(())
}

/// How a value is shown: the API key only as its prefix (`wsk_live_…`).
fn shown(key: ConfigKey, value: &str) -> String {
    match key {
        ConfigKey::ApiKey => ApiKey::new(value).map_or_else(
            |_| "(not a valid API key; not shown)".to_owned(),
            |k| k.to_string(),
        ),
        _ => value.to_owned(),
    }
}

/// Refuses values that could never work, naming the rule, before they are saved.
fn checked(key: ConfigKey, value: &str) -> Result<String, Failure> {
    let value = value.trim();
    let bad = |e: String| Failure::invalid(format!("cannot set {}: {e}", key.as_str()));
    match key {
        // Checked as `send` checks it, so a saved URL never breaks every later send: plain
        // http only to this machine. `--allow-insecure-http` stays a per-run decision.
        ConfigKey::BaseUrl => BaseUrl::parse(value, false)
            .map(String::from)
            .map_err(|e| match e.problem() {
                BaseUrlProblem::InsecureHttp => bad(e.to_string()).hint(
                    "use https://; for a trusted network, pass the URL per run instead: --base-url URL --allow-insecure-http",
                ),
                _ => bad(e.to_string()),
            }),
        ConfigKey::ApiKey => ApiKey::new(value)
            .map(|k| k.expose_secret().to_owned())
            .map_err(|e| bad(e.to_string())),
        ConfigKey::Workspace => value
            .parse::<WorkspaceId>()
            .map(|w| w.to_string())
            .map_err(|e| bad(e.to_string())),
        ConfigKey::Session => value
            .parse::<SessionId>()
            .map(|s| s.to_string())
            .map_err(|e| bad(e.to_string())),
    }
}

fn read_key_interactively() -> Result<String, Failure> {
    if !std::io::stdin().is_terminal() {
        return read_key_from_stdin();
    }
    rpassword::prompt_password("WaSphere API key (input hidden): ")
        .map_err(|e| Failure::other(format!("cannot read the API key from the terminal: {e}")))
}

fn read_key_from_stdin() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::other(format!("cannot read the API key from stdin: {e}")))?;
    if line.trim().is_empty() {
        return Err(Failure::invalid(
            "no API key on stdin: pipe it in, e.g. `wasphere config set api-key - < key.txt`",
        ));
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_and_normalised() {
        assert_eq!(
            checked(ConfigKey::BaseUrl, "https://api.example.com/").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            checked(ConfigKey::BaseUrl, "http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        // Issue 12, item 11: accepted, then refused by every send.
        let err = checked(ConfigKey::BaseUrl, "http://example.com").unwrap_err();
        assert!(err.message.contains("http"), "{}", err.message);
        assert!(err.hint.unwrap().contains("--allow-insecure-http"));
        assert!(checked(ConfigKey::Workspace, "nope").is_err());
        assert!(checked(ConfigKey::Session, "a b").is_err());
        let err = checked(ConfigKey::ApiKey, "sk_live_secret").unwrap_err();
        assert!(!err.message.contains("secret"));
        assert_eq!(
            checked(ConfigKey::ApiKey, " wsk_live_abc\n").unwrap(),
            "wsk_live_abc"
        );
    }

    #[test]
    fn keys_are_shown_redacted() {
        assert_eq!(shown(ConfigKey::ApiKey, "wsk_live_abcdef"), "wsk_live_…");
        assert!(!shown(ConfigKey::ApiKey, "sk_secret").contains("secret"));
        assert_eq!(shown(ConfigKey::Session, "s"), "s");
    }
}
