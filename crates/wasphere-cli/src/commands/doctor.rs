//! `wasphere doctor`: is the setup right, checked without sending a message?
//!
//! Locally: a base URL the client accepts, a workspace UUID, a well-formed session id and
//! an API key. Then one request: an empty body to the text endpoint, which the server
//! refuses as invalid only after the key, workspace and session were accepted
//! ([`wasphere_client::Client::check_access`], the same question the n8n credential test
//! asks). What that cannot tell is said as plainly.

use serde_json::{Value, json};
use wasphere_client::{Access, ErrorClass};

use crate::cli::DoctorArgs;
use crate::client_failure;
use crate::failure::Failure;
use crate::output::Output;
use crate::settings::Resolver;

/// What the check cannot see.
const NOT_CHECKED: [&str; 3] = [
    "whether the session is connected to a phone: the server looks only when a valid message comes",
    "whether recipients are on WhatsApp, and whether media URLs can be fetched",
    "anything about messages already sent",
];

/// One line of the report.
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
}

/// Runs the checks and prints them; fails with the first problem's exit code.
pub(crate) fn run(args: &DoctorArgs, profile: Option<String>, out: &Output) -> Result<(), Failure> {
    let mut checks = Vec::new();
    let result = check(args, profile, out, &mut checks);
    report(&checks, result.is_ok(), out);
    result
}

fn check(
    args: &DoctorArgs,
    profile: Option<String>,
    out: &Output,
    checks: &mut Vec<Check>,
) -> Result<(), Failure> {
    let resolver = Resolver::new(&args.connection, super::api_call::env_var, profile, None);
    let endpoint = resolver.endpoint();
    for warning in resolver.take_warnings() {
        out.warning(&warning);
    }
    let endpoint = endpoint.inspect_err(|f| {
        checks.push(Check {
            name: "settings",
            ok: false,
            detail: f.message.clone(),
        });
    })?;
    checks.push(Check {
        name: "base URL",
        ok: true,
        detail: endpoint.base_url.to_string(),
    });
    checks.push(Check {
        name: "workspace",
        ok: true,
        detail: endpoint.workspace.to_string(),
    });
    checks.push(Check {
        name: "session id",
        ok: true,
        detail: format!("{} (well-formed)", endpoint.session),
    });
    let (key, source) = resolver.api_key_or_prompt().inspect_err(|f| {
        checks.push(Check {
            name: "API key",
            ok: false,
            detail: f.message.clone(),
        });
    })?;
    out.protect(&key);
    super::api_call::report_key_source(Some(&source), out);
    checks.push(Check {
        name: "API key",
        ok: true,
        detail: format!("{key} (from {source})"),
    });

    let session = endpoint.session.clone();
    let client = super::api_call::client(&args.connection, endpoint, key)?;
    let answer = super::runtime(false)?.block_on(client.check_access_with_session(&session));
    match answer {
        Ok(Access::Granted) => {
            checks.push(Check {
                name: "server",
                ok: true,
                detail: "answered as WaSphere".to_owned(),
            });
            checks.push(Check {
                name: "access",
                ok: true,
                detail: "the key, workspace and session were accepted (checked with an empty body: nothing was sent)".to_owned(),
            });
            Ok(())
        }
        Ok(Access::RateLimited { retry_after }) => {
            checks.push(Check {
                name: "server",
                ok: true,
                detail: "answered as WaSphere".to_owned(),
            });
            let wait = retry_after.map_or(String::new(), |d| {
                format!(" (try again in {} s)", d.as_secs_f64().ceil() as u64)
            });
            checks.push(Check {
                name: "access",
                ok: true,
                detail: format!(
                    "the key was accepted, but its rate limit is reached right now, so the workspace and session were not checked{wait}"
                ),
            });
            Ok(())
        }
        // A finding this version does not know: the server did answer as WaSphere.
        Ok(other) => {
            checks.push(Check {
                name: "server",
                ok: true,
                detail: format!("answered as WaSphere ({other:?})"),
            });
            Ok(())
        }
        Err(e) => {
            // Nothing is ever sent here, so what became of "the message" is not news.
            let said = e.to_string();
            let said = said
                .strip_suffix(&format!("; {}", e.delivery()))
                .unwrap_or(&said)
                .to_owned();
            let name = match e.class() {
                ErrorClass::Auth | ErrorClass::NotFound | ErrorClass::RateLimited => "access",
                _ => "server",
            };
            let mut failure = client_failure::from_client(e);
            failure.message = said.clone();
            checks.push(Check {
                name,
                ok: false,
                detail: said,
            });
            Err(failure)
        }
    }
}

fn report(checks: &[Check], all_ok: bool, out: &Output) {
    if out.is_json() {
        let checks: Vec<Value> = checks
            .iter()
            .map(|c| json!({"check": c.name, "ok": c.ok, "detail": c.detail}))
            .collect();
        out.json(&json!({"ok": all_ok, "checks": checks, "notChecked": NOT_CHECKED}));
        return;
    }
    for c in checks {
        let mark = if c.ok { "ok  " } else { "FAIL" };
        out.line(&format!("{mark}  {:<11} {}", c.name, c.detail));
    }
    if all_ok {
        out.line("");
        out.line("Not checked:");
        for what in NOT_CHECKED {
            out.line(&format!("  - {what}"));
        }
        out.line("The check counted as one request on the key's rate limit.");
    }
}
