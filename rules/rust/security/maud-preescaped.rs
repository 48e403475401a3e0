use maud::{html, Markup, PreEscaped};

const NBSP: &str = "&nbsp;";

fn post(title: &str, body_html: &str) -> Markup {
    html! {
        h1 { (title) }
        // ruleid: rust/security/maud-preescaped
        div.body { (PreEscaped(body_html)) }
        // ruleid: rust/security/maud-preescaped
        p { (maud::PreEscaped(format!("<b>{}</b>", title))) }
        // ok: rust/security/maud-preescaped
        span { (PreEscaped("&nbsp;")) }
        // ok: rust/security/maud-preescaped
        span { (PreEscaped(NBSP)) }
    }
}

fn footer(user_html: String) -> PreEscaped<String> {
    // ok: rust/security/maud-preescaped
    let _static = PreEscaped(include_str!("footer.html"));
    // ruleid: rust/security/maud-preescaped
    PreEscaped(user_html)
}
