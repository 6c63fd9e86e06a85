//! Ranges of the user-supplied numbers that size an allocation, a loop or a thread pool.
//!
//! One table ([`LIMITS`]), keyed as users write the numbers, is read by every place that takes
//! them: the suite sections (`LoadedSuite::validate`, so errors carry the suite line), the
//! check parameters (at load, and again when a check reads them: a `params.` error is a
//! configuration error with its line) and the command-line flags that bypass a suite file
//! (`--warmup`, `--exact-cap`, ...). A value outside its range is refused before anything is
//! allocated: an allocation that fails aborts the process, which no error handling can catch.
//!
//! | key | applies to | range | why |
//! |---|---|---|---|
//! | `options.histogram_bins` | suite | 1 to 1000 | it sizes one histogram per column and side in the report (charts are a few hundred pixels wide) |
//! | `options.exact_distinct_cap` | suite, `assay profile --exact-cap` | 0 to 1000000 | it sizes one exact map of values per column and partition (about 100 MB per column at the maximum); 0 keeps sketches only |
//! | `options.rows_memory_mib` | suite | 0 to 1048576 | the rows a read keeps in order are held in memory up to this many MiB, the rest written to a temporary file; 0 writes them all |
//! | `options.categorical_max_distinct` | suite | 0 to 10000 | integer columns with at most this many distinct values become categories; it must not exceed exact_distinct_cap, above which it has no effect |
//! | `evaluation.bootstrap_rounds` | suite, `assay evaluate --bootstrap-rounds` | 0, or 100 to 100000 | 0 gives analytic intervals only; a percentile interval needs at least 100 resamples, and each interval keeps rounds × statistics values |
//! | `validation.folds` | suite, `--folds` | 2 to 1000 | one model is trained per fold |
//! | `validation.repeats` | suite, `--repeats` | 1 to 100 | each repetition holds a shuffled partition of the rows |
//! | `validation.parallel` | suite, `assay crossval --parallel` | 1 to 256 | each fold trained at once holds its own training matrix and thread |
//! | `validation.learner_params.trees` | suite, `assay crossval --param` | 1 to 10000 | every tree of the forest is kept, for every fold |
//! | `validation.learner_params.max_categories` | suite, `assay crossval --param` | 1 to 1000 | one-hot encoding makes a dense column per category, for every fold |
//! | `sensitivity.samples` | suite, `assay sensitivity --samples` | 1 to 1048576 | Sobol evaluates samples × (inputs + 2) model rows |
//! | `sensitivity.samples` | `sensitivity.morris` | 2 to 100000 | Morris keeps every trajectory and its elementary effects, and needs two to compute a spread |
//! | `sensitivity.levels` | suite, `assay sensitivity --levels` | 2 to 1000 | OAT evaluates 1 + inputs × levels model rows |
//! | `sensitivity.resamples` | suite, `assay sensitivity --resamples` | 2 to 10000 | each bootstrap resample keeps sums per input |
//! | `sensitivity.block_rows` | suite, `assay sensitivity --block-rows` | 1 to 1048576 | each block of the design is held about three times as rows × inputs numbers |
//! | `performance.batch_sizes` | suite, `assay bench-model --batch-sizes` | 1 to 1048576 | each batch is cycled from the sample rows and copied into the model's input matrix |
//! | `performance.batch_sizes (count)` | suite, `assay bench-model --batch-sizes` | 1 to 32 | each batch size reloads the model and is measured for up to seconds_per_size |
//! | `performance.warmup` | suite, `assay bench-model --warmup` | 0 to 10000 | warm-up calls are not bounded by time |
//! | `performance.iterations` | suite, `assay bench-model --iterations` | 1 to 1000000 | the latency of every timed call is kept |
//! | `performance.seconds_per_size` | suite, `assay bench-model --seconds` | more than 0, up to 600 | calls go on until this time per batch size |
//! | `performance.threads` | suite, `assay bench-model --throughput-threads` | 1 to 1024 | a throughput run starts this many threads |
//! | `performance.threads (count)` | suite, `assay bench-model --throughput-threads` | 0 to 16 | each thread count is a separate throughput run |
//! | `performance.throughput_rows` | suite, `assay bench-model --throughput-rows` | 1 to 10000000 | the rows are copied and turned into one input matrix |
//! | `performance.sample_rows` | suite | 1 to 1000000 | the sample rows are kept in memory and cycled into batches |
//! | `data.csv.infer_rows` | suite | 1 to 10000000 | type inference reads up to this many rows of each file before profiling |
//! | `params.bins` | `drift.*`, `assay drift --bins` | 1 to 10000 | two histograms of this many bins are built per column |
//! | `params.memory_mib` | `drift.*` | 16 to 65536 | raw values kept in memory in exact mode (half per side; past it they spill to a temporary file); a budget above the machine's memory means nothing |
//! | `params.bins` | `model.*` | 2 to 1000 | reliability bins of the calibration error |
//! | `params.levels` | `robustness.monotonicity` | 2 to 1000 | each row is predicted at this many grid points per input |
//! | `params.max_rows` | `robustness.monotonicity` | 1 to 100000 | rows × levels copies of the inputs are predicted in one call |
//! | `params.repeats` | `robustness.noise` | 1 to 1000 | every repeat predicts every row once per input, and once for all inputs |
//! | `params.max_rows` | `robustness.noise` | 1 to 1000000 | every repeat copies these rows with noise |
//! | `params.scale` | `robustness.noise` | more than 0, up to 100 | noise sd as a share of each input's sd |
//! | `params.repeats` | `sensitivity.permutation_importance` | 1 to 1000 | every repeat shuffles a column and predicts every row; the drops are kept in the report |
//! | `params.max_rows` | `sensitivity.permutation_importance` | 2 to 10000000 | every repeat copies these rows with one column shuffled |
//! | `params.max_rows` | `fairness.counterfactual_invariance` | 1 to 1000000 | the rows are copied and predicted once per protected value |
//! | `params.max_results` | `model.weak_slices` | 1 to 1000 | the weak slices listed in the report |
//! | `params.factor` | `integrity.outlier_share` | more than 0, up to 100 | the fences are factor × IQR (or sd) away from the quartiles (or the mean) |
//!
//! Rules over several numbers ([`COMBINED`]):
//!
//! | rule | applies to | at most | why |
//! |---|---|---|---|
//! | `validation.folds × validation.repeats` | repeated splitters, `--folds` × `--repeats` | 1000 | one model is trained per fold of every repetition |
//! | `params.max_rows × params.levels × inputs` | `robustness.monotonicity` | 50000000 | the grid of every row is built and predicted in one call |
//! | `sensitivity.samples × (inputs + 2)` | `sensitivity.sobol` | 50000000 | Saltelli's design has that many model rows |
//!
//! Segment and protected columns are not capped, but `model.weak_slices` skips (and names) a
//! pair of columns with more than 1000000 value combinations instead of allocating for them.
//! Numbers that size nothing (tolerances, thresholds) are checked where they are read: they
//! must be finite, and tolerances at least 0. In `params:`, a key given as null (YAML `~`,
//! `.nan`, `.inf`; TOML `nan`, `inf`) is an error, not the default.

/// How a [`Limit`] reads its range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number from `min` to `max`.
    Whole,
    /// 0, or a whole number from `min` to `max`.
    ZeroOrWhole,
    /// A number from `min` to `max` (fractions allowed).
    Number,
    /// A number above `min`, up to `max`.
    AboveMin,
}

/// The range of one user-supplied number.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    /// The key as users write it (`options.histogram_bins`, `params.bins`).
    pub key: &'static str,
    /// Where the key is read: empty for a suite key, else the checks whose `params:` it is
    /// (comma-separated ids; `drift.*` matches every id starting with `drift.`).
    pub applies_to: &'static str,
    /// Smallest value (excluded for [`Kind::AboveMin`]).
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Whole number or not, and how `min` reads.
    pub kind: Kind,
    /// What the number sizes, said in the error message.
    pub why: &'static str,
}

const fn whole(key: &'static str, min: f64, max: f64, why: &'static str) -> Limit {
    Limit {
        key,
        applies_to: "",
        min,
        max,
        kind: Kind::Whole,
        why,
    }
}

const fn param(
    applies_to: &'static str,
    key: &'static str,
    min: f64,
    max: f64,
    why: &'static str,
) -> Limit {
    Limit {
        key,
        applies_to,
        min,
        max,
        kind: Kind::Whole,
        why,
    }
}

/// Largest Sobol base sample count (2^20).
pub const MAX_SOBOL_SAMPLES: usize = 1 << 20;

/// Largest number of model rows (times inputs, for the monotonicity grid) a single design may
/// ask for.
pub const MAX_DESIGN_CELLS: f64 = 50_000_000.0;

/// Largest number of value combinations of a pair of columns `model.weak_slices` tests.
pub const MAX_PAIR_CELLS: usize = 1_000_000;

/// Every range, keyed as users write the numbers.
pub const LIMITS: &[Limit] = &[
    whole(
        "options.histogram_bins",
        1.0,
        1000.0,
        "it sizes one histogram per column and side in the report",
    ),
    whole(
        "options.exact_distinct_cap",
        0.0,
        1_000_000.0,
        "it sizes one exact map of values per column and partition; 0 keeps sketches only",
    ),
    whole(
        "options.rows_memory_mib",
        0.0,
        1_048_576.0,
        "the rows a read keeps in order are held in memory up to this many MiB, the rest \
         written to a temporary file; 0 writes them all",
    ),
    whole(
        "options.categorical_max_distinct",
        0.0,
        10_000.0,
        "integer columns with at most this many distinct values become categories",
    ),
    Limit {
        key: "evaluation.bootstrap_rounds",
        applies_to: "",
        min: 100.0,
        max: 100_000.0,
        kind: Kind::ZeroOrWhole,
        why: "0 gives analytic intervals only; a percentile interval needs at least 100 \
              resamples, and each interval keeps rounds × statistics values",
    },
    whole(
        "validation.folds",
        2.0,
        1000.0,
        "one model is trained per fold",
    ),
    whole(
        "validation.repeats",
        1.0,
        100.0,
        "each repetition holds a shuffled partition of the rows",
    ),
    whole(
        "validation.parallel",
        1.0,
        256.0,
        "each fold trained at once holds its own training matrix and thread",
    ),
    whole(
        "validation.learner_params.trees",
        1.0,
        assay_model::learners::MAX_TREES as f64,
        "every tree of the forest is kept, for every fold",
    ),
    whole(
        "validation.learner_params.max_categories",
        1.0,
        assay_model::learners::MAX_CATEGORIES as f64,
        "one-hot encoding makes a dense column per category, for every fold",
    ),
    whole(
        "sensitivity.samples",
        1.0,
        MAX_SOBOL_SAMPLES as f64,
        "Sobol evaluates samples × (inputs + 2) model rows",
    ),
    param(
        "sensitivity.morris",
        "sensitivity.samples",
        2.0,
        100_000.0,
        "Morris keeps every trajectory and its elementary effects, and needs two to compute \
         a spread",
    ),
    whole(
        "sensitivity.levels",
        2.0,
        1000.0,
        "OAT evaluates 1 + inputs × levels model rows",
    ),
    whole(
        "sensitivity.resamples",
        2.0,
        10_000.0,
        "each bootstrap resample keeps sums per input",
    ),
    whole(
        "sensitivity.block_rows",
        1.0,
        1_048_576.0,
        "each block of the design is held about three times as rows × inputs numbers",
    ),
    whole(
        "performance.batch_sizes",
        1.0,
        1_048_576.0,
        "each batch is cycled from the sample rows and copied into the model's input matrix",
    ),
    whole(
        "performance.batch_sizes (count)",
        1.0,
        32.0,
        "each batch size reloads the model and is measured for up to seconds_per_size",
    ),
    whole(
        "performance.warmup",
        0.0,
        10_000.0,
        "warm-up calls are not bounded by time",
    ),
    whole(
        "performance.iterations",
        1.0,
        1_000_000.0,
        "the latency of every timed call is kept",
    ),
    Limit {
        key: "performance.seconds_per_size",
        applies_to: "",
        min: 0.0,
        max: 600.0,
        kind: Kind::AboveMin,
        why: "calls go on until this time per batch size",
    },
    whole(
        "performance.threads",
        1.0,
        1024.0,
        "a throughput run starts this many threads",
    ),
    whole(
        "performance.threads (count)",
        0.0,
        16.0,
        "each thread count is a separate throughput run",
    ),
    whole(
        "performance.throughput_rows",
        1.0,
        10_000_000.0,
        "the rows are copied and turned into one input matrix",
    ),
    whole(
        "performance.sample_rows",
        1.0,
        1_000_000.0,
        "the sample rows are kept in memory and cycled into batches",
    ),
    whole(
        "data.csv.infer_rows",
        1.0,
        10_000_000.0,
        "type inference reads up to this many rows of each file before profiling",
    ),
    param(
        "drift.*",
        "params.bins",
        1.0,
        10_000.0,
        "two histograms of this many bins are built per column",
    ),
    Limit {
        key: "params.memory_mib",
        applies_to: "drift.*",
        min: 16.0,
        max: 65_536.0,
        kind: Kind::Number,
        why: "the raw values held at once in exact mode; a budget above the machine's memory \
              means nothing",
    },
    param(
        "model.*",
        "params.bins",
        2.0,
        1000.0,
        "reliability bins of the calibration error",
    ),
    param(
        "robustness.monotonicity",
        "params.levels",
        2.0,
        1000.0,
        "each row is predicted at this many grid points per input",
    ),
    param(
        "robustness.monotonicity",
        "params.max_rows",
        1.0,
        100_000.0,
        "rows × levels copies of the inputs are predicted in one call",
    ),
    param(
        "robustness.noise",
        "params.repeats",
        1.0,
        1000.0,
        "every repeat predicts every row once per input, and once for all inputs",
    ),
    param(
        "robustness.noise",
        "params.max_rows",
        1.0,
        1_000_000.0,
        "every repeat copies these rows with noise",
    ),
    Limit {
        key: "params.scale",
        applies_to: "robustness.noise",
        min: 0.0,
        max: 100.0,
        kind: Kind::AboveMin,
        why: "noise sd as a share of each input's sd",
    },
    param(
        "sensitivity.permutation_importance",
        "params.repeats",
        1.0,
        1000.0,
        "every repeat shuffles a column and predicts every row; the drops are kept in the \
         report",
    ),
    param(
        "sensitivity.permutation_importance",
        "params.max_rows",
        2.0,
        10_000_000.0,
        "every repeat copies these rows with one column shuffled",
    ),
    param(
        "fairness.counterfactual_invariance",
        "params.max_rows",
        1.0,
        1_000_000.0,
        "the rows are copied and predicted once per protected value",
    ),
    param(
        "model.weak_slices",
        "params.max_results",
        1.0,
        1000.0,
        "the weak slices listed in the report",
    ),
    Limit {
        key: "params.factor",
        applies_to: "integrity.outlier_share",
        min: 0.0,
        max: 100.0,
        kind: Kind::AboveMin,
        why: "the fences are factor × IQR (or sd) away from the quartiles (or the mean)",
    },
];

/// A rule over several numbers: their product must not exceed `max`.
#[derive(Debug, Clone, Copy)]
pub struct Combined {
    /// The product as users read it (`validation.folds × validation.repeats`).
    pub key: &'static str,
    /// Where it applies.
    pub applies_to: &'static str,
    /// Largest product.
    pub max: f64,
    /// What the product sizes.
    pub why: &'static str,
}

/// Every rule over several numbers.
pub const COMBINED: &[Combined] = &[
    Combined {
        key: "validation.folds × validation.repeats",
        applies_to: "repeated splitters",
        max: 1000.0,
        why: "one model is trained per fold of every repetition",
    },
    Combined {
        key: "params.max_rows × params.levels × inputs",
        applies_to: "robustness.monotonicity",
        max: MAX_DESIGN_CELLS,
        why: "the grid of every row is built and predicted in one call",
    },
    Combined {
        key: "sensitivity.samples × (inputs + 2)",
        applies_to: "sensitivity.sobol",
        max: MAX_DESIGN_CELLS,
        why: "Saltelli's design has that many model rows",
    },
];

impl Limit {
    /// Whether this limit is read for `check`'s parameters (or, for `check` empty, from a
    /// suite section).
    pub fn applies(&self, check: &str) -> bool {
        if self.applies_to.is_empty() || check.is_empty() {
            return self.applies_to.is_empty() && check.is_empty();
        }
        self.applies_to.split(',').map(str::trim).any(|p| {
            p == check
                || p.strip_suffix('*')
                    .is_some_and(|prefix| check.starts_with(prefix))
        })
    }

    /// The range in words, as in the module's table (`1 to 1000`, `0, or 100 to 100000`).
    pub fn range_text(&self) -> String {
        match self.kind {
            Kind::Whole | Kind::Number => format!("{} to {}", self.min, self.max),
            Kind::ZeroOrWhole => format!("0, or {} to {}", self.min, self.max),
            Kind::AboveMin => format!("more than {}, up to {}", self.min, self.max),
        }
    }

    /// Whether `value` is in range.
    pub fn accepts(&self, value: f64) -> bool {
        let in_range = value >= self.min && value <= self.max;
        match self.kind {
            Kind::Whole => value.fract() == 0.0 && in_range,
            Kind::ZeroOrWhole => value == 0.0 || (value.fract() == 0.0 && in_range),
            Kind::Number => in_range,
            Kind::AboveMin => value > self.min && value <= self.max,
        }
    }

    /// `Ok` when `value` is in range, else a message naming it `name` (the key, or the flag it
    /// came from), e.g. "options.histogram_bins must be between 1 and 1000 (it sizes one
    /// histogram per column and side in the report), got 1000000".
    pub fn test(&self, name: &str, value: f64) -> Result<(), String> {
        if self.accepts(value) {
            return Ok(());
        }
        let fraction = value.is_finite() && value.fract() != 0.0;
        let range = match self.kind {
            Kind::Whole if fraction => {
                format!("a whole number between {} and {}", self.min, self.max)
            }
            Kind::Whole | Kind::Number => format!("between {} and {}", self.min, self.max),
            Kind::ZeroOrWhole => format!(
                "0 or a whole number of at least {} and at most {}",
                self.min, self.max
            ),
            Kind::AboveMin => format!("more than {} and at most {}", self.min, self.max),
        };
        Err(format!(
            "{name} must be {range} ({}), got {value}",
            self.why
        ))
    }
}

/// The limit of a suite key (`options.histogram_bins`, `validation.folds`, ...).
pub fn find(key: &str) -> Option<&'static Limit> {
    LIMITS
        .iter()
        .find(|l| l.key == key && l.applies_to.is_empty())
}

/// The limit of `params.KEY` (`key` with or without the `params.` prefix) of check `check`,
/// or of a suite key read specially by `check` (`sensitivity.samples` of
/// `sensitivity.morris`).
pub fn find_for(check: &str, key: &str) -> Option<&'static Limit> {
    let wanted = if key.contains('.') {
        key.to_string()
    } else {
        format!("params.{key}")
    };
    LIMITS
        .iter()
        .find(|l| l.key == wanted && !l.applies_to.is_empty() && l.applies(check))
}

/// Checks a suite key's value: `Ok`, or the message naming the key, its range and why.
pub fn check(key: &str, value: f64) -> Result<(), String> {
    check_named(key, key, value)
}

/// As [`check`], with the message naming `name` (a command-line flag such as `--warmup`)
/// instead of the key.
pub fn check_named(name: &str, key: &str, value: f64) -> Result<(), String> {
    match find(key) {
        Some(limit) => limit.test(name, value),
        None => Err(format!("internal: no limit is defined for {key}")),
    }
}

/// Checks `params.KEY` of check `check` (`key` without the prefix): `Ok` when the check has
/// no limit for it or the value is in range, else a message starting with `params.KEY`.
pub fn check_param(check: &str, key: &str, value: f64) -> Result<(), String> {
    match find_for(check, key) {
        Some(limit) => limit.test(&format!("params.{key}"), value),
        None => Ok(()),
    }
}

/// Checks a product of several numbers against its [`COMBINED`] rule; `shown` spells the
/// factors out for the message (`5 × 300`). `name` replaces the key in the message when given.
pub fn check_combined(
    key: &str,
    value: f64,
    shown: &str,
    name: Option<&str>,
) -> Result<(), String> {
    let Some(rule) = COMBINED.iter().find(|c| c.key == key) else {
        return Err(format!("internal: no rule is defined for {key}"));
    };
    if value <= rule.max {
        return Ok(());
    }
    Err(format!(
        "{} must be at most {} ({}), got {shown} = {value}",
        name.unwrap_or(rule.key),
        rule.max,
        rule.why
    ))
}

/// The Markdown table of [`LIMITS`] (key, applies to, range, why).
pub fn markdown_table() -> String {
    let mut out = String::from("| key | applies to | range | why |\n|---|---|---|---|\n");
    for l in LIMITS {
        let applies = if l.applies_to.is_empty() {
            "suite".to_string()
        } else {
            l.applies_to
                .split(',')
                .map(|a| format!("`{}`", a.trim()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!(
            "| `{}` | {applies} | {} | {} |\n",
            l.key,
            l.range_text(),
            l.why
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value just outside `x` on the side away from the range.
    fn below(l: &Limit) -> f64 {
        match l.kind {
            Kind::Whole | Kind::ZeroOrWhole => l.min - 1.0,
            Kind::Number => l.min - l.min.abs().max(1.0) * 1e-9,
            Kind::AboveMin => l.min,
        }
    }

    fn above(l: &Limit) -> f64 {
        match l.kind {
            Kind::Whole | Kind::ZeroOrWhole => l.max + 1.0,
            Kind::Number | Kind::AboveMin => l.max + l.max.abs().max(1.0) * 1e-9,
        }
    }

    #[test]
    fn every_limit_is_a_range_and_its_ends_are_accepted() {
        for l in LIMITS {
            assert!(l.min <= l.max, "{}: min {} > max {}", l.key, l.min, l.max);
            assert!(l.min.is_finite() && l.max.is_finite(), "{}", l.key);
            assert!(!l.why.is_empty(), "{}", l.key);
            if l.kind != Kind::AboveMin {
                assert!(l.accepts(l.min), "{} refuses its min {}", l.key, l.min);
            }
            assert!(l.accepts(l.max), "{} refuses its max {}", l.key, l.max);
            let name = format!("{} ({})", l.key, l.applies_to);
            for bad in [below(l), above(l), f64::NAN, f64::INFINITY] {
                if l.kind == Kind::ZeroOrWhole && bad == 0.0 {
                    continue;
                }
                let e = match l.test(&name, bad) {
                    Ok(()) => panic!("{name} accepts {bad}"),
                    Err(e) => e,
                };
                assert!(e.starts_with(&name), "{e}");
                assert!(e.contains(l.why), "{e}");
            }
            if matches!(l.kind, Kind::Whole | Kind::ZeroOrWhole) && l.max > l.min {
                assert!(!l.accepts(l.min + 0.5), "{} accepts a fraction", l.key);
            }
        }
    }

    #[test]
    fn keys_are_unique_per_place_and_documented() {
        let doc = include_str!("limits.rs");
        for (i, a) in LIMITS.iter().enumerate() {
            for b in &LIMITS[i + 1..] {
                assert!(
                    !(a.key == b.key && a.applies_to == b.applies_to),
                    "{} twice",
                    a.key
                );
            }
            let row = format!("| `{}` |", a.key);
            assert!(
                doc.lines().any(|line| line.starts_with("//! ")
                    && line.contains(&row)
                    && line.contains(&format!("| {} |", a.range_text()))),
                "the module's table has no row for {} with range {}",
                a.key,
                a.range_text()
            );
        }
        for c in COMBINED {
            assert!(doc.contains(&format!("| `{}` |", c.key)), "{}", c.key);
        }
    }

    #[test]
    fn suite_keys_check_with_their_range_and_why() {
        assert!(check("options.histogram_bins", 1.0).is_ok());
        assert!(check("options.histogram_bins", 1000.0).is_ok());
        assert!(check("options.histogram_bins", 0.0).is_err());
        assert_eq!(
            check("options.histogram_bins", 1e6).unwrap_err(),
            "options.histogram_bins must be between 1 and 1000 (it sizes one histogram per \
             column and side in the report), got 1000000"
        );
        let e = check("evaluation.bootstrap_rounds", 50.0).unwrap_err();
        assert!(
            e.contains("bootstrap_rounds must be 0") && e.contains("at least 100"),
            "{e}"
        );
        assert!(check("evaluation.bootstrap_rounds", 0.0).is_ok());
        assert!(check("evaluation.bootstrap_rounds", 100.0).is_ok());
        assert!(check("evaluation.bootstrap_rounds", 100_001.0).is_err());
        assert!(check("performance.seconds_per_size", 0.0).is_err());
        assert!(check("performance.seconds_per_size", 0.001).is_ok());
        assert!(check("performance.seconds_per_size", 600.5).is_err());
        let e = check_named("--warmup", "performance.warmup", 1e9).unwrap_err();
        assert!(e.starts_with("--warmup must be between 0 and 10000"), "{e}");
        let e = check("validation.folds", 2.5).unwrap_err();
        assert!(e.contains("a whole number"), "{e}");
    }

    #[test]
    fn params_are_found_per_check() {
        assert!(check_param("drift.psi", "bins", 10_000.0).is_ok());
        let e = check_param("drift.auto", "bins", 10_001.0).unwrap_err();
        assert!(
            e.starts_with("params.bins must be between 1 and 10000"),
            "{e}"
        );
        assert!(check_param("model.calibration_error", "bins", 1.0).is_err());
        assert!(check_param("model.calibration_error", "bins", 1000.0).is_ok());
        assert!(check_param("robustness.noise", "max_rows", 1_000_000.0).is_ok());
        assert!(check_param("robustness.monotonicity", "max_rows", 1_000_000.0).is_err());
        assert!(check_param("robustness.noise", "scale", 0.0).is_err());
        // A parameter without a limit passes.
        assert!(check_param("integrity.null_share", "bins", 1e12).is_ok());
        // Suite keys read specially by a check.
        assert!(find_for("sensitivity.morris", "sensitivity.samples").is_some());
        assert!(find_for("sensitivity.sobol", "sensitivity.samples").is_none());
        assert_eq!(find("sensitivity.samples").map(|l| l.min), Some(1.0));
    }

    #[test]
    fn products_are_refused_above_their_rule() {
        assert!(check_combined(
            "validation.folds × validation.repeats",
            1000.0,
            "10 × 100",
            None
        )
        .is_ok());
        let e = check_combined(
            "validation.folds × validation.repeats",
            1500.0,
            "15 × 100",
            None,
        )
        .unwrap_err();
        assert!(
            e.starts_with("validation.folds × validation.repeats must be at most 1000"),
            "{e}"
        );
        assert!(e.ends_with("got 15 × 100 = 1500"), "{e}");
    }

    #[test]
    fn the_table_lists_every_limit() {
        let t = markdown_table();
        assert_eq!(t.lines().count(), LIMITS.len() + 2);
        assert!(
            t.contains("| `options.histogram_bins` | suite | 1 to 1000 |"),
            "{t}"
        );
    }
}
