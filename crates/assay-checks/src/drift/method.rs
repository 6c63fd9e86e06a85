//! The [`DriftMethod`] trait: one statistical test or distance, applied to one column.

use serde_json::{Map, Value};

use assay_report::details::drift::ColumnDrift;
use assay_stats::drift::binning::{bin_counts, bin_edges, Binning};
use assay_stats::drift::Empirical;

use crate::check::CheckDoc;

/// Whether a method is a hypothesis test (decided on its p-value) or a distance (decided on
/// its value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// A test: the value the condition sees is the (corrected) p-value; small means drift.
    Test,
    /// A distance or divergence: the value is the distance; large means drift.
    Distance,
}

/// What a method can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Ordered numeric samples only (KS, Wasserstein, ...).
    Numeric,
    /// Anything that can be put into bins or categories (numeric columns are binned).
    Binned,
}

/// One column of both sides, ready for a method.
#[derive(Debug, Clone)]
pub enum Prepared {
    /// Finite values of a numeric column (NaN and infinities excluded).
    Numeric {
        /// The baseline.
        reference: Empirical,
        /// The data under test.
        current: Empirical,
    },
    /// Category counts aligned on one label list.
    Categorical {
        /// Category labels (union of both sides).
        labels: Vec<String>,
        /// Reference counts per label.
        reference: Vec<f64>,
        /// Current counts per label.
        current: Vec<f64>,
    },
}

impl Prepared {
    /// Sample sizes (reference, current).
    pub fn sizes(&self) -> (f64, f64) {
        match self {
            Prepared::Numeric { reference, current } => (reference.total(), current.total()),
            Prepared::Categorical {
                reference, current, ..
            } => (reference.iter().sum(), current.iter().sum()),
        }
    }

    /// Bin (or category) counts of both sides: numeric columns are binned by `binning`
    /// (edges returned), categorical ones are returned as they are (labels returned).
    pub fn binned(&self, binning: Binning) -> Bins {
        match self {
            Prepared::Numeric { reference, current } => {
                let edges = bin_edges(binning, reference, current);
                Bins {
                    reference: bin_counts(&edges, reference),
                    current: bin_counts(&edges, current),
                    edges: Some(edges),
                    labels: None,
                }
            }
            Prepared::Categorical {
                labels,
                reference,
                current,
            } => Bins {
                edges: None,
                labels: Some(labels.clone()),
                reference: reference.clone(),
                current: current.clone(),
            },
        }
    }
}

/// Aligned bins of both sides.
#[derive(Debug, Clone)]
pub struct Bins {
    /// Bin edges (numeric columns).
    pub edges: Option<Vec<f64>>,
    /// Category labels (categorical columns).
    pub labels: Option<Vec<String>>,
    /// Reference counts.
    pub reference: Vec<f64>,
    /// Current counts.
    pub current: Vec<f64>,
}

impl Bins {
    /// The bins into the report details (`bin_edges` or `categories`, with both sides' counts).
    pub fn to_details(&self, out: &mut ColumnDrift) {
        out.bin_edges = self.edges.clone();
        out.categories = self.labels.clone();
        out.reference_histogram = Some(self.reference.clone());
        out.current_histogram = Some(self.current.clone());
    }
}

/// Method options from the suite entry's `params:`.
#[derive(Debug, Clone, Copy)]
pub struct MethodOptions {
    /// Binning of numeric columns for histogram-based methods.
    pub binning: Binning,
    /// Logarithm base of Jensen–Shannon and Kullback–Leibler.
    pub base: f64,
    /// Yates' continuity correction of the chi-square test on 2×2 tables.
    pub yates: bool,
    /// Wasserstein distance divided by the reference standard deviation.
    pub normed: bool,
}

impl Default for MethodOptions {
    fn default() -> Self {
        Self {
            binning: Binning::default(),
            base: std::f64::consts::E,
            yates: true,
            normed: true,
        }
    }
}

/// What a method computed on one column.
#[derive(Debug, Clone, Default)]
pub struct Score {
    /// The statistic or distance.
    pub statistic: f64,
    /// The p-value, for tests.
    pub p_value: Option<f64>,
    /// How the p-value was computed.
    pub p_method: Option<&'static str>,
    /// Method-specific figures (degrees of freedom, the plain Wasserstein distance, ...).
    pub details: Map<String, Value>,
    /// The bins the method used (histogram-based methods).
    pub bins: Option<Bins>,
}

impl Score {
    /// A distance.
    pub fn distance(value: f64) -> Self {
        Self {
            statistic: value,
            ..Self::default()
        }
    }

    /// A test outcome.
    pub fn test(t: assay_stats::drift::TestOutcome) -> Self {
        Self {
            statistic: t.statistic,
            p_value: Some(t.p_value),
            p_method: Some(t.p_method),
            ..Self::default()
        }
    }

    /// Adds a detail.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.into(), value.into());
        self
    }

    /// Records the bins used.
    pub fn with_bins(mut self, bins: Bins) -> Self {
        self.bins = Some(bins);
        self
    }
}

/// One drift method: `drift.<name>`.
pub trait DriftMethod: Send + Sync {
    /// Method name (`ks`), also the check id suffix.
    fn name(&self) -> &'static str;
    /// Check id (`drift.ks`).
    fn id(&self) -> &'static str;
    /// Test or distance.
    fn family(&self) -> Family;
    /// What it can compare.
    fn applies(&self) -> Applies;
    /// Default threshold: the p-value below which (tests) or the distance at or above which
    /// (distances) a column has drifted.
    fn default_threshold(&self) -> f64;
    /// Documentation (the column-drift sections common to every method are added).
    fn doc(&self) -> CheckDoc;
    /// Computes the statistic on a prepared column.
    fn score(&self, column: &Prepared, options: &MethodOptions) -> Result<Score, String>;
}

/// The two sides' bins, or an error naming what is missing.
pub fn nonempty_bins(column: &Prepared, options: &MethodOptions) -> Result<Bins, String> {
    let bins = column.binned(options.binning);
    if bins.reference.iter().sum::<f64>() <= 0.0 || bins.current.iter().sum::<f64>() <= 0.0 {
        return Err("one side has no values to compare".into());
    }
    Ok(bins)
}

/// Both sides' numeric samples, or an error for a categorical column.
pub fn samples<'a>(
    column: &'a Prepared,
    method: &str,
) -> Result<(&'a Empirical, &'a Empirical), String> {
    match column {
        Prepared::Numeric { reference, current } => Ok((reference, current)),
        Prepared::Categorical { .. } => Err(format!(
            "{method} compares ordered numeric samples; this column is categorical (use \
             drift.chi_square, drift.jensen_shannon, ... or drift.auto)"
        )),
    }
}
