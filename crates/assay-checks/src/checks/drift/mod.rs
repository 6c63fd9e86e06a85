//! Drift checks: one file per method (`drift.<method>`), and the automatic choices.

pub mod anderson_darling;
pub mod auto;
pub mod chi_square;
pub mod cramer_v;
pub mod cramer_von_mises;
pub mod energy;
pub mod hellinger;
pub mod jensen_shannon;
pub mod kl;
pub mod ks;
pub mod mann_whitney;
pub mod psi;
pub mod tvd;
pub mod wasserstein;
pub mod z_test;

use crate::check::Check;
use crate::drift::column_drift::ColumnDrift;
use crate::drift::method::DriftMethod;

/// Every drift method, by name.
pub const METHODS: &[&dyn DriftMethod] = &[
    &ks::Ks,
    &wasserstein::Wasserstein,
    &psi::Psi,
    &jensen_shannon::JensenShannon,
    &kl::Kl,
    &hellinger::Hellinger,
    &tvd::Tvd,
    &chi_square::ChiSquare,
    &z_test::ZTest,
    &cramer_v::CramerV,
    &anderson_darling::AndersonDarling,
    &cramer_von_mises::CramerVonMises,
    &mann_whitney::MannWhitney,
    &energy::Energy,
];

/// The method called `name`.
pub fn method_named(name: &str) -> Option<&'static dyn DriftMethod> {
    METHODS.iter().copied().find(|m| m.name() == name)
}

/// Every drift check, in catalogue order.
pub fn checks() -> Vec<Box<dyn Check>> {
    let mut out: Vec<Box<dyn Check>> = vec![
        Box::new(auto::auto()),
        Box::new(auto::prediction()),
        Box::new(auto::target()),
    ];
    out.extend(
        METHODS
            .iter()
            .map(|m| Box::new(ColumnDrift::fixed(*m)) as Box<dyn Check>),
    );
    out
}
