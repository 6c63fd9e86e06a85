//! Slices defined by SQL boolean expressions (`age >= 60 and sex = 'Female'`), parsed and
//! evaluated by DataFusion against each batch. Expressions only: no query, no side effect.

use std::sync::Arc;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{DataType, SchemaRef};
use arrow::record_batch::RecordBatch;
use datafusion::common::DFSchema;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::prelude::SessionContext;

/// Syntax refused before the SQL parser sees it, read with the SQL tokenizer (linear time).
///
/// The parser backtracks exponentially on long dotted names and on subscripts: `x` followed by
/// eight `a.b.c.d[` took 55 s to refuse and a 30-part name `a.b.c.a.b.c…` over a minute (found
/// by the slice_expr fuzz target), and a slice arrives in a suite the service accepts from any
/// writer. Slices compare a table's columns, so a name has at most two parts (`table.column`;
/// quote a column whose name has dots: `"a.b"`) and there are no `[` subscripts.
fn refused_syntax(text: &str) -> Option<String> {
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};
    // A text the tokenizer refuses is left to the parser, which refuses it with its message.
    let tokens = Tokenizer::new(&GenericDialect {}, text).tokenize().ok()?;
    let mut parts = 0;
    let mut after_period = false;
    for token in tokens {
        match token {
            Token::Whitespace(_) => {}
            Token::LBracket => {
                return Some(
                    "`[` subscripts are not supported in slice expressions; compare columns \
                     with values, such as `age >= 60`"
                        .into(),
                )
            }
            Token::Word(_) => {
                parts = if after_period { parts + 1 } else { 1 };
                after_period = false;
                if parts > 2 {
                    return Some(
                        "a name of more than two parts (at most `table.column`; quote a column \
                         name that has dots: \"a.b\")"
                            .into(),
                    );
                }
            }
            Token::Period => after_period = true,
            _ => {
                parts = 0;
                after_period = false;
            }
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
        if let Some(reason) = refused_syntax(text) {
            return Err(format!("slice `{text}`: {reason}"));
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
            Field::new("a.b", DataType::Int64, true),
        ]))
    }

    fn refused(text: &str) -> String {
        SliceExpr::parse(text, &schema()).err().unwrap()
    }

    #[test]
    fn inputs_on_which_the_parser_backtracks_are_refused_before_it() {
        // Each took the SQL parser from 20 s to over a minute. The refusals below come from the
        // tokenizer check (the parser's own messages differ).
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fuzz/regressions/slice_expr"
        );
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        let mut texts: Vec<String> = names
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        texts.push(format!("x{}", "a.b.c.d[".repeat(8)));
        texts.push(format!("x{}", "a.b.c.".repeat(10)));
        for text in &texts {
            let error = refused(text);
            assert!(
                error.contains("subscripts are not supported")
                    || error.contains("a name of more than two parts"),
                "{error}"
            );
        }
        assert!(refused("age[1] > 3").contains("`[` subscripts are not supported"));
        assert!(refused("t . s . age > 3").contains("more than two parts"));
    }

    #[test]
    fn quoted_text_numbers_and_two_part_names_are_not_refused() {
        for ok in [
            "sex = 'a[b' or sex = 'it''s [x.y.z]'",
            "age > 1.5 and age < 2.25",
            "\"a.b\" > 3",
        ] {
            assert_eq!(refused_syntax(ok), None, "{ok}");
            SliceExpr::parse(ok, &schema()).unwrap();
        }
        assert_eq!(refused_syntax("t.age > 3"), None);
    }
}
