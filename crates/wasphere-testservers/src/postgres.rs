//! A throwaway PostgreSQL cluster: `initdb` in a temporary directory, `postgres` on a
//! free loopback port with trust authentication, stopped on drop.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tempfile::TempDir;

use crate::unprivileged::RunAs;
use crate::{binaries, port, skip, startup};

/// How long `postgres` may take to report itself ready.
const STARTUP: Duration = Duration::from_secs(60);

/// The role every test connects as (a superuser, trusted without a password).
pub const USER: &str = "wasphere";

/// A running PostgreSQL of this test. Dropping it stops the server (immediate shutdown)
/// and removes its data directory.
#[derive(Debug)]
pub struct Postgres {
    tools: Tools,
    run_as: RunAs,
    dir: TempDir,
    port: u16,
    child: Option<Child>,
}

#[derive(Debug)]
struct Tools {
    initdb: PathBuf,
    postgres: PathBuf,
    pg_ctl: PathBuf,
    createdb: PathBuf,
}

impl Tools {
    fn find() -> Option<Tools> {
        Some(Tools {
            initdb: binaries::postgres_tool("initdb")?,
            postgres: binaries::postgres_tool("postgres")?,
            pg_ctl: binaries::postgres_tool("pg_ctl")?,
            createdb: binaries::postgres_tool("createdb")?,
        })
    }
}

impl Postgres {
    /// Starts a cluster for `test` with `fsync` off (the tests kill clients, never the
    /// server); `None` when PostgreSQL's binaries are absent (see the crate's
    /// documentation).
    ///
    /// # Panics
    /// When the binaries are there but the cluster does not start.
    pub fn start(test: &str) -> Option<Postgres> {
        Self::start_with(test, &[("fsync", "off"), ("synchronous_commit", "off")])
    }

    /// Starts a cluster with PostgreSQL's durable defaults (fsync on), for benchmarks
    /// that compare against a journal that syncs.
    ///
    /// # Panics
    /// As [`start`](Self::start).
    pub fn start_durable(test: &str) -> Option<Postgres> {
        Self::start_with(test, &[])
    }

    /// Starts a cluster with these extra server settings (`-c name=value`).
    ///
    /// # Panics
    /// As [`start`](Self::start).
    pub fn start_with(test: &str, settings: &[(&str, &str)]) -> Option<Postgres> {
        let Some(tools) = Tools::find() else {
            return skip::skipped(
                test,
                "PostgreSQL's initdb, postgres, pg_ctl and createdb are not on PATH nor in /usr/lib/postgresql/*/bin",
            );
        };
        let run_as = RunAs::for_postgres();
        let dir = tempfile::Builder::new()
            .prefix("wasphere-postgres-")
            .tempdir()
            .unwrap_or_else(|e| panic!("{test}: cannot create a directory for PostgreSQL: {e}"));
        run_as
            .own(dir.path())
            .unwrap_or_else(|e| panic!("{test}: cannot hand the directory to nobody: {e}"));
        let mut server = Postgres {
            tools,
            run_as,
            dir,
            port: 0,
            child: None,
        };
        server.init(test);
        for _ in 0..5 {
            server.port = port::free().unwrap_or_else(|e| panic!("{test}: no free port: {e}"));
            if server.launch(settings) {
                return Some(server);
            }
        }
        panic!("{test}: postgres did not start; its log:\n{}", server.log());
    }

    /// The URL of the `postgres` database, as user [`USER`].
    pub fn url(&self) -> String {
        self.url_for("postgres")
    }

    /// The URL of database `name`, as user [`USER`].
    pub fn url_for(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates database `name` and returns its URL.
    ///
    /// # Panics
    /// When `createdb` fails (an invalid or taken name).
    pub fn create_database(&self, name: &str) -> String {
        let output = self
            .command(&self.tools.createdb)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                name,
            ])
            .output()
            .unwrap_or_else(|e| panic!("createdb did not run: {e}"));
        assert!(
            output.status.success(),
            "createdb {name} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        self.url_for(name)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(program);
        self.run_as.apply(&mut command);
        command.stdin(Stdio::null());
        command
    }

    fn init(&self, test: &str) {
        let output = self
            .command(&self.tools.initdb)
            .arg("-D")
            .arg(self.data())
            .args([
                "-U",
                USER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .unwrap_or_else(|e| panic!("{test}: initdb did not run: {e}"));
        assert!(
            output.status.success(),
            "{test}: initdb failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Runs `postgres` and waits for `postmaster.pid` to say `ready`; `false` when it
    /// exits first (most often: the port was taken).
    fn launch(&mut self, settings: &[(&str, &str)]) -> bool {
        let Ok(log) = std::fs::File::create(self.dir.path().join("postgres.log")) else {
            return false;
        };
        let stdout = log.try_clone().map_or_else(|_| Stdio::null(), Stdio::from);
        let mut command = self.command(&self.tools.postgres);
        command
            .arg("-D")
            .arg(self.data())
            .args(["-p", &self.port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .arg("-c")
            .arg(format!(
                "unix_socket_directories={}",
                self.dir.path().display()
            ))
            .args(["-c", "max_connections=200"]);
        for (name, value) in settings {
            command.arg("-c").arg(format!("{name}={value}"));
        }
        let Ok(child) = command.stdout(stdout).stderr(Stdio::from(log)).spawn() else {
            return false;
        };
        let pid_file = self.data().join("postmaster.pid");
        self.child = startup::wait_until_ready(child, STARTUP, || ready(&pid_file));
        self.child.is_some()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("postgres.log")).unwrap_or_default()
    }
}

/// Whether the server says it is ready: the eighth line of `postmaster.pid` is its status.
fn ready(pid_file: &Path) -> bool {
    std::fs::read_to_string(pid_file)
        .is_ok_and(|text| text.lines().nth(7).map(str::trim) == Some("ready"))
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        // Immediate shutdown lets the server remove its shared memory, which a SIGKILL
        // would leave behind on every run.
        let stopped = self
            .command(&self.tools.pg_ctl)
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "-t", "20", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = child.kill();
        }
        let _ = child.wait();
    }
}
