// ruleid: rust/ai-smell/allow-lint
#![allow(dead_code, unused_imports)]

// ruleid: rust/ai-smell/allow-lint
#[allow(unused_variables)]
fn compute(input: &str) -> usize {
    let parsed = input.len();
    // ruleid: rust/ai-smell/allow-lint
    #[allow(unused_must_use)]
    std::fs::remove_file("x");
    parsed
}

// ok: rust/ai-smell/allow-lint
#[allow(clippy::too_many_lines)]
fn long() {}

// ok: rust/ai-smell/allow-lint
#[expect(dead_code, reason = "used on Windows only")]
fn windows_only() {}

// ok: rust/ai-smell/allow-lint
#[deny(missing_docs)]
mod api {}

#[cfg(test)]
mod tests {
    // ok: rust/ai-smell/allow-lint
    #[allow(unused)]
    fn helper() {}
}
