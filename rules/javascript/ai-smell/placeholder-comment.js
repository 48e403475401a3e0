async function chargeCard(card, amount) {
  // ruleid: javascript/ai-smell/placeholder-comment
  // TODO: implement the real payment provider call
  return { ok: true, amount };
}

function verifySignature(payload, signature) {
  // ruleid: javascript/ai-smell/placeholder-comment
  // In a real implementation we would check the HMAC here.
  return true;
}

function rateLimit(user) {
  // ruleid: javascript/ai-smell/placeholder-comment
  /* Simplified version: always allow for now. */
  return true;
}

// ruleid: javascript/ai-smell/placeholder-comment
// Placeholder: returns fixed data until the API exists
const users = () => [{ id: 1, name: "Test" }];

// ok: javascript/ai-smell/placeholder-comment
// The input's placeholder attribute is shown while the field is empty.
input.placeholder = "Search";

// ok: javascript/ai-smell/placeholder-comment
// TODO(perf): cache the parsed template between renders
const tpl = parse(source);

// ok: javascript/ai-smell/placeholder-comment
// Implements the retry policy described in RFC 7231, section 7.1.3.
function retryAfter(res) {
  return res.headers.get("retry-after");
}

// ok: javascript/ai-smell/placeholder-comment
// Sizzle exposed these; maintain them for now for backwards compatibility.
export const expr = selectors;

// ruleid: javascript/ai-smell/placeholder-comment
// Not implemented yet: always resolves.
const sync = () => Promise.resolve();

// ok: javascript/ai-smell/placeholder-comment
// structuredClone is not implemented for Node 16, hence the polyfill.
export const clone = globalThis.structuredClone ?? polyfill;
