//! Memory under a flood, counted by a heap profiler standing in as the allocator: a flood
//! of forged deliveries and a flood of new, authentic events both leave the heap where
//! it was, and refusing a forged delivery allocates nothing to read or verify it (only the answer,
//! whose cost does not depend on the body).
//!
//! One test in this binary: the allocator's counts are process-wide.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::Request;
use common::{button_tap, now, secret};
use tower::ServiceExt;
use wasphere_webhooks::dedup::Deduplicator;
use wasphere_webhooks::types::{SIGNATURE_HEADER, TIMESTAMP_HEADER, sign};
use wasphere_webhooks::{Event, Receiver};

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const STORE_CAPACITY: usize = 500;

fn request(body: &Bytes, signature: &str, timestamp: &str) -> Request<Body> {
    Request::post("/hooks")
        .header(TIMESTAMP_HEADER, timestamp)
        .header(SIGNATURE_HEADER, signature)
        .body(Body::from(body.clone()))
        .unwrap()
}

fn live_bytes() -> usize {
    dhat::HeapStats::get().curr_bytes
}

fn allocated_bytes() -> u64 {
    dhat::HeapStats::get().total_bytes
}

/// Bytes allocated by `n` runs of `f`.
fn cost_of(n: u64, mut f: impl FnMut()) -> u64 {
    let before = allocated_bytes();
    for _ in 0..n {
        f();
    }
    allocated_bytes() - before
}

#[test]
fn memory_stays_flat_under_floods_of_forged_and_of_new_events() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let receiver = Receiver::builder(secret())
            .dedup(Deduplicator::in_memory(STORE_CAPACITY, Duration::from_secs(600)))
            .build(|_event: Event| async { Ok::<_, std::convert::Infallible>(()) });
        let call = |request: Request<Body>| {
            let receiver = receiver.clone();
            async move { receiver.oneshot(request).await.unwrap().status().as_u16() }
        };

        // Forged: well-formed headers, a fresh timestamp, a signature by someone else.
        let body = Bytes::from(button_tap("R1"));
        let ts = now().to_string();
        let forged = format!("v1,sha256={}", "ab".repeat(32));
        for _ in 0..1_000 {
            assert_eq!(call(request(&body, &forged, &ts)).await, 401);
        }
        let before = live_bytes();
        const FLOOD: u64 = 10_000;
        let allocated_before = allocated_bytes();
        for _ in 0..FLOOD {
            assert_eq!(call(request(&body, &forged, &ts)).await, 401);
        }
        let forged_cost = allocated_bytes() - allocated_before;
        let after = live_bytes();
        assert!(
            after <= before + 16 * 1024,
            "the heap grew by {} bytes over {FLOOD} forged deliveries",
            after.saturating_sub(before)
        );
        // What building the requests alone costs, to subtract it.
        let building_cost = cost_of(FLOOD, || drop(request(&body, &forged, &ts)));
        let per_refusal = (forged_cost - building_cost) / FLOOD;

        // The refusal does not depend on the body: no copy, no parse, at any size.
        let big = Bytes::from(button_tap(&"R".repeat(64 * 1024)));
        let big_forged_cost = {
            let allocated_before = allocated_bytes();
            for _ in 0..1_000 {
                assert_eq!(call(request(&big, &forged, &ts)).await, 401);
            }
            allocated_bytes() - allocated_before
        };
        let big_building_cost = cost_of(1_000, || drop(request(&big, &forged, &ts)));
        let per_big_refusal = (big_forged_cost - big_building_cost) / 1_000;
        assert!(
            per_big_refusal.abs_diff(per_refusal) < 64,
            "refusing a forged 64 KiB delivery allocated {per_big_refusal} bytes, a {}-byte one {per_refusal}",
            body.len()
        );

        // Reading and verifying allocate nothing at all; what remains is the answer.
        let verifier = receiver.verifier().clone();
        let verify_cost = {
            let allocated_before = allocated_bytes();
            for _ in 0..1_000 {
                let (parts, request_body) = request(&big, &forged, &ts).into_parts();
                let read = verifier.read_body(&parts.headers, request_body).await.unwrap();
                assert!(verifier.verify(&parts.headers, &read).is_err());
            }
            allocated_bytes() - allocated_before
        };
        assert_eq!(verify_cost, big_building_cost, "reading and verifying allocated");

        // Authentic and new every time: the store fills to its capacity, then stays there.
        let authentic = |n: usize| {
            let body = Bytes::from(button_tap(&format!("R{n}")));
            let ts = now();
            let signature = sign(&secret(), ts, &body);
            request(&body, &signature, &ts.to_string())
        };
        // Once the store has filled, nothing grows.
        for n in 0..2 * STORE_CAPACITY {
            assert_eq!(call(authentic(n)).await, 200);
        }
        let before = live_bytes();
        for n in 2 * STORE_CAPACITY..22 * STORE_CAPACITY {
            assert_eq!(call(authentic(n)).await, 200);
        }
        let after = live_bytes();
        assert!(
            after <= before + 16 * 1024,
            "the heap grew by {} bytes over {} new events",
            after.saturating_sub(before),
            20 * STORE_CAPACITY
        );
        eprintln!(
            "refusing a forged delivery allocates {per_refusal} bytes (the call and its answer) at 442 B and \
             {per_big_refusal} at 64 KiB; live heap after {} new events: {after} bytes",
            22 * STORE_CAPACITY
        );
    });
}
