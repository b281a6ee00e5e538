//! `--addr` of the commands that listen: an IP address or a host name, with a port.

use std::net::{SocketAddr, ToSocketAddrs};

/// `127.0.0.1:8080`, `[::1]:0`, or `localhost:0` (a host name is looked up; its first IPv4
/// address is preferred, as `localhost` then means what most clients connect to).
pub(crate) fn parse(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    if !text.contains(':') {
        return Err(format!(
            "{text:?} has no port: write HOST:PORT, e.g. 127.0.0.1:8080 or localhost:0 (port 0 picks a free one)"
        ));
    }
    let found: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {text:?}: {e} (write HOST:PORT, e.g. localhost:0)"))?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("{text:?} resolves to no address"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_host_names() {
        assert_eq!(
            parse("127.0.0.1:8080").unwrap(),
            "127.0.0.1:8080".parse().unwrap()
        );
        assert_eq!(parse("[::1]:0").unwrap(), "[::1]:0".parse().unwrap());
        let local = parse("localhost:0").unwrap();
        assert!(local.ip().is_loopback() && local.port() == 0, "{local}");
        assert!(parse("localhost").unwrap_err().contains("no port"));
    }
}
