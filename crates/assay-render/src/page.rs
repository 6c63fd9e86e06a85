//! The one document shape of every HTML page assay writes (reports and the service's
//! dashboard): the head, the one stylesheet (`assay.css`, embedded whole: pages are
//! self-contained, no external asset, no script), an optional top bar, and `<main>`.

use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The stylesheet of every page: palette, base rules, the report's components and the
/// dashboard's.
pub const STYLESHEET: &str = include_str!("assay.css");

/// A complete HTML document: `title`, `body_class` on `<body>` (`report`, `dashboard`),
/// `top` before `<main>` when given, and `main` inside it. Ends with a newline.
pub fn document(title: &str, body_class: &str, top: Option<Markup>, main: Markup) -> String {
    html! {
        (DOCTYPE) "\n"
        html lang="en" { "\n"
            head { "\n"
                meta charset="utf-8"; "\n"
                meta name="viewport" content="width=device-width,initial-scale=1"; "\n"
                meta name="referrer" content="no-referrer"; "\n"
                title { (title) } "\n"
                style { "\n" (PreEscaped(STYLESHEET)) } "\n"
            } "\n"
            body class=(body_class) { "\n"
                @if let Some(top) = top { (top) "\n" }
                main { "\n" (main) } "\n"
            } "\n"
        } "\n"
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_escapes_its_title_and_embeds_the_one_stylesheet() {
        let page = document("a <b> & \"c\"", "report", None, html! { p { "body" } });
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"));
        assert!(page.contains("<title>a &lt;b&gt; &amp; &quot;c&quot;</title>"));
        assert!(page.contains(&format!("<style>\n{STYLESHEET}</style>")));
        assert!(page
            .contains("<body class=\"report\">\n<main>\n<p>body</p></main>\n</body>\n</html>\n"));
        let with_top = document("t", "dashboard", Some(html! { header { "top" } }), html! {});
        assert!(
            with_top.contains("<body class=\"dashboard\">\n<header>top</header>\n<main>\n</main>")
        );
    }
}
