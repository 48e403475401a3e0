use std::fs;
use std::path::Path;

fn clean(root: &Path, name: &str, out_path: &Path) -> std::io::Result<()> {
    // ruleid: rust/security/remove-computed-path
    fs::remove_dir_all(root.join(name))?;
    // ruleid: rust/security/remove-computed-path
    std::fs::remove_file(format!("{}/cache.db", name))?;
    // ruleid: rust/security/remove-computed-path
    fs::remove_dir_all(&root)?;
    // ruleid: rust/security/remove-computed-path
    fs::remove_file(root.join(name))?;
    // ok: rust/security/remove-computed-path
    fs::remove_file(out_path)?;
    Ok(())
}

const CACHE: &str = "target/cache";

fn fine(tmp: &tempfile::TempDir) -> std::io::Result<()> {
    // ok: rust/security/remove-computed-path
    fs::remove_dir_all("target/prgate-test")?;
    // ok: rust/security/remove-computed-path
    fs::remove_dir_all(CACHE)?;
    // ok: rust/security/remove-computed-path
    fs::remove_dir_all(tmp.path().join("scratch"))?;
    // ok: rust/security/remove-computed-path
    let _ = fs::remove_dir("empty-only");
    Ok(())
}

#[test]
fn cleanup() {
    let dir = Path::new("target").join("t");
    // ok: rust/security/remove-computed-path
    fs::remove_dir_all(&dir).ok();
}
