use std::env;
use std::fs;

fn save(report: &str, pid: u32) -> std::io::Result<()> {
    // ruleid: rust/security/predictable-temp-file
    let path = env::temp_dir().join("report.html");
    fs::write(&path, report)?;
    // ruleid: rust/security/predictable-temp-file
    let mut lock = std::env::temp_dir();
    lock.push(format!("app-{}.lock", pid));
    // ruleid: rust/security/predictable-temp-file
    fs::write("/tmp/app-state.json", report)?;
    Ok(())
}

fn fine(report: &str) -> std::io::Result<()> {
    // ok: rust/security/predictable-temp-file
    let mut f = tempfile::NamedTempFile::new()?;
    // ok: rust/security/predictable-temp-file
    let dir = tempfile::Builder::new().prefix("app").tempdir_in(env::temp_dir())?;
    // ok: rust/security/predictable-temp-file
    let tmp = env::temp_dir();
    // ok: rust/security/predictable-temp-file
    let msg = "could not write /tmp/x";
    std::io::Write::write_all(&mut f, report.as_bytes())?;
    drop((dir, tmp, msg));
    Ok(())
}

#[test]
fn writes() {
    // ok: rust/security/predictable-temp-file
    std::fs::write("/tmp/prgate-test", "x").unwrap();
}
