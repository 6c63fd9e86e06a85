//! Column drift: the machinery shared by every `drift.*` check (one file per method lives in
//! `checks/drift/`).

pub mod auto;
pub mod column_drift;
pub mod exact;
pub mod method;
pub mod prepare;
pub mod score;
