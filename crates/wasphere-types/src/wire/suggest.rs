//! The known field an unknown key most likely means: the same word cased or separated
//! differently (`filename`, `file_name` for `fileName`), the word another WhatsApp API uses
//! for it (`phone` for `phoneNumber`, `lat` for `latitude`), or a typo (`captoin`).

/// Words people bring from other WhatsApp APIs and SDKs, each with the fields here it may
/// mean, most likely first. Written normalized (see [`normalized`]).
const ALIASES: &[(&str, &[&str])] = &[
    // Recipients and contacts.
    ("name", &["displayName", "fileName"]),
    ("fullname", &["displayName"]),
    ("contactname", &["displayName"]),
    ("phone", &["phoneNumber", "to"]),
    ("number", &["phoneNumber", "to"]),
    ("mobile", &["phoneNumber", "to"]),
    ("tel", &["phoneNumber", "to"]),
    ("telephone", &["phoneNumber", "to"]),
    ("contactnumber", &["phoneNumber"]),
    ("waid", &["phoneNumber", "to"]),
    ("recipient", &["to"]),
    ("receiver", &["to"]),
    ("destination", &["to"]),
    ("chatid", &["to"]),
    ("jid", &["to"]),
    ("remotejid", &["to"]),
    // Text and labels.
    ("body", &["text", "caption"]),
    ("message", &["text", "caption"]),
    ("msg", &["text", "caption"]),
    ("content", &["text", "caption"]),
    ("caption", &["text"]),
    ("text", &["caption"]),
    ("label", &["text", "buttonText"]),
    ("title", &["text", "name"]),
    ("displaytext", &["text", "buttonText"]),
    ("header", &["title", "text"]),
    ("question", &["name"]),
    ("footertext", &["footer"]),
    ("button", &["buttonText"]),
    ("buttonlabel", &["buttonText"]),
    ("buttontitle", &["buttonText"]),
    ("desc", &["description"]),
    ("subtitle", &["description"]),
    ("buttonid", &["id"]),
    ("rowid", &["id"]),
    // Media.
    ("link", &["url"]),
    ("href", &["url"]),
    ("src", &["url"]),
    ("uri", &["url"]),
    ("media", &["url"]),
    ("mediaurl", &["url"]),
    ("fileurl", &["url"]),
    ("imageurl", &["url"]),
    ("videourl", &["url"]),
    ("audiourl", &["url"]),
    ("documenturl", &["url"]),
    ("stickerurl", &["url"]),
    ("gifurl", &["url"]),
    ("image", &["url"]),
    ("video", &["url"]),
    ("audio", &["url"]),
    ("document", &["url"]),
    ("sticker", &["url"]),
    ("gif", &["url"]),
    ("mime", &["mimetype"]),
    ("contenttype", &["mimetype"]),
    ("filetype", &["mimetype"]),
    ("mediatype", &["mimetype"]),
    ("documentname", &["fileName"]),
    ("ptt", &["isVoiceNote"]),
    ("voice", &["isVoiceNote"]),
    ("voicenote", &["isVoiceNote"]),
    ("isvoice", &["isVoiceNote"]),
    ("isptt", &["isVoiceNote"]),
    // Location.
    ("lat", &["latitude"]),
    ("lng", &["longitude"]),
    ("lon", &["longitude"]),
    ("long", &["longitude"]),
    // Polls.
    ("choices", &["options"]),
    ("answers", &["options"]),
    ("values", &["options"]),
    ("polloptions", &["options"]),
    ("selectable", &["selectableCount"]),
    ("maxselections", &["selectableCount"]),
    ("maxanswers", &["selectableCount"]),
    ("multiselect", &["selectableCount"]),
    ("selectableoptionscount", &["selectableCount"]),
    // Replies and reactions.
    ("quoted", &["quotedId"]),
    ("quote", &["quotedId"]),
    ("quotedmessageid", &["quotedId"]),
    ("quotedmsgid", &["quotedId"]),
    ("reply", &["quotedId"]),
    ("replyto", &["quotedId"]),
    ("replytoid", &["quotedId"]),
    ("replytomessageid", &["quotedId"]),
    ("contextid", &["quotedId"]),
    ("reaction", &["emoji"]),
    ("react", &["emoji"]),
    ("id", &["messageId"]),
    ("msgid", &["messageId"]),
    ("key", &["messageId"]),
    ("targetid", &["messageId"]),
    ("isfromme", &["fromMe"]),
    ("own", &["fromMe"]),
];

/// Keys longer than this are not compared: no field name is near, and comparing costs.
const LONGEST_KEY: usize = 64;

/// The field of `fields` that `key` most likely means, if one is close enough.
pub(crate) fn likely_meant(key: &str, fields: &[&'static str]) -> Option<&'static str> {
    if key.len() > LONGEST_KEY {
        return None;
    }
    let key = normalized(key);
    if key.is_empty() {
        return None;
    }
    if let Some(same) = fields.iter().find(|f| normalized(f) == key) {
        return Some(same);
    }
    if let Some((_, meanings)) = ALIASES.iter().find(|(alias, _)| *alias == key)
        && let Some(meant) = meanings.iter().find(|m| fields.contains(m))
    {
        return Some(meant);
    }
    let key: Vec<char> = key.chars().collect();
    let budget = match key.len() {
        0..=4 => 1,
        5..=8 => 2,
        _ => 3,
    };
    fields
        .iter()
        .map(|f| (edits(&key, &normalized(f).chars().collect::<Vec<_>>()), *f))
        .filter(|(d, _)| *d <= budget)
        .min_by_key(|(d, _)| *d)
        .map(|(_, f)| f)
}

/// Lowercase, without the separators of snake_case, kebab-case and dotted names.
fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | ' ' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Edits between `a` and `b`: insertions, deletions, substitutions and swaps of two
/// neighbours, each counting one (optimal string alignment distance).
fn edits(a: &[char], b: &[char]) -> usize {
    // Three rows of the usual table: the one before last is needed for swaps.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut last: Vec<usize> = (0..=b.len()).collect();
    let mut row: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        row[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            row[j] = best;
        }
        std::mem::swap(&mut before, &mut last);
        std::mem::swap(&mut last, &mut row);
    }
    last[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCUMENT: &[&str] = &["to", "url", "fileName", "mimetype"];
    const CONTACT: &[&str] = &["to", "displayName", "phoneNumber"];
    const BUTTON: &[&str] = &["id", "text"];
    const TEXT: &[&str] = &["to", "text", "quotedId"];
    const LOCATION: &[&str] = &["to", "latitude", "longitude", "name", "address"];
    const IMAGE: &[&str] = &["to", "url", "caption"];

    #[test]
    fn casing_and_separators() {
        for key in ["filename", "file_name", "FileName", "file-name", "FILENAME"] {
            assert_eq!(likely_meant(key, DOCUMENT), Some("fileName"), "{key}");
        }
        for key in ["mimeType", "mime_type", "MimeType"] {
            assert_eq!(likely_meant(key, DOCUMENT), Some("mimetype"), "{key}");
        }
        assert_eq!(likely_meant("display_name", CONTACT), Some("displayName"));
        assert_eq!(likely_meant("quoted_id", TEXT), Some("quotedId"));
    }

    #[test]
    fn words_from_other_apis() {
        assert_eq!(likely_meant("name", CONTACT), Some("displayName"));
        assert_eq!(likely_meant("phone", CONTACT), Some("phoneNumber"));
        assert_eq!(likely_meant("name", DOCUMENT), Some("fileName"));
        assert_eq!(likely_meant("label", BUTTON), Some("text"));
        assert_eq!(likely_meant("title", BUTTON), Some("text"));
        assert_eq!(likely_meant("body", TEXT), Some("text"));
        assert_eq!(likely_meant("message", TEXT), Some("text"));
        assert_eq!(likely_meant("lat", LOCATION), Some("latitude"));
        assert_eq!(likely_meant("lng", LOCATION), Some("longitude"));
        assert_eq!(likely_meant("text", IMAGE), Some("caption"));
        assert_eq!(likely_meant("phone", TEXT), Some("to"));
    }

    #[test]
    fn typos() {
        assert_eq!(likely_meant("captoin", IMAGE), Some("caption"));
        assert_eq!(likely_meant("lattitude", LOCATION), Some("latitude"));
        assert_eq!(likely_meant("adress", LOCATION), Some("address"));
        assert_eq!(likely_meant("mimetpye", DOCUMENT), Some("mimetype"));
        assert_eq!(likely_meant("ulr", DOCUMENT), Some("url"));
    }

    #[test]
    fn only_fields_of_the_object_and_only_when_close() {
        assert_eq!(likely_meant("caption", DOCUMENT), None);
        assert_eq!(likely_meant("colour", DOCUMENT), None);
        assert_eq!(likely_meant("x", TEXT), None);
        assert_eq!(likely_meant("", TEXT), None);
        assert_eq!(likely_meant("name", TEXT), None);
        assert_eq!(likely_meant(&"filename".repeat(20), DOCUMENT), None);
        assert_eq!(likely_meant("phone", &[]), None);
    }

    #[test]
    fn edit_distances() {
        let d = |a: &str, b: &str| {
            edits(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("", ""), 0);
        assert_eq!(d("abc", ""), 3);
        assert_eq!(d("", "ab"), 2);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("ab", "ba"), 1);
        assert_eq!(d("caption", "captoin"), 1);
        assert_eq!(d("ca", "abc"), 3);
    }
}
