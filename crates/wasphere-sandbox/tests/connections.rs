//! Connections that hold a socket without sending a request are closed; the sandbox keeps
//! serving real clients meanwhile.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{TEXT, send};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wasphere_sandbox::{ConnectionLimits, RateLimit, Sandbox};

/// How long a test waits for the sandbox to close a connection before calling it a hang.
const HANG_GUARD: Duration = Duration::from_secs(30);

/// Reads until the server closes the connection; returns what it sent first.
async fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(HANG_GUARD, stream.read_to_end(&mut seen)).await;
    match read {
        Ok(_) => seen,
        Err(_) => panic!("the sandbox kept the connection open for {HANG_GUARD:?}"),
    }
}

/// Issue 12, item 3: 2,000 idle sockets, or 500 that sent half a request line and stopped,
/// were all still open after 23 s. Now 500 half-open connections neither stop a real
/// client from being served nor outlive the request timeout, and idle ones go too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_and_idle_connections_are_closed_and_real_clients_are_served() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .connection_limits(ConnectionLimits {
            request_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(2),
            ..ConnectionLimits::default()
        })
        .start()
        .await
        .unwrap();

    let mut slow = Vec::new();
    for _ in 0..500 {
        let mut stream = TcpStream::connect(sandbox.addr()).await.unwrap();
        stream.write_all(b"POST /workspaces/").await.unwrap();
        slow.push(stream);
    }
    let mut idle = Vec::new();
    for _ in 0..200 {
        idle.push(TcpStream::connect(sandbox.addr()).await.unwrap());
    }

    // A real client is served while they hang on.
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);

    for stream in slow.iter_mut().chain(idle.iter_mut()) {
        let answer = until_closed(stream).await;
        // A connection whose request never came gets no answer, only the close.
        assert!(answer.is_empty(), "{}", String::from_utf8_lossy(&answer));
    }
    // Once reqwest's pooled connection is idle long enough, it goes too.
    let deadline = tokio::time::Instant::now() + HANG_GUARD;
    while sandbox.open_connections() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} connections still open",
            sandbox.open_connections()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
}

/// A request that is being answered is never cut off, however long a fault makes it take.
#[tokio::test]
async fn a_slow_answer_is_not_an_idle_connection() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .connection_limits(ConnectionLimits {
            request_timeout: Duration::from_millis(300),
            idle_timeout: Duration::from_millis(300),
            ..ConnectionLimits::default()
        })
        .fault(wasphere_sandbox::FaultRule::next(
            1,
            wasphere_sandbox::Fault::Delay(Duration::from_millis(1500)),
        ))
        .start()
        .await
        .unwrap();
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
}

/// At the cap, a new connection waits to be accepted until another one closes.
#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_slot() {
    let sandbox = Sandbox::builder()
        .rate_limit(RateLimit::Off)
        .connection_limits(ConnectionLimits {
            request_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
            max_connections: 3,
        })
        .start()
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(sandbox.addr()).await.unwrap());
    }
    // Served once the held connections time out and free their slots.
    assert_eq!(send(&sandbox, "text", TEXT).await.status(), 201);
    assert!(sandbox.open_connections() <= 3);
}
