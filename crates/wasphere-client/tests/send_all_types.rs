//! Every message type goes through, as the documentation's own bodies and as shorthands.
#![allow(clippy::unwrap_used)]

mod common;

use wasphere_client::types::{Button, ListSection, documented_example};
use wasphere_client::{Message, MessageType, SendResponse};

#[tokio::test]
async fn the_fourteen_documented_examples_succeed() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    for t in MessageType::ALL {
        let message = Message::parse_valid(t, documented_example(t).as_bytes()).unwrap();
        let sent = client.send(&message).await.unwrap();
        assert!(!sent.message_id.is_empty(), "{t}");
    }
    let recorded = sandbox.messages();
    assert_eq!(recorded.len(), 14);
    for (t, r) in MessageType::ALL.into_iter().zip(&recorded) {
        assert_eq!(r.message_type, t);
        let documented: serde_json::Value = serde_json::from_str(documented_example(t)).unwrap();
        assert_eq!(r.body, documented, "{t}: the body arrives as documented");
        assert_eq!(r.session, "my-session");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn every_shorthand_succeeds() {
    let sandbox = common::start(common::sandbox()).await;
    let client = common::client_for(&sandbox).build().unwrap();
    let to = "923001234567";
    let media = "https://yourcdn.com/media/file.jpg";
    let results: Vec<(MessageType, Result<SendResponse, _>)> = vec![
        (MessageType::Text, client.send_text(to, "hi").await),
        (MessageType::Image, client.send_image(to, media).await),
        (MessageType::Video, client.send_video(to, media).await),
        (MessageType::Audio, client.send_audio(to, media).await),
        (
            MessageType::Document,
            client
                .send_document(to, media, "invoice.pdf", "application/pdf")
                .await,
        ),
        (MessageType::Gif, client.send_gif(to, media).await),
        (MessageType::Sticker, client.send_sticker(to, media).await),
        (
            MessageType::Location,
            client.send_location(to, 24.8607, 67.0011).await,
        ),
        (
            MessageType::Contact,
            client.send_contact(to, "John Doe", "+923001234567").await,
        ),
        (
            MessageType::Poll,
            client.send_poll(to, "Slot?", ["Morning", "Evening"]).await,
        ),
        (
            MessageType::Buttons,
            client
                .send_buttons(
                    to,
                    "Confirm?",
                    "Reply below",
                    [Button::new("yes", "Yes"), Button::new("no", "No")],
                )
                .await,
        ),
        (
            MessageType::List,
            client
                .send_list(
                    to,
                    "Menu",
                    "Pick one",
                    "Open",
                    [ListSection::new("Mains").row("m1", "Biryani", "Spicy")],
                )
                .await,
        ),
        (
            MessageType::ViewOnce,
            client.send_view_once(to, media).await,
        ),
        (
            MessageType::Reaction,
            client.send_reaction(to, "3EB0C767D097B7C7A5C1", "👍").await,
        ),
    ];
    for (t, result) in &results {
        assert!(result.is_ok(), "{t}: {result:?}");
    }
    let types: Vec<MessageType> = sandbox.messages().iter().map(|m| m.message_type).collect();
    assert_eq!(types, MessageType::ALL);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_session_can_be_chosen_per_call_and_endpoint_matches() {
    let sandbox = common::start(common::sandbox().session("my-session").session("other")).await;
    let client = common::client_for(&sandbox).build().unwrap();
    let other = "other".parse().unwrap();
    let message = Message::from(wasphere_client::types::Text::new("923001234567", "hi"));
    client.send_with_session(&other, &message).await.unwrap();
    assert_eq!(sandbox.messages()[0].session, "other");
    assert_eq!(
        client.endpoint(&other, MessageType::ViewOnce),
        format!(
            "{}/workspaces/{}/proxy/api/sessions/other/messages/view-once",
            sandbox.base_url(),
            sandbox.workspace()
        )
    );
    sandbox.shutdown().await;
}
