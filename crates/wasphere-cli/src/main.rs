//! `wasphere`: send WhatsApp messages through the WaSphere API from a shell, validate
//! payloads offline, print JSON Schemas, verify and receive webhooks, and run the local
//! sandbox. `wasphere demo` shows all of it working offline.
//!
//! Exit codes are part of the interface (see `wasphere --help` and the README): 0 ok,
//! 2 usage or validation, 3 auth, 4 not found, 5 rate limited, 6 server, 7 network,
//! 8 outcome unknown.
//!
//! Startup is kept lean: arguments are parsed before anything else happens, and only
//! the commands that talk to a network start an async runtime.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod campaign_flags;
mod cli;
mod client_failure;
#[cfg(test)]
mod command_tree_tests;
mod commands;
mod compose;
mod failure;
mod input;
mod listen_addr;
mod mimetype;
mod op_flags;
mod output;
mod profile_store;
mod recipient_input;
mod secret_source;
mod send_flags;
mod settings;
mod shared_limit;
mod shutdown;
mod trigger_event;
mod unix_time;
mod webhook_receiver;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use wasphere_client::ErrorClass;

use crate::cli::{Cli, OutputFormat};
use crate::failure::Failure;
use crate::output::Output;

fn main() -> ExitCode {
    let matches = match Cli::command().try_get_matches() {
        Ok(m) => m,
        Err(e) => return usage_error(e),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    if cli.verbose {
        init_logging();
    }
    let out = Output::new(cli.output);
    match commands::run(cli, &matches, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            out.failure(&failure);
            failure.exit_code()
        }
    }
}

/// clap's own errors: help and version exit 0; usage errors exit 2, as JSON on stderr
/// when `--output json` was asked for (parsing failed, so it is looked for by hand).
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) || !wants_json() {
        // clap prints with colour on a terminal and exits 0 for help, 2 otherwise.
        e.exit();
    }
    // clap's text is "error: WHAT\n  DETAILS\n\nUsage: …": keep WHAT and DETAILS.
    let rendered = e.render().to_string();
    let message = rendered
        .trim_start_matches("error: ")
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    let out = Output::new(OutputFormat::Json);
    out.failure(&Failure::invalid(message).hint("run with --help for usage"));
    failure::exit_code(ErrorClass::Invalid)
}

/// Whether `--output json` (or `WASPHERE_OUTPUT=json`, any case) was asked for. Reads the
/// arguments as `OsString`s: this runs when parsing failed, possibly because an argument
/// is not UTF-8, where `std::env::args` would panic.
fn wants_json() -> bool {
    let is_json = |v: &std::ffi::OsStr| v.eq_ignore_ascii_case("json");
    if std::env::var_os("WASPHERE_OUTPUT").is_some_and(|v| is_json(&v)) {
        return true;
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    args.iter().enumerate().any(|(i, a)| {
        let next_is_json = || args.get(i + 1).is_some_and(|v| is_json(v));
        a.to_str().is_some_and(|a| {
            a.strip_prefix("--output=")
                .or_else(|| a.strip_prefix("-o").filter(|v| !v.is_empty()))
                .is_some_and(|v| v.trim_start_matches('=').eq_ignore_ascii_case("json"))
                || ((a == "--output" || a == "-o") && next_is_json())
        })
    })
}

/// `--verbose`: the libraries' `tracing` events on stderr (`WASPHERE_LOG` refines the
/// filter). Set up only when asked, so plain runs pay nothing for it.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("WASPHERE_LOG").unwrap_or_else(|_| {
        EnvFilter::new("wasphere=debug,wasphere_client=debug,wasphere_sandbox=info")
    });
    use std::io::IsTerminal;
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
