//! The operations on messages beside the sends (contract section 6): edit, delete, mark
//! read, typing and presence. The same on the async and the blocking client: the list is
//! written once and expanded for both.
//!
//! Each is a request like a send: checked first (an invalid one costs no request and no
//! rate-limit slot), then on the key's rate limit, with the same errors and redaction. One
//! thing differs: they are safe to repeat ([`Idempotency`](crate::Idempotency)), so the
//! retry policy also repeats them after a timeout or a 5xx that leaves their outcome
//! unknown, where a send is returned as is to never deliver a message twice.

use wasphere_types::{
    DeleteMessage, DeleteResponse, EditMessage, EditResponse, MarkRead, MarkReadResponse,
    MessageId, OperationPath, Presence, PresenceResponse, SetPresence, Typing, TypingResponse,
    ValidationError, Violation,
};

use crate::error::Error;

/// The id of the path, checked, and the request's own check, reported together. The id
/// is checked even when validation is off: it becomes part of the URL.
fn checked_id(
    client: &crate::client::Client,
    id: &str,
    request: impl FnOnce() -> Result<(), ValidationError>,
) -> Result<MessageId, Error> {
    let mut violations: Vec<Violation> = Vec::new();
    let id = MessageId::check(id).map_err(|e| violations.extend(e.violations));
    if client.validates()
        && let Err(e) = request()
    {
        violations.extend(e.violations);
    }
    match id {
        Ok(id) if violations.is_empty() => Ok(id),
        _ => Err(ValidationError { violations }.into()),
    }
}

/// The request's own check, when validation is on.
fn checked(
    client: &crate::client::Client,
    request: impl FnOnce() -> Result<(), ValidationError>,
) -> Result<(), Error> {
    if client.validates() {
        request()?;
    }
    Ok(())
}

macro_rules! operations {
    ($(
        $(#[$doc:meta])*
        fn $name:ident(&$this:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $answer:ty $body:block
    )*) => {
        impl crate::client::Client {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// [`Error::Validation`] before anything is sent (every broken rule, the
                /// message id's included); otherwise the errors of a send, and
                /// [`Error::UnsupportedOperation`] when the session's provider (the Meta
                /// Cloud API) does not support it. Uses the default session
                /// ([`Error::Config`] without one).
                pub async fn $name(&$this $(, $arg: $ty)*) -> Result<$answer, Error> $body
            )*
        }

        impl crate::blocking::Client {
            $(
                $(#[$doc])*
                ///
                /// # Errors
                /// As the async client's, and [`Error::Config`] when called from async code.
                pub fn $name(&self $(, $arg: $ty)*) -> Result<$answer, Error> {
                    self.block_on(self.as_async().$name($($arg),*))
                }
            )*
        }
    };
}

operations! {
    /// Replaces the text of message `id`, one you sent to `to`. WhatsApp sends the edit as
    /// a message of its own: the answer carries its id.
    ///
    /// ```no_run
    /// # async fn run(client: wasphere_client::Client) -> Result<(), wasphere_client::Error> {
    /// let sent = client.send_text("923001234567", "Your order ships on Monday").await?;
    /// client.edit(&sent.message_id, "923001234567", "Your order ships on Tuesday").await?;
    /// # Ok(()) }
    /// ```
    fn edit(
        &self,
        id: impl AsRef<str>,
        to: impl Into<String>,
        text: impl Into<String>,
    ) -> EditResponse {
        let body = EditMessage::new(to, text);
        let id = checked_id(self, id.as_ref(), || body.validate())?;
        self.operate(OperationPath::Edit(&id), None, Some(body.to_json()))
            .await
    }

    /// Recalls message `id`, one you sent to `to`, **for everyone** (`forEveryone=true`).
    ///
    /// There is no "delete for me": the server recalls the message for everyone whatever
    /// `forEveryone` says (a known server bug, contract section 6), so offering it would
    /// silently delete for everyone. Deleting twice is harmless.
    ///
    /// ```no_run
    /// # async fn run(client: wasphere_client::Client) -> Result<(), wasphere_client::Error> {
    /// let sent = client.send_text("923001234567", "Wrong chat, sorry").await?;
    /// client.delete(&sent.message_id, "923001234567").await?;
    /// # Ok(()) }
    /// ```
    fn delete(&self, id: impl AsRef<str>, to: impl Into<String>) -> DeleteResponse {
        let query = DeleteMessage::new(to);
        let id = checked_id(self, id.as_ref(), || query.validate())?;
        self.operate(OperationPath::Delete(&id), Some(query.to_query()), None)
            .await
    }

    /// Marks messages `ids` (1 to 100) received from `to` read: the sender sees blue ticks.
    ///
    /// ```no_run
    /// # async fn run(client: wasphere_client::Client) -> Result<(), wasphere_client::Error> {
    /// client.mark_read("923001234567", ["3EB0C767D097B7C7A5C1"]).await?;
    /// # Ok(()) }
    /// ```
    fn mark_read(
        &self,
        to: impl Into<String>,
        ids: impl IntoIterator<Item = impl Into<String>>,
    ) -> MarkReadResponse {
        let body = MarkRead::new(to, ids);
        checked(self, || body.validate())?;
        self.operate(OperationPath::MarkRead, None, Some(body.to_json()))
            .await
    }

    /// Shows "typing…" in the chat with `to`; the server sends "paused" by itself 3 s later.
    fn typing(&self, to: impl Into<String>) -> TypingResponse {
        let body = Typing::new(to);
        checked(self, || body.validate())?;
        self.operate(OperationPath::Typing, None, Some(body.to_json()))
            .await
    }

    /// Shows "typing…" in the group `to` (`isGroup: true`).
    fn typing_group(&self, to: impl Into<String>) -> TypingResponse {
        let body = Typing::group(to);
        checked(self, || body.validate())?;
        self.operate(OperationPath::Typing, None, Some(body.to_json()))
            .await
    }

    /// Sets the presence shown in the chat with `to` (`Presence::Composing` for
    /// "typing…" until you say otherwise, `Presence::Paused` to stop).
    ///
    /// ```no_run
    /// # async fn run(client: wasphere_client::Client) -> Result<(), wasphere_client::Error> {
    /// use wasphere_client::types::Presence;
    /// client.presence("923001234567", Presence::Recording).await?;
    /// # Ok(()) }
    /// ```
    fn presence(&self, to: impl Into<String>, presence: Presence) -> PresenceResponse {
        let body = SetPresence::new(to, presence);
        checked(self, || body.validate())?;
        self.operate(OperationPath::Presence, None, Some(body.to_json()))
            .await
    }
}
