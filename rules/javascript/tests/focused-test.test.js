describe("cart", () => {
  // ruleid: javascript/tests/focused-test
  it.only("adds an item", () => {
    expect(add([], 1)).toEqual([1]);
  });
  // ruleid: javascript/tests/focused-test
  describe.only("totals", () => {});
  // ruleid: javascript/tests/focused-test
  fit("removes an item", () => {});
  // ok: javascript/tests/focused-test
  it("removes an item", () => {});
  // ok: javascript/tests/focused-test
  describe("discounts", function () {});
  // ok: javascript/tests/focused-test
  chart.fit(bounds);
});
