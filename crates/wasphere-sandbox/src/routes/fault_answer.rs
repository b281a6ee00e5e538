//! What an injected fault does to an answer once the request has been handled: delay it,
//! drop the connection instead, or replace it (a gateway status, a 429, a broken or
//! oversized success).

use std::time::Duration;

use axum::Extension;

use crate::faults::Fault;
use crate::routes::answers::Answer;
use crate::routes::message_ids::new_message_id;
use crate::server::ConnectionControl;

/// How long a handler waits for its connection to be dropped before answering after all
/// (only reachable if the connection task is already gone).
const DROP_FALLBACK: Duration = Duration::from_secs(30);

/// The answer that goes out when `fault` applies to `answer`.
pub(crate) async fn apply(
    answer: Answer,
    fault: Option<Fault>,
    control: Option<Extension<ConnectionControl>>,
) -> Answer {
    match fault {
        None => answer,
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            answer
        }
        Some(Fault::DropConnection) => {
            if let Some(Extension(control)) = control {
                control.drop_connection();
                // The connection task drops this future with the socket; the wait only
                // ends if it cannot, and then the real answer goes out.
                tokio::time::sleep(DROP_FALLBACK).await;
            }
            answer
        }
        Some(Fault::Status(code)) => Answer::gateway_status(code),
        Some(Fault::RateLimited { retry_after_secs }) => {
            Answer::too_many_requests(retry_after_secs.max(1))
        }
        Some(Fault::MalformedJson) => Answer::truncated_created(&new_message_id()),
        Some(Fault::HtmlError) => Answer::html_bad_gateway(),
        Some(Fault::OversizedBody { bytes }) => Answer::oversized_created(&new_message_id(), bytes),
    }
}
