use std::ptr;

struct Handle(*mut u8);

// ruleid: rust/security/unsafe
unsafe impl Send for Handle {}

fn read(p: *const u32) -> u32 {
    // ruleid: rust/security/unsafe
    unsafe { ptr::read(p) }
}

fn len(s: &str) -> usize {
    // ruleid: rust/security/unsafe
    let n = unsafe { libc_strlen(s.as_ptr()) };
    n
}

// ok: rust/security/unsafe
impl Clone for Handle { fn clone(&self) -> Self { Handle(self.0) } }

fn safe(v: &[u32]) -> u32 {
    // ok: rust/security/unsafe
    let word = "unsafe { }";
    // ok: rust/security/unsafe
    v.first().copied().unwrap_or(word.len() as u32)
}
