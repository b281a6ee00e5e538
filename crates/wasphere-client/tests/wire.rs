//! What goes over the wire, checked against a scripted HTTP/1.1 server that records each
//! request and answers from a list: headers, connection reuse, no redirects, answers
//! without a length cut at 1 MiB, HTTP-date `Retry-After`, a body that stalls.
#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wasphere_client::{Client, Error, RateLimit, TimeoutPhase};

const KEY: &str = "wsk_test_wire_key";
const CREATED: &str = r#"{"messageId":"3EB0C767D097B7C7A5C1","status":"sent"}"#;

/// One scripted answer: raw bytes, then optionally a stall before closing.
struct Reply {
    bytes: Vec<u8>,
    stall: Option<Duration>,
}

fn reply(status: &str, headers: &[&str], body: &str) -> Reply {
    let mut head = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head.push_str(body);
    Reply {
        bytes: head.into_bytes(),
        stall: None,
    }
}

fn created() -> Reply {
    reply("201 Created", &["content-type: application/json"], CREATED)
}

#[derive(Clone)]
struct Server {
    base_url: String,
    requests: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    async fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server {
            base_url: format!("http://{}", listener.local_addr().unwrap()),
            requests: Arc::default(),
            connections: Arc::default(),
        };
        let replies = Arc::new(Mutex::new(VecDeque::from(replies)));
        let s = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                s.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve(stream, s.requests.clone(), replies.clone()));
            }
        });
        server
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.base_url)
            .api_key(KEY.parse().unwrap())
            .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
            .session("my-session".parse().unwrap())
            .rate_limit(RateLimit::Off)
            .timeout(Duration::from_secs(3))
            .build()
            .unwrap()
    }
}

async fn serve(
    mut stream: TcpStream,
    requests: Arc<Mutex<Vec<String>>>,
    replies: Arc<Mutex<VecDeque<Reply>>>,
) {
    let mut buffer = Vec::new();
    loop {
        // Read one request: the head, then as many bytes as its content-length says.
        let head_end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let request = String::from_utf8_lossy(&buffer[..head_end + length]).into_owned();
        buffer.drain(..head_end + length);
        requests.lock().unwrap().push(request);
        let Some(reply) = replies.lock().unwrap().pop_front() else {
            return;
        };
        if stream.write_all(&reply.bytes).await.is_err() {
            return;
        }
        if let Some(stall) = reply.stall {
            tokio::time::sleep(stall).await;
            return;
        }
    }
}

#[tokio::test]
async fn headers_path_body_and_one_reused_connection() {
    let server = Server::start(vec![created(), created(), created()]).await;
    let client = server.client();
    for _ in 0..3 {
        let sent = client.send_text("923001234567", "hi").await.unwrap();
        assert_eq!(sent.message_id, "3EB0C767D097B7C7A5C1");
    }
    assert_eq!(server.connections.load(Ordering::SeqCst), 1, "reused");
    let request = &server.requests()[0];
    assert!(
        request.starts_with(
            "POST /workspaces/be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8/proxy/api/sessions/my-session/messages/text HTTP/1.1\r\n"
        ),
        "{request}"
    );
    let lower = request.to_lowercase();
    assert!(lower.contains(&format!("authorization: bearer {}", KEY.to_lowercase())));
    assert!(
        lower.contains("content-type: application/json\r\n"),
        "{request}"
    );
    assert!(lower.contains("accept: application/json\r\n"), "{request}");
    assert!(
        lower.contains(&format!(
            "user-agent: wasphere-rs/{}\r\n",
            env!("CARGO_PKG_VERSION")
        )),
        "{request}"
    );
    assert!(
        request.ends_with(r#"{"to":"923001234567","text":"hi"}"#),
        "{request}"
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = Server::start(vec![reply(
        "307 Temporary Redirect",
        &["location: http://127.0.0.1:1/elsewhere"],
        "",
    )])
    .await;
    let err = server
        .client()
        .send_text("923001234567", "hi")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::Redirected {
            status: 307,
            location: Some("http://127.0.0.1:1/elsewhere".into())
        }
    );
    assert_eq!(err.class(), wasphere_client::ErrorClass::UnexpectedAnswer);
    assert_eq!(server.requests().len(), 1);
}

/// Issue 12, item 8: a wrong base URL (a proxy's bare 404, another server's page) was
/// reported as "session not found".
#[tokio::test]
async fn a_404_that_is_not_the_server_s_says_to_check_the_base_url() {
    let server = Server::start(vec![
        reply(
            "404 Not Found",
            &["content-type: text/plain"],
            "404 page not found",
        ),
        reply(
            "404 Not Found",
            &["content-type: application/json"],
            r#"{"statusCode":404,"message":"Session not found"}"#,
        ),
    ])
    .await;
    let client = server.client();
    let err = client.send_text("923001234567", "hi").await.unwrap_err();
    assert!(
        matches!(err, Error::NotWaSphere { status: 404, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("check the base URL"), "{err}");
    assert_eq!(err.class(), wasphere_client::ErrorClass::UnexpectedAnswer);
    let err = client.send_text("923001234567", "hi").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
}

/// Issue 12, item 4: a body over the server's 10 MiB is refused before it is sent, even
/// with validation off.
#[tokio::test]
async fn a_body_over_ten_mib_is_not_sent() {
    let server = Server::start(vec![]).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .api_key(KEY.parse().unwrap())
        .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
        .session("my-session".parse().unwrap())
        .rate_limit(RateLimit::Off)
        .validate_before_send(false)
        .build()
        .unwrap();
    // The longest data URI the validator accepts, plus the other fields: just over 10 MiB.
    let prefix = "data:image/png;base64,";
    let url = format!(
        "{prefix}{}",
        "A".repeat(wasphere_client::types::MAX_MEDIA_URL_LENGTH - prefix.len())
    );
    let image = wasphere_client::types::Image::new("923001234567", url);
    let err = client
        .send(&wasphere_client::Message::from(image))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == wasphere_client::types::MAX_BODY_BYTES),
        "{err:?}"
    );
    assert_eq!(err.class(), wasphere_client::ErrorClass::Invalid);
    assert!(err.to_string().ends_with("nothing was sent"), "{err}");
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn an_answer_without_length_is_cut_at_one_mebibyte() {
    let mut bytes = b"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..40 {
        bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        bytes.extend_from_slice(&chunk);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(b"0\r\n\r\n");
    let server = Server::start(vec![Reply { bytes, stall: None }]).await;
    let err = server
        .client()
        .send_text("923001234567", "hi")
        .await
        .unwrap_err();
    assert_eq!(
        err,
        Error::ResponseTooLarge {
            status: 201,
            limit: 1024 * 1024
        }
    );
    assert!(err.may_have_been_delivered());
}

#[tokio::test]
async fn a_declared_oversized_answer_is_refused_before_reading() {
    let bytes = b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 50000000\r\n\r\n<html>".to_vec();
    let server = Server::start(vec![Reply {
        bytes,
        stall: Some(Duration::from_secs(5)),
    }])
    .await;
    let err = server
        .client()
        .send_text("923001234567", "hi")
        .await
        .unwrap_err();
    // Refused on the header alone: reading the stalled body would have ended in a timeout
    // or a broken connection instead.
    assert!(
        matches!(err, Error::ResponseTooLarge { status: 502, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let retry_after = format!("retry-after: {at}");
    let server = Server::start(vec![
        reply(
            "429 Too Many Requests",
            &[&retry_after],
            r#"{"statusCode":429,"error":"Too Many Requests"}"#,
        ),
        created(),
    ])
    .await;
    let started = Instant::now();
    server
        .client()
        .send_text("923001234567", "hi")
        .await
        .unwrap();
    // The date has whole seconds: it lies 1 to 2 s ahead, and was waited for.
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(1000), "{took:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_body_that_stalls_is_a_timeout_after_delivery() {
    let bytes = b"HTTP/1.1 201 Created\r\ncontent-length: 100\r\n\r\n{\"messageId\":".to_vec();
    let server = Server::start(vec![Reply {
        bytes,
        stall: Some(Duration::from_secs(5)),
    }])
    .await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .api_key(KEY.parse().unwrap())
        .workspace("be11c51b-1a5a-4bc9-9cb6-7ee7040ec4d8".parse().unwrap())
        .session("my-session".parse().unwrap())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = client.send_text("923001234567", "hi").await.unwrap_err();
    assert_eq!(
        err,
        Error::Timeout {
            phase: TimeoutPhase::Body
        }
    );
    assert_eq!(server.requests().len(), 1, "not repeated");
}
