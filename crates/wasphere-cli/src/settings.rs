//! Where to send and with which key: flags, then the environment, then the profile.
//!
//! Each value remembers where it came from, so an error can say "the workspace from
//! WASPHERE_WORKSPACE is not a UUID" instead of leaving the user to guess. What the values
//! mean (the variables' names, the base-URL check, the endpoint URL) is the client's:
//! this only decides which value wins.

use std::cell::{OnceCell, RefCell};
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use wasphere_client::{
    BaseUrl, BaseUrlProblem, ENV_API_KEY, ENV_BASE_URL, ENV_SESSION, ENV_WORKSPACE,
};
use wasphere_types::{ApiKey, MessageType, OperationPath, SessionId, WorkspaceId};

use crate::cli::ConfigKey;
use crate::failure::Failure;
use crate::profile_store::{self, DEFAULT_PROFILE, Profile};
use crate::send_flags::ConnectionArgs;

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// A profile of the config file.
    Profile(String),
    /// A file named by a flag.
    File(PathBuf),
    /// Typed at the prompt.
    Prompt,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "{flag}"),
            Source::Env(var) => write!(f, "{var}"),
            Source::Profile(name) => write!(f, "profile {name:?}"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Prompt => f.write_str("the prompt"),
        }
    }
}

/// Where messages go.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// The deployment, checked.
    pub(crate) base_url: BaseUrl,
    /// The workspace of the URL.
    pub(crate) workspace: WorkspaceId,
    /// The session of the URL.
    pub(crate) session: SessionId,
}

impl Endpoint {
    /// The URL a message of type `message_type` is posted to.
    pub(crate) fn url(&self, message_type: MessageType) -> String {
        self.base_url
            .endpoint(&self.workspace, &self.session, message_type)
    }

    /// The URL of an operation on messages (without a delete's query string).
    pub(crate) fn operation_url(&self, path: &OperationPath<'_>) -> String {
        self.base_url
            .operation_endpoint(&self.workspace, &self.session, path)
    }
}

/// Reads settings in order: flags, environment, profile.
pub(crate) struct Resolver<'a, E: Fn(&str) -> Option<String>> {
    args: &'a ConnectionArgs,
    env: E,
    profile_name: Option<String>,
    config_path: Option<PathBuf>,
    profile: OnceCell<Profile>,
    warnings: RefCell<Vec<String>>,
}

impl<'a, E: Fn(&str) -> Option<String>> Resolver<'a, E> {
    /// A resolver over `args`, the environment `env`, and the profile `profile_name`
    /// (the default profile when `None`) of the file at `config_path` (the platform
    /// default when `None`).
    pub(crate) fn new(
        args: &'a ConnectionArgs,
        env: E,
        profile_name: Option<String>,
        config_path: Option<PathBuf>,
    ) -> Self {
        Resolver {
            args,
            env,
            profile_name,
            config_path,
            profile: OnceCell::new(),
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// Problems noticed on the way that do not stop the command (print them).
    pub(crate) fn take_warnings(&self) -> Vec<String> {
        self.warnings.take()
    }

    fn profile_label(&self) -> &str {
        self.profile_name.as_deref().unwrap_or(DEFAULT_PROFILE)
    }

    /// The profile, read on first use so a run given everything by flags never touches
    /// the file. A named profile that does not exist is an error; a missing default
    /// profile is simply empty.
    fn profile(&self) -> Result<&Profile, Failure> {
        if let Some(p) = self.profile.get() {
            return Ok(p);
        }
        let path = match &self.config_path {
            Some(p) => p.clone(),
            None => profile_store::config_path()?,
        };
        let profile = profile_store::load(&path)?.profile(self.profile_name.as_deref(), &path)?;
        if profile.api_key.is_some() && profile_store::readable_by_others(&path) {
            self.warnings.borrow_mut().push(format!(
                "{} holds an API key and is readable by other users: run chmod 600 on it",
                path.display()
            ));
        }
        Ok(self.profile.get_or_init(|| profile))
    }

    fn lookup(
        &self,
        flag_value: Option<&String>,
        flag: &'static str,
        var: &'static str,
        key: ConfigKey,
    ) -> Result<Option<(String, Source)>, Failure> {
        if let Some(v) = flag_value {
            return Ok(Some((v.clone(), Source::Flag(flag))));
        }
        if let Some(v) = (self.env)(var).filter(|v| !v.is_empty()) {
            return Ok(Some((v, Source::Env(var))));
        }
        let label = self.profile_label().to_owned();
        Ok(self
            .profile()?
            .get(key)
            .map(|v| (v.to_owned(), Source::Profile(label))))
    }

    fn required(
        &self,
        flag_value: Option<&String>,
        flag: &'static str,
        var: &'static str,
        key: ConfigKey,
    ) -> Result<(String, Source), Failure> {
        self.lookup(flag_value, flag, var, key)?.ok_or_else(|| {
            Failure::invalid(format!("no {} is set", key.as_str())).hint(format!(
                "pass {flag}, set {var}, or run `wasphere config set {} VALUE`",
                key.as_str()
            ))
        })
    }

    /// [`Resolver::required`], read as a `T`; the error says where the value came from.
    fn required_parsed<T: FromStr>(
        &self,
        flag_value: Option<&String>,
        flag: &'static str,
        var: &'static str,
        key: ConfigKey,
    ) -> Result<T, Failure>
    where
        T::Err: fmt::Display,
    {
        let (value, from) = self.required(flag_value, flag, var, key)?;
        value
            .parse()
            .map_err(|e| Failure::invalid(format!("the {} from {from}: {e}", key.as_str())))
    }

    /// The base URL, workspace and session.
    pub(crate) fn endpoint(&self) -> Result<Endpoint, Failure> {
        let (base_url, from) = self.required(
            self.args.base_url.as_ref(),
            "--base-url",
            ENV_BASE_URL,
            ConfigKey::BaseUrl,
        )?;
        let base_url =
            BaseUrl::parse(&base_url, self.args.allow_insecure_http).map_err(|e| {
                let failure = Failure::invalid(format!("{e} (from {from})"));
                match e.problem() {
                    BaseUrlProblem::InsecureHttp => failure.hint(
                        "use https://, or pass --allow-insecure-http if the network between here and the server is trusted",
                    ),
                    _ => failure,
                }
            })?;
        let workspace: WorkspaceId = self.required_parsed(
            self.args.workspace.as_ref(),
            "--workspace",
            ENV_WORKSPACE,
            ConfigKey::Workspace,
        )?;
        let session: SessionId = self.required_parsed(
            self.args.session.as_ref(),
            "--session",
            ENV_SESSION,
            ConfigKey::Session,
        )?;
        Ok(Endpoint {
            base_url,
            workspace,
            session,
        })
    }

    /// The API key from `--api-key-file`, `--api-key`, the environment or the profile;
    /// `None` when none is set. Never includes the key in an error.
    pub(crate) fn api_key(&self) -> Result<Option<(ApiKey, Source)>, Failure> {
        if let Some(path) = &self.args.api_key_file {
            return read_key_file(path).map(Some);
        }
        let found = self.lookup(
            self.args.api_key.as_ref(),
            "--api-key",
            ENV_API_KEY,
            ConfigKey::ApiKey,
        )?;
        let Some((text, source)) = found else {
            return Ok(None);
        };
        let key = ApiKey::new(text.trim())
            .map_err(|e| Failure::invalid(format!("the API key from {source} is invalid: {e}")))?;
        Ok(Some((key, source)))
    }

    /// [`Resolver::api_key`], or else a no-echo prompt when stdin is a terminal.
    pub(crate) fn api_key_or_prompt(&self) -> Result<(ApiKey, Source), Failure> {
        if let Some(found) = self.api_key()? {
            return Ok(found);
        }
        let missing = || {
            Failure::invalid("no API key is set").hint(format!(
                "pass --api-key-file FILE, set {ENV_API_KEY}, or run `wasphere config set api-key`"
            ))
        };
        if !std::io::stdin().is_terminal() {
            return Err(missing());
        }
        let typed =
            rpassword::prompt_password("WaSphere API key (input hidden): ").map_err(|e| {
                Failure::other(format!("cannot read the API key from the terminal: {e}"))
            })?;
        if typed.trim().is_empty() {
            return Err(missing());
        }
        let key = ApiKey::new(typed.trim())
            .map_err(|e| Failure::invalid(format!("the API key typed is invalid: {e}")))?;
        Ok((key, Source::Prompt))
    }
}

fn read_key_file(path: &Path) -> Result<(ApiKey, Source), Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::other(format!(
            "cannot read --api-key-file {}: {e}",
            path.display()
        ))
    })?;
    let key = ApiKey::new(text.trim()).map_err(|e| {
        Failure::invalid(format!("the API key in {} is invalid: {e}", path.display()))
    })?;
    Ok((key, Source::File(path.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn args() -> ConnectionArgs {
        ConnectionArgs {
            base_url: None,
            workspace: None,
            session: None,
            api_key_file: None,
            api_key: None,
            timeout: Duration::from_secs(30),
            retries: 2,
            max_wait: Duration::from_secs(60),
            allow_insecure_http: false,
            shared_limit: Default::default(),
        }
    }

    fn config_with(profile: &str, body: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, format!("[profiles.{profile}]\n{body}")).unwrap();
        (dir, path)
    }

    #[test]
    fn flags_beat_environment_beat_profile() {
        let (_dir, path) = config_with(
            "default",
            "base-url = \"https://profile.example\"\nworkspace = \"00000000-0000-4000-8000-000000000000\"\nsession = \"from-profile\"\n",
        );
        let mut a = args();
        a.base_url = Some("https://flag.example/".into());
        let env = |v: &str| (v == ENV_SESSION).then(|| "from-env".to_owned());
        let r = Resolver::new(&a, env, None, Some(path));
        let e = r.endpoint().unwrap();
        assert_eq!(e.base_url.as_str(), "https://flag.example");
        assert_eq!(e.session.as_str(), "from-env");
        assert_eq!(
            e.workspace.to_string(),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            e.url(MessageType::ViewOnce),
            "https://flag.example/workspaces/00000000-0000-4000-8000-000000000000/proxy/api/sessions/from-env/messages/view-once"
        );
    }

    #[test]
    fn errors_name_the_source_and_never_the_key() {
        let (_dir, path) = config_with("ci", "api-key = \"sk_live_s3cr3t\"\n");
        let a = args();
        let r = Resolver::new(&a, |_| None, Some("ci".into()), Some(path.clone()));
        let err = r.api_key().unwrap_err();
        assert!(err.message.contains("profile \"ci\""), "{}", err.message);
        assert!(!err.message.contains("s3cr3t"));

        let r = Resolver::new(&a, |_| None, Some("nope".into()), Some(path));
        assert!(r.api_key().unwrap_err().message.contains("no profile"));
    }

    #[test]
    fn missing_settings_say_how_to_set_them() {
        let dir = tempfile::tempdir().unwrap();
        let a = args();
        let r = Resolver::new(&a, |_| None, None, Some(dir.path().join("none.toml")));
        let err = r.endpoint().unwrap_err();
        assert_eq!(err.message, "no base-url is set");
        assert!(err.hint.unwrap().contains(ENV_BASE_URL));
        assert!(r.api_key().unwrap().is_none());
    }

    #[test]
    fn base_urls_are_checked_by_the_client_and_errors_say_where_they_came_from() {
        let endpoint_with = |url: &str, insecure: bool| {
            let mut a = args();
            a.base_url = Some(url.to_owned());
            a.workspace = Some("00000000-0000-4000-8000-000000000000".to_owned());
            a.session = Some("s".to_owned());
            a.allow_insecure_http = insecure;
            Resolver::new(&a, |_| None, None, None).endpoint()
        };
        assert_eq!(
            endpoint_with("http://127.0.0.1:8080/", false)
                .unwrap()
                .base_url
                .as_str(),
            "http://127.0.0.1:8080"
        );
        assert!(endpoint_with("http://sandbox.localhost:1", false).is_ok());
        assert!(endpoint_with("http://api.example.com", true).is_ok());
        let err = endpoint_with("http://api.example.com", false).unwrap_err();
        assert!(err.message.contains("(from --base-url)"), "{}", err.message);
        assert!(err.hint.unwrap().contains("--allow-insecure-http"));
        let err = endpoint_with("https://user:s3cr3t@api.example.com", false).unwrap_err();
        assert!(
            err.message.contains("user name or password"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("s3cr3t"), "{}", err.message);
        assert!(endpoint_with("ftp://x.io", false).is_err());
        assert!(endpoint_with("api.example.com", false).is_err());
    }
}
