//! `check` on a million rows: `cargo bench -p wasphere-campaign --bench check`.
//!
//! Generates ROWS rows of `phoneNumber,firstName,order` (a tenth of the numbers written as
//! people type them, `+92 300-…`; one row in a thousand invalid) into a temporary CSV file,
//! then, side by side on one thread: reading the file into rows alone (the CSV parser and
//! UTF-8 checks), and `Check` (reading, rendering the n8n recipe's template with minijinja,
//! cleaning the recipient, parsing and validating the message, finding duplicates). Peak
//! RSS is the process's high-water mark (`VmHWM`), reset just before `check` starts. Rates
//! are given per wall-clock second and per CPU-second of the thread (on a shared machine
//! the second is what one core does).
//! Targets: check >= 200,000 rows/s, peak RSS < 100 MB.
#![allow(clippy::print_stdout, clippy::unwrap_used, missing_docs)]

use std::io::{BufWriter, Write};
use std::time::Instant;

use wasphere_campaign::{Check, KeyPace, PacePlan, Pacing, SourceFile, Template};
use wasphere_client::RateLimit;
use wasphere_types::MessageType;

const ROWS: usize = 1_000_000;

fn generate(path: &std::path::Path) {
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "phoneNumber,firstName,order").unwrap();
    for i in 0..ROWS {
        let number = if i % 1000 == 999 {
            "12".to_owned()
        } else if i % 10 == 0 {
            format!("+92 300-{i:07}")
        } else {
            format!("92300{i:07}")
        };
        writeln!(out, "{number},Customer {i},#{}", 100_000 + i).unwrap();
    }
    out.flush().unwrap();
}

/// CPU time this thread has used (user + system), from `/proc/thread-self/stat`: on a
/// shared machine, rows per CPU-second is what "on one core" means, whatever else runs.
fn thread_cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; the
    // kernel counts them in USER_HZ, which is 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// `VmHWM` or `VmRSS` of this process, in MiB.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("million.csv");
    generate(&path);
    let file = SourceFile::new(&path).unwrap();
    let template = Template::new(
        MessageType::Text,
        r#"{"to": "{{ phoneNumber }}", "text": "Hello {{ firstName }}, your order {{ order }} is ready!"}"#,
    )
    .unwrap();
    let plan = PacePlan {
        pacing: Pacing::Smooth,
        delay: None,
        keys: vec![KeyPace {
            rate_limit: RateLimit::default(),
            margin: std::time::Duration::from_millis(250),
            sessions: 1,
        }],
    };

    // Warm the page cache.
    let _ = file.rows().unwrap().count();

    let (started, cpu) = (Instant::now(), thread_cpu_seconds());
    let read = file.rows().unwrap().filter(Result::is_ok).count();
    let read_rate = read as f64 / started.elapsed().as_secs_f64();
    let read_cpu_rate = read as f64 / (thread_cpu_seconds() - cpu);

    // Resetting the high-water mark needs Linux ≥ 4.0; without it the figure is the
    // process's peak so far, which is an upper bound.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let rss_before = status_mib("VmRSS:");
    let (started, cpu) = (Instant::now(), thread_cpu_seconds());
    let mut problems = 0u64;
    let summary = Check::new(&template)
        .plan(&plan)
        .run(file.rows().unwrap(), |_| problems += 1)
        .unwrap();
    let took = started.elapsed();
    let check_cpu = thread_cpu_seconds() - cpu;
    let peak = status_mib("VmHWM:");
    assert_eq!(summary.rows, ROWS as u64);
    let check_rate = ROWS as f64 / took.as_secs_f64();

    println!(
        "check on {ROWS} generated rows ({} MiB of CSV), one thread:",
        std::fs::metadata(&path).map_or(0, |m| m.len()) / (1024 * 1024)
    );
    let check_cpu_rate = ROWS as f64 / check_cpu;
    println!("                             rows/s (wall)   rows/CPU-second of the thread");
    println!("  read rows only            {read_rate:>14.0} {read_cpu_rate:>14.0}");
    println!(
        "  check (render, validate)  {check_rate:>14.0} {check_cpu_rate:>14.0}   (target >= 200000; {:.2} s wall, {check_cpu:.2} s CPU)",
        took.as_secs_f64()
    );
    println!(
        "  ratio check / read        {:>14.3} {:>14.3}",
        check_rate / read_rate,
        check_cpu_rate / read_cpu_rate
    );
    println!(
        "  peak RSS during check     {peak:>10.1} MiB     (target < 100 MB; {rss_before:.1} MiB before; high-water mark reset: {reset})"
    );
    println!(
        "  summary: {} valid, {} invalid, {} duplicates, {} recipients cleaned up, {} findings; estimate at 60/1m smooth: {}",
        summary.valid,
        summary.invalid,
        summary.duplicates,
        summary.recipients_changed,
        problems,
        summary
            .estimate
            .map_or("none".to_owned(), |d| humantime::format_duration(
                std::time::Duration::from_secs(d.as_secs())
            )
            .to_string())
    );
}
