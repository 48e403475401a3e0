// Markup generated from Rust is analysed as HTML.
pub fn menu(item: &str) -> String {
    // ruleid: html/security/javascript-url
    let a = r#"<a class="menu" href="javascript:openMenu()">Menu</a>"#;
    // ruleid: html/security/javascript-url
    let b = "<a class=\"menu\" href=\"javascript:openMenu()\">Menu</a>";
    // ok: html/security/javascript-url
    let c = r#"<a href="javascript:void(0)">Toggle</a>"#;
    // ok: html/security/javascript-url
    let d = "<a href=\"/menu\">Menu</a>";
    format!("{a}{b}{c}{d}{item}")
}
