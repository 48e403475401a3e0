fn verify(token: &str) -> bool {
    // ruleid: rust/ai-smell/placeholder-comment
    // In a real implementation this would check the signature.
    !token.is_empty()
}

fn store(data: &[u8]) -> usize {
    // ruleid: rust/ai-smell/placeholder-comment
    // TODO: implement persistence
    data.len()
}

/// Returns the user's quota.
/* ruleid: rust/ai-smell/placeholder-comment */
/* Simplified version: the real limit depends on the plan. */
fn quota() -> u64 {
    // ruleid: rust/ai-smell/placeholder-comment
    // For now, just return a fixed value.
    1024
}

fn rate() -> u32 {
    /*
     * Computes the rate.
     /* ruleid: rust/ai-smell/placeholder-comment */
     * This is a placeholder until the pricing service exists.
     */
    3
}

// ok: rust/ai-smell/placeholder-comment
// The placeholder text is shown when the field is empty.
fn hint() -> &'static str { "<name>" }

// ok: rust/ai-smell/placeholder-comment
// TODO: cache this once profiling shows it matters
fn slow() {}

/// ok: rust/ai-smell/placeholder-comment
/// Implement this trait to add an output format.
trait Format {}

// ok: rust/ai-smell/placeholder-comment
// Only Unix is supported for now.
fn unix() {}

// ruleid: rust/ai-smell/placeholder-comment
// Not implemented yet: returns an empty list.
fn list() -> Vec<u32> { Vec::new() }

/// ok: rust/ai-smell/placeholder-comment
/// error[E0277]: the trait `Format` is not implemented for `Thread`
fn needs_format() {}
