//! Work done on a dataset's rows during its profiling read, beside the profile.
//!
//! A check that needs more than the profile (row hashes for duplicates, counts outside a range)
//! hands the read a [`BatchTap`] instead of reading the data again. The read folds its batches
//! on every core at once, so a tap is split: each partition gets an empty copy
//! ([`BatchTap::fork`]) and the copies are merged ([`BatchTap::merge`]) when the read ends, in
//! no particular order. A tap's result must therefore not depend on the order of the rows.

use std::any::Any;

use arrow::record_batch::RecordBatch;

/// Row work riding on a profiling read. See the [module documentation](self).
pub trait BatchTap: Send {
    /// Columns it reads (by name; each batch it is given holds at least these).
    fn columns(&self) -> Vec<String>;
    /// An empty copy for another partition of the same read.
    fn fork(&self) -> Box<dyn BatchTap>;
    /// Consumes one batch. A tap records its own failures: an error here stops the read.
    fn update(&mut self, batch: &RecordBatch) -> Result<(), String>;
    /// Adds a copy made by [`BatchTap::fork`] (and fed other batches) into this one.
    fn merge(&mut self, other: Box<dyn BatchTap>) -> Result<(), String>;
    /// The tap as `Any`, for its owner (or [`BatchTap::merge`]) to downcast.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}
