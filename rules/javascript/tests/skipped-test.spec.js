describe("parser", () => {
  // ruleid: javascript/tests/skipped-test
  it.skip("parses dates", () => {
    expect(parse("2024-01-01")).toBeDefined();
  });
  // ruleid: javascript/tests/skipped-test
  xit("parses times", () => {});
  // ruleid: javascript/tests/skipped-test
  xdescribe("numbers", () => {});
  // ruleid: javascript/tests/skipped-test
  test.skip(`handles ${"unicode"}`, () => {});
  // ok: javascript/tests/skipped-test
  it("parses numbers", () => {});
  // ok: javascript/tests/skipped-test
  lexer.skip(2);
});
