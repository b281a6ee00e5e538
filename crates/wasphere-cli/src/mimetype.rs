//! `--mimetype` from `--file-name` when it is omitted: the extensions people send as
//! WhatsApp documents. An unknown extension is an error rather than a guess, since a
//! wrong type makes the recipient's phone open the file with the wrong app.

/// The MIME type for `file_name`'s extension (case-insensitive), if known.
pub(crate) fn from_file_name(file_name: &str) -> Option<&'static str> {
    let (_, ext) = file_name.rsplit_once('.')?;
    let ext = ext.to_ascii_lowercase();
    Some(match ext.as_str() {
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "rtf" => "application/rtf",
        "epub" => "application/epub+zip",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "md" => "text/markdown",
        "html" | "htm" => "text/html",
        "ics" => "text/calendar",
        "vcf" => "text/vcard",
        "json" => "application/json",
        "xml" => "application/xml",
        "yaml" | "yml" => "application/yaml",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "tar" => "application/x-tar",
        "7z" => "application/x-7z-compressed",
        "rar" => "application/vnd.rar",
        "apk" => "application/vnd.android.package-archive",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "heic" => "image/heic",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "tif" | "tiff" => "image/tiff",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "3gp" => "video/3gpp",
        "mp3" => "audio/mpeg",
        "ogg" | "opus" => "audio/ogg",
        "m4a" => "audio/mp4",
        "aac" => "audio/aac",
        "wav" => "audio/wav",
        "amr" => "audio/amr",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extensions_any_case() {
        assert_eq!(from_file_name("report.pdf"), Some("application/pdf"));
        assert_eq!(from_file_name("Photo.JPG"), Some("image/jpeg"));
        assert_eq!(from_file_name("archive.tar.gz"), Some("application/gzip"));
    }

    #[test]
    fn unknown_or_missing_extensions_are_none() {
        assert_eq!(from_file_name("README"), None);
        assert_eq!(from_file_name("data.xyz"), None);
        assert_eq!(from_file_name("trailing."), None);
    }

    #[test]
    fn every_inferred_type_passes_the_server_pattern() {
        for ext in [
            "pdf", "docx", "xlsx", "pptx", "epub", "svg", "vcf", "7z", "3gp", "mkv",
        ] {
            let t = from_file_name(&format!("a.{ext}")).unwrap();
            assert!(wasphere_types::is_mimetype(t), "{t}");
        }
    }
}
