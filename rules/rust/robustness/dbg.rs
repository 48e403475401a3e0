fn total(items: &[u32]) -> u32 {
    // ruleid: rust/robustness/dbg
    let sum: u32 = dbg!(items.iter().sum());
    // ruleid: rust/robustness/dbg
    std::dbg!(&items);
    // ok: rust/robustness/dbg
    log::debug!("sum = {}", sum);
    // ok: rust/robustness/dbg
    let dbg = "dbg!(x)";
    sum + dbg.len() as u32
}

#[test]
fn sums() {
    // ok: rust/robustness/dbg
    dbg!(total(&[1, 2]));
}
