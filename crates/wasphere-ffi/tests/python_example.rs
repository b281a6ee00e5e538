//! Runs `examples/python/test_wasphere.py` (unittest, standard library only) with
//! python3 against a sandbox, through the cdylib of this build.
#![allow(missing_docs, clippy::unwrap_used)]

mod common;

use std::process::Command;

#[test]
fn the_python_module_passes_its_tests_against_a_sandbox() {
    let lib = common::library_dir("python");
    let sandbox = common::Harness::start();
    let run = Command::new("python3")
        .args(["-B", "-m", "unittest", "-v", "test_wasphere"])
        .current_dir(common::crate_dir().join("examples/python"))
        .env("WASPHERE_LIB", &lib.library)
        .env("WASPHERE_BASE_URL", &sandbox.base_url)
        .output()
        .expect("python3 is needed to run the Python example's tests");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "the Python tests failed:\n{}\n{stderr}",
        String::from_utf8_lossy(&run.stdout)
    );
    // unittest reports on stderr; make sure the tests really ran.
    let ran: usize = stderr
        .lines()
        .find_map(|l| {
            l.strip_prefix("Ran ")?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .unwrap_or(0);
    assert!(ran >= 15, "only {ran} Python tests ran:\n{stderr}");
    assert!(stderr.contains("\nOK"), "{stderr}");
}
