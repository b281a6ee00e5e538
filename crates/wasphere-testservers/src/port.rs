//! A free loopback port for a server to listen on.

use std::net::TcpListener;

/// A port nobody listens on right now. The listener is closed before the server binds
/// it, so another process could take it first; the server then fails to start and the
/// caller tries another port.
pub(crate) fn free() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}
