/**
 * ok: javascript/ai-smell/placeholder-comment
 * The `_.partial.placeholder` value may be used as a placeholder for partially applied arguments.
 */
function partial(fn, ...args) {
  // ok: javascript/ai-smell/placeholder-comment
  // @param {*} placeholder The placeholder value.
  return bind(fn, args);
}
