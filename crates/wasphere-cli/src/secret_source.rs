//! The webhook signing secret, from `--secret-env VAR` or `--secret-file FILE`: never
//! from a flag's value, which the process list would show.

use wasphere_types::webhook::WebhookSecret;

use crate::cli::SecretSource;
use crate::failure::Failure;

/// Loads the secret; an unset or empty one is a usage error (exit 2).
pub(crate) fn load(source: &SecretSource) -> Result<WebhookSecret, Failure> {
    if let Some(var) = &source.secret_env {
        let value = std::env::var_os(var).ok_or_else(|| {
            Failure::invalid(format!(
                "the environment variable {var} (named by --secret-env) is not set"
            ))
        })?;
        if value.is_empty() {
            return Err(Failure::invalid(format!(
                "the environment variable {var} (named by --secret-env) is empty"
            )));
        }
        return Ok(WebhookSecret::new(value.as_encoded_bytes()));
    }
    if let Some(path) = &source.secret_file {
        let bytes = std::fs::read(path).map_err(|e| {
            Failure::other(format!("cannot read --secret-file {}: {e}", path.display()))
        })?;
        // Editors add a final newline; it is never part of a secret.
        let mut end = bytes.len();
        while end > 0 && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        if end == 0 {
            return Err(Failure::invalid(format!(
                "--secret-file {} is empty",
                path.display()
            )));
        }
        return Ok(WebhookSecret::new(&bytes[..end]));
    }
    // clap requires one of the two.
    Err(Failure::invalid(
        "pass --secret-env VAR or --secret-file FILE",
    ))
}
