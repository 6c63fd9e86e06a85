//! The one look of assay's HTML: the palette and base rules shared by the HTML report and the
//! service's dashboard (each adds the rules of its own components after these).

/// Colour tokens: status colours, text, lines, reference and current series.
pub const PALETTE: &str = ":root{--pass:#1a7f37;--warn:#9a6700;--fail:#cf222e;--error:#8250df;\
--skipped:#6e7781;--ref:#a8b3bf;--cur:#2f6fde;--accent:#0969da;--fg:#1f2328;--muted:#59636e;\
--line:#d1d9e0;--soft:#f6f8fa;--bg:#ffffff}\n";

/// Base rules: box model, page font and colours, tables.
pub const BASE: &str = "*{box-sizing:border-box}\n\
body{margin:0;color:var(--fg);background:var(--bg);font:14px/1.5 -apple-system,BlinkMacSystemFont,\"Segoe UI\",Helvetica,Arial,sans-serif}\n\
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}\n\
th,td{text-align:left;border-bottom:1px solid var(--line);vertical-align:top}\n\
th{background:var(--soft);font-weight:600}\n";

/// The palette and base rules, the start of every page's stylesheet.
pub fn base_css() -> String {
    format!("{PALETTE}{BASE}")
}
