//! [`Delivery`] as an axum extractor, for handlers that want the verified events
//! without the [`Receiver`](crate::Receiver)'s deduplication and answers.

use axum::extract::{FromRef, FromRequest, Request};

use crate::rejection::Rejection;
use crate::verifier::{Delivery, Verifier};

impl<S> FromRequest<S> for Delivery
where
    Verifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let (parts, body) = request.into_parts();
        if parts.method != axum::http::Method::POST {
            return Err(Rejection::MethodNotAllowed);
        }
        let body = verifier.read_body(&parts.headers, body).await?;
        verifier.verify(&parts.headers, &body)
    }
}
