//! Validation through the C ABI against native Rust, on the same corpus: the 14
//! documented bodies and a few invalid ones (whose violations the C ABI also encodes
//! as JSON). Run with `cargo bench -p wasphere-ffi --bench validate`.
#![allow(missing_docs, clippy::unwrap_used)]

use std::ffi::{CString, c_char};
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wasphere_types::{Message, MessageType, documented_example};

/// (type, body): the documented examples, then bodies that break rules in different ways.
fn corpus() -> Vec<(MessageType, String)> {
    let mut corpus: Vec<(MessageType, String)> = MessageType::ALL
        .into_iter()
        .map(|t| (t, documented_example(t).to_owned()))
        .collect();
    corpus.extend([
        (
            MessageType::Buttons,
            r#"{"to":"+92 300 1234567","text":"Choose:","footer":"","buttons":[{"id":"a","text":"A"},{"id":"a","text":"B"}]}"#.to_owned(),
        ),
        (
            MessageType::Document,
            r#"{"to":"923001234567","url":"ftp://x","filename":"a.pdf","mimetype":"application/pdf"}"#.to_owned(),
        ),
        (
            MessageType::Location,
            r#"{"to":"923001234567","latitude":91.5,"longitude":-181}"#.to_owned(),
        ),
        (MessageType::Text, r#"{"to":"923001234567","text":"#.to_owned()),
    ]);
    corpus
}

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    let c_corpus: Vec<(CString, CString)> = corpus
        .iter()
        .map(|(t, b)| {
            (
                CString::new(t.as_str()).unwrap(),
                CString::new(b.as_str()).unwrap(),
            )
        })
        .collect();
    let bytes: u64 = corpus.iter().map(|(_, b)| b.len() as u64).sum();

    let mut group = c.benchmark_group("validate corpus");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("native Message::parse_valid", |b| {
        b.iter(|| {
            let mut ok = 0;
            for (t, body) in &corpus {
                ok += usize::from(Message::parse_valid(*t, black_box(body.as_bytes())).is_ok());
            }
            ok
        })
    });
    group.bench_function("C ABI wasphere_validate", |b| {
        b.iter(|| {
            let mut ok = 0;
            for (t, body) in &c_corpus {
                let mut error: *mut c_char = std::ptr::null_mut();
                // SAFETY: NUL-terminated strings and a valid output pointer, as C passes them;
                // the error string is freed exactly once, as C must.
                unsafe {
                    let code = wasphere::wasphere_validate(
                        t.as_ptr(),
                        black_box(body.as_ptr()),
                        &mut error,
                    );
                    wasphere::wasphere_string_free(black_box(error));
                    ok += usize::from(code == wasphere::WASPHERE_OK);
                }
            }
            ok
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
