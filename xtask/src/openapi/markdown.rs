//! The little Markdown the document's descriptions use, as HTML: paragraphs, `##`
//! headings, `-` lists, `code` and **bold**. Everything else is escaped text.

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `code` spans and **bold** in one line of text.
fn inline(text: &str) -> String {
    let mut out = String::new();
    // Code spans first: nothing inside them is formatting.
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(&escape(part));
            out.push_str("</code>");
        } else {
            for (j, plain) in part.split("**").enumerate() {
                if j % 2 == 1 {
                    out.push_str("<strong>");
                    out.push_str(&escape(plain));
                    out.push_str("</strong>");
                } else {
                    out.push_str(&escape(plain));
                }
            }
        }
    }
    out
}

/// A description as HTML blocks.
pub(crate) fn to_html(text: &str) -> String {
    let mut out = String::new();
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block.lines().collect();
        let Some(first) = lines.first() else {
            continue;
        };
        if let Some(heading) = first.strip_prefix("## ") {
            out.push_str(&format!("<h4>{}</h4>\n", inline(heading)));
            let rest = lines[1..].join("\n");
            if !rest.trim().is_empty() {
                out.push_str(&to_html(&rest));
            }
        } else if first.starts_with("- ") {
            out.push_str("<ul>\n");
            // A list item runs on until the next line starting with "- ".
            let mut items: Vec<String> = Vec::new();
            for line in &lines {
                match line.strip_prefix("- ") {
                    Some(item) => items.push(item.to_owned()),
                    None => {
                        if let Some(last) = items.last_mut() {
                            last.push(' ');
                            last.push_str(line.trim());
                        }
                    }
                }
            }
            for item in items {
                out.push_str(&format!("<li>{}</li>\n", inline(&item)));
            }
            out.push_str("</ul>\n");
        } else {
            out.push_str(&format!("<p>{}</p>\n", inline(&lines.join(" "))));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_subset_and_escapes_the_rest() {
        assert_eq!(
            to_html("## Rate <limit>\n60 per **minute**: `a<b`.\n\n- one\n  more\n- two"),
            "<h4>Rate &lt;limit&gt;</h4>\n<p>60 per <strong>minute</strong>: <code>a&lt;b</code>.</p>\n<ul>\n<li>one more</li>\n<li>two</li>\n</ul>\n"
        );
        assert_eq!(inline("`**not bold**`"), "<code>**not bold**</code>");
    }
}
