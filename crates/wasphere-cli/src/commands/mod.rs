//! One module per subcommand; `run` dispatches to them.

mod api_call;
mod campaign;
mod completions;
mod config;
mod demo;
mod doctor;
mod message_ops;
mod sandbox;
mod schema;
mod send;
mod validate;
mod webhook_listen;
mod webhook_trigger;
mod webhook_verify;

use clap::ArgMatches;

use crate::cli::{Cli, Command, WebhookCommand};
use crate::failure::Failure;
use crate::output::Output;

/// Runs the parsed command line. `matches` is kept for what derive cannot say: the
/// order in which `--section` and `--row` flags were given.
pub(crate) fn run(cli: Cli, matches: &ArgMatches, out: &Output) -> Result<(), Failure> {
    match cli.command {
        Command::Send(args) => {
            let send_matches = matches
                .subcommand_matches("send")
                .and_then(|m| m.subcommand())
                .map(|(_, m)| m);
            send::run(args, send_matches, cli.profile, out)
        }
        Command::Campaign(command) => campaign::run(
            *command,
            matches.subcommand_matches("campaign"),
            cli.profile,
            out,
        ),
        Command::Message(command) => message_ops::run(command, cli.profile, out),
        Command::Typing(args) => message_ops::typing(args, cli.profile, out),
        Command::Presence(args) => message_ops::presence(args, cli.profile, out),
        Command::Validate(args) => validate::run(&args, out),
        Command::Schema(args) => schema::run(&args, out),
        Command::Sandbox(args) => sandbox::run(&args, out),
        Command::Webhook(WebhookCommand::Verify(args)) => webhook_verify::run(&args, out),
        Command::Webhook(WebhookCommand::Listen(args)) => webhook_listen::run(&args, out),
        Command::Webhook(WebhookCommand::Trigger(args)) => webhook_trigger::run(&args, out),
        Command::Demo(args) => demo::run(&args, out),
        Command::Doctor(args) => doctor::run(&args, cli.profile, out),
        Command::Config(command) => config::run(command, cli.profile, out),
        Command::Completions(args) => completions::run(&args),
    }
}

/// A runtime for the commands that do I/O; the others never pay for one.
pub(crate) fn runtime(multi_thread: bool) -> Result<tokio::runtime::Runtime, Failure> {
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder
        .enable_all()
        .build()
        .map_err(|e| Failure::other(format!("cannot start the async runtime: {e}")))
}
