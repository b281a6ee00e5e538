//! Each fault mode does what it says, over real TCP.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{TEXT, client, send, send_url, status_json};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wasphere_sandbox::{
    DEFAULT_API_KEY, DEFAULT_SESSION, Fault, FaultRule, RateLimit, RunningSandbox, Sandbox, Trigger,
};

/// `POST /__sandbox/faults` with `rule`, as a test would over HTTP (with the sandbox's key).
async fn add_fault(faults: &str, rule: &serde_json::Value) -> reqwest::Response {
    client()
        .post(faults)
        .bearer_auth(DEFAULT_API_KEY)
        .json(rule)
        .send()
        .await
        .unwrap()
}

async fn sandbox_with(fault: Fault) -> RunningSandbox {
    Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .fault(FaultRule::next(1, fault))
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn delay_records_then_answers_late() {
    let sandbox = sandbox_with(Fault::Delay(Duration::from_millis(1500))).await;
    // A client that gives up first has still "delivered" the message.
    let impatient = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let err = impatient
        .post(send_url(&sandbox, DEFAULT_SESSION, "text"))
        .bearer_auth(DEFAULT_API_KEY)
        .header("content-type", "application/json")
        .body(TEXT)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    let recorded = sandbox.messages();
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].fault.as_deref(), Some("delay:1500ms"));

    // A patient client gets the real answer, late.
    sandbox.inject(FaultRule::next(1, Fault::Delay(Duration::from_millis(200))));
    let started = Instant::now();
    let (status, body) = status_json(send(&sandbox, "text", TEXT).await).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(status, 201);
    assert_eq!(body["messageId"], sandbox.messages()[1].message_id.as_str());
}

#[tokio::test]
async fn drop_connection_closes_the_socket_without_any_answer() {
    let sandbox = sandbox_with(Fault::DropConnection).await;
    // Raw TCP, to see that not one byte (no status line) comes back.
    let mut stream = tokio::net::TcpStream::connect(sandbox.addr())
        .await
        .unwrap();
    let path = send_url(&sandbox, DEFAULT_SESSION, "text").replace(&sandbox.base_url(), "");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {DEFAULT_API_KEY}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{TEXT}",
        sandbox.addr(),
        TEXT.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut answer))
        .await
        .expect("the sandbox should close the connection, not hang");
    // Either a clean close or a reset; never a byte of HTTP.
    if read.is_ok() {
        assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    }
    // The message was accepted before the answer was lost.
    assert_eq!(sandbox.messages().len(), 1);
    assert_eq!(
        sandbox.messages()[0].fault.as_deref(),
        Some("dropConnection")
    );
    assert_eq!(sandbox.requests_seen(), 1);
    assert!(sandbox.status_counts().is_empty());

    // With reqwest: an error without a status; the next request is served normally.
    sandbox.inject(FaultRule::next(1, Fault::DropConnection));
    let err = client()
        .post(send_url(&sandbox, DEFAULT_SESSION, "text"))
        .bearer_auth(DEFAULT_API_KEY)
        .header("content-type", "application/json")
        .body(TEXT)
        .send()
        .await
        .unwrap_err();
    assert!(err.status().is_none() && !err.is_timeout(), "{err}");
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
    assert_eq!(sandbox.messages().len(), 3);
}

#[tokio::test]
async fn status_faults_answer_that_status_after_accepting() {
    for (code, error) in [
        (500, "Internal server error"),
        (502, "Bad Gateway: the WhatsApp gateway did not answer"),
        (
            503,
            "Service Unavailable: the WhatsApp gateway is restarting",
        ),
        (
            504,
            "Gateway Timeout: the WhatsApp server did not answer in time",
        ),
    ] {
        let sandbox = sandbox_with(Fault::Status(code)).await;
        let (status, body) = status_json(send(&sandbox, "text", TEXT).await).await;
        assert_eq!((status, body), (code, json!({ "error": error })));
        assert_eq!(
            sandbox.messages()[0].fault.as_deref(),
            Some(format!("status:{code}").as_str())
        );
        // One request only.
        assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
    }
}

#[tokio::test]
async fn rate_limited_fault_answers_429_and_records_nothing() {
    let sandbox = sandbox_with(Fault::RateLimited {
        retry_after_secs: 14,
    })
    .await;
    let response = send(&sandbox, "text", TEXT).await;
    assert_eq!(response.headers()["retry-after"], "14");
    let (status, body) = status_json(response).await;
    assert_eq!(
        (status, body),
        (
            429,
            json!({"statusCode": 429, "error": "Too Many Requests", "retryAfter": 14})
        )
    );
    assert!(sandbox.messages().is_empty());
}

#[tokio::test]
async fn malformed_json_is_a_201_that_does_not_parse() {
    let sandbox = sandbox_with(Fault::MalformedJson).await;
    let response = send(&sandbox, "text", TEXT).await;
    assert_eq!(response.status(), 201);
    let body = response.bytes().await.unwrap();
    assert!(!body.is_empty());
    assert!(serde_json::from_slice::<serde_json::Value>(&body).is_err());
    assert_eq!(sandbox.messages().len(), 1);
}

#[tokio::test]
async fn html_error_is_a_502_page() {
    let sandbox = sandbox_with(Fault::HtmlError).await;
    let response = send(&sandbox, "text", TEXT).await;
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["content-type"], "text/html");
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<html>") && body.contains("502 Bad Gateway"));
    assert_eq!(sandbox.messages().len(), 1);
}

#[tokio::test]
async fn oversized_body_has_exactly_the_size_asked() {
    let bytes = 2 * 1024 * 1024;
    let sandbox = sandbox_with(Fault::OversizedBody { bytes }).await;
    let response = send(&sandbox, "text", TEXT).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.bytes().await.unwrap().len(), bytes);
    assert_eq!(sandbox.messages().len(), 1);
}

#[tokio::test]
async fn a_fault_replaces_a_refusal_too_but_never_a_guard_answer() {
    let sandbox = sandbox_with(Fault::Status(503)).await;
    // 401 comes from the guard, before faults: the rule is not used up.
    let response = client()
        .post(send_url(&sandbox, DEFAULT_SESSION, "text"))
        .body(TEXT)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    // An invalid body is handled (400, nothing recorded), then the answer is replaced.
    assert_eq!(send(&sandbox, "text", "{}").await.status(), 503);
    assert!(sandbox.messages().is_empty());
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
}

#[tokio::test]
async fn next_n_hits_exactly_n_requests() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .fault(FaultRule::next(2, Fault::Status(502)))
        .fault(FaultRule::next(1, Fault::Status(504)))
        .start()
        .await
        .unwrap();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(send(&sandbox, "text", TEXT).await.status().as_u16());
    }
    assert_eq!(statuses, [502, 502, 504, 201, 201]);
    assert_eq!(sandbox.messages().len(), 5);
}

#[tokio::test]
async fn probability_faults_are_deterministic_per_seed() {
    async fn run(seed: u64) -> Vec<u16> {
        let sandbox = Sandbox::builder()
            .rate_limit(RateLimit::Off)
            .fault(FaultRule {
                fault: Fault::Status(503),
                trigger: Trigger::Probability { p: 0.3, seed },
            })
            .start()
            .await
            .unwrap();
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(send(&sandbox, "text", TEXT).await.status().as_u16());
        }
        statuses
    }
    let first = run(7).await;
    assert_eq!(first, run(7).await);
    assert_ne!(first, run(8).await);
    let faulted = first.iter().filter(|&&s| s == 503).count();
    assert!((3..=25).contains(&faulted), "{faulted} of 40");
}

#[tokio::test]
async fn faults_can_be_injected_and_cleared_over_http() {
    let sandbox = Sandbox::builder().start().await.unwrap();
    let faults = format!("{}/__sandbox/faults", sandbox.base_url());
    let rule = json!({"fault": {"kind": "status", "status": 503}, "trigger": {"next": 1}});
    let response = add_fault(&faults, &rule).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.json::<serde_json::Value>().await.unwrap(), rule);
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 503);

    for bad in [
        json!({"fault": {"kind": "teapot"}, "trigger": {"next": 1}}),
        json!({"fault": {"kind": "status", "status": 200}, "trigger": {"next": 1}}),
        json!({"fault": {"kind": "htmlError"}, "trigger": {"probability": {"p": 2.0, "seed": 1}}}),
        json!({"fault": {"kind": "htmlError"}}),
    ] {
        let response = add_fault(&faults, &bad).await;
        let (status, body) = status_json(response).await;
        assert_eq!(status, 400, "{bad}");
        assert!(body["error"].is_string());
    }

    let always =
        json!({"fault": {"kind": "htmlError"}, "trigger": {"probability": {"p": 1.0, "seed": 1}}});
    add_fault(&faults, &always).await;
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 502);
    let response = client()
        .delete(&faults)
        .bearer_auth(DEFAULT_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
}

/// Issue 12, item 1: `{"kind":"oversizedBody","bytes":1000000000000}` and one send aborted
/// the process ("memory allocation of 1000000000000 bytes failed").
#[tokio::test]
async fn a_fault_beyond_its_bounds_is_refused_and_the_sandbox_lives_on() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .start()
        .await
        .unwrap();
    let faults = format!("{}/__sandbox/faults", sandbox.base_url());
    for (rule, field) in [
        (
            json!({"fault": {"kind": "oversizedBody", "bytes": 1_000_000_000_000_u64}, "trigger": {"next": 1}}),
            "fault.bytes",
        ),
        (
            json!({"fault": {"kind": "delay", "ms": 1_000_000_000_u64}, "trigger": {"next": 1}}),
            "fault.ms",
        ),
        (
            json!({"fault": {"kind": "dropConnection"}, "trigger": {"next": 4_000_000_000_u64}}),
            "trigger.next",
        ),
    ] {
        let response = add_fault(&faults, &rule).await;
        let (status, body) = status_json(response).await;
        assert_eq!(status, 400, "{rule}");
        let error = body["error"].as_str().unwrap();
        assert!(
            error.contains(field) && error.contains("at most"),
            "{error}"
        );
    }
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);

    // The largest allowed oversized answer is streamed, not allocated: it arrives whole.
    let at_bound = json!({"fault": {"kind": "oversizedBody", "bytes": wasphere_sandbox::MAX_OVERSIZED_BODY}, "trigger": {"next": 1}});
    let response = add_fault(&faults, &at_bound).await;
    assert_eq!(response.status(), 201);
    let answer = send(&sandbox, "text", TEXT).await;
    assert_eq!(answer.status(), 201);
    assert_eq!(
        answer.bytes().await.unwrap().len(),
        wasphere_sandbox::MAX_OVERSIZED_BODY
    );
}
