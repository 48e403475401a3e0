use std::process::Command;

fn run(user_cmd: &str, dir: &str) {
    // ruleid: rust/security/shell-command
    let out = Command::new("sh").arg("-c").arg(user_cmd).output();
    // ruleid: rust/security/shell-command
    let _ = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ls {}", dir))
        .status();
    // ruleid: rust/security/shell-command
    let _ = Command::new("cmd").args(["/C", user_cmd]).status();
    // ruleid: rust/security/shell-command
    let _ = Command::new("sh").args(&["-c", &format!("rm -rf {}", dir)]).status();
    drop(out);
}

fn fine(dir: &str) {
    // ok: rust/security/shell-command
    let _ = Command::new("git").arg("-C").arg(dir).arg("status").status();
    // ok: rust/security/shell-command
    let _ = Command::new("sh").arg("-c").arg("make clean").status();
    // ok: rust/security/shell-command
    let _ = Command::new("sh").args(["-c", "echo hello"]).status();
    // ok: rust/security/shell-command
    let _ = Command::new("sh").arg("./configure").status();
}
