//! Built-in learners: behaviour on synthetic problems with known answers, and parity with
//! scikit-learn on the fixtures of scripts/gen_learner_fixtures.py.

use assay_model::learners::{
    fit, FeatureColumn, LearnError, LearnerKind, LearnerSpec, Table, TrainTarget,
};
use serde_json::{Map, Value};

/// A small deterministic generator (SplitMix64) for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

fn spec(name: &str, json: &str) -> LearnerSpec {
    let params: Map<String, Value> = serde_json::from_str(json).unwrap();
    LearnerSpec::parse(name, &params).unwrap()
}

fn numeric<'a>(name: &'a str, values: &'a [f64]) -> FeatureColumn<'a> {
    FeatureColumn::Numeric { name, values }
}

fn accuracy(labels: &[u32], truth: &[u32], rows: &[u32]) -> f64 {
    assert_eq!(labels.len(), rows.len(), "one label per row");
    let hits = rows
        .iter()
        .zip(labels)
        .filter(|(&r, &l)| truth[r as usize] == l)
        .count();
    hits as f64 / rows.len() as f64
}

fn assert_rows_sum_to_one(probabilities: &[f64], classes: usize) {
    assert!(!probabilities.is_empty());
    for row in probabilities.chunks(classes) {
        let sum: f64 = row.iter().sum();
        assert!((sum - 1.0).abs() < 1e-12, "row {row:?} sums to {sum}");
        assert!(row.iter().all(|p| (0.0..=1.0).contains(p)), "{row:?}");
    }
}

fn evens_odds(n: usize) -> (Vec<u32>, Vec<u32>) {
    let all: Vec<u32> = (0..n as u32).collect();
    (
        all.iter().copied().filter(|r| r % 2 == 0).collect(),
        all.iter().copied().filter(|r| r % 2 == 1).collect(),
    )
}

#[test]
fn logistic_regression_separates_and_gives_calibrated_looking_probabilities() {
    let n = 400;
    let mut rng = Rng(1);
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    while y.len() < n {
        let (a, b) = (rng.uniform() * 3.0, rng.uniform() * 3.0);
        let s = a + 2.0 * b - 0.5;
        if s.abs() < 0.3 {
            continue; // a margin: the problem is separable
        }
        x1.push(a);
        x2.push(b);
        y.push(u32::from(s > 0.0));
    }
    let table = Table {
        columns: vec![numeric("x1", &x1), numeric("x2", &x2)],
        rows: n,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 2,
    };
    let (train, test) = evens_odds(n);
    let model = fit(&spec("logistic_regression", "{}"), &table, &target, &train).unwrap();
    let pred = model.predict(&table, &test).unwrap();
    let labels = pred.labels.unwrap();
    let proba = pred.probabilities.unwrap();
    assert_eq!(labels.len(), test.len());
    assert_eq!(proba.len(), test.len() * 2);
    assert!(pred.values.is_none());
    let acc = accuracy(&labels, &y, &test);
    assert!(acc > 0.95, "accuracy {acc}");
    assert_rows_sum_to_one(&proba, 2);
    // Labels are the argmax of the probabilities.
    for (row, &l) in proba.chunks(2).zip(&labels) {
        assert_eq!(l, u32::from(row[1] > row[0]));
    }
    // Calibrated-looking: confident far from the boundary, unsure on it, monotone across it.
    let mean_p1 = |class: u32| {
        let ps: Vec<f64> = test
            .iter()
            .zip(proba.chunks(2))
            .filter(|(&r, _)| y[r as usize] == class)
            .map(|(_, p)| p[1])
            .collect();
        ps.iter().sum::<f64>() / ps.len() as f64
    };
    assert!(mean_p1(1) > 0.85, "{}", mean_p1(1));
    assert!(mean_p1(0) < 0.15, "{}", mean_p1(0));
    let line_x1: Vec<f64> = (0..5).map(|i| 0.5 + (i as f64 - 2.0) * 0.5).collect();
    let line_x2 = vec![0.0; 5];
    let line = Table {
        columns: vec![numeric("x1", &line_x1), numeric("x2", &line_x2)],
        rows: 5,
    };
    let p = model.predict(&line, &[0, 1, 2, 3, 4]).unwrap();
    let p1: Vec<f64> = p.probabilities.unwrap().chunks(2).map(|r| r[1]).collect();
    assert!((p1[2] - 0.5).abs() < 0.2, "on the boundary: {p1:?}");
    assert!(p1.windows(2).all(|w| w[0] < w[1]), "monotone: {p1:?}");
}

#[test]
fn linear_regression_recovers_known_coefficients() {
    let n = 50;
    let mut rng = Rng(2);
    let x1: Vec<f64> = (0..n).map(|_| rng.uniform() * 10.0).collect();
    let x2: Vec<f64> = (0..n).map(|_| rng.uniform() * 5.0 + 3.0).collect();
    let y: Vec<f64> = (0..n).map(|i| 3.0 * x1[i] - 2.0 * x2[i] + 1.0).collect();
    let table = Table {
        columns: vec![numeric("x1", &x1), numeric("x2", &x2)],
        rows: n,
    };
    let (train, test) = evens_odds(n);
    for standardize in [true, false] {
        let spec = spec(
            "linear_regression",
            &format!(r#"{{"standardize": {standardize}}}"#),
        );
        let model = fit(&spec, &table, &TrainTarget::Values(&y), &train).unwrap();
        let values = model.predict(&table, &test).unwrap().values.unwrap();
        assert_eq!(values.len(), test.len());
        for (&r, v) in test.iter().zip(&values) {
            assert!((v - y[r as usize]).abs() < 1e-6, "row {r}: {v}");
        }
        let c = model.coefficients().unwrap();
        assert_eq!(c.outputs, 1);
        assert!((c.weights[0] - 3.0).abs() < 1e-9, "{c:?}");
        assert!((c.weights[1] + 2.0).abs() < 1e-9, "{c:?}");
        assert!((c.intercepts[0] - 1.0).abs() < 1e-9, "{c:?}");
        assert_eq!(model.feature_names(), vec!["x1", "x2"]);
    }
}

#[test]
fn ridge_shrinks_by_the_closed_form_amount() {
    let n = 40;
    let mut rng = Rng(3);
    let x: Vec<f64> = (0..n).map(|_| rng.uniform() * 4.0).collect();
    let y: Vec<f64> = x.iter().map(|v| 2.0 * v + 5.0 + rng.uniform()).collect();
    let table = Table {
        columns: vec![numeric("x", &x)],
        rows: n,
    };
    let rows: Vec<u32> = (0..n as u32).collect();
    let (mx, my) = (
        x.iter().sum::<f64>() / n as f64,
        y.iter().sum::<f64>() / n as f64,
    );
    let sxx: f64 = x.iter().map(|v| (v - mx).powi(2)).sum();
    let sxy: f64 = x.iter().zip(&y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let mut previous = f64::INFINITY;
    for alpha in [0.0, 1.0, 10.0, 1000.0] {
        let spec = spec(
            "ridge",
            &format!(r#"{{"alpha": {alpha}, "standardize": false}}"#),
        );
        let model = fit(&spec, &table, &TrainTarget::Values(&y), &rows).unwrap();
        let c = model.coefficients().unwrap();
        // One feature, centered: w = Sxy / (Sxx + alpha), b = mean(y) - w mean(x).
        let w = sxy / (sxx + alpha);
        assert!(
            (c.weights[0] - w).abs() < 1e-9,
            "alpha {alpha}: {c:?} vs {w}"
        );
        assert!((c.intercepts[0] - (my - w * mx)).abs() < 1e-9);
        assert!(c.weights[0] < previous, "alpha {alpha} shrinks");
        previous = c.weights[0];
    }
    // Ridge with alpha 0 is least squares.
    let ols = fit(
        &spec("linear_regression", "{}"),
        &table,
        &TrainTarget::Values(&y),
        &rows,
    )
    .unwrap();
    assert!((ols.coefficients().unwrap().weights[0] - sxy / sxx).abs() < 1e-9);
}

/// XOR of two signs: no linear model does better than chance.
fn xor_problem(n: usize, seed: u64) -> (Vec<f64>, Vec<f64>, Vec<u32>) {
    let mut rng = Rng(seed);
    let x1: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
    let x2: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
    let y = (0..n)
        .map(|i| u32::from((x1[i] > 0.0) != (x2[i] > 0.0)))
        .collect();
    (x1, x2, y)
}

#[test]
fn random_forest_learns_xor_where_the_majority_cannot() {
    let n = 600;
    let (x1, x2, y) = xor_problem(n, 4);
    let table = Table {
        columns: vec![numeric("x1", &x1), numeric("x2", &x2)],
        rows: n,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 2,
    };
    let (train, test) = evens_odds(n);
    let ones = test.iter().filter(|&&r| y[r as usize] == 1).count() as f64;
    let majority = ones.max(test.len() as f64 - ones) / test.len() as f64;
    let model = fit(
        &spec("random_forest", r#"{"trees": 30}"#),
        &table,
        &target,
        &train,
    )
    .unwrap();
    let pred = model.predict(&table, &test).unwrap();
    let acc = accuracy(pred.labels.as_ref().unwrap(), &y, &test);
    assert!(acc > 0.9, "forest accuracy {acc}");
    assert!(acc > majority + 0.3, "forest {acc} vs majority {majority}");
    assert_rows_sum_to_one(pred.probabilities.as_ref().unwrap(), 2);
    let tree = fit(&spec("decision_tree", "{}"), &table, &target, &train).unwrap();
    let acc = accuracy(
        tree.predict(&table, &test)
            .unwrap()
            .labels
            .as_ref()
            .unwrap(),
        &y,
        &test,
    );
    assert!(acc > 0.9, "tree accuracy {acc}");
    assert_eq!(
        model.describe(),
        "random_forest(trees=30, max_depth=None, min_samples_leaf=1, min_samples_split=2, \
         max_features=sqrt (1), seed=0) on 2 encoded features (2 numeric, 0 one-hot)"
    );
}

#[test]
fn random_forest_regressor_fits_a_nonlinear_function() {
    let n = 400;
    let (x1, x2, _) = xor_problem(n, 5);
    let y: Vec<f64> = (0..n)
        .map(|i| (3.0 * x1[i]).sin() + x2[i] * x2[i])
        .collect();
    let table = Table {
        columns: vec![numeric("x1", &x1), numeric("x2", &x2)],
        rows: n,
    };
    let (train, test) = evens_odds(n);
    let model = fit(
        &spec("random_forest", r#"{"trees": 30, "seed": 3}"#),
        &table,
        &TrainTarget::Values(&y),
        &train,
    )
    .unwrap();
    let values = model.predict(&table, &test).unwrap().values.unwrap();
    let mean = test.iter().map(|&r| y[r as usize]).sum::<f64>() / test.len() as f64;
    let (mut sse, mut sst) = (0.0, 0.0);
    assert_eq!(values.len(), test.len());
    for (&r, v) in test.iter().zip(&values) {
        sse += (y[r as usize] - v).powi(2);
        sst += (y[r as usize] - mean).powi(2);
    }
    let r2 = 1.0 - sse / sst;
    assert!(r2 > 0.9, "R² {r2}");
}

/// Three well-separated blobs.
fn blobs(n: usize) -> (Vec<f64>, Vec<f64>, Vec<u32>) {
    let mut rng = Rng(6);
    let centers = [(-3.0, 0.0), (3.0, 0.0), (0.0, 4.0)];
    let (mut x1, mut x2, mut y) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let c = (i % 3) as u32;
        let (cx, cy) = centers[c as usize];
        x1.push(cx + rng.uniform() * 1.5);
        x2.push(cy + rng.uniform() * 1.5);
        y.push(c);
    }
    (x1, x2, y)
}

#[test]
fn multiclass_probabilities_sum_to_one() {
    let n = 300;
    let (x1, x2, y) = blobs(n);
    let table = Table {
        columns: vec![numeric("x1", &x1), numeric("x2", &x2)],
        rows: n,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 3,
    };
    let (train, test) = evens_odds(n);
    for spec in [
        spec("logistic_regression", "{}"),
        spec("random_forest", r#"{"trees": 20}"#),
        spec("decision_tree", "{}"),
    ] {
        let model = fit(&spec, &table, &target, &train).unwrap();
        let pred = model.predict(&table, &test).unwrap();
        let proba = pred.probabilities.unwrap();
        assert_eq!(proba.len(), test.len() * 3, "{}", spec.kind);
        assert_rows_sum_to_one(&proba, 3);
        let acc = accuracy(&pred.labels.unwrap(), &y, &test);
        assert!(acc > 0.95, "{}: accuracy {acc}", spec.kind);
        if spec.kind != LearnerKind::LogisticRegression {
            assert!(model.describe().ends_with("one-vs-rest over 3 classes"));
        }
        assert_eq!(model.training_classes(), Some(&[0, 1, 2][..]));
    }
}

#[test]
fn a_target_determined_by_a_category_is_learned() {
    let levels: Vec<String> = ["red", "green", "blue"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let n = 90;
    let mut rng = Rng(7);
    let codes: Vec<u32> = (0..n).map(|i| (i % 3) as u32).collect();
    let noise: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
    let table = Table {
        columns: vec![
            numeric("noise", &noise),
            FeatureColumn::Categorical {
                name: "color",
                codes: &codes,
                levels: &levels,
            },
        ],
        rows: n,
    };
    let (train, test) = evens_odds(n);
    // Classification: the class is the color.
    let target = TrainTarget::Classes {
        codes: &codes,
        classes: 3,
    };
    for spec in [
        spec("logistic_regression", r#"{"C": 100}"#),
        spec("random_forest", r#"{"trees": 20, "max_features": "all"}"#),
    ] {
        let model = fit(&spec, &table, &target, &train).unwrap();
        let pred = model.predict(&table, &test).unwrap();
        assert_eq!(
            accuracy(&pred.labels.unwrap(), &codes, &test),
            1.0,
            "{}",
            spec.kind
        );
        assert_eq!(
            model.feature_names(),
            vec!["noise", "color=red", "color=green", "color=blue"]
        );
    }
    // Regression: the value is the color's effect; least squares gets it exactly.
    let effect = [5.0, -1.0, 2.0];
    let y: Vec<f64> = codes.iter().map(|&c| effect[c as usize]).collect();
    let model = fit(
        &spec("linear_regression", "{}"),
        &table,
        &TrainTarget::Values(&y),
        &train,
    )
    .unwrap();
    let values = model.predict(&table, &test).unwrap().values.unwrap();
    assert_eq!(values.len(), test.len());
    for (&r, v) in test.iter().zip(&values) {
        assert!((v - y[r as usize]).abs() < 1e-9, "row {r}: {v}");
    }
    assert_eq!(
        model.describe(),
        "linear_regression(standardize=true) on 4 encoded features (1 numeric, 3 one-hot)"
    );
}

#[test]
fn an_unseen_category_at_predict_time_does_not_fail() {
    let levels: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    let codes: Vec<u32> = vec![0, 1, 0, 1, 0, 1, 2, u32::MAX];
    let x: Vec<f64> = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    let y: Vec<f64> = vec![1.0, 10.0, 3.0, 12.0, 5.0, 14.0, 0.0, 0.0];
    let classes: Vec<u32> = vec![0, 1, 0, 1, 0, 1, 0, 0];
    let table = Table {
        columns: vec![
            numeric("x", &x),
            FeatureColumn::Categorical {
                name: "k",
                codes: &codes,
                levels: &levels,
            },
        ],
        rows: 8,
    };
    let train = [0, 1, 2, 3, 4, 5];
    // y = x + 8·[k = b] on the training rows.
    let model = fit(
        &spec("linear_regression", "{}"),
        &table,
        &TrainTarget::Values(&y),
        &train,
    )
    .unwrap();
    let values = model.predict(&table, &[6, 7]).unwrap().values.unwrap();
    // Level c (unseen) and a missing code both encode as all zeros: the prediction is that of
    // a row with neither a nor b, the same for both rows up to x.
    let c = model.coefficients().unwrap();
    assert_eq!(model.feature_names(), vec!["x", "k=a", "k=b"]);
    assert_eq!(values.len(), 2);
    for (v, xv) in values.iter().zip([7.0, 8.0]) {
        let want = c.intercepts[0] + c.weights[0] * xv;
        assert!((v - want).abs() < 1e-9, "{v} vs {want}");
    }
    assert!((c.weights[0] - 1.0).abs() < 1e-9 && (c.weights[2] - c.weights[1] - 8.0).abs() < 1e-9);
    for name in ["logistic_regression", "random_forest", "decision_tree"] {
        let model = fit(
            &spec(name, "{}"),
            &table,
            &TrainTarget::Classes {
                codes: &classes,
                classes: 2,
            },
            &train,
        )
        .unwrap();
        let pred = model.predict(&table, &[6, 7]).unwrap();
        assert_rows_sum_to_one(pred.probabilities.as_ref().unwrap(), 2);
    }
}

#[test]
fn only_the_given_rows_are_used() {
    let n = 40;
    let x: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let (train, test) = evens_odds(n);
    // The target of the non-training rows is NaN and a feature value there is absurd: neither
    // may reach the fit (a NaN target would be an error, a 1e300 would move the mean).
    let mut y: Vec<f64> = x.iter().map(|v| 0.5 * v - 4.0).collect();
    let mut x2: Vec<f64> = x.iter().map(|v| (v * 0.7).sin()).collect();
    for &r in &test {
        y[r as usize] = f64::NAN;
        x2[r as usize] = 1e300;
    }
    let table = Table {
        columns: vec![numeric("x", &x), numeric("x2", &x2)],
        rows: n,
    };
    let model = fit(
        &spec("ridge", r#"{"alpha": 1e-9}"#),
        &table,
        &TrainTarget::Values(&y),
        &train,
    )
    .unwrap();
    let c = model.coefficients().unwrap();
    assert!((c.weights[0] - 0.5).abs() < 1e-6, "{c:?}");
    assert!(c.weights[1].abs() < 1e-6, "{c:?}");
    // Predicting the other half: x2 = 1e300 there is far outside the training range, so only
    // predict the training rows and rows with sane values.
    let values = model.predict(&table, &train).unwrap().values.unwrap();
    assert_eq!(values.len(), train.len());
    for (&r, v) in train.iter().zip(&values) {
        assert!((v - (0.5 * r as f64 - 4.0)).abs() < 1e-6);
    }
    // A classification target with a missing class outside the training rows is fine too.
    let mut classes: Vec<u32> = x.iter().map(|v| u32::from(*v >= 20.0)).collect();
    for &r in &test {
        classes[r as usize] = u32::MAX;
    }
    let target = TrainTarget::Classes {
        codes: &classes,
        classes: 2,
    };
    let model = fit(&spec("decision_tree", "{}"), &table, &target, &train).unwrap();
    let labels = model.predict(&table, &test).unwrap().labels.unwrap();
    let expected: Vec<u32> = test.iter().map(|&r| u32::from(r >= 20)).collect();
    assert_eq!(labels, expected);
    // Predicting no rows gives empty outputs.
    let empty = model.predict(&table, &[]).unwrap();
    assert_eq!(empty.labels, Some(vec![]));
    assert_eq!(empty.probabilities, Some(vec![]));
}

#[test]
fn seeded_forests_are_deterministic() {
    let n = 200;
    let (x1, x2, y) = xor_problem(n, 8);
    let table = Table {
        columns: vec![numeric("x1", &x1), numeric("x2", &x2)],
        rows: n,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 2,
    };
    let (train, test) = evens_odds(n);
    let run = |json: &str| {
        let model = fit(&spec("random_forest", json), &table, &target, &train).unwrap();
        model.predict(&table, &test).unwrap().probabilities.unwrap()
    };
    let a = run(r#"{"trees": 20, "seed": 11}"#);
    let b = run(r#"{"trees": 20, "seed": 11}"#);
    let c = run(r#"{"trees": 20, "seed": 12}"#);
    assert_eq!(a, b);
    assert_ne!(a, c);
    // Forest probabilities are averages of 20 trees' leaf fractions: multiples of 1/20 here
    // (fully grown trees have pure leaves).
    for p in &a {
        let k = p * 20.0;
        assert!((k - k.round()).abs() < 1e-9, "{p}");
    }
}

#[test]
fn decision_tree_probabilities_are_leaf_fractions() {
    // x = 0: classes 1, 1, 1, 0; x = 1: classes 0, 0, 0, 0, 1. One split at depth 1.
    let x = vec![0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let y = vec![1, 1, 1, 0, 0, 0, 0, 0, 1];
    let table = Table {
        columns: vec![numeric("x", &x)],
        rows: 9,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 2,
    };
    let rows: Vec<u32> = (0..9).collect();
    let model = fit(
        &spec("decision_tree", r#"{"max_depth": 1}"#),
        &table,
        &target,
        &rows,
    )
    .unwrap();
    let pred = model.predict(&table, &[0, 4]).unwrap();
    assert_eq!(pred.probabilities.unwrap(), vec![0.25, 0.75, 0.8, 0.2]);
    assert_eq!(pred.labels.unwrap(), vec![1, 0]);
}

#[test]
fn classes_absent_from_training_get_a_zero_column() {
    let n = 60;
    let (x1, x2, blob) = blobs(n);
    // Classes 0..4 declared; training rows hold classes 0 and 3 only.
    let y: Vec<u32> = blob.iter().map(|&c| if c == 0 { 0 } else { 3 }).collect();
    let table = Table {
        columns: vec![numeric("x1", &x1), numeric("x2", &x2)],
        rows: n,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 4,
    };
    let (train, test) = evens_odds(n);
    for name in ["logistic_regression", "random_forest", "decision_tree"] {
        let model = fit(&spec(name, "{}"), &table, &target, &train).unwrap();
        let pred = model.predict(&table, &test).unwrap();
        let proba = pred.probabilities.unwrap();
        assert_eq!(proba.len(), test.len() * 4);
        assert_rows_sum_to_one(&proba, 4);
        for row in proba.chunks(4) {
            assert_eq!((row[1], row[2]), (0.0, 0.0), "{name}");
        }
        assert!(pred.labels.unwrap().iter().all(|&l| l == 0 || l == 3));
        assert_eq!(model.training_classes(), Some(&[0, 3][..]));
    }
}

#[test]
fn a_single_training_class_gives_a_constant_model() {
    let x = vec![1.0, 2.0, 3.0, 4.0];
    let y = vec![2, 2, 2, 0];
    let table = Table {
        columns: vec![numeric("x", &x)],
        rows: 4,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 3,
    };
    let model = fit(
        &spec("logistic_regression", "{}"),
        &table,
        &target,
        &[0, 1, 2],
    )
    .unwrap();
    let pred = model.predict(&table, &[0, 3]).unwrap();
    assert_eq!(pred.labels.unwrap(), vec![2, 2]);
    assert_eq!(
        pred.probabilities.unwrap(),
        vec![0.0, 0.0, 1.0, 0.0, 0.0, 1.0]
    );
    assert_eq!(
        model.describe(),
        "constant class 2 (the only class in the training rows; logistic_regression(C=1, \
         standardize=true) not fitted) on 1 encoded features (1 numeric, 0 one-hot)"
    );
    assert!(model.coefficients().is_none());
}

#[test]
fn missing_numeric_values_are_imputed_and_flagged() {
    // The class is "x is missing": only the missing indicator can tell.
    let n = 60;
    let x: Vec<f64> = (0..n)
        .map(|i| if i % 3 == 0 { f64::NAN } else { (i % 7) as f64 })
        .collect();
    let y: Vec<u32> = x.iter().map(|v| u32::from(v.is_nan())).collect();
    let table = Table {
        columns: vec![numeric("x", &x)],
        rows: n,
    };
    let target = TrainTarget::Classes {
        codes: &y,
        classes: 2,
    };
    let (train, test) = evens_odds(n);
    for name in ["logistic_regression", "random_forest"] {
        let model = fit(&spec(name, "{}"), &table, &target, &train).unwrap();
        assert_eq!(model.feature_names(), vec!["x", "x (missing)"]);
        let labels = model.predict(&table, &test).unwrap().labels.unwrap();
        assert_eq!(accuracy(&labels, &y, &test), 1.0, "{name}");
    }
}

#[test]
fn fitted_models_can_cross_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<assay_model::learners::FittedModel>();
    send_sync::<LearnerSpec>();
    send_sync::<LearnError>();
}

#[test]
fn errors_are_clear() {
    let x = vec![1.0, 2.0, 3.0];
    let y = vec![1.0, 2.0, f64::NAN];
    let classes = vec![0, 1, 0];
    let table = Table {
        columns: vec![numeric("x", &x)],
        rows: 3,
    };
    let values = TrainTarget::Values(&y);
    let lin = spec("linear_regression", "{}");
    fn err<T>(r: Result<T, LearnError>) -> String {
        r.map(|_| ()).unwrap_err().to_string()
    }
    assert_eq!(
        err(fit(&lin, &table, &values, &[])),
        "linear_regression: no training rows"
    );
    let empty = Table {
        columns: vec![],
        rows: 3,
    };
    assert_eq!(
        err(fit(&lin, &empty, &values, &[0])),
        "linear_regression: the table has no feature columns"
    );
    assert_eq!(
        err(fit(&lin, &table, &values, &[0, 1, 2])),
        "target, row 2: value NaN is not finite"
    );
    assert_eq!(
        err(fit(&lin, &table, &values, &[0, 5])),
        "row index 5 is out of range: the table has 3 rows"
    );
    assert_eq!(
        err(fit(&lin, &table, &TrainTarget::Values(&y[..2]), &[0])),
        "the target has 2 values but the table has 3 rows"
    );
    let short = Table {
        columns: vec![numeric("x", &x[..2])],
        rows: 3,
    };
    assert_eq!(
        err(fit(&lin, &short, &values, &[0])),
        "column `x` has 2 values but the table has 3 rows"
    );
    let class_target = TrainTarget::Classes {
        codes: &classes,
        classes: 2,
    };
    assert_eq!(
        err(fit(&spec("ridge", "{}"), &table, &class_target, &[0, 1])),
        "ridge needs a regression target, got a classification target"
    );
    assert_eq!(
        err(fit(
            &spec("logistic_regression", "{}"),
            &table,
            &values,
            &[0, 1]
        )),
        "logistic_regression needs a classification target, got a regression target"
    );
    // Too few rows for least squares: the crate's message is wrapped.
    let e = err(fit(&lin, &table, &values, &[0]));
    assert!(
        e.starts_with("linear_regression: fitting 1 rows × 1 encoded features: "),
        "{e}"
    );
    // Predicting on a table without the training column.
    let model = fit(&lin, &table, &values, &[0, 1]).unwrap();
    let other = Table {
        columns: vec![numeric("z", &x)],
        rows: 3,
    };
    assert_eq!(
        err(model.predict(&other, &[0])),
        "the table has no numeric column `x`, which the model was trained on"
    );
    assert_eq!(
        err(model.predict(&table, &[3])),
        "row index 3 is out of range: the table has 3 rows"
    );
}

/// A fixture column: name, numeric values, or categorical codes and levels.
type FixtureColumn = (String, Vec<f64>, Option<(Vec<u32>, Vec<String>)>);

/// A case of tests/fixtures/learners.json.
struct Case {
    name: String,
    learner: String,
    params: Map<String, Value>,
    columns: Vec<FixtureColumn>,
    target: Value,
    train: Vec<u32>,
    test: Vec<u32>,
    expected: Value,
    coefficients: Option<Value>,
    tolerance: f64,
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap_or(f64::NAN))
        .collect()
}

fn u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn load_cases() -> (Value, Vec<Case>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/learners.json");
    let root: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = root["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_string(),
            learner: c["learner"].as_str().unwrap().to_string(),
            params: c["params"].as_object().unwrap().clone(),
            columns: c["columns"]
                .as_array()
                .unwrap()
                .iter()
                .map(|col| {
                    let name = col["name"].as_str().unwrap().to_string();
                    if col["type"] == "numeric" {
                        (name, floats(&col["values"]), None)
                    } else {
                        let levels = col["levels"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|l| l.as_str().unwrap().to_string())
                            .collect();
                        (name, vec![], Some((u32s(&col["codes"]), levels)))
                    }
                })
                .collect(),
            target: c["target"].clone(),
            train: u32s(&c["train_rows"]),
            test: u32s(&c["test_rows"]),
            expected: c["expected"].clone(),
            coefficients: c.get("coefficients").cloned(),
            tolerance: c["tolerance"].as_f64().unwrap(),
        })
        .collect();
    (root, cases)
}

#[test]
fn parity_with_scikit_learn() {
    let (root, cases) = load_cases();
    assert_eq!(root["scikit-learn"], "1.9.1");
    assert_eq!(cases.len(), 8);
    for case in &cases {
        let columns: Vec<FeatureColumn> = case
            .columns
            .iter()
            .map(|(name, values, cat)| match cat {
                None => FeatureColumn::Numeric { name, values },
                Some((codes, levels)) => FeatureColumn::Categorical {
                    name,
                    codes,
                    levels,
                },
            })
            .collect();
        let rows = case.columns[0]
            .2
            .as_ref()
            .map_or(case.columns[0].1.len(), |(c, _)| c.len());
        let table = Table { columns, rows };
        let values = case.target.get("values").map(floats);
        let codes = case.target.get("classes").map(u32s);
        let target = match (&values, &codes) {
            (Some(v), _) => TrainTarget::Values(v),
            (_, Some(c)) => TrainTarget::Classes {
                codes: c,
                classes: case.target["n_classes"].as_u64().unwrap() as usize,
            },
            _ => panic!("{}: no target", case.name),
        };
        let spec = LearnerSpec::parse(&case.learner, &case.params).unwrap();
        let model = fit(&spec, &table, &target, &case.train).unwrap();
        let pred = model.predict(&table, &case.test).unwrap();
        let tol = case.tolerance;
        let close = |got: &[f64], want: &[f64], what: &str| {
            assert_eq!(got.len(), want.len(), "{}: {what} length", case.name);
            for (i, (g, w)) in got.iter().zip(want).enumerate() {
                assert!(
                    (g - w).abs() <= tol * w.abs().max(1.0),
                    "{}: {what}[{i}] = {g}, scikit-learn {w}",
                    case.name
                );
            }
        };
        if let Some(want) = case.expected.get("values") {
            close(pred.values.as_ref().unwrap(), &floats(want), "prediction");
        }
        if let Some(want) = case.expected.get("probabilities") {
            let want: Vec<f64> = want.as_array().unwrap().iter().flat_map(floats).collect();
            close(pred.probabilities.as_ref().unwrap(), &want, "probability");
            let labels = u32s(&case.expected["labels"]);
            assert_eq!(
                pred.labels.as_ref().unwrap(),
                &labels,
                "{}: labels",
                case.name
            );
        }
        if let Some(want) = &case.coefficients {
            let c = model.coefficients().unwrap();
            close(&c.weights, &floats(&want["weights"]), "coefficient");
            close(&c.intercepts, &floats(&want["intercepts"]), "intercept");
        }
    }
}
