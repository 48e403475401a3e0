function createSession(user) {
  // ruleid: javascript/security/insecure-random
  const token = Math.random().toString(36).slice(2);
  // ruleid: javascript/security/insecure-random
  user.resetToken = Math.floor(Math.random() * 1e9).toString(16);
  // ruleid: javascript/security/insecure-random
  const session = { userId: user.id, csrf_token: Math.random() };
  // ok: javascript/security/insecure-random
  const delay = Math.random() * 1000;
  // ok: javascript/security/insecure-random
  const token2 = crypto.randomUUID();
  // ok: javascript/security/insecure-random
  const valid = Math.random() > 0.5;
  // ok: javascript/security/insecure-random
  const color = `hsl(${Math.random() * 360}, 50%, 50%)`;
  return [token, session, delay, token2, valid, color];
}

function generatePassword(length) {
  let out = "";
  for (let i = 0; i < length; i++) {
    // ruleid: javascript/security/insecure-random
    out += CHARS[Math.floor(Math.random() * CHARS.length)];
  }
  return out;
}

function shuffle(items) {
  for (let i = items.length - 1; i > 0; i--) {
    // ok: javascript/security/insecure-random
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
