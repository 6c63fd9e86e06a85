//! The reference values of `tests/fixtures/reference_values.json` for unit tests: written by
//! `scripts/gen_reference_fixtures.py` from scipy, scikit-learn and statsmodels (versions
//! recorded in the file).

use serde_json::Value;

/// Every case of one section (`contingency`, `z_test`, `anderson_ksamp`, `classification`).
pub fn section(name: &str) -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/reference_values.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture file present");
    let all: Value = serde_json::from_str(&text).expect("fixture is valid JSON");
    all[name]
        .as_array()
        .unwrap_or_else(|| panic!("no section {name} in the fixture"))
        .clone()
}

/// The case `name` of a section.
pub fn case(section_name: &str, name: &str) -> Value {
    section(section_name)
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {section_name} case {name} in the fixture"))
}
