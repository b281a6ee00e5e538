//! A response body of any length made of a head, repeated padding and a tail, streamed
//! from one fixed buffer: an oversized answer costs no memory in proportion to its size.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

/// The padding byte, and the largest chunk written at once.
static PADDING: [u8; 64 * 1024] = [b'x'; 64 * 1024];

/// `head`, then `padding` bytes of `x`, then `tail`.
#[derive(Debug)]
pub(crate) struct PaddedBody {
    head: Option<Bytes>,
    padding: usize,
    tail: Option<Bytes>,
}

impl PaddedBody {
    pub(crate) fn new(head: Bytes, padding: usize, tail: Bytes) -> Self {
        PaddedBody {
            head: Some(head),
            padding,
            tail: Some(tail),
        }
    }

    fn remaining(&self) -> u64 {
        let len = |b: &Option<Bytes>| b.as_ref().map_or(0, |b| b.len() as u64);
        len(&self.head) + self.padding as u64 + len(&self.tail)
    }
}

impl Body for PaddedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(Ok(Frame::data(head))));
        }
        if self.padding > 0 {
            let n = self.padding.min(PADDING.len());
            self.padding -= n;
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&PADDING[..n])))));
        }
        Poll::Ready(self.tail.take().map(|tail| Ok(Frame::data(tail))))
    }

    fn is_end_stream(&self) -> bool {
        self.remaining() == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn streams_exactly_head_padding_tail() {
        let body = PaddedBody::new(
            Bytes::from_static(b"{\"p\":\""),
            200_000,
            Bytes::from_static(b"\"}"),
        );
        assert_eq!(body.size_hint().exact(), Some(200_008));
        let bytes = axum::body::to_bytes(axum::body::Body::new(body), usize::MAX)
            .await
            .unwrap();
        assert_eq!(bytes.len(), 200_008);
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["p"].as_str().unwrap().len(), 200_000);
    }
}
