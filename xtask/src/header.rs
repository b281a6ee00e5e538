//! `cargo xtask header`: the C header of `wasphere-ffi`, generated with cbindgen from the
//! crate's `extern "C"` functions and constants, and committed so C users need no Rust.

use std::path::Path;

use crate::generated::{self, GeneratedFile, Producer};

/// The crate the header describes, relative to the workspace root.
const CRATE_DIR: &str = "crates/wasphere-ffi";
/// The header, relative to the workspace root.
const HEADER: &str = "crates/wasphere-ffi/include/wasphere.h";

/// The header, for `check`.
pub(crate) const PRODUCER: Producer = Producer {
    task: "header",
    owned_dir: None,
    generate,
};

/// Runs cbindgen with `crates/wasphere-ffi/cbindgen.toml`.
fn generate(root: &Path) -> Result<Vec<GeneratedFile>, String> {
    let crate_dir = root.join(CRATE_DIR);
    let config = cbindgen::Config::from_root_or_default(&crate_dir);
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_crate(&crate_dir)
        .generate()
        .map_err(|e| format!("cbindgen failed on {CRATE_DIR}: {e}"))?;
    let mut bytes = Vec::new();
    bindings.write(&mut bytes);
    let contents =
        String::from_utf8(bytes).map_err(|e| format!("cbindgen wrote non-UTF-8 text: {e}"))?;
    Ok(vec![GeneratedFile {
        path: HEADER.to_owned(),
        contents,
    }])
}

/// Writes the header.
pub(crate) fn run(root: &Path) -> Result<(), String> {
    generated::write(root, &PRODUCER)?;
    println!("wrote {HEADER}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_declares_the_whole_surface() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let files = generate(root).unwrap();
        let header = &files[0].contents;
        for needle in [
            "#ifndef WASPHERE_H",
            "typedef struct WasphereClient WasphereClient;",
            "#define WASPHERE_OK 0",
            "#define WASPHERE_ERR_OUTCOME_UNKNOWN 8",
            "const char *wasphere_version(void);",
            "int32_t wasphere_validate(const char *type, const char *body_json, char **error_json);",
            "void wasphere_string_free(char *s);",
            "size_t body_len",
            "WasphereClient *wasphere_client_new(const char *config_json, char **error_json);",
            "void wasphere_client_free(WasphereClient *client);",
        ] {
            assert!(header.contains(needle), "missing {needle:?} in:\n{header}");
        }
    }
}
