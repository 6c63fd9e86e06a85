//! Parity of the cross-validation splitters with scikit-learn.
//!
//! The fixtures (`tests/fixtures/split_parity.json`) are written by
//! `scripts/gen_split_fixtures.py` (scikit-learn 1.9.1, numpy 2.4.6). Every case is compared
//! exactly: the number of folds and, fold by fold, the train and the test index lists in the
//! order scikit-learn yields them. That includes every shuffled variant (KFold, StratifiedKFold,
//! GroupKFold and StratifiedGroupKFold with shuffle, the repeated k-folds, ShuffleSplit,
//! StratifiedShuffleSplit), since assay reproduces numpy's legacy `RandomState`; the raw
//! `RandomState(seed).permutation(n)` streams and `_approximate_mode` are checked on their own
//! too (`_approximate_mode` by a unit test in `src/splitters/stratified_shuffle_split.rs`, as
//! it is crate-private). Inputs scikit-learn rejects must be rejected. A failure lists every case that differs
//! (`cargo test -p assay-stats --test splitters_parity -- --nocapture`).

use assay_stats::splitters::numpy_random::RandomState;
use assay_stats::splitters::{SplitData, SplitParams, SplitSize, SplitterSpec};
use serde_json::Value;

fn fixtures() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/split_parity.json"
    );
    let text = std::fs::read_to_string(path).expect("read split_parity.json");
    serde_json::from_str(&text).expect("parse split_parity.json")
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_u64().expect("integer") as u32)
        .collect()
}

fn opt_u32s(v: &Value) -> Option<Vec<u32>> {
    (!v.is_null()).then(|| u32s(v))
}

fn size(v: &Value) -> Option<SplitSize> {
    if v.is_null() {
        return None;
    }
    if let Some(f) = v.get("fraction") {
        return Some(SplitSize::Fraction(f.as_f64().expect("fraction")));
    }
    Some(SplitSize::Count(
        v["count"].as_u64().expect("count") as usize
    ))
}

fn params(p: &Value) -> SplitParams {
    let usize_of = |k: &str| p.get(k).and_then(Value::as_u64).map(|x| x as usize);
    SplitParams {
        n_splits: usize_of("n_splits"),
        n_repeats: usize_of("n_repeats"),
        shuffle: p.get("shuffle").and_then(Value::as_bool),
        seed: p.get("seed").and_then(Value::as_u64),
        test_size: p.get("test_size").and_then(size),
        train_size: p.get("train_size").and_then(size),
        gap: usize_of("gap"),
        max_train_size: usize_of("max_train_size"),
        embargo: None,
    }
}

/// One fold's train and test index lists.
type TrainTest = (Vec<u32>, Vec<u32>);

/// Runs a fixture case through assay: the folds as (train, test) lists, or the error message.
fn run(case: &Value) -> Result<Vec<TrainTest>, String> {
    let splitter = case["splitter"].as_str().expect("splitter");
    let n_rows = case["n_rows"].as_u64().expect("n_rows") as usize;
    let classes = opt_u32s(&case["classes"]);
    let groups = opt_u32s(&case["groups"]);
    let mut data = SplitData::new(n_rows);
    if let Some(c) = &classes {
        data = data.with_classes(c);
    }
    if let Some(g) = &groups {
        data = data.with_groups(g);
    }
    let spec =
        SplitterSpec::from_name(splitter, &params(&case["params"])).map_err(|e| e.to_string())?;
    let folds = spec.split(&data).map_err(|e| e.to_string())?;
    Ok(folds
        .iter()
        .map(|f| {
            assert_eq!(f.train().len(), f.train_len());
            assert_eq!(f.test().len(), f.test_len());
            (f.train_to_vec(), f.test_to_vec())
        })
        .collect())
}

#[test]
fn fixtures_record_their_versions() {
    let fx = fixtures();
    assert_eq!(fx["versions"]["sklearn"], "1.9.1");
    assert_eq!(fx["versions"]["numpy"], "2.4.6");
}

#[test]
fn every_case_matches_sklearn_exactly() {
    let fx = fixtures();
    let cases = fx["cases"].as_array().expect("cases");
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let mut failures = Vec::new();
    let mut per_splitter = std::collections::BTreeMap::<String, usize>::new();
    for case in cases {
        let name = case["name"].as_str().expect("name");
        *per_splitter
            .entry(case["splitter"].as_str().expect("splitter").to_string())
            .or_default() += 1;
        let want: Vec<TrainTest> = case["folds"]
            .as_array()
            .expect("folds")
            .iter()
            .map(|f| (u32s(&f[0]), u32s(&f[1])))
            .collect();
        match run(case) {
            Err(e) => failures.push(format!("{name}: assay error: {e}")),
            Ok(got) if got.len() != want.len() => failures.push(format!(
                "{name}: {} folds, scikit-learn {}",
                got.len(),
                want.len()
            )),
            Ok(got) => {
                for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                    if g.0 != w.0 {
                        failures.push(format!("{name}: fold {i} train {:?} != {:?}", g.0, w.0));
                    }
                    if g.1 != w.1 {
                        failures.push(format!("{name}: fold {i} test {:?} != {:?}", g.1, w.1));
                    }
                }
            }
        }
    }
    println!("cases per splitter: {per_splitter:?}");
    assert_eq!(
        per_splitter.len(),
        10,
        "every scikit-learn splitter has cases"
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn inputs_sklearn_rejects_are_rejected() {
    let fx = fixtures();
    let cases = fx["error_cases"].as_array().expect("error_cases");
    assert!(!cases.is_empty());
    let mut accepted = Vec::new();
    for case in cases {
        match run(case) {
            Err(e) => println!(
                "{}: assay `{e}`; scikit-learn `{}`",
                case["name"].as_str().unwrap_or(""),
                case["sklearn_error"].as_str().unwrap_or("")
            ),
            Ok(_) => accepted.push(case["name"].as_str().unwrap_or("").to_string()),
        }
    }
    assert!(accepted.is_empty(), "assay accepted: {accepted:?}");
}

#[test]
fn numpy_permutations_match() {
    let fx = fixtures();
    for p in fx["permutations"].as_array().expect("permutations") {
        let seed = p["seed"].as_u64().expect("seed") as u32;
        let n = p["n"].as_u64().expect("n") as u32;
        assert_eq!(
            RandomState::new(seed).permutation(n),
            u32s(&p["permutation"]),
            "RandomState({seed}).permutation({n})"
        );
    }
}
