//! Exact line numbers for CSV records. The CSV parser skips blank lines without counting
//! them into a record's position, so this reader notes where each line break is, and a
//! record's line is found from the breaks before its first byte.

use std::collections::VecDeque;
use std::io::{self, Read};
use std::sync::{Arc, Mutex, PoisonError};

/// A line break: where it starts (`\r` of a `\r\n`, else the `\n`) and where its `\n` is.
#[derive(Debug, Clone, Copy)]
struct Break {
    start: u64,
    newline: u64,
}

#[derive(Debug, Default)]
struct Breaks {
    /// Breaks read but not yet passed by a record, in order. Bounded by the parser's
    /// read-ahead plus one record.
    pending: VecDeque<Break>,
    /// Breaks already passed: the number of lines before the next record's bytes.
    passed: u64,
    /// Whether the last byte read was `\r`.
    last_was_cr: bool,
}

/// Wraps the reader the CSV parser reads, noting every line break.
#[derive(Debug)]
pub(super) struct BreakNoting<R> {
    inner: R,
    offset: u64,
    breaks: Arc<Mutex<Breaks>>,
}

/// The other end: turns a record's byte span into its line number.
#[derive(Debug, Clone)]
pub(super) struct LineCounter {
    breaks: Arc<Mutex<Breaks>>,
}

pub(super) fn noting<R>(inner: R) -> (BreakNoting<R>, LineCounter) {
    let breaks = Arc::new(Mutex::new(Breaks::default()));
    (
        BreakNoting {
            inner,
            offset: 0,
            breaks: breaks.clone(),
        },
        LineCounter { breaks },
    )
}

impl<R: Read> Read for BreakNoting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut breaks = self.breaks.lock().unwrap_or_else(PoisonError::into_inner);
        for (i, &b) in buf[..n].iter().enumerate() {
            let at = self.offset + i as u64;
            if b == b'\n' {
                let start = if breaks.last_was_cr { at - 1 } else { at };
                breaks.pending.push_back(Break { start, newline: at });
            }
            breaks.last_was_cr = b == b'\r';
        }
        self.offset += n as u64;
        Ok(n)
    }
}

impl LineCounter {
    /// The line (from 1) of the record that the parser read from byte `start` (where the
    /// previous record ended) to byte `end` (after its terminator). Blank lines right after
    /// `start` are skipped, as the parser skips them.
    pub(super) fn record_line(&self, start: u64, end: u64) -> u64 {
        let mut breaks = self.breaks.lock().unwrap_or_else(PoisonError::into_inner);
        let mut cursor = start;
        while let Some(b) = breaks.pending.front().copied() {
            if b.newline < cursor {
                breaks.pending.pop_front();
                breaks.passed += 1;
                continue;
            }
            // A break at the cursor is a blank line; one the cursor is inside (after the
            // `\r` of a `\r\n` the parser took as the previous terminator) ends that line.
            if b.start <= cursor {
                cursor = b.newline + 1;
                breaks.pending.pop_front();
                breaks.passed += 1;
                continue;
            }
            break;
        }
        let line = breaks.passed + 1;
        while breaks.pending.front().is_some_and(|b| b.newline < end) {
            breaks.pending.pop_front();
            breaks.passed += 1;
        }
        line
    }
}
