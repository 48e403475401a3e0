use askama::Template;

#[derive(Template)]
// ruleid: rust/security/template-safe-filter
#[template(source = "<div>{{ comment.body|safe }}</div>", ext = "html")]
struct Comment<'a> {
    comment: &'a Post,
}

#[derive(Template)]
#[template(
    source = r#"
<article>
  <!-- ok: rust/security/template-safe-filter -->
  <h1>{{ title }}</h1>
  <!-- ruleid: rust/security/template-safe-filter -->
  <section>{{ body | safe }}</section>
  <!-- ok: rust/security/template-safe-filter -->
  <p>{{ summary|escape }}</p>
</article>
"#,
    ext = "html"
)]
struct Page<'a> {
    title: &'a str,
    body: &'a str,
    summary: &'a str,
}

fn fine(tera: &mut tera::Tera) {
    // ok: rust/security/template-safe-filter
    let _ = tera.add_raw_template("row", "<td>{{ name|upper }}</td><td>{{ safety_rating }}</td>");
    // ok: rust/security/template-safe-filter
    let msg = "use the safe filter only on trusted HTML";
    drop(msg);
}
