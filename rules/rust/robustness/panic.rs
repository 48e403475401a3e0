fn parse(kind: &str) -> u32 {
    match kind {
        "a" => 1,
        // ruleid: rust/robustness/panic
        "b" => todo!(),
        // ruleid: rust/robustness/panic
        _ => panic!("unknown kind {}", kind),
    }
}

fn fine(kind: &str) -> Result<u32, String> {
    // ok: rust/robustness/panic
    let msg = "panic!";
    // ok: rust/robustness/panic
    Err(format!("unknown kind {} {}", kind, msg))
}

#[test]
fn fails() {
    // ok: rust/robustness/panic
    panic!("tests may panic");
}
