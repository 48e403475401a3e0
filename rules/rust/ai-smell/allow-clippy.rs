// ruleid: rust/ai-smell/allow-clippy
#![allow(clippy::pedantic)]
// ok: rust/ai-smell/allow-clippy
#![warn(clippy::all)]
// ok: rust/ai-smell/allow-clippy
#![forbid(unsafe_code)]

// ruleid: rust/ai-smell/allow-clippy
#[allow(clippy::too_many_arguments)]
fn build(a: u8, b: u8, c: u8, d: u8, e: u8, f: u8, g: u8, h: u8) -> u32 {
    // ruleid: rust/ai-smell/allow-clippy
    #[allow(unused_mut, clippy::needless_return)]
    let mut x = a as u32 + b as u32 + c as u32 + d as u32 + e as u32 + f as u32 + g as u32 + h as u32;
    return x;
}

// ruleid: rust/ai-smell/allow-clippy
#[cfg_attr(feature = "strict", allow(clippy::unwrap_used))]
fn f() {}

// ok: rust/ai-smell/allow-clippy
#[expect(clippy::cast_possible_truncation, reason = "values are below 256")]
fn narrow(v: u32) -> u8 { v as u8 }

// ok: rust/ai-smell/allow-clippy
#[allow(dead_code)]
fn unused() {}

// ok: rust/ai-smell/allow-clippy
#[derive(Debug, Clone)]
struct S;

#[cfg(test)]
mod tests {
    // ok: rust/ai-smell/allow-clippy
    #[allow(clippy::unwrap_used)]
    #[test]
    fn t() {}
}
