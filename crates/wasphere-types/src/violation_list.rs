//! The violations of one answer, with a bound: a 16 MiB body can hold millions of wrong
//! items, and describing each would take gigabytes. Past [`MAX_LISTED`] they are counted,
//! and the answer ends with one [`Rule::Unlisted`] saying how many more there are.

use crate::violation::{MAX_LISTED, Rule, RuleOrigin, ValidationError, Violation};

#[derive(Default)]
pub(crate) struct ViolationList {
    listed: Vec<Violation>,
    unlisted: usize,
    /// Whether one of the unlisted violations is of a rule the server enforces.
    unlisted_server: bool,
}

impl ViolationList {
    pub(crate) fn push(&mut self, violation: Violation) {
        if let Rule::Unlisted { count } = violation.rule {
            // Another list's summary: its count joins this one's.
            self.unlisted += count;
            self.unlisted_server |= !violation.is_client_side();
        } else if self.listed.len() < MAX_LISTED {
            self.listed.push(violation);
        } else {
            self.unlisted += 1;
            self.unlisted_server |= !violation.is_client_side();
        }
    }

    /// How many are listed: a mark to delimit the violations of one part of a body.
    pub(crate) fn len(&self) -> usize {
        self.listed.len()
    }

    /// Whether some violations were counted, not listed.
    pub(crate) fn overflowed(&self) -> bool {
        self.unlisted > 0
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.listed.is_empty() && self.unlisted == 0
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &Violation> {
        self.listed.iter()
    }

    /// Keeps the listed violations for which `keep(index, violation)` holds.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(usize, &Violation) -> bool) {
        let mut index = 0;
        self.listed.retain(|v| {
            let kept = keep(index, v);
            index += 1;
            kept
        });
    }

    /// The violations, ending with the count of those not listed; `Ok` when there are none.
    pub(crate) fn finish(mut self) -> Result<(), ValidationError> {
        if self.unlisted > 0 {
            let count = self.unlisted;
            let origin = if self.unlisted_server {
                RuleOrigin::Server
            } else {
                RuleOrigin::Client
            };
            self.listed.push(Violation::unlisted(count, origin));
        }
        if self.listed.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                violations: self.listed,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_bound_violations_are_counted() {
        let mut list = ViolationList::default();
        for i in 0..MAX_LISTED + 5 {
            list.push(Violation::client(format!("options[{i}]"), Rule::NotEmpty));
        }
        list.push(Violation::server("to", Rule::Required));
        let err = list.finish().unwrap_err();
        assert_eq!(err.violations.len(), MAX_LISTED + 1);
        let last = &err.violations[MAX_LISTED];
        assert_eq!(last.rule, Rule::Unlisted { count: 6 });
        assert_eq!(last.origin, RuleOrigin::Server);
        assert_eq!(
            last.message,
            "6 more problems are not listed (one answer lists at most 1000)"
        );

        let mut merged = ViolationList::default();
        merged.push(Violation::server("to", Rule::Required));
        for v in err.violations {
            merged.push(v);
        }
        let err = merged.finish().unwrap_err();
        assert_eq!(err.violations.len(), MAX_LISTED + 1);
        assert_eq!(err.violations[MAX_LISTED].rule, Rule::Unlisted { count: 7 });
    }

    #[test]
    fn nothing_found_is_ok() {
        assert_eq!(ViolationList::default().finish(), Ok(()));
    }
}
