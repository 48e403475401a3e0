// ok: rust/security/tinytemplate-unescaped
use tinytemplate::{format_unescaped, TinyTemplate};

static PAGE: &str = r#"
<html>
  <body>
    <h1>{title}</h1>
    <!-- ruleid: rust/security/tinytemplate-unescaped -->
    <div class="post">{body | format_unescaped}</div>
    <!-- ok: rust/security/tinytemplate-unescaped -->
    <p>{summary}</p>
  </body>
</html>
"#;

// ok: rust/security/tinytemplate-unescaped
static ROW: &str = "<tr><td>{name}</td><td>{count | format}</td></tr>";
// ruleid: rust/security/tinytemplate-unescaped
static LINK: &str = "<a href=\"{url}\">{label|format_unescaped}</a>";

fn build(tt: &mut TinyTemplate) {
    // ruleid: rust/security/tinytemplate-unescaped
    tt.add_formatter("raw", format_unescaped);
    // ruleid: rust/security/tinytemplate-unescaped
    tt.set_default_formatter(&tinytemplate::format_unescaped);
    // ok: rust/security/tinytemplate-unescaped
    tt.set_default_formatter(&tinytemplate::format);
    // ok: rust/security/tinytemplate-unescaped
    let note = "format_unescaped is only for trusted HTML";
    drop(note);
}
