//! Throughput of the hot paths of wasphere-types, run with
//! `cargo bench -p wasphere-types --bench types`:
//!
//! - `messages/validate+serialize`: `validate()` then `to_json()` over a mixed corpus of
//!   all 14 types, parsed beforehand (target: 1,000,000 messages per second on one core);
//! - `messages/bytes-to-bytes`: what a server does per request, `Message::parse()` then
//!   `validate()` then `to_json()` from the raw documented bodies, round robin over the
//!   14 types;
//! - `webhook/verify 2 KiB`: signature check and envelope parse of a 2 KiB delivery
//!   (target: 300,000 verifications per second).

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, Throughput};
use wasphere_types::webhook::{WebhookSecret, sign, verify};
use wasphere_types::{Message, MessageType, documented_example};

/// The 14 documented bodies, one per type: what a client sends most.
fn corpus() -> Vec<Message> {
    MessageType::ALL
        .into_iter()
        .filter_map(|t| Message::parse(t, documented_example(t).as_bytes()).ok())
        .collect()
}

fn messages(c: &mut Criterion) {
    let corpus = corpus();
    assert_eq!(corpus.len(), 14, "every documented body parses");
    assert!(corpus.iter().all(|m| m.validate().is_ok()));

    let bodies: Vec<(MessageType, &[u8])> = MessageType::ALL
        .into_iter()
        .map(|t| (t, documented_example(t).as_bytes()))
        .collect();

    let mut group = c.benchmark_group("messages");
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("validate+serialize", |b| {
        b.iter(|| {
            for message in &corpus {
                let valid = message.validate().is_ok();
                let body = message.to_json();
                black_box((valid, body));
            }
        })
    });
    group.bench_function("bytes-to-bytes", |b| {
        b.iter(|| {
            for &(t, body) in &bodies {
                let sent = Message::parse(t, black_box(body))
                    .ok()
                    .filter(|message| message.validate().is_ok())
                    .map(|message| message.to_json());
                black_box(sent);
            }
        })
    });
    group.finish();
}

/// A `message.received` delivery of exactly 2048 bytes (the text pads it).
fn delivery_of_2_kib() -> Vec<u8> {
    let envelope = |text: &str| {
        format!(
            r#"{{"event":"message.received","sessionId":"my-session","timestamp":"2026-11-18T11:06:40Z","deliveryId":"0123456789abcdef0123456789abcdef","data":{{"messageId":"3EB0C767D097B7C7A5C1","from":"923001234567@s.whatsapp.net","sender":"John Doe","senderJid":"923001234567@s.whatsapp.net","isGroup":false,"timestamp":1795000000,"type":"conversation","content":{{"text":"{text}"}}}}}}"#
        )
    };
    let padding = 2048 - envelope("").len();
    envelope(&"lorem ipsum ".repeat(padding / 12 + 1)[..padding]).into_bytes()
}

fn webhook(c: &mut Criterion) {
    let secret = WebhookSecret::new("whsec_bench_3f9a1c");
    let body = delivery_of_2_kib();
    assert_eq!(body.len(), 2048);
    let signed_at = 1_795_000_000;
    let signature = sign(&secret, signed_at, &body);
    let timestamp = signed_at.to_string();
    let now = UNIX_EPOCH + Duration::from_secs(1_795_000_010);
    assert!(verify(&secret, Some(&timestamp), Some(&signature), &body, now).is_ok());

    let mut group = c.benchmark_group("webhook");
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify 2 KiB", |b| {
        b.iter(|| {
            verify(
                &secret,
                Some(black_box(&timestamp)),
                Some(black_box(&signature)),
                black_box(&body),
                black_box::<SystemTime>(now),
            )
            .is_ok()
        })
    });
    group.finish();
}

// What `criterion_group!`/`criterion_main!` expand to, written out: the macro's
// generated `pub fn` would trip the workspace's `missing_docs` lint.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    messages(&mut criterion);
    webhook(&mut criterion);
    criterion.final_summary();
}
