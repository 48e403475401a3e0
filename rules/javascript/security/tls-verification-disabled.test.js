describe("local server", () => {
  // ok: javascript/security/tls-verification-disabled
  const agent = new https.Agent({ rejectUnauthorized: false });
  it("connects", () => {
    // ok: javascript/security/tls-verification-disabled
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
  });
});
