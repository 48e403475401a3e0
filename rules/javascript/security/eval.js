function run(input) {
  // ruleid: javascript/security/eval
  eval(input);
  // ruleid: javascript/security/eval
  const r = eval("(" + input + ")");
  // ok: javascript/security/eval
  const data = JSON.parse(input);
  // ok: javascript/security/eval
  evaluate(input);
  // ok: javascript/security/eval
  eval("1 + 1");
  return [r, data];
}
