//! Checking the setup without sending a message: does the base URL answer as WaSphere, is
//! the key accepted with `messages:send`, does the session exist in the workspace?
//!
//! The server checks a request in order: the API-key guard (401, 403), the rate limit
//! (429), the session (404), and only then the body (400). So an empty body posted to the
//! text endpoint is refused with the validation 400 exactly when everything but the body
//! was accepted, and it can never be delivered. The n8n node's credential test asks the
//! same question the same way (`integrations/n8n/nodes/WaSphere/connection.ts`).

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::Method;
use wasphere_types::{ErrorBody, ErrorMessage, MessageType, SendResponse, SessionId};

use crate::client::Client;
use crate::config_error::ConfigError;
use crate::error::Error;

/// What [`Client::check_access`] found out.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Access {
    /// The server answered as WaSphere, and accepted the key (with `messages:send`, and
    /// for this session), the workspace and the session.
    Granted,
    /// The key was accepted, but its rate limit is reached right now, so the server said
    /// nothing yet about the workspace and session.
    RateLimited {
        /// How long the server asked to wait.
        retry_after: Option<Duration>,
    },
}

/// The body that passes every check but validation, and so can never be sent.
const EMPTY_BODY: &[u8] = b"{}";

impl Client {
    /// Checks the base URL, the key, the workspace and the default session without
    /// sending a message; see [`Client::check_access_with_session`].
    ///
    /// # Errors
    /// [`Error::Config`] when no default session was set; otherwise as
    /// [`Client::check_access_with_session`].
    pub async fn check_access(&self) -> Result<Access, Error> {
        let session = self.session().ok_or(ConfigError::NoSession)?.clone();
        self.check_access_with_session(&session).await
    }

    /// Checks the base URL, the key, the workspace and `session` without sending a
    /// message: an empty body is posted to the text endpoint, which the server refuses as
    /// invalid only after the key, workspace and session were accepted. It counts as one
    /// request on the key's rate limit (and waits for a slot like a send), and is not
    /// repeated.
    ///
    /// Whether the session is connected to a phone is not checked: the server looks only
    /// when a valid message comes.
    ///
    /// # Errors
    /// What a send would have met: [`Error::Unauthorized`] or [`Error::Forbidden`] for the
    /// key, [`Error::NotFound`] for the workspace or session, [`Error::NotWaSphere`] or
    /// [`Error::Redirected`] for a base URL that is not the API's, a network error;
    /// [`Error::RateLimitStore`] when the key's window is kept in Redis, Redis is out and
    /// the store is set to fail.
    pub async fn check_access_with_session(&self, session: &SessionId) -> Result<Access, Error> {
        let inner = self.inner();
        let url = self.endpoint(session, MessageType::Text);
        let exchange =
            inner
                .transport
                .exchange(Method::POST, &url, Some(Bytes::from_static(EMPTY_BODY)));
        let answer = match &inner.limiter {
            Some(limiter) => {
                let slot = limiter.acquire().await?;
                limiter.settled(slot, exchange).await?
            }
            None => exchange.await?,
        };
        let key = inner.transport.key();
        if answer.status == 400 && is_validation_answer(&ErrorBody::parse(&answer.body)) {
            return Ok(Access::Granted);
        }
        if (200..300).contains(&answer.status) {
            // No WaSphere server accepts an empty message.
            return Err(Error::NotWaSphere {
                status: answer.status,
                answer: "a success for an empty message".to_owned(),
            });
        }
        match answer.interpret::<SendResponse>(key, SystemTime::now(), None) {
            Err(Error::RateLimited { retry_after, .. }) => Ok(Access::RateLimited { retry_after }),
            Err(e) => Err(e),
            Ok(_) => Err(Error::NotWaSphere {
                status: answer.status,
                answer: "a success for an empty message".to_owned(),
            }),
        }
    }
}

/// The ValidationPipe's 400: `{"statusCode":400,"message":[…],"error":"Bad Request"}`, a
/// list of sentences, unlike the session-id 400 (`{"error":"INVALID_SESSION_ID"}`).
fn is_validation_answer(body: &ErrorBody) -> bool {
    body.status_code == Some(400) && matches!(body.message, Some(ErrorMessage::Many(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_list_of_sentences_is_the_validation_answer() {
        let is = |b: &str| is_validation_answer(&ErrorBody::parse(b.as_bytes()));
        assert!(is(
            r#"{"statusCode":400,"message":["to should not be empty"],"error":"Bad Request"}"#
        ));
        assert!(!is(r#"{"error":"INVALID_SESSION_ID"}"#));
        assert!(!is(
            r#"{"statusCode":400,"message":"the body is not valid JSON"}"#
        ));
        assert!(!is("<html>400</html>"));
    }
}
