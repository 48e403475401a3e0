use std::mem;
// ruleid: rust/security/transmute
use std::mem::{swap, transmute};

fn bits(x: f32) -> u32 {
    // ruleid: rust/security/transmute
    unsafe { mem::transmute::<f32, u32>(x) }
}

fn flag(b: u8) -> bool {
    // ruleid: rust/security/transmute
    unsafe { std::mem::transmute(b) }
}

fn safe(x: f32, b: [u8; 4]) -> (u32, u32) {
    let mut a = 1;
    let mut c = 2;
    // ok: rust/security/transmute
    mem::swap(&mut a, &mut c);
    // ok: rust/security/transmute
    let n = u32::from_ne_bytes(b);
    // ok: rust/security/transmute
    (x.to_bits(), n + transmute_config(a))
}
