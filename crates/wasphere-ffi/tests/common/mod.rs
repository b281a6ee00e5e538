//! What the C and Python tests share: the built library, a sandbox, a signed webhook.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use wasphere_sandbox::{RateLimit, RunningSandbox, Sandbox};
use wasphere_types::webhook::{WebhookSecret, sign};

/// A session that exists but is not connected (sends to it get 500).
pub const OFFLINE_SESSION: &str = "offline";
/// A session on the Meta Cloud API provider (edit, delete, typing and presence get 501).
pub const META_SESSION: &str = "cloud";

/// The directory of this crate.
pub fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A private copy of the cdylib `cargo test` built for this run, in a directory of its
/// own that is removed when this is dropped.
///
/// Cargo builds the library target with all its crate types before it builds the
/// integration tests, into the `deps/` directory beside the test executable. Copying it
/// keeps a concurrent `cargo build` from replacing the file while a program loads it.
pub struct LibraryDir {
    pub dir: PathBuf,
    pub library: PathBuf,
}

impl Drop for LibraryDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn library_dir(test: &str) -> LibraryDir {
    let name = format!(
        "{}wasphere{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let exe = std::env::current_exe().unwrap();
    let deps = exe.parent().unwrap();
    let built = [deps.join(&name), deps.parent().unwrap().join(&name)]
        .into_iter()
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("{name} was not built next to {}", exe.display()));
    // The process id keeps two `cargo test` runs sharing a target directory apart.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("wasphere-ffi-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let library = dir.join(&name);
    std::fs::copy(&built, &library).unwrap();
    LibraryDir { dir, library }
}

/// A sandbox on its own runtime thread, stopped when dropped.
pub struct Harness {
    runtime: tokio::runtime::Runtime,
    sandbox: Option<RunningSandbox>,
    pub base_url: String,
}

impl Harness {
    /// The default key, workspace and session, no rate limit, plus [`OFFLINE_SESSION`] and
    /// [`META_SESSION`].
    pub fn start() -> Harness {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let sandbox = runtime
            .block_on(
                Sandbox::builder()
                    .rate_limit(RateLimit::Off)
                    .session(wasphere_sandbox::DEFAULT_SESSION)
                    .disconnected_session(OFFLINE_SESSION)
                    .meta_session(META_SESSION)
                    .start(),
            )
            .unwrap();
        let base_url = sandbox.base_url();
        Harness {
            runtime,
            sandbox: Some(sandbox),
            base_url,
        }
    }

    /// How many messages the sandbox accepted.
    pub fn accepted(&self) -> usize {
        self.sandbox.as_ref().unwrap().messages().len()
    }

    /// The operations on messages the sandbox accepted (not the server's own "paused").
    pub fn operations(&self) -> Vec<wasphere_sandbox::RecordedOperation> {
        let all = self.sandbox.as_ref().unwrap().operations();
        all.into_iter().filter(|op| !op.by_server).collect()
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            self.runtime.block_on(sandbox.shutdown());
        }
    }
}

/// A `message.received` button tap, signed now.
pub struct SignedWebhook {
    pub secret: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

pub fn signed_webhook() -> SignedWebhook {
    let secret = "whsec_ffi-test-secret".to_owned();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let body = r#"{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-24T10:00:00Z","deliveryId":"0123456789abcdef0123456789abcdef","data":{"messageId":"ABC","from":"923001234567@s.whatsapp.net","type":"conversation","content":{"text":"Option A","selectionId":"btn1","interactiveKind":"button_reply"}}}"#.to_owned();
    let signature = sign(&WebhookSecret::new(&secret), now, body.as_bytes());
    SignedWebhook {
        secret,
        timestamp: now.to_string(),
        signature,
        body,
    }
}
