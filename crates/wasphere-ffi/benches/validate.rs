//! Validation through the C ABI against native Rust, on the same corpus: the 14
//! documented bodies and a few invalid ones (whose violations the C ABI also encodes
//! as JSON). Run with `cargo bench -p wasphere-ffi --bench validate`.
#![allow(missing_docs, clippy::unwrap_used, clippy::print_stdout)]

use std::ffi::{CString, c_char};
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group};
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

/// The corpus as the NUL-terminated strings a C caller would pass.
fn to_c_strings(corpus: &[(MessageType, String)]) -> Vec<(CString, CString)> {
    corpus
        .iter()
        .map(|(t, b)| {
            (
                CString::new(t.as_str()).unwrap(),
                CString::new(b.as_str()).unwrap(),
            )
        })
        .collect()
}

/// Native and C-ABI validation of `corpus`, side by side in one criterion group.
fn compare(c: &mut Criterion, name: &str, corpus: &[(MessageType, String)]) {
    let c_corpus = to_c_strings(corpus);
    let bytes: u64 = corpus.iter().map(|(_, b)| b.len() as u64).sum();

    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("native Message::parse_valid", |b| {
        b.iter(|| {
            let mut ok = 0;
            for (t, body) in corpus {
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

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    compare(c, "validate corpus", &corpus);
    // The invalid bodies alone: here the C ABI also encodes every violation as JSON.
    compare(
        c,
        "validate invalid only",
        &corpus[MessageType::ALL.len()..],
    );
}

/// One pass over the corpus, natively; returns how many bodies were valid.
fn native_pass(corpus: &[(MessageType, String)]) -> usize {
    corpus
        .iter()
        .filter(|(t, body)| Message::parse_valid(*t, black_box(body.as_bytes())).is_ok())
        .count()
}

/// One pass over the corpus through the C ABI, freeing every error string.
fn c_pass(corpus: &[(CString, CString)]) -> usize {
    let mut ok = 0;
    for (t, body) in corpus {
        let mut error: *mut c_char = std::ptr::null_mut();
        // SAFETY: NUL-terminated strings and a valid output pointer; freed once.
        unsafe {
            let code =
                wasphere::wasphere_validate(t.as_ptr(), black_box(body.as_ptr()), &mut error);
            wasphere::wasphere_string_free(black_box(error));
            ok += usize::from(code == wasphere::WASPHERE_OK);
        }
    }
    ok
}

/// The C ABI's throughput as a share of native, measured in alternating short rounds so
/// that load from other processes hits both sides alike; prints the median of the rounds.
fn interleaved_ratio(name: &str, corpus: &[(MessageType, String)]) {
    let c_corpus = to_c_strings(corpus);
    const PASSES: u32 = 2_000;
    let mut ratios: Vec<f64> = (0..41)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..PASSES {
                black_box(native_pass(corpus));
            }
            let native = start.elapsed();
            let start = Instant::now();
            for _ in 0..PASSES {
                black_box(c_pass(&c_corpus));
            }
            native.as_secs_f64() / start.elapsed().as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    println!(
        "{name}: C ABI throughput = {:.0}% of native (median of {} interleaved rounds; min {:.0}%, max {:.0}%)",
        100.0 * ratios[ratios.len() / 2],
        ratios.len(),
        100.0 * ratios[0],
        100.0 * ratios[ratios.len() - 1],
    );
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo test --benches` runs this binary without `--bench`: keep that quick.
    if std::env::args().any(|a| a == "--bench") {
        let corpus = corpus();
        interleaved_ratio("validate corpus", &corpus);
        interleaved_ratio("validate invalid only", &corpus[MessageType::ALL.len()..]);
    }
}
