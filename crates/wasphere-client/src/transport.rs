//! One HTTP exchange: the request, and the answer read with a size cap.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::Method;
use reqwest::header::{
    ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, RETRY_AFTER,
};
use wasphere_types::ApiKey;

use crate::answer::Answer;
use crate::config_error::ConfigError;
use crate::delivery::Delivery;
use crate::error::{Error, TimeoutPhase};
use crate::transport_error::TransportError;

/// The largest answer read: 1 MiB. The contract's answers are a few hundred bytes; a larger
/// one is a misbehaving proxy, and is refused rather than allocated.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// `wasphere-rs/<version>`.
pub(crate) const USER_AGENT: &str = concat!("wasphere-rs/", env!("CARGO_PKG_VERSION"));

/// A reqwest client with the key in its default headers (marked sensitive, so reqwest and
/// hyper never print it), connection reuse, no redirects and the configured timeouts.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    /// Kept to scrub the key from anything the server or the stack echoes into an error.
    key: ApiKey,
}

/// What the transport needs from the builder.
pub(crate) struct TransportConfig<'a> {
    pub(crate) key: &'a ApiKey,
    pub(crate) connect_timeout: Duration,
    pub(crate) timeout: Duration,
    /// Loopback servers never go through a proxy from the environment.
    pub(crate) loopback: bool,
    /// PEM files of extra trusted roots.
    pub(crate) root_certificates: &'a [Vec<u8>],
}

impl Transport {
    pub(crate) fn new(config: TransportConfig<'_>) -> Result<Self, Error> {
        let mut auth = HeaderValue::try_from(format!("Bearer {}", config.key.expose_secret()))
            .map_err(|_| ConfigError::KeyNotAHeader)?;
        auth.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, auth);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            // A redirected POST becomes a GET, and would carry the key to another host.
            .redirect(reqwest::redirect::Policy::none())
            .tcp_nodelay(true)
            .use_rustls_tls();
        if config.loopback {
            builder = builder.no_proxy();
        }
        for pem in config.root_certificates {
            let certificates = reqwest::Certificate::from_pem_bundle(pem).unwrap_or_default();
            if certificates.is_empty() {
                return Err(ConfigError::RootCertificate.into());
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let http = builder
            .build()
            .map_err(|e| ConfigError::Http(TransportError::from_reqwest(e, config.key)))?;
        Ok(Transport {
            http,
            key: config.key.clone(),
        })
    }

    /// The key the requests carry.
    pub(crate) fn key(&self) -> &ApiKey {
        &self.key
    }

    /// Sends `method` to `url` with `body` (a DELETE has none) and reads the answer,
    /// whatever its status.
    pub(crate) async fn exchange(
        &self,
        method: Method,
        url: &str,
        body: Option<Bytes>,
    ) -> Result<Answer, Error> {
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.body(body);
        }
        let mut response = request.send().await.map_err(|e| self.send_error(e))?;
        let status = response.status().as_u16();
        let header = |name: HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let (retry_after, content_type, location) =
            (header(RETRY_AFTER), header(CONTENT_TYPE), header(LOCATION));
        let too_large = Error::ResponseTooLarge {
            status,
            limit: MAX_ANSWER_BYTES,
        };
        let expected = response.content_length().unwrap_or(0);
        if expected > MAX_ANSWER_BYTES as u64 {
            return Err(too_large);
        }
        // Chunk by chunk, so an answer without Content-Length is cut off at the cap
        // instead of being buffered whole.
        let mut buffer = BytesMut::with_capacity((expected as usize).min(16 * 1024));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if buffer.len() + chunk.len() > MAX_ANSWER_BYTES {
                        return Err(too_large);
                    }
                    buffer.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // The server refused the request before its body broke: the status says
                // why, and the part read may say more.
                Err(_) if Delivery::after_status(status) == Delivery::NotSent => break,
                Err(e) => return Err(self.body_error(e)),
            }
        }
        Ok(Answer {
            status,
            retry_after,
            content_type,
            location,
            body: buffer.freeze(),
        })
    }

    /// Sorts a failure of the request phase by whether the request may have left the
    /// machine: connecting failures did not, anything later may have.
    fn send_error(&self, e: reqwest::Error) -> Error {
        if e.is_builder() {
            return ConfigError::Http(self.wrap(e)).into();
        }
        if e.is_connect() {
            if e.is_timeout() {
                return Error::Timeout {
                    phase: TimeoutPhase::Connect,
                };
            }
            return Error::Connect {
                source: self.wrap(e),
            };
        }
        if e.is_timeout() {
            return Error::Timeout {
                phase: TimeoutPhase::Response,
            };
        }
        Error::Interrupted {
            source: self.wrap(e),
        }
    }

    /// A failure reading the body of a success or a server error: the message may have
    /// been delivered.
    fn body_error(&self, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            Error::Timeout {
                phase: TimeoutPhase::Body,
            }
        } else {
            Error::Interrupted {
                source: self.wrap(e),
            }
        }
    }

    fn wrap(&self, e: reqwest::Error) -> TransportError {
        TransportError::from_reqwest(e, &self.key)
    }
}
