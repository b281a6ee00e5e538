//! `wasphere message edit|delete|read`, `wasphere typing` and `wasphere presence`: build
//! the request from the flags, check it (with the message id of the path) before any
//! setting is read, then send it, or show it with `--dry-run`.

use std::future::Future;

use serde::Serialize;
use wasphere_client::{Client, Error};
use wasphere_types::{
    DeleteMessage, EditMessage, MarkRead, MessageId, OperationPath, SetPresence, Typing,
    ValidationError, Violation,
};

use super::api_call::{self, Preview};
use crate::client_failure;
use crate::failure::Failure;
use crate::op_flags::{
    DeleteArgs, EditArgs, MessageCommand, OperationCommon, PresenceArgs, ReadArgs, TypingArgs,
};
use crate::output::Output;
use crate::recipient_input::normalise_recipient;
use crate::send_flags::ConnectionArgs;
use crate::settings::Endpoint;

/// `wasphere message …`.
pub(crate) fn run(
    command: MessageCommand,
    profile: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    match command {
        MessageCommand::Edit(args) => edit(args, profile, out),
        MessageCommand::Delete(args) => delete(args, profile, out),
        MessageCommand::Read(args) => read(args, profile, out),
    }
}

fn edit(args: EditArgs, profile: Option<String>, out: &Output) -> Result<(), Failure> {
    let body = EditMessage::new(recipient(&args.common, out), args.text);
    let id = checked_id("the edit", &args.id, body.validate())?;
    let call = Call::new(&args.connection, &args.common, profile, out);
    call.perform(&OperationPath::Edit(&id), Fields::Body(&body), |client| {
        let edited = wait(client.edit(&id, &body.to, &body.text))?;
        answered(out, &edited, &edited.message_id)
    })
}

fn delete(args: DeleteArgs, profile: Option<String>, out: &Output) -> Result<(), Failure> {
    let query = DeleteMessage::new(recipient(&args.common, out));
    let id = checked_id("the delete", &args.id, query.validate())?;
    let call = Call::new(&args.connection, &args.common, profile, out);
    call.perform(
        &OperationPath::Delete(&id),
        Fields::<DeleteMessage>::Query(&query),
        |client| {
            let deleted = wait(client.delete(&id, &query.to))?;
            answered(out, &deleted, deleted.status.as_str())
        },
    )
}

fn read(args: ReadArgs, profile: Option<String>, out: &Output) -> Result<(), Failure> {
    let body = MarkRead::new(recipient(&args.common, out), args.ids);
    checked("the mark-read", body.validate())?;
    let call = Call::new(&args.connection, &args.common, profile, out);
    call.perform(&OperationPath::MarkRead, Fields::Body(&body), |client| {
        let read = wait(client.mark_read(&body.to, &body.message_ids))?;
        answered(out, &read, read.status.as_str())
    })
}

/// `wasphere typing`.
pub(crate) fn typing(
    args: TypingArgs,
    profile: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    let to = recipient(&args.common, out);
    let body = if args.group {
        Typing::group(to)
    } else {
        Typing::new(to)
    };
    checked("the typing indicator", body.validate())?;
    let call = Call::new(&args.connection, &args.common, profile, out);
    call.perform(&OperationPath::Typing, Fields::Body(&body), |client| {
        let shown = if args.group {
            wait(client.typing_group(&body.to))?
        } else {
            wait(client.typing(&body.to))?
        };
        answered(out, &shown, shown.status.as_str())
    })
}

/// `wasphere presence`.
pub(crate) fn presence(
    args: PresenceArgs,
    profile: Option<String>,
    out: &Output,
) -> Result<(), Failure> {
    let body = SetPresence::new(recipient(&args.common, out), args.presence);
    checked("the presence", body.validate())?;
    let call = Call::new(&args.connection, &args.common, profile, out);
    call.perform(&OperationPath::Presence, Fields::Body(&body), |client| {
        let shown = wait(client.presence(&body.to, body.presence))?;
        answered(out, &shown, shown.status.as_str())
    })
}

/// Where an operation's fields travel.
enum Fields<'a, B> {
    /// As its JSON body.
    Body(&'a B),
    /// As the query string of a delete.
    Query(&'a DeleteMessage),
}

/// What every operation is sent with: the connection flags, `--dry-run`, the profile.
struct Call<'a> {
    connection: &'a ConnectionArgs,
    dry_run: bool,
    profile: Option<String>,
    out: &'a Output,
}

impl<'a> Call<'a> {
    fn new(
        connection: &'a ConnectionArgs,
        common: &OperationCommon,
        profile: Option<String>,
        out: &'a Output,
    ) -> Self {
        Call {
            connection,
            dry_run: common.dry_run,
            profile,
            out,
        }
    }

    /// Shows the request to `path` with `fields` (`--dry-run`), or hands `act` a client.
    fn perform<B: Serialize>(
        self,
        path: &OperationPath<'_>,
        fields: Fields<'_, B>,
        act: impl FnOnce(&Client) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        let preview = |endpoint: &Endpoint| {
            let url = endpoint.operation_url(path);
            match fields {
                // From the struct, so the fields keep the order they are sent in.
                Fields::Body(body) => Preview {
                    method: path.method(),
                    url,
                    body: Some(serde_json::to_string_pretty(body).unwrap_or_default()),
                },
                Fields::Query(query) => Preview {
                    method: path.method(),
                    url: format!("{url}?{}", query.to_query()),
                    body: None,
                },
            }
        };
        api_call::call(
            self.connection,
            self.profile,
            self.dry_run,
            self.out,
            preview,
            |client| act(&client),
        )
    }
}

/// `--to`, cleaned up as people type it.
fn recipient(common: &OperationCommon, out: &Output) -> String {
    let mut to = common.to.clone();
    normalise_recipient(&mut to, out);
    to
}

/// The id of the path and the request's own check, every violation in one failure.
fn checked_id(
    what: &str,
    id: &str,
    request: Result<(), ValidationError>,
) -> Result<MessageId, Failure> {
    let mut violations: Vec<Violation> = Vec::new();
    let id = MessageId::check(id).map_err(|e| violations.extend(e.violations));
    if let Err(e) = request {
        violations.extend(e.violations);
    }
    match id {
        Ok(id) if violations.is_empty() => Ok(id),
        _ => Err(Failure::validation(what, ValidationError { violations }).nothing_sent()),
    }
}

fn checked(what: &str, request: Result<(), ValidationError>) -> Result<(), Failure> {
    request.map_err(|e| Failure::validation(what, e).nothing_sent())
}

/// Runs the client's request to its end.
fn wait<T>(request: impl Future<Output = Result<T, Error>>) -> Result<T, Failure> {
    super::runtime(false)?
        .block_on(request)
        .map_err(client_failure::from_client)
}

/// The answer as JSON, or `human` for people.
fn answered(out: &Output, answer: &impl Serialize, human: &str) -> Result<(), Failure> {
    if out.is_json() {
        out.json(&serde_json::to_value(answer).unwrap_or_default());
    } else {
        out.line(human);
    }
    Ok(())
}
