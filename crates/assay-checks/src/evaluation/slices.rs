//! Slices defined by SQL boolean expressions (`age >= 60 and sex = 'Female'`), parsed and
//! evaluated by DataFusion against each batch. Expressions only: no query, no side effect.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use datafusion::common::DFSchema;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::prelude::SessionContext;

/// The character index of the first `[` outside a quoted string or identifier.
///
/// The SQL parser backtracks exponentially on dotted names followed by unclosed subscripts:
/// `x` followed by eight `a.b.c.d[` took 55 s to refuse (found by the slice_expr fuzz target),
/// and a slice arrives in a suite the service accepts from any writer. Slices compare a
/// table's columns, which have no use for subscripts, so they are refused before parsing.
fn subscript_outside_quotes(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in text.chars().enumerate() {
        match (quote, c) {
            // A doubled quote inside a quoted run closes and reopens it: same state after both.
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => return Some(i),
            (None, _) => {}
        }
    }
    None
}

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
        if let Some(at) = subscript_outside_quotes(text) {
            return Err(format!(
                "slice `{text}`: `[` at character {} (subscripts are not supported in slice \
                 expressions; compare columns with values, such as `age >= 60`)",
                at + 1
            ));
        }
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

#[cfg(test)]
mod tests {
    use arrow::datatypes::{Field, Schema};

    use super::*;

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("age", DataType::Int64, true),
            Field::new("sex", DataType::Utf8, true),
        ]))
    }

    #[test]
    fn subscripts_are_refused_before_the_parser_sees_them() {
        // 8 × `a.b.c.d[` took the SQL parser 55 s; the fuzzer's 127-byte input over 20 s.
        let bomb = format!("x{}", "a.b.c.d[".repeat(8));
        let fuzzed =
            include_str!("../../../../fuzz/regressions/slice_expr/dotted-names-and-subscripts.txt");
        for text in [bomb.as_str(), fuzzed, "age[1] > 3"] {
            // The refusal comes from the check before the parser (it is the parser's slowness).
            let error = SliceExpr::parse(text, &schema()).err().unwrap();
            assert!(error.contains("subscripts are not supported"), "{error}");
        }
        let error = SliceExpr::parse("age[1] > 3", &schema()).err().unwrap();
        assert!(error.contains("`[` at character 4"), "{error}");
    }

    #[test]
    fn brackets_inside_quotes_are_text() {
        let slice = SliceExpr::parse("sex = 'a[b' or sex = 'it''s [x'", &schema()).unwrap();
        assert_eq!(slice.columns, vec!["sex".to_string()]);
        assert_eq!(subscript_outside_quotes("\"a[\" = 'x' and y[1]"), Some(16));
    }
}
