use std::fs;

fn load(path: &str) -> String {
    // ruleid: rust/robustness/expect
    let text = fs::read_to_string(path).expect("failed to read config");
    // ruleid: rust/robustness/expect
    let n: u32 = text.trim().parse().expect(&format!("invalid number in {}", path));
    let first = text
        .lines()
        .next()
        // ruleid: rust/robustness/expect
        .expect(r"empty file");
    // ok: rust/robustness/expect
    let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).expect("PORT should be validated by main");
    // ok: rust/robustness/expect
    let guard = LOCK.lock().expect("lock poisoned");
    // ok: rust/robustness/expect
    let id = text.find('=').expect("the key came from the line above");
    drop((port, guard, id));
    format!("{} {}", n, first)
}

struct Parser;
impl Parser {
    fn expect(&mut self, _t: Token) -> Result<(), String> { Ok(()) }
    fn list(&mut self) -> Result<(), String> {
        // ok: rust/robustness/expect
        self.expect(Token::Comma)?;
        Ok(())
    }
}

fn safe(path: &str) -> Result<String, std::io::Error> {
    // ok: rust/robustness/expect
    let text = fs::read_to_string(path)?;
    // ok: rust/robustness/expect
    let n = text.parse::<u32>().unwrap_or_default();
    Ok(format!("{} {}", text, n))
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses() {
        // ok: rust/robustness/expect
        let v: u32 = "3".parse().expect("a number");
        assert_eq!(v, 3);
    }
}
