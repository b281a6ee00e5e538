//! The throwaway servers really start, answer on their port, and go away when dropped.
#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use wasphere_testservers::{Postgres, Redis};

fn ask_redis(port: u16, command: &[u8]) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(command)?;
    let mut answer = [0u8; 64];
    let n = stream.read(&mut answer)?;
    Ok(String::from_utf8_lossy(&answer[..n]).into_owned())
}

#[test]
fn redis_answers_stops_and_restarts_on_the_same_port() {
    let Some(mut redis) = Redis::start("redis_answers_stops_and_restarts_on_the_same_port") else {
        return;
    };
    let port = redis.port();
    assert_eq!(redis.url(), format!("redis://127.0.0.1:{port}/"));
    assert_eq!(ask_redis(port, b"SET k v\r\n").unwrap(), "+OK\r\n");
    redis.stop();
    assert!(
        ask_redis(port, b"PING\r\n").is_err(),
        "a stopped server still answers"
    );
    redis.restart();
    assert_eq!(redis.port(), port);
    // Restarted empty: nothing was persisted.
    assert_eq!(ask_redis(port, b"GET k\r\n").unwrap(), "$-1\r\n");
    drop(redis);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn postgres_accepts_connections_and_creates_databases() {
    let Some(pg) = Postgres::start("postgres_accepts_connections_and_creates_databases") else {
        return;
    };
    let port = pg.port();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    let url = pg.create_database("journal_a");
    assert_eq!(
        url,
        format!("postgres://wasphere@127.0.0.1:{port}/journal_a")
    );
    drop(pg);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}
