//! Every number that sizes an allocation is refused outside its range when the suite loads,
//! with a message naming the key (and, from a file, its line): see `assay_checks::limits`.

use assay_checks::suite::{LoadedSuite, Suite, SuiteError};

/// A suite reading `data.csv` with `sections` (YAML, each ending in a newline) and `checks`
/// (list entries, each ending in a newline).
fn suite_text(sections: &str, checks: &str) -> String {
    format!("data:\n  current: data.csv\n{sections}checks:\n{checks}")
}

const NULL_SHARE: &str = "  - check: integrity.null_share\n";

/// Parses `yaml` and builds the suite in memory (no file, so no line).
fn in_memory(yaml: &str) -> Result<LoadedSuite, SuiteError> {
    let suite: Suite = serde_norway::from_str(yaml).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    LoadedSuite::from_suite(suite, "limits test")
}

/// Writes `yaml` to a suite file and loads it.
fn from_file(yaml: &str) -> Result<LoadedSuite, SuiteError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("suite.yaml");
    std::fs::write(&path, yaml).unwrap();
    LoadedSuite::load(path.to_str().unwrap())
}

/// Asserts `yaml` is refused in memory and from a file, naming `key` (and, from the file,
/// pointing at the first line containing `line_needle`).
fn assert_refused(yaml: &str, key: &str, line_needle: &str) -> String {
    let e = match in_memory(yaml) {
        Ok(_) => panic!("accepted in memory:\n{yaml}"),
        Err(e) => e,
    };
    assert!(e.message.contains(key), "{} does not name {key}", e.message);
    assert_eq!(e.line, None, "{e}");
    let e = match from_file(yaml) {
        Ok(_) => panic!("accepted from a file:\n{yaml}"),
        Err(e) => e,
    };
    assert!(e.message.contains(key), "{} does not name {key}", e.message);
    let expected = yaml
        .lines()
        .position(|l| l.contains(line_needle))
        .map(|i| i + 1);
    assert!(expected.is_some(), "no line with {line_needle}");
    assert_eq!(e.line, expected, "{e}\n{yaml}");
    e.message
}

fn assert_accepted(yaml: &str) {
    if let Err(e) = in_memory(yaml) {
        panic!("refused in memory: {e}\n{yaml}");
    }
    if let Err(e) = from_file(yaml) {
        panic!("refused from a file: {e}\n{yaml}");
    }
}

#[test]
fn defaults_and_range_ends_are_accepted() {
    assert_accepted(&suite_text("", NULL_SHARE));
    for sections in [
        "options:\n  histogram_bins: 1\n",
        "options:\n  histogram_bins: 1000\n",
        "options:\n  exact_distinct_cap: 1000000\n",
        "options:\n  exact_distinct_cap: 0\n",
        "options:\n  rows_memory_mib: 0\n",
        "options:\n  rows_memory_mib: 1048576\n",
        "evaluation:\n  bootstrap_rounds: 0\n",
        "evaluation:\n  bootstrap_rounds: 100\n",
        "evaluation:\n  bootstrap_rounds: 100000\n",
        "validation:\n  folds: 1000\n",
        "validation:\n  repeats: 100\n",
        "validation:\n  splitter: repeated_kfold\n  folds: 10\n  repeats: 100\n",
        "performance:\n  iterations: 1000000\n  warmup: 10000\n",
        "sensitivity:\n  samples: 1048576\n",
    ] {
        assert_accepted(&suite_text(sections, NULL_SHARE));
    }
    assert_accepted(&suite_text(
        "",
        "  - check: drift.psi\n    params: { bins: 10000, memory_mib: 16 }\n",
    ));
}

#[test]
fn suite_sections_out_of_range_are_refused_with_key_and_line() {
    for (sections, key, needle) in [
        (
            "options:\n  histogram_bins: 0\n",
            "options.histogram_bins",
            "histogram_bins",
        ),
        (
            "options:\n  histogram_bins: 1000000\n",
            "options.histogram_bins",
            "histogram_bins",
        ),
        (
            "options:\n  rows_memory_mib: 1048577\n",
            "options.rows_memory_mib",
            "rows_memory_mib",
        ),
        (
            "options:\n  exact_distinct_cap: 10000000\n",
            "options.exact_distinct_cap",
            "exact_distinct_cap",
        ),
        (
            "options:\n  categorical_max_distinct: 100000\n",
            "options.categorical_max_distinct",
            "categorical_max_distinct",
        ),
        (
            "evaluation:\n  bootstrap_rounds: 50\n",
            "evaluation.bootstrap_rounds",
            "bootstrap_rounds",
        ),
        (
            "evaluation:\n  bootstrap_rounds: 10000000\n",
            "evaluation.bootstrap_rounds",
            "bootstrap_rounds",
        ),
        (
            "validation:\n  folds: 1000000\n",
            "validation.folds",
            "folds",
        ),
        (
            "validation:\n  repeats: 1000\n",
            "validation.repeats",
            "repeats",
        ),
        (
            "validation:\n  parallel: 100000\n",
            "validation.parallel",
            "parallel",
        ),
        (
            "validation:\n  learner: random_forest\n  learner_params: { trees: 1000000 }\n",
            "validation.learner_params.trees",
            "trees",
        ),
        (
            "performance:\n  iterations: 1000000000\n",
            "performance.iterations",
            "iterations",
        ),
        (
            "performance:\n  warmup: 1000000000\n",
            "performance.warmup",
            "warmup",
        ),
        (
            "performance:\n  seconds_per_size: 100000\n",
            "performance.seconds_per_size",
            "seconds_per_size",
        ),
        (
            "performance:\n  batch_sizes: [1, 100000000]\n",
            "performance.batch_sizes",
            "batch_sizes",
        ),
        (
            "sensitivity:\n  samples: 1099511627776\n",
            "sensitivity.samples",
            "samples",
        ),
        (
            "sensitivity:\n  levels: 1000000\n",
            "sensitivity.levels",
            "levels",
        ),
        (
            "sensitivity:\n  block_rows: 100000000\n",
            "sensitivity.block_rows",
            "block_rows",
        ),
        ("data_csv_placeholder", "data.csv.infer_rows", "infer_rows"),
    ] {
        let yaml = if sections == "data_csv_placeholder" {
            "data:\n  current: data.csv\n  csv:\n    infer_rows: 100000000\nchecks:\n  - check: integrity.null_share\n"
                .to_string()
        } else {
            suite_text(sections, NULL_SHARE)
        };
        let message = assert_refused(&yaml, key, needle);
        assert!(message.contains("got"), "{message}");
    }
}

#[test]
fn messages_give_the_range_and_why() {
    let yaml = suite_text("options:\n  histogram_bins: 1000000\n", NULL_SHARE);
    let e = in_memory(&yaml).unwrap_err();
    assert!(
        e.message
            .starts_with("options.histogram_bins must be between 1 and 1000 ("),
        "{}",
        e.message
    );
    assert!(e.message.ends_with("got 1000000"), "{}", e.message);
    let yaml = suite_text("evaluation:\n  bootstrap_rounds: 50\n", NULL_SHARE);
    let e = in_memory(&yaml).unwrap_err();
    assert!(
        e.message.contains("bootstrap_rounds must be 0") && e.message.contains("at least 100"),
        "{}",
        e.message
    );
}

#[test]
fn combined_rules_are_refused() {
    let yaml = suite_text(
        "validation:\n  splitter: repeated_kfold\n  folds: 20\n  repeats: 100\n",
        NULL_SHARE,
    );
    let m = assert_refused(&yaml, "validation.folds × validation.repeats", "repeats");
    assert!(m.contains("20 × 100"), "{m}");
    // The same folds and repeats are fine for a splitter that does not repeat.
    assert_accepted(&suite_text(
        "validation:\n  splitter: kfold\n  folds: 20\n  repeats: 100\n",
        NULL_SHARE,
    ));
    // Morris keeps its trajectories: a lower range than Sobol's.
    let yaml = suite_text(
        "sensitivity:\n  samples: 500000\n",
        "  - check: sensitivity.morris\n",
    );
    assert_refused(&yaml, "sensitivity.samples", "samples");
    assert_accepted(&suite_text(
        "sensitivity:\n  samples: 500000\n",
        "  - check: sensitivity.sobol\n",
    ));
    // categorical_max_distinct above the exact cap would be silently ignored.
    let yaml = suite_text(
        "options:\n  exact_distinct_cap: 10\n  categorical_max_distinct: 20\n",
        NULL_SHARE,
    );
    assert_refused(
        &yaml,
        "options.categorical_max_distinct",
        "categorical_max_distinct",
    );
}

#[test]
fn check_params_out_of_range_are_refused_at_load() {
    for (check, params, key) in [
        ("drift.psi", "{ bins: 0 }", "params.bins"),
        ("drift.auto", "{ bins: 100000 }", "params.bins"),
        ("drift.psi", "{ memory_mib: 1 }", "params.memory_mib"),
        ("drift.ks", "{ memory_mib: 1000000 }", "params.memory_mib"),
        (
            "model.weak_slices",
            "{ max_results: 0 }",
            "params.max_results",
        ),
        (
            "robustness.monotonicity",
            "{ increasing: [x], levels: 1000000 }",
            "params.levels",
        ),
        (
            "robustness.monotonicity",
            "{ increasing: [x], max_rows: 1000000000 }",
            "params.max_rows",
        ),
        (
            "robustness.noise",
            "{ repeats: 1000000000 }",
            "params.repeats",
        ),
        ("robustness.noise", "{ scale: 0 }", "params.scale"),
        (
            "sensitivity.permutation_importance",
            "{ repeats: 1000000000 }",
            "params.repeats",
        ),
        (
            "fairness.counterfactual_invariance",
            "{ max_rows: 1000000000 }",
            "params.max_rows",
        ),
        ("integrity.outlier_share", "{ factor: 0 }", "params.factor"),
        ("model.calibration_error", "{ bins: 1 }", "params.bins"),
    ] {
        let yaml = suite_text(
            "",
            &format!("  - check: integrity.null_share\n  - check: {check}\n    params: {params}\n"),
        );
        assert_refused(&yaml, key, "params:");
    }
}

#[test]
fn null_params_are_errors_not_defaults() {
    for value in [".nan", ".inf", "-.inf", "~", "null"] {
        let yaml = suite_text(
            "",
            &format!(
                "  - check: drift.psi\n    params:\n      min_effect: 0.2\n      bins: {value}\n"
            ),
        );
        let m = assert_refused(&yaml, "params.bins", "bins:");
        assert!(m.contains("NaN, infinity and null are not allowed"), "{m}");
    }
}

#[test]
fn learner_limits_are_the_learner_parsers() {
    use assay_model::learners::{LearnerSpec, MAX_CATEGORIES, MAX_TREES};
    let parse = |json: &str| {
        let params: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(json).unwrap();
        LearnerSpec::parse("random_forest", &params)
    };
    assert!(parse(&format!("{{\"trees\": {MAX_TREES}}}")).is_ok());
    let e = parse(&format!("{{\"trees\": {}}}", MAX_TREES + 1)).unwrap_err();
    assert!(e.to_string().contains("trees"), "{e}");
    assert!(parse(&format!("{{\"max_categories\": {MAX_CATEGORIES}}}")).is_ok());
    let e = parse(&format!("{{\"max_categories\": {}}}", MAX_CATEGORIES + 1)).unwrap_err();
    assert!(e.to_string().contains("max_categories"), "{e}");
    let limit = assay_checks::limits::find("validation.learner_params.trees").unwrap();
    assert_eq!(limit.max, MAX_TREES as f64);
}

#[test]
fn splitters_refuse_too_many_splits_before_splitting() {
    use assay_stats::splitters::{SplitParams, SplitterSpec, MAX_REPEATS, MAX_SPLITS};
    for name in [
        "kfold",
        "shuffle_split",
        "time_series",
        "stratified_shuffle_split",
    ] {
        let params = SplitParams {
            n_splits: Some(MAX_SPLITS + 1),
            ..Default::default()
        };
        let e = SplitterSpec::from_name(name, &params).unwrap_err();
        assert!(e.to_string().contains("n_splits"), "{name}: {e}");
        // usize::MAX used to overflow time_series (n_splits + 1 folds).
        let params = SplitParams {
            n_splits: Some(usize::MAX),
            ..Default::default()
        };
        assert!(SplitterSpec::from_name(name, &params).is_err(), "{name}");
    }
    let params = SplitParams {
        n_splits: Some(5),
        n_repeats: Some(MAX_REPEATS + 1),
        ..Default::default()
    };
    assert!(SplitterSpec::from_name("repeated_kfold", &params).is_err());
    let params = SplitParams {
        n_splits: Some(20),
        n_repeats: Some(100),
        ..Default::default()
    };
    let e = SplitterSpec::from_name("repeated_stratified_kfold", &params).unwrap_err();
    assert!(e.to_string().contains("n_repeats"), "{e}");
}
