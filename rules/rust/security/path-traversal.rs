use std::path::{Path, PathBuf};

fn serve(root: &Path, req: &Request, user_path: &str) -> PathBuf {
    // ruleid: rust/security/path-traversal
    let file = root.join(&req.path);
    // ruleid: rust/security/path-traversal
    let upload = root.join(user_path);
    let mut dest = PathBuf::from(root);
    let mut tokens: Vec<String> = Vec::new();
    // ok: rust/security/path-traversal
    tokens.push(user_path.to_string());
    // ruleid: rust/security/path-traversal
    dest.push(std::env::args().nth(1).unwrap_or_default());
    drop(upload);
    file
}

fn handler(base: &Path, query: Query<Params>, input: String) -> PathBuf {
    // ruleid: rust/security/path-traversal
    let p = base.join(query.file.as_str());
    // ruleid: rust/security/path-traversal
    let q = base.join(input);
    drop(q);
    p
}

fn fine(base: &Path, req: &Request, sanitized_name: &str, names: &[String]) -> PathBuf {
    // ok: rust/security/path-traversal
    let a = base.join("config.toml");
    // ok: rust/security/path-traversal
    let b = base.join(sanitized_name);
    // ok: rust/security/path-traversal
    let c = base.join(Path::new(&req.path).file_name().unwrap_or_default());
    // ok: rust/security/path-traversal
    let s = names.join(", ");
    // ok: rust/security/path-traversal
    let d = base.join(requested_version());
    drop((b, c, s, d));
    a
}
