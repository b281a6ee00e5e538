//! Properties of templates: cells are data, whatever they hold; a missing column is an
//! error of that row, never a crash.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use wasphere_campaign::{Check, CsvRows, Row, RowProblem, Template};
use wasphere_types::MessageType;

fn template() -> Template {
    Template::new(
        MessageType::Text,
        r#"{"to": "{{ phone }}", "text": "A {{ a }} B {{ b }}", "quotedId": "{{ a }}"}"#,
    )
    .unwrap()
}

/// Printable text with what breaks naive JSON templating mixed in.
fn cell() -> impl Strategy<Value = String> {
    let nasty = prop::sample::select(vec![
        "\"",
        "\\",
        "\n",
        "\r\n",
        "\t",
        "😀",
        "❤️",
        "{{ a }}",
        "{% if %}",
        "</script>",
        "\u{2028}",
        "'",
        "}",
        "{",
        "\\u0000",
    ]);
    prop::collection::vec(
        prop_oneof![3 => "\\PC{0,8}", 1 => nasty.prop_map(str::to_owned)],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_printable_cells_render_to_the_json_of_those_cells(a in cell(), b in cell()) {
        let row = Row::from_pairs(2, [("phone", "923001234567"), ("a", a.as_str()), ("b", b.as_str())]);
        let body = template().render(&row).unwrap();
        let text = serde_json::to_string(&body).unwrap();
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(&back["text"], &serde_json::Value::String(format!("A {a} B {b}")));
        prop_assert_eq!(&back["quotedId"], &serde_json::Value::String(a.clone()));
        prop_assert_eq!(back.as_object().unwrap().len(), 3);
    }

    #[test]
    fn a_missing_column_is_an_error_of_the_row(a in cell(), drop_b in any::<bool>()) {
        let mut pairs = vec![("phone", "923001234567".to_owned()), ("a", a)];
        if !drop_b {
            pairs.push(("b", "x".to_owned()));
        }
        let row = Row::from_pairs(9, pairs);
        match template().render(&row) {
            Ok(_) => prop_assert!(!drop_b),
            Err(problems) => {
                prop_assert!(drop_b);
                prop_assert_eq!(
                    problems,
                    vec![RowProblem::MissingColumn { path: "text".to_owned(), column: "b".to_owned() }]
                );
            }
        }
    }

    #[test]
    fn check_never_panics_and_counts_every_row(cells in prop::collection::vec((cell(), cell(), cell()), 0..20)) {
        let mut csv = csv::Writer::from_writer(Vec::new());
        csv.write_record(["phone", "a", "b"]).unwrap();
        for (phone, a, b) in &cells {
            csv.write_record([phone, a, b]).unwrap();
        }
        let bytes = csv.into_inner().unwrap();
        let template = template();
        let mut reported = 0u64;
        let summary = Check::new(&template)
            .run(CsvRows::from_reader(bytes.as_slice(), b',').unwrap(), |f| {
                if matches!(f, wasphere_campaign::Finding::Invalid(_)) {
                    reported += 1;
                }
            })
            .unwrap();
        prop_assert_eq!(summary.rows, cells.len() as u64);
        prop_assert_eq!(summary.valid + summary.invalid, summary.rows);
        prop_assert_eq!(reported, summary.invalid);
    }
}
