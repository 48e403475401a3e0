const https = require("https");

function client(ca) {
  // ruleid: javascript/security/tls-verification-disabled
  const agent = new https.Agent({ rejectUnauthorized: false });
  // ruleid: javascript/security/tls-verification-disabled
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  // ruleid: javascript/security/tls-verification-disabled
  process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = 0;
  // ruleid: javascript/security/tls-verification-disabled
  request({ url: "https://api.example.com", strictSSL: false });
  // ruleid: javascript/security/tls-verification-disabled
  agent.options.rejectUnauthorized = false;
  // ok: javascript/security/tls-verification-disabled
  const safe = new https.Agent({ rejectUnauthorized: true, ca });
  // ok: javascript/security/tls-verification-disabled
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = "1";
  // ok: javascript/security/tls-verification-disabled
  const opts = { rejectUnauthorized: process.env.NODE_ENV === "production" };
  return [agent, safe, opts];
}
