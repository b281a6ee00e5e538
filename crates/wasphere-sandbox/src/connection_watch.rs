//! Closing connections that hold a socket without using it: one that sends nothing (an
//! idle keep-alive connection, or a socket opened and left), and one that starts a request
//! but does not finish its head in time (slowloris). Both would otherwise be held
//! forever, until the process runs out of file descriptors.
//!
//! A connection is either busy (a request is being answered: no deadline, however long a
//! fault delays the answer), reading (the first byte of a request came: the request
//! timeout runs), or idle (the idle timeout runs).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

/// What one connection is doing, shared by its socket, its requests and its watchdog.
#[derive(Debug)]
pub(crate) struct Activity {
    state: Mutex<State>,
    changed: Notify,
    request_timeout: Duration,
    idle_timeout: Duration,
}

#[derive(Debug)]
struct State {
    in_flight: usize,
    idle_since: Instant,
    reading_since: Option<Instant>,
}

impl Activity {
    pub(crate) fn new(request_timeout: Duration, idle_timeout: Duration) -> Arc<Self> {
        Arc::new(Activity {
            state: Mutex::new(State {
                in_flight: 0,
                idle_since: Instant::now(),
                reading_since: None,
            }),
            changed: Notify::new(),
            request_timeout,
            idle_timeout,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Bytes came in: if the connection was idle, a request has begun.
    fn bytes_read(&self) {
        let mut state = self.state();
        if state.in_flight == 0 && state.reading_since.is_none() {
            state.reading_since = Some(Instant::now());
            drop(state);
            self.changed.notify_one();
        }
    }

    /// A request's head has been read; the connection is busy until the returned guard
    /// (kept by the answer's body) is dropped.
    pub(crate) fn request_started(self: &Arc<Self>) -> Busy {
        let mut state = self.state();
        state.in_flight += 1;
        state.reading_since = None;
        drop(state);
        self.changed.notify_one();
        Busy(Arc::clone(self))
    }

    /// When the connection should be closed if nothing changes; `None` while busy.
    fn deadline(&self) -> Option<Instant> {
        let state = self.state();
        if state.in_flight > 0 {
            return None;
        }
        Some(match state.reading_since {
            Some(since) => since + self.request_timeout,
            None => state.idle_since + self.idle_timeout,
        })
    }

    /// Returns when the connection has been idle, or slow to send a request, for too long.
    pub(crate) async fn expired(&self) {
        loop {
            match self.deadline() {
                None => self.changed.notified().await,
                Some(deadline) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(deadline) => {
                            if self.deadline().is_some_and(|d| d <= Instant::now()) {
                                return;
                            }
                        }
                        () = self.changed.notified() => {}
                    }
                }
            }
        }
    }
}

/// A request being answered; dropping it (when the answer's body is done) makes the
/// connection idle again if it was the last.
#[derive(Debug)]
pub(crate) struct Busy(Arc<Activity>);

impl Drop for Busy {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.in_flight = state.in_flight.saturating_sub(1);
        if state.in_flight == 0 {
            state.idle_since = Instant::now();
            state.reading_since = None;
        }
        drop(state);
        self.0.changed.notify_one();
    }
}

/// A socket that reports reads to its [`Activity`].
#[derive(Debug)]
pub(crate) struct WatchedIo<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> WatchedIo<T> {
    pub(crate) fn new(inner: T, activity: Arc<Activity>) -> Self {
        WatchedIo { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WatchedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_read();
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WatchedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// An answer's body that keeps its connection busy until it has been written (or dropped).
pub(crate) struct BusyBody {
    inner: axum::body::Body,
    _busy: Busy,
}

impl BusyBody {
    pub(crate) fn new(inner: axum::body::Body, busy: Busy) -> Self {
        BusyBody { inner, _busy: busy }
    }
}

impl Body for BusyBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_then_reading_then_busy() {
        let activity = Activity::new(Duration::from_secs(10), Duration::from_secs(60));
        let start = Instant::now();
        assert_eq!(activity.deadline(), Some(start + Duration::from_secs(60)));
        tokio::time::advance(Duration::from_secs(5)).await;
        activity.bytes_read();
        assert_eq!(activity.deadline(), Some(start + Duration::from_secs(15)));
        let busy = activity.request_started();
        assert_eq!(activity.deadline(), None);
        tokio::time::advance(Duration::from_secs(600)).await;
        drop(busy);
        assert_eq!(
            activity.deadline(),
            Some(start + Duration::from_secs(605 + 60))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn expires_only_when_nothing_happens() {
        let activity = Activity::new(Duration::from_secs(10), Duration::from_secs(60));
        let busy = activity.request_started();
        let watch = tokio::spawn({
            let activity = Arc::clone(&activity);
            async move { activity.expired().await }
        });
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(!watch.is_finished(), "a busy connection never expires");
        drop(busy);
        tokio::time::sleep(Duration::from_secs(59)).await;
        assert!(!watch.is_finished());
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(watch.is_finished());
    }
}
