//! Reading a body from a file or, for `-`, from stdin.

use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::failure::Failure;

/// The bytes of `path`, or of stdin when `path` is `-`. Refuses to wait on an
/// interactive stdin, where a forgotten pipe would look like a hang.
pub(crate) fn read(path: &Path, what: &str) -> Result<Vec<u8>, Failure> {
    if path.as_os_str() == "-" {
        return read_stdin(what);
    }
    std::fs::read(path)
        .map_err(|e| Failure::other(format!("cannot read {what} from {}: {e}", path.display())))
}

/// All of stdin, unless it is a terminal.
pub(crate) fn read_stdin(what: &str) -> Result<Vec<u8>, Failure> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err(
            Failure::invalid(format!("expected {what} on stdin, but stdin is a terminal"))
                .hint("pipe it in (`< file.json`) or name a file"),
        );
    }
    let mut bytes = Vec::new();
    stdin
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::other(format!("cannot read {what} from stdin: {e}")))?;
    Ok(bytes)
}
