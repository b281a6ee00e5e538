//! Generated files: what a task produces, writing it to the tree, and comparing it with the tree.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// One file a task generates, with its contents.
pub(crate) struct GeneratedFile {
    /// The path relative to the workspace root, with `/` separators.
    pub(crate) path: String,
    pub(crate) contents: String,
}

/// A task that generates committed files. `cargo xtask check` compares the output of
/// every producer in [`crate::check::PRODUCERS`] with the tree.
pub(crate) struct Producer {
    /// The xtask task that writes these files (`cargo xtask <task>`).
    pub(crate) task: &'static str,
    /// A directory (relative to the root) that holds only this producer's files, and
    /// the file-name suffix they share: any other file with that suffix there is extra.
    /// `None` when the producer writes single files among hand-written ones.
    pub(crate) owned_dir: Option<(&'static str, &'static str)>,
    /// Generates every file in memory; `root` is the workspace root.
    pub(crate) generate: fn(&Path) -> Result<Vec<GeneratedFile>, String>,
}

/// How a file in the tree differs from what the code generates.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Drift {
    /// The file exists with other contents.
    Stale(String),
    /// The file should exist and does not.
    Missing(String),
    /// The file sits in a generated directory but nothing generates it any more.
    Extra(String),
}

impl Drift {
    pub(crate) fn describe(&self) -> String {
        match self {
            Drift::Stale(path) => format!("stale:   {path}"),
            Drift::Missing(path) => format!("missing: {path}"),
            Drift::Extra(path) => format!("extra:   {path}"),
        }
    }
}

/// Files with the suffix in the producer's owned directory, relative to `root`, sorted.
fn existing_owned_files(root: &Path, producer: &Producer) -> Result<BTreeSet<String>, String> {
    let Some((dir, suffix)) = producer.owned_dir else {
        return Ok(BTreeSet::new());
    };
    let entries = match fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeSet::new()),
        Err(e) => return Err(format!("cannot list {dir}: {e}")),
    };
    let mut files = BTreeSet::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {dir}: {e}"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(suffix) && entry.path().is_file() {
            files.insert(format!("{dir}/{name}"));
        }
    }
    Ok(files)
}

/// Compares the producer's output with the tree under `root`.
pub(crate) fn drift(root: &Path, producer: &Producer) -> Result<Vec<Drift>, String> {
    let files = (producer.generate)(root)?;
    let mut drifts = Vec::new();
    for file in &files {
        match fs::read(root.join(&file.path)) {
            Ok(on_disk) if on_disk == file.contents.as_bytes() => {}
            Ok(_) => drifts.push(Drift::Stale(file.path.clone())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                drifts.push(Drift::Missing(file.path.clone()));
            }
            Err(e) => return Err(format!("cannot read {}: {e}", file.path)),
        }
    }
    let generated: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for path in existing_owned_files(root, producer)? {
        if !generated.contains(path.as_str()) {
            drifts.push(Drift::Extra(path));
        }
    }
    Ok(drifts)
}

/// Writes the producer's files under `root` and removes extra files from its owned
/// directory, so that `check` passes afterwards. Returns the paths written.
pub(crate) fn write(root: &Path, producer: &Producer) -> Result<Vec<PathBuf>, String> {
    let files = (producer.generate)(root)?;
    let generated: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for path in existing_owned_files(root, producer)? {
        if !generated.contains(path.as_str()) {
            fs::remove_file(root.join(&path)).map_err(|e| format!("cannot remove {path}: {e}"))?;
        }
    }
    let mut written = Vec::with_capacity(files.len());
    for file in &files {
        let target = root.join(&file.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        fs::write(&target, &file.contents)
            .map_err(|e| format!("cannot write {}: {e}", file.path))?;
        written.push(target);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_files(_: &Path) -> Result<Vec<GeneratedFile>, String> {
        Ok(vec![
            GeneratedFile {
                path: "out/a.gen".into(),
                contents: "a\n".into(),
            },
            GeneratedFile {
                path: "out/b.gen".into(),
                contents: "b\n".into(),
            },
        ])
    }

    const TWO: Producer = Producer {
        task: "two",
        owned_dir: Some(("out", ".gen")),
        generate: two_files,
    };

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn finds_every_kind_of_drift_and_write_repairs_it() {
        let root = scratch("drift");
        fs::create_dir_all(root.join("out")).unwrap();
        fs::write(root.join("out/a.gen"), "old\n").unwrap();
        fs::write(root.join("out/gone.gen"), "x\n").unwrap();
        fs::write(root.join("out/README.md"), "hand-written\n").unwrap();
        assert_eq!(
            drift(&root, &TWO).unwrap(),
            vec![
                Drift::Stale("out/a.gen".into()),
                Drift::Missing("out/b.gen".into()),
                Drift::Extra("out/gone.gen".into()),
            ]
        );
        write(&root, &TWO).unwrap();
        assert_eq!(drift(&root, &TWO).unwrap(), vec![]);
        // Files without the producer's suffix are not its business.
        assert!(root.join("out/README.md").exists());
        fs::remove_dir_all(&root).unwrap();
    }
}
