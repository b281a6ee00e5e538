//! What reading one body carries along: the reader, and the problems found so far.

use std::ops::Range;

use super::reader::Reader;
use crate::violation::Violation;
use crate::violation_list::ViolationList;

pub(crate) struct Parser<'a> {
    pub(crate) reader: Reader<'a>,
    found: ViolationList,
    /// Violations of values that a repeated key replaced: `JSON.parse` keeps the last of
    /// repeated keys, so what was wrong with an earlier one no longer counts.
    replaced: Vec<Range<usize>>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Parser {
            reader: Reader::new(text),
            found: ViolationList::default(),
            replaced: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, violation: Violation) {
        self.found.push(violation);
    }

    /// How many violations have been found: a mark to delimit those of one value.
    pub(crate) fn mark(&self) -> usize {
        self.found.len()
    }

    /// Drops the violations found between two marks, when a repeated key replaces the value.
    pub(crate) fn forget(&mut self, span: Range<usize>) {
        if !span.is_empty() {
            self.replaced.push(span);
        }
    }

    /// The violations still standing, in the order found.
    pub(crate) fn into_violations(self) -> ViolationList {
        let mut found = self.found;
        if !self.replaced.is_empty() {
            let mut keep = vec![true; found.len()];
            for span in self.replaced {
                if let Some(dropped) = keep.get_mut(span) {
                    dropped.fill(false);
                }
            }
            found.retain(|i, _| keep.get(i).copied().unwrap_or(true));
        }
        found
    }
}
