function sync(items) {
  const out = [];
  // ruleid: javascript/ai-smell/commented-out-code
  // const cache = loadCache();
  // if (cache.has(items)) {
  //   return cache.get(items);
  // }
  for (const item of items) {
    out.push(item.id);
  }
  if (out.length > 0) {
    // Old upload path, kept for reference:
    // ruleid: javascript/ai-smell/commented-out-code
    // await upload(out);
    // notify(out.length);
  }
  // ok: javascript/ai-smell/commented-out-code
  // Upload in batches of 100 to stay under the API limit.
  // The server rejects larger bodies with 413.
  return out;
}

// ok: javascript/ai-smell/commented-out-code
// Call sync() after every save; see docs/sync.md.
// It returns the ids that were sent.
export default sync;

// ok: javascript/ai-smell/commented-out-code
// retry(3);
export const retries = 3;

function claim(handlers) {
  // Claim the first handler
  // ruleid: javascript/ai-smell/commented-out-code
  // dataPriv.set( this, "focus", ... )
  // dataPriv.set( this, "blur", ... )
  leverageNative(this, handlers);
}

function styles(elem) {
  // getPropertyValue is needed for:
  // ok: javascript/ai-smell/commented-out-code
  //   .css('filter') (IE 9 only, trac-12537)
  //   .css('--customProperty) (gh-3144)
  return getComputedStyle(elem);
}

function twoBlocks(x) {
  // ruleid: javascript/ai-smell/commented-out-code
  // const a = load(x);
  // save(a);
  run(x);
  // a second block in the same body is found too
  // ruleid: javascript/ai-smell/commented-out-code
  // const b = load(x);
  // save(b);
  return x;
}
