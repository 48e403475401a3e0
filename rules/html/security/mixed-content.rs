// HTML built in Rust strings is analysed as HTML.
pub fn header() -> String {
    // ruleid: html/security/mixed-content
    let head = r#"<script src="http://cdn.example.com/lib.js"></script>"#;
    // ruleid: html/security/mixed-content
    let logo = "<img class=\"logo\" src=\"http://images.example.com/logo.png\">";
    // ok: html/security/mixed-content
    let safe = r#"<img src="https://images.example.com/logo.png">"#;
    // ok: html/security/mixed-content
    let link = "<a href=\"http://www.debian.org/\">Debian</a>";
    // ok: html/security/mixed-content
    let text = "see http://example.com/ for details";
    format!("{head}{logo}{safe}{link}{text}")
}
