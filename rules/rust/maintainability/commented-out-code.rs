use std::collections::HashMap;

fn lookup(map: &HashMap<String, u32>, key: &str) -> u32 {
    // ruleid: rust/maintainability/commented-out-code
    // let cached = CACHE.get(key);
    // if let Some(v) = cached { return *v; }
    map.get(key).copied().unwrap_or(0)
}

// ruleid: rust/maintainability/commented-out-code
// fn old_lookup(key: &str) -> u32 {
//     validate(key)?;
//     0
// }

fn check(v: u32) -> bool {
    // ok: rust/maintainability/commented-out-code
    // Values above the limit are rejected here; the caller
    // reports them to the user.
    v < 10
}

/// ok: rust/maintainability/commented-out-code
/// ```
/// let x = lookup(&map, "a");
/// assert_eq!(x, 1);
/// ```
pub fn documented() {}

fn single() {
    // ok: rust/maintainability/commented-out-code
    // let y = 2;
    let z = 3;
    // ok: rust/maintainability/commented-out-code
    // if the map is empty, the default is used
    // and nothing is logged
    drop(z);
}
