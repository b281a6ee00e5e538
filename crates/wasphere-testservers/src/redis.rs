//! A throwaway `redis-server`: no persistence, loopback only, killed on drop.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::{binaries, port, skip, startup};

/// How long a server may take to answer its first `PING`.
const STARTUP: Duration = Duration::from_secs(15);

/// A running `redis-server` of this test. Dropping it kills the server and removes its
/// directory.
#[derive(Debug)]
pub struct Redis {
    binary: PathBuf,
    dir: TempDir,
    port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Starts a server for `test` (the name printed when it is skipped); `None` when
    /// `redis-server` is not on `PATH` (see the crate's documentation).
    ///
    /// # Panics
    /// When the binary is there but the server does not start: that is a broken machine,
    /// not a reason to skip.
    pub fn start(test: &str) -> Option<Redis> {
        let Some(binary) = binaries::on_path("redis-server") else {
            return skip::skipped(test, "redis-server is not on PATH");
        };
        let dir = tempfile::Builder::new()
            .prefix("wasphere-redis-")
            .tempdir()
            .unwrap_or_else(|e| panic!("{test}: cannot create a directory for redis: {e}"));
        let mut server = Redis {
            binary,
            dir,
            port: 0,
            child: None,
        };
        for _ in 0..5 {
            server.port = port::free().unwrap_or_else(|e| panic!("{test}: no free port: {e}"));
            if server.launch() {
                return Some(server);
            }
        }
        panic!(
            "{test}: redis-server did not start; its log:\n{}",
            server.log()
        );
    }

    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on (kept across [`stop`](Self::stop) and
    /// [`restart`](Self::restart)).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Kills the server at once (SIGKILL), as a crash or an outage would; clients see
    /// their connections drop and new ones refused.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port, empty.
    ///
    /// # Panics
    /// When it does not start (the port was taken meanwhile, or the binary broke).
    pub fn restart(&mut self) {
        self.stop();
        assert!(
            self.launch(),
            "redis-server did not restart on port {}; its log:\n{}",
            self.port,
            self.log()
        );
    }

    /// Runs the server and waits for its first `PONG`; `false` when it exits or stays
    /// silent (most often: the port was taken).
    fn launch(&mut self) -> bool {
        let log = match std::fs::File::create(self.dir.path().join("redis.log")) {
            Ok(f) => f,
            Err(_) => return false,
        };
        let stderr = log.try_clone().map_or_else(|_| Stdio::null(), Stdio::from);
        let child = Command::new(&self.binary)
            .args(["--port", &self.port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(["--protected-mode", "no"])
            .args(["--daemonize", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(stderr)
            .spawn();
        let Ok(child) = child else {
            return false;
        };
        let port = self.port;
        self.child = startup::wait_until_ready(child, STARTUP, || pong(port));
        self.child.is_some()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("redis.log")).unwrap_or_default()
    }
}

/// Whether a server on `port` answers `PING` with `+PONG`.
fn pong(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream.write_all(b"PING\r\n").is_err() {
        return false;
    }
    let mut answer = [0u8; 7];
    stream.read_exact(&mut answer).is_ok() && &answer == b"+PONG\r\n"
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}
