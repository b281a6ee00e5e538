//! The chat JID of a recipient, as webhooks name it.

/// `to` as a JID: kept when it already is one (`…@s.whatsapp.net`, `…@g.us`, `…@lid`),
/// otherwise its digits at `@s.whatsapp.net`.
pub(crate) fn recipient_jid(to: &str) -> String {
    if to.contains('@') {
        to.to_owned()
    } else {
        let digits: String = to.chars().filter(char::is_ascii_digit).collect();
        format!("{digits}@s.whatsapp.net")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_jids_and_jids_stay() {
        assert_eq!(recipient_jid("923001234567"), "923001234567@s.whatsapp.net");
        assert_eq!(recipient_jid("120363@g.us"), "120363@g.us");
    }
}
