//! Bad input over real TCP: every refusal has its status and a JSON answer, the handler
//! never sees a refused delivery, and nothing panics. Then random headers and bodies.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Request};
use common::{SECRET, button_tap, deliver, deliver_signed, envelope, now, secret, serve};
use proptest::prelude::*;
use tower::ServiceExt;
use wasphere_webhooks::types::{SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookSecret, sign};
use wasphere_webhooks::{Event, EventData, Receiver, Rejection, Verifier};

/// Header names and values of a request.
type Headers = Vec<(&'static str, String)>;

fn counting(calls: &Arc<AtomicUsize>) -> Receiver {
    let calls = Arc::clone(calls);
    Receiver::builder(secret()).build(move |_event: Event| {
        calls.fetch_add(1, Ordering::SeqCst);
        async { Ok::<_, std::convert::Infallible>(()) }
    })
}

async fn post(
    url: &str,
    headers: &[(&str, String)],
    body: impl Into<reqwest::Body>,
) -> (u16, serde_json::Value) {
    let mut request = reqwest::Client::new().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    common::answer(request).await
}

#[tokio::test]
async fn each_bad_delivery_gets_its_status_and_never_reaches_the_handler() {
    let calls = Arc::new(AtomicUsize::new(0));
    let served = serve(Router::new().route_service("/hooks", counting(&calls))).await;
    let url = &served.url;
    let body = button_tap("R1");
    let ts = now();
    let good = sign(&secret(), ts, body.as_bytes());
    let headers = |timestamp: &str, signature: &str| -> Headers {
        vec![
            (TIMESTAMP_HEADER, timestamp.to_owned()),
            (SIGNATURE_HEADER, signature.to_owned()),
        ]
    };

    let wrong_secret = sign(&WebhookSecret::new("whsec_wrong"), ts, body.as_bytes());
    let cases: Vec<(&str, Headers, &str)> = vec![
        (
            "wrong secret",
            headers(&ts.to_string(), &wrong_secret),
            "signature does not match",
        ),
        (
            "missing timestamp",
            vec![(SIGNATURE_HEADER, good.clone())],
            "missing X-WaSphere-Timestamp",
        ),
        (
            "missing signature",
            vec![(TIMESTAMP_HEADER, ts.to_string())],
            "missing X-WaSphere-Signature",
        ),
        ("no headers", vec![], "missing X-WaSphere-Timestamp"),
        (
            "uppercase signature",
            headers(
                &ts.to_string(),
                &good.to_uppercase().replace("V1,SHA256", "v1,sha256"),
            ),
            "malformed X-WaSphere-Signature",
        ),
        (
            "truncated signature",
            headers(&ts.to_string(), &good[..good.len() - 2]),
            "malformed X-WaSphere-Signature",
        ),
        (
            "signature without scheme",
            headers(&ts.to_string(), &good["v1,sha256=".len()..]),
            "malformed X-WaSphere-Signature",
        ),
        (
            "timestamp not a number",
            headers("yesterday", &good),
            "malformed X-WaSphere-Timestamp",
        ),
        // The timestamp is signed: changing it breaks the signature...
        (
            "timestamp changed",
            headers(&(ts + 1).to_string(), &good),
            "signature does not match",
        ),
    ];
    for (case, headers, error) in cases {
        let (status, answer) = post(url, &headers, body.clone()).await;
        assert_eq!(status, 401, "{case}: {answer}");
        let text = answer["error"].as_str().unwrap();
        assert!(text.contains(error), "{case}: {text}");
        assert!(!text.contains(SECRET), "{case}");
    }
    // ...and a correctly signed one outside the window is refused for its age. The
    // system clock moves on while the test runs, so each time is taken afresh, and the
    // future one is 302 s ahead: a second ticking over before the check still leaves it
    // outside. The exact edges are judged with a fixed clock in the test below.
    for (case, offset) in [("stale", -301), ("future", 302), ("a day old", -86_400)] {
        let at = now() + offset;
        let (status, answer) = deliver_signed(url, &body, &secret(), at).await;
        assert_eq!(status, 401, "{case}");
        assert!(
            answer["error"].as_str().unwrap().contains("300 s"),
            "{case}: {answer}"
        );
    }

    // Signed, but not an event.
    for (case, bad, reason) in [
        ("not JSON", "hello", "expected value"),
        ("a JSON list", "[1,2]", "webhook envelope"),
        (
            "an object without event",
            r#"{"data":{}}"#,
            "missing field `event`",
        ),
        (
            "event not a string",
            r#"{"event":5,"data":{}}"#,
            "invalid type",
        ),
        ("empty", "", "EOF"),
        (
            "a received message that is not an object",
            &envelope("message.received", "[]"),
            "expected an object",
        ),
        (
            "a field of the wrong type",
            &envelope("message.received", r#"{"messageId":7}"#),
            "data.messageId",
        ),
        (
            "updates that are not a list",
            &envelope("messages.update", "true"),
            "expected a list",
        ),
    ] {
        let (status, answer) = deliver(url, bad).await;
        assert_eq!(status, 400, "{case}: {answer}");
        let text = answer["error"].as_str().unwrap();
        assert!(text.contains(reason), "{case}: {text}");
    }
    assert_eq!(
        calls.load(Ordering::SeqCst),
        0,
        "no refused delivery reached the handler"
    );

    // Not a POST.
    let response = reqwest::get(url.as_str()).await.unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");

    // An unknown event kind is accepted and handed on.
    let (status, _) = deliver(
        url,
        &envelope("message.edited", r#"{"messageId":"E1","text":"new"}"#),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_10_mb_body_is_refused_unread() {
    let calls = Arc::new(AtomicUsize::new(0));
    let served = serve(Router::new().route_service("/hooks", counting(&calls))).await;
    // Padded inside the JSON, and correctly signed: only its size is wrong.
    let body = envelope(
        "webhook.test",
        &format!(r#"{{"pad":"{}"}}"#, "x".repeat(10 * 1024 * 1024)),
    );
    let (status, answer) = deliver(&served.url, &body).await;
    assert_eq!(status, 413, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("size limit"));

    // The same, streamed without a Content-Length: reading stops at the cap.
    let receiver = counting(&calls);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = body
        .as_bytes()
        .chunks(64 * 1024)
        .map(|c| Ok(c.to_vec()))
        .collect();
    let ts = now();
    let request = Request::post("/hooks")
        .header(TIMESTAMP_HEADER, ts.to_string())
        .header(SIGNATURE_HEADER, sign(&secret(), ts, body.as_bytes()))
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let response = receiver.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_custom_cap_is_honoured_at_the_exact_byte() {
    let body = envelope("webhook.test", "{}");
    let verifier = Verifier::new(secret()).max_body(body.len());
    let ts = now();
    let mut headers = HeaderMap::new();
    headers.insert(
        TIMESTAMP_HEADER,
        HeaderValue::from_str(&ts.to_string()).unwrap(),
    );
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&sign(&secret(), ts, body.as_bytes())).unwrap(),
    );
    let read = verifier
        .read_body(&headers, Body::from(body.clone()))
        .await
        .unwrap();
    assert!(verifier.verify(&headers, &read).is_ok());
    let verifier = verifier.max_body(body.len() - 1);
    assert_eq!(
        verifier
            .read_body(&headers, Body::from(body))
            .await
            .unwrap_err(),
        Rejection::BodyTooLarge {
            limit: verifier.body_limit()
        }
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the headers and body, verification answers (never panics), and without
    /// the secret nothing is accepted.
    #[test]
    fn random_deliveries_are_refused_without_panicking(
        timestamp in proptest::option::of("[0-9a-z ,=-]{0,24}"),
        signature in proptest::option::of("(v1,sha256=)?[0-9a-fA-F ,=]{0,80}"),
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let verifier = Verifier::new(secret());
        let mut headers = HeaderMap::new();
        if let Some(t) = timestamp.and_then(|t| HeaderValue::from_str(&t).ok()) {
            headers.insert(TIMESTAMP_HEADER, t);
        }
        if let Some(s) = signature.and_then(|s| HeaderValue::from_str(&s).ok()) {
            headers.insert(SIGNATURE_HEADER, s);
        }
        let refused = verifier.verify(&headers, &body).unwrap_err();
        prop_assert!(matches!(refused, Rejection::Unauthentic(_)), "{refused}");
    }

    /// Signed bodies of any shape: an event, or a 400 naming the problem, never a panic.
    #[test]
    fn random_signed_bodies_are_events_or_named_refusals(
        event in "(message\\.received|messages\\.update|message\\.sent|message\\.receipt|message\\.read|poll\\.vote|session\\.qr|[a-z.]{1,12})",
        data in prop_oneof![
            Just("null".to_owned()), Just("[]".to_owned()), Just("{}".to_owned()), Just("7".to_owned()),
            "[{}\\[\\]\":,a-z0-9]{0,40}",
            Just(r#"[{"key":{"id":5},"update":{"status":"x"}},{"messageId":null,"status":3}]"#.to_owned()),
            Just(r#"{"content":{"selectedOptions":"no"},"timestamp":{"low":1}}"#.to_owned()),
        ],
    ) {
        let body = format!(r#"{{"event":"{event}","sessionId":"s","timestamp":"t","deliveryId":"d","data":{data}}}"#);
        let ts = now();
        let mut headers = HeaderMap::new();
        headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(&ts.to_string()).unwrap());
        headers.insert(SIGNATURE_HEADER, HeaderValue::from_str(&sign(&secret(), ts, body.as_bytes())).unwrap());
        match Verifier::new(secret()).verify(&headers, body.as_bytes()) {
            Ok(delivery) => {
                for e in &delivery.events {
                    // Every event is typed or kept as it came.
                    let _ = (e.message_id(), e.selection(), matches!(e.data, EventData::Other(_)));
                }
            }
            Err(Rejection::NotAnEvent(reason)) => prop_assert!(!reason.is_empty()),
            Err(Rejection::MalformedData(e)) => prop_assert!(e.path.starts_with("data"), "{e}"),
            Err(other) => prop_assert!(false, "signed body refused as {other}"),
        }
    }
}

#[tokio::test]
async fn the_window_is_judged_by_the_injected_clock() {
    use std::time::{Duration, UNIX_EPOCH};
    let calls = Arc::new(AtomicUsize::new(0));
    let receiver = {
        let calls = Arc::clone(&calls);
        Receiver::builder(secret())
            .clock(|| UNIX_EPOCH + Duration::from_secs(1_795_000_000))
            .build(move |_event: Event| {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Ok::<_, std::convert::Infallible>(()) }
            })
    };
    let served = serve(Router::new().route_service("/hooks", receiver)).await;
    // Signed "now" by the wall clock: years away from the receiver's fixed clock.
    assert_eq!(deliver(&served.url, &button_tap("R1")).await.0, 401);
    for (at, status) in [
        (1_795_000_000 - 300, 200),
        (1_795_000_000 + 300, 200),
        (1_795_000_000 - 301, 401),
    ] {
        let body = button_tap(&format!("R{at}"));
        assert_eq!(
            deliver_signed(&served.url, &body, &secret(), at).await.0,
            status,
            "{at}"
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
