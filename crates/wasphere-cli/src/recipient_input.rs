//! A recipient as people type it (`+92 300 1234567`), cleaned up to what the API takes
//! (`923001234567`), saying so on stderr.

use wasphere_types::Recipient;

use crate::output::Output;

/// Rewrites `to` when it can be cleaned up, with a notice saying how. A `to` that cannot
/// be is left for validation to report.
pub(crate) fn normalise_recipient(to: &mut String, out: &Output) {
    let Ok(lenient) = Recipient::parse_lenient(to) else {
        return;
    };
    if lenient.changes.is_empty() {
        return;
    }
    let changes: Vec<String> = lenient.changes.iter().map(ToString::to_string).collect();
    out.notice(&format!(
        "sending to {} ({} from {:?})",
        lenient.recipient,
        changes.join(", "),
        to
    ));
    *to = lenient.recipient.into();
}
