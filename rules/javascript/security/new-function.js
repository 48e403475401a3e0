function compile(expr, argName) {
  // ruleid: javascript/security/new-function
  const f = new Function("x", "return " + expr);
  // ruleid: javascript/security/new-function
  const g = Function(argName, `return ${expr};`);
  // ruleid: javascript/security/new-function
  const h = new Function(expr);
  // ok: javascript/security/new-function
  const root = Function("return this")();
  // ok: javascript/security/new-function
  const add = new Function("a", "b", "return a + b");
  // ok: javascript/security/new-function
  const k = new FunctionCall(expr);
  return [f, g, h, root, add, k];
}
