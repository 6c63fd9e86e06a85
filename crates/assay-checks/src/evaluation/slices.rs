//! Slices defined by SQL boolean expressions (`age >= 60 and sex = 'Female'`), parsed and
//! evaluated by DataFusion against each batch. Expressions only: no query, no side effect.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use datafusion::common::DFSchema;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::prelude::SessionContext;

/// A parsed slice expression.
pub struct SliceExpr {
    /// The expression as written.
    pub text: String,
    /// Columns it reads.
    pub columns: Vec<String>,
    compiled: Option<(SchemaRef, Arc<dyn PhysicalExpr>)>,
}

impl SliceExpr {
    /// Parses `text` against the data's schema.
    pub fn parse(text: &str, schema: &SchemaRef) -> Result<SliceExpr, String> {
        let ctx = SessionContext::new();
        let df_schema = DFSchema::try_from(schema.as_ref().clone())
            .map_err(|e| format!("slice `{text}`: {e}"))?;
        let expr = ctx
            .parse_sql_expr(text, &df_schema)
            .map_err(|e| format!("slice `{text}` is not a valid expression: {e}"))?;
        let mut columns: Vec<String> = expr
            .column_refs()
            .into_iter()
            .map(|c| c.name.clone())
            .collect();
        columns.sort();
        columns.dedup();
        // Type-check now, so a bad expression is a configuration error before any scan.
        let phys = ctx
            .create_physical_expr(expr, &df_schema)
            .map_err(|e| format!("slice `{text}`: {e}"))?;
        let dt = phys
            .data_type(schema.as_ref())
            .map_err(|e| format!("slice `{text}`: {e}"))?;
        if dt != DataType::Boolean {
            return Err(format!(
                "slice `{text}` gives {dt}, not true/false: write a condition such as `age >= 60`"
            ));
        }
        Ok(SliceExpr {
            text: text.to_string(),
            columns,
            compiled: None,
        })
    }

    /// Membership of each row of `batch` (null counts as outside).
    pub fn members(&mut self, batch: &RecordBatch) -> Result<Vec<bool>, String> {
        let schema = batch.schema();
        let stale = self
            .compiled
            .as_ref()
            .is_none_or(|(s, _)| s.as_ref() != schema.as_ref());
        if stale {
            let ctx = SessionContext::new();
            let df_schema = DFSchema::try_from(schema.as_ref().clone())
                .map_err(|e| format!("slice `{}`: {e}", self.text))?;
            let expr = ctx
                .parse_sql_expr(&self.text, &df_schema)
                .map_err(|e| format!("slice `{}`: {e}", self.text))?;
            let phys = ctx
                .create_physical_expr(expr, &df_schema)
                .map_err(|e| format!("slice `{}`: {e}", self.text))?;
            self.compiled = Some((schema.clone(), phys));
        }
        let Some((_, phys)) = &self.compiled else {
            return Err(format!("slice `{}`: not compiled", self.text));
        };
        let value = phys
            .evaluate(batch)
            .and_then(|v| v.into_array(batch.num_rows()))
            .map_err(|e| format!("slice `{}`: {e}", self.text))?;
        let b = value
            .as_boolean_opt()
            .ok_or_else(|| format!("slice `{}` did not give true/false", self.text))?;
        Ok((0..b.len()).map(|i| b.is_valid(i) && b.value(i)).collect())
    }
}
