//! `--help` of every subcommand (snapshots: a change of the interface shows up in review),
//! `--version`, and `completions`.

#![allow(clippy::unwrap_used)]

mod common;

use common::{stderr, stdout, wasphere};

fn help(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path())
        .args(args)
        .arg("--help")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?}: {}",
        stderr(&output)
    );
    stdout(&output)
}

#[test]
fn help_of_every_subcommand() {
    let commands: &[&[&str]] = &[
        &[],
        &["send"],
        &["send", "text"],
        &["send", "image"],
        &["send", "video"],
        &["send", "audio"],
        &["send", "document"],
        &["send", "gif"],
        &["send", "sticker"],
        &["send", "location"],
        &["send", "contact"],
        &["send", "poll"],
        &["send", "buttons"],
        &["send", "list"],
        &["send", "view-once"],
        &["send", "reaction"],
        &["message"],
        &["message", "edit"],
        &["message", "delete"],
        &["message", "read"],
        &["typing"],
        &["presence"],
        &["validate"],
        &["campaign"],
        &["campaign", "check"],
        &["campaign", "run"],
        &["campaign", "resume"],
        &["campaign", "status"],
        &["campaign", "export"],
        &["schema"],
        &["sandbox"],
        &["webhook"],
        &["webhook", "verify"],
        &["webhook", "listen"],
        &["webhook", "trigger"],
        &["doctor"],
        &["demo"],
        &["config"],
        &["config", "set"],
        &["config", "get"],
        &["config", "list"],
        &["config", "unset"],
        &["completions"],
    ];
    for args in commands {
        let text = help(args);
        let name = if args.is_empty() {
            "wasphere".to_owned()
        } else {
            format!("wasphere-{}", args.join("-"))
        };
        // Every leaf command shows an example of itself.
        let is_group = matches!(
            *args,
            ["send"] | ["message"] | ["webhook"] | ["config"] | ["campaign"] | []
        );
        if !is_group {
            assert!(
                text.contains("Example") && text.contains(&format!("wasphere {}", args.join(" "))),
                "{name} has no example of itself"
            );
        }
        // The campaign commands (issue 10) end with their examples, where a reader looks.
        if args.first() == Some(&"campaign") {
            let last = text.trim_end().rsplit("\n\n").next().unwrap_or_default();
            assert!(
                last.starts_with("Example"),
                "{name} does not end with its examples: {last:?}"
            );
        }
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn top_level_help_documents_every_exit_code() {
    let text = help(&[]);
    for code in 0..=8 {
        assert!(text.contains(&format!("\n  {code}  ")), "exit code {code}");
    }
}

#[test]
fn version_is_the_crate_version() {
    let dir = tempfile::tempdir().unwrap();
    let output = wasphere(dir.path()).arg("--version").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stdout(&output),
        format!("wasphere {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn completions_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = wasphere(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = stdout(&output);
        assert!(script.contains("wasphere"), "{shell}");
        assert!(
            script.contains("view-once"),
            "{shell}: completes send types"
        );
    }
    let output = wasphere(dir.path())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
