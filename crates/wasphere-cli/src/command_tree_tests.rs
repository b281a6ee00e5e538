//! Tests over every subcommand and every flag, found by walking clap's command tree, so a
//! command added later is covered without anyone remembering to: each example in each
//! `--help` parses with the CLI's own parser (issue 12, item 10), and no argument that is
//! not UTF-8 makes `wasphere` panic (issue 12, item 7).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use clap::{ArgAction, CommandFactory, Parser};

use crate::cli::Cli;

/// Every command with the path of names that reaches it (`["send", "text"]`).
fn commands() -> Vec<(Vec<String>, clap::Command)> {
    fn walk(path: Vec<String>, cmd: &clap::Command, out: &mut Vec<(Vec<String>, clap::Command)>) {
        out.push((path.clone(), cmd.clone()));
        for sub in cmd.get_subcommands() {
            let mut next = path.clone();
            next.push(sub.get_name().to_owned());
            walk(next, sub, out);
        }
    }
    let mut root = Cli::command();
    root.build();
    let mut out = Vec::new();
    walk(Vec::new(), &root, &mut out);
    out
}

/// A word of a shell command line, or an operator (`|`, `<`, `>`, `2>`…).
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Operator(String),
}

/// Splits `line` as a POSIX shell would for a simple pipeline: quotes, backslashes,
/// comments, pipes and redirections; no expansion.
fn shell_tokens(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    w.push(c);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            w.extend(chars.next());
                        }
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '#' if word.is_none() => break,
            '|' | '<' | '>' => {
                let mut op = String::new();
                if let Some(w) = word.take() {
                    // `2>`: a descriptor number before a redirection belongs to it.
                    if !w.is_empty() && w.chars().all(|d| d.is_ascii_digit()) {
                        op.push_str(&w);
                    } else {
                        tokens.push(Token::Word(w));
                    }
                }
                op.push(c);
                while chars.peek().is_some_and(|&n| n == '>' || n == '&') {
                    op.extend(chars.next());
                }
                tokens.push(Token::Operator(op));
            }
            c if c.is_whitespace() => tokens.extend(word.take().map(Token::Word)),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    tokens.extend(word.map(Token::Word));
    tokens
}

/// The `wasphere` command of an example line: the pipeline stage that runs it, without
/// leading `VAR=value` assignments and without redirections.
fn wasphere_args(example: &str) -> Option<Vec<String>> {
    let tokens = shell_tokens(example);
    for stage in tokens.split(|t| *t == Token::Operator("|".into())) {
        let mut words = Vec::new();
        let mut skip_next = false;
        for token in stage {
            match token {
                Token::Operator(_) => skip_next = true,
                Token::Word(_) if skip_next => skip_next = false,
                Token::Word(w) => words.push(w.clone()),
            }
        }
        let first = words.iter().position(|w| {
            !(w.contains('=')
                && !w.starts_with('-')
                && w.split('=')
                    .next()
                    .is_some_and(|v| v.chars().all(|c| c.is_ascii_uppercase() || c == '_')))
        })?;
        if words[first] == "wasphere" {
            return Some(words[first..].to_vec());
        }
    }
    None
}

/// The examples of a help text: the indented lines under `Example:` or `Examples:` up to
/// the next blank line, continuation lines (ending in `\`) joined.
fn examples(help: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in help.lines() {
        if line.trim_end() == "Example:" || line.trim_end() == "Examples:" {
            in_block = true;
            continue;
        }
        if !in_block {
            continue;
        }
        if line.trim().is_empty() {
            in_block = false;
            continue;
        }
        let text = line.trim();
        match text.strip_suffix('\\') {
            Some(head) => {
                pending.push_str(head);
                pending.push(' ');
            }
            None => {
                pending.push_str(text);
                found.push(std::mem::take(&mut pending));
            }
        }
    }
    found
}

#[test]
fn the_shell_splitter_splits_as_a_shell_does() {
    use Token::{Operator as O, Word as W};
    assert_eq!(
        shell_tokens(r#"A=b wasphere x --t 'it''s' "a \"q\"" c\ d < in.json 2>&1 | jq . # note"#),
        [
            W("A=b".into()),
            W("wasphere".into()),
            W("x".into()),
            W("--t".into()),
            W("its".into()),
            W("a \"q\"".into()),
            W("c d".into()),
            O("<".into()),
            W("in.json".into()),
            O("2>&".into()),
            W("1".into()),
            O("|".into()),
            W("jq".into()),
            W(".".into()),
        ]
    );
    assert_eq!(
        wasphere_args("cat b.json | WASPHERE_X=1 wasphere validate --type text - > out"),
        Some(vec![
            "wasphere".into(),
            "validate".into(),
            "--type".into(),
            "text".into(),
            "-".into()
        ])
    );
}

/// Issue 12, item 10: examples wrapped in the middle of a command, showed `cargo run`, or
/// were missing. Every command has an example of itself, and every example, as a
/// terminal of 80 or 100 columns shows it, is one command that the CLI's parser accepts.
#[test]
fn every_help_example_is_one_command_that_parses() {
    for width in [80, 100] {
        for (path, cmd) in commands() {
            // clap's own `help` subcommand tree only prints the others' help.
            if path.first().is_some_and(|p| p == "help") {
                continue;
            }
            let help = cmd.clone().term_width(width).render_long_help().to_string();
            let found = examples(&help);
            let name = format!("wasphere {}", path.join(" "));
            // `campaign check|run <ROWS> <TYPE>`: the type's flags are those of `send <TYPE>`
            // with placeholders; the rows come before the type, so no example can read
            // `wasphere campaign run text`, and the parent's help shows them.
            let template_type = path.len() == 3 && path[0] == "campaign";
            assert!(
                template_type || found.iter().any(|e| e.contains(name.trim_end())),
                "`{name} --help` at {width} columns has no example of itself:\n{help}"
            );
            for example in found {
                let args = wasphere_args(&example).unwrap_or_else(|| {
                    panic!(
                        "`{name} --help` at {width} columns: not a wasphere command: {example:?}"
                    )
                });
                if let Err(e) = Cli::try_parse_from(&args) {
                    panic!("`{name} --help` at {width} columns: {example:?} does not parse:\n{e}");
                }
            }
        }
    }
}

/// The `wasphere` binary that cargo built beside this test.
fn wasphere_binary() -> PathBuf {
    let path = assert_cmd::cargo::cargo_bin("wasphere");
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test -p wasphere-cli`, which builds it",
        path.display()
    );
    path
}

/// Issue 12, item 7: an argument that was not UTF-8 made `wasphere` panic (exit 101) in
/// the code that reports usage errors. Every flag and positional of every subcommand is
/// given invalid UTF-8, with and without `-o json`: the answer is an error (a usage error,
/// or for a path that does not exist, an I/O error), never a panic.
#[test]
fn invalid_utf8_in_any_argument_is_an_error_not_a_panic() {
    let bad = OsString::from_vec(b"a\xffb".to_vec());
    let binary = wasphere_binary();
    let dir = tempfile::tempdir().unwrap();
    let mut tried = 0;
    for (path, cmd) in commands() {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if matches!(id, "help" | "version") || (arg.is_global_set() && !path.is_empty()) {
                continue;
            }
            let takes_value = !matches!(
                arg.get_action(),
                ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count
            );
            let mut given: Vec<OsString> = path.iter().map(OsString::from).collect();
            match (arg.get_long(), arg.get_short()) {
                (Some(long), _) if takes_value => {
                    given.push(format!("--{long}").into());
                    given.push(bad.clone());
                }
                (Some(long), _) => {
                    let mut flag = OsString::from(format!("--{long}="));
                    flag.push(&bad);
                    given.push(flag);
                }
                (None, Some(short)) => {
                    given.push(format!("-{short}").into());
                    given.push(bad.clone());
                }
                (None, None) => given.push(bad.clone()),
            }
            for json in [false, true] {
                let mut command = Command::new(&binary);
                if json {
                    command.args(["-o", "json"]);
                }
                command
                    .args(&given)
                    .current_dir(dir.path())
                    .env_clear()
                    .env("WASPHERE_CONFIG_DIR", dir.path())
                    .env("NO_COLOR", "1")
                    .stdin(std::process::Stdio::null());
                let output = assert_cmd::Command::from_std(command)
                    .timeout(Duration::from_secs(30))
                    .output()
                    .unwrap();
                let stderr = String::from_utf8_lossy(&output.stderr);
                let code = output.status.code();
                assert!(
                    matches!(code, Some(1 | 2)) && !stderr.contains("panicked"),
                    "wasphere {given:?} (json: {json}) ended with {code:?}:\n{stderr}"
                );
                if json {
                    let last = stderr.lines().last().unwrap_or_default();
                    let parsed: serde_json::Value =
                        serde_json::from_str(last).unwrap_or_else(|e| {
                            panic!(
                                "wasphere -o json {given:?}: stderr is not JSON ({e}):\n{stderr}"
                            )
                        });
                    assert_eq!(parsed["error"]["exitCode"], code.unwrap_or_default());
                }
                tried += 1;
            }
        }
    }
    assert!(
        tried > 100,
        "only {tried} invocations: the walk missed the tree"
    );
}
