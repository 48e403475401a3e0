use std::fs;

fn read_config(path: &str) -> String {
    // ruleid: rust/robustness/unwrap
    let text = fs::read_to_string(path).unwrap();
    // ruleid: rust/robustness/unwrap
    let first = text.lines().next().unwrap().to_string();
    first
}

fn safe(path: &str) -> Result<String, std::io::Error> {
    // ok: rust/robustness/unwrap
    let text = fs::read_to_string(path)?;
    // ok: rust/robustness/unwrap
    let n = text.parse::<u32>().unwrap_or(0);
    // ok: rust/robustness/unwrap
    let unwrap = n + 1; // a variable named unwrap is not a call
    Ok(format!("{} {}", text, unwrap))
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses() {
        // ok: rust/robustness/unwrap
        let v: u32 = "3".parse().unwrap();
        assert_eq!(v, 3);
    }
}
