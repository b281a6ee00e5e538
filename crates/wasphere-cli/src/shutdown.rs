//! Waiting for Ctrl-C or SIGTERM, so long-running commands stop cleanly.

/// Resolves on the first Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub(crate) async fn signal() {
    let ctrl_c = async {
        // If the handler cannot be installed the command still runs; it just cannot be
        // stopped gracefully, which the default signal behaviour covers.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
