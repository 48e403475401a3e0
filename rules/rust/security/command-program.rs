use std::process::Command;

const GIT: &str = "git";

fn run(tool: &str, req: &Request) {
    // ruleid: rust/security/command-program
    let _ = Command::new(tool).arg("--version").status();
    // ruleid: rust/security/command-program
    let _ = Command::new(&req.program).status();
    // ruleid: rust/security/command-program
    let _ = std::process::Command::new(format!("/opt/tools/{}", req.name)).status();
    // ruleid: rust/security/command-program
    let _ = tokio::process::Command::new(std::env::var("EDITOR").unwrap_or_default()).status();
}

fn fine() {
    // ok: rust/security/command-program
    let _ = Command::new("git").arg("status").status();
    // ok: rust/security/command-program
    let _ = Command::new(GIT).arg("log").status();
    // ok: rust/security/command-program
    let _ = Command::new(env!("CARGO_BIN_EXE_prgate")).status();
    // ok: rust/security/command-program
    let _ = Command::new(std::env::current_exe().unwrap()).status();
    // ok: rust/security/command-program
    let _ = Command::new(r"C:\Windows\System32\where.exe").status();
}

fn cli(name: &'static str) -> clap::Command {
    // ok: rust/security/command-program
    clap::Command::new(name).arg(clap::Arg::new("verbose")).about("a subcommand")
}

fn cli2(name: String) -> clap::Command {
    // ok: rust/security/command-program
    Command::new(name).arg(Arg::new("x"))
}

fn split(prog: &str) {
    // ruleid: rust/security/command-program
    let mut cmd = Command::new(prog);
    cmd.arg("-v");
}
