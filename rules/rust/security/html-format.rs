use std::fmt::Write;

fn row(name: &str, note: &str) -> String {
    // ruleid: rust/security/html-format
    let mut html = format!("<tr><td>{}</td>", name);
    // ruleid: rust/security/html-format
    write!(html, "<td class=\"note\">{note}</td></tr>").ok();
    html
}

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html>
  <head><title>Report</title></head>
  <body>
    <!-- ruleid: rust/security/html-format -->
    <h1>{title}</h1>
    <div>{}</div>
  </body>
</html>"#,
        body
    )
}

fn fine(name: &str, ty: &str, out: &mut String) {
    // ok: rust/security/html-format
    let a = format!("<td>{}</td>", html_escape::encode_text(name));
    // ok: rust/security/html-format
    let b = format!("<li>{}</li>", escape(name));
    // ok: rust/security/html-format
    let c = format!("Option<{}>", ty);
    // ok: rust/security/html-format
    let d = format!("Vec<u8> has {} items", name.len());
    // ok: rust/security/html-format
    writeln!(out, "<style>body {{ margin: 0 }}</style>").ok();
    // ok: rust/security/html-format
    let e = concat!("<b>", "static", "</b>");
    drop((a, b, c, d, e));
}
