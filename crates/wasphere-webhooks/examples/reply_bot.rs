//! A bot that answers a button tap with a text: run it behind the webhook URL of your
//! session, with WASPHERE_BASE_URL, WASPHERE_API_KEY, WASPHERE_WORKSPACE, WASPHERE_SESSION
//! and WASPHERE_WEBHOOK_SECRET set (BIND, default 127.0.0.1:3000, is where it listens).

use axum::Router;
use wasphere_client::Client;
use wasphere_client::types::Text;
use wasphere_webhooks::{Event, Receiver, Selection, WebhookSecret};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let secret = WebhookSecret::new(std::env::var("WASPHERE_WEBHOOK_SECRET")?);
    let receiver = Receiver::builder(secret).build(move |event: Event| {
        let client = client.clone();
        async move {
            let (Some(Selection::ButtonReply { label, .. }), Some(tap)) =
                (event.selection(), event.received())
            else {
                return Ok(()); // not a button tap: nothing to answer
            };
            let answer = Text::new(&tap.from, format!("You chose {label}. Thanks!"))
                .quoting(&tap.message_id);
            // An error makes the receiver answer 500, so the server delivers the tap again.
            client.send(&answer.into()).await.map(drop)
        }
    });
    let app = Router::new().route_service("/hooks", receiver);
    let bind = std::env::var("BIND").unwrap_or_else(|_| "127.0.0.1:3000".into());
    axum::serve(tokio::net::TcpListener::bind(bind).await?, app).await?;
    Ok(())
}
