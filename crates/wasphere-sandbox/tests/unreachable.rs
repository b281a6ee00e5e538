//! Recipients that are not on WhatsApp: 422 as the contract says, over real TCP.

#![allow(clippy::unwrap_used)]

mod common;

use common::{send, status_json};
use serde_json::json;
use wasphere_sandbox::Sandbox;

#[tokio::test]
async fn sends_to_an_unreachable_number_get_422_and_are_not_recorded() {
    let sandbox = Sandbox::builder()
        .unreachable("923009999999")
        .start()
        .await
        .unwrap();
    let to_number = r#"{"to":"923009999999","text":"hi"}"#;
    let to_jid = r#"{"to":"923009999999@s.whatsapp.net","text":"hi"}"#;
    for body in [to_number, to_jid] {
        let (status, answer) = status_json(send(&sandbox, "text", body).await).await;
        assert_eq!(status, 422, "{body}");
        let error = answer["error"].as_str().unwrap();
        assert!(error.contains("not registered on WhatsApp"), "{answer}");
    }
    let (status, _) =
        status_json(send(&sandbox, "text", r#"{"to":"923001234567","text":"hi"}"#).await).await;
    assert_eq!(status, 201);
    let recipients: Vec<String> = sandbox
        .messages()
        .iter()
        .map(|m| m.body["to"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recipients, ["923001234567"]);
    // An invalid body to that number is still a 400: the body is checked first.
    let (status, answer) =
        status_json(send(&sandbox, "text", r#"{"to":"923009999999"}"#).await).await;
    assert_eq!((status, &answer["statusCode"]), (400, &json!(400)));
    sandbox.shutdown().await;
}
