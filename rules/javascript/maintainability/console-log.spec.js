describe("save", () => {
  it("posts", () => {
    // ok: javascript/maintainability/console-log
    console.log("debugging the test");
  });
});
