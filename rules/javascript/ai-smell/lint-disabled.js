// ruleid: javascript/ai-smell/lint-disabled
/* eslint-disable */
function load(data) {
  // ruleid: javascript/ai-smell/lint-disabled
  // eslint-disable-next-line no-eval
  const value = eval(data);
  // ruleid: javascript/ai-smell/lint-disabled
  // @ts-ignore
  value.missing.call();
  // ok: javascript/ai-smell/lint-disabled
  // eslint-enable
  // ok: javascript/ai-smell/lint-disabled
  // We used to need eslint-disable here; the new parser fixed that.
  return value;
}
