test("creates a user", async () => {
  const user = await createUser({ name: "ada" });
  // ruleid: javascript/tests/tautological-assertion
  expect(true).toBe(true);
  // ruleid: javascript/tests/tautological-assertion
  expect(user).toEqual(user);
  // ruleid: javascript/tests/tautological-assertion
  assert(true);
  // ruleid: javascript/tests/tautological-assertion
  assert.strictEqual(user.name, user.name);
  // ok: javascript/tests/tautological-assertion
  expect(user.name).toBe("ada");
  // ok: javascript/tests/tautological-assertion
  expect(isValid(user)).toBe(true);
  // ok: javascript/tests/tautological-assertion
  assert.ok(user.id);
  // ok: javascript/tests/tautological-assertion
  assert.strictEqual(user.name, "ada");
});
