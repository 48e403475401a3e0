function merge(target, source) {
  for (const key in source) {
    if (isObject(source[key])) {
      if (!target[key]) target[key] = {};
      // ruleid: javascript/security/prototype-pollution
      merge(target[key], source[key]);
    } else {
      target[key] = source[key];
    }
  }
  return target;
}

function setAll(config, overrides) {
  for (const [name, values] of Object.entries(overrides)) {
    for (const k in values) {
      // ruleid: javascript/security/prototype-pollution
      config[name][k] = values[k];
    }
  }
}

function deepAssign(dst, src) {
  Object.keys(src).forEach((key) => {
    // ruleid: javascript/security/prototype-pollution
    dst[key] = deepAssign(dst[key] || {}, src[key]);
  });
}

function safeMerge(target, source) {
  for (const key in source) {
    if (key === "__proto__" || key === "constructor" || key === "prototype") continue;
    if (isObject(source[key])) {
      // ok: javascript/security/prototype-pollution
      safeMerge(target[key], source[key]);
    }
  }
}

function shallowCopy(target, source) {
  for (const key in source) {
    // ok: javascript/security/prototype-pollution
    target[key] = source[key];
  }
}

function countWords(words) {
  const counts = new Map();
  for (const w of words) {
    // ok: javascript/security/prototype-pollution
    counts.set(w, (counts.get(w) || 0) + 1);
  }
  return counts;
}

function each(obj, callback) {
  for (const i in obj) {
    // ok: javascript/security/prototype-pollution
    if (callback.call(obj[i], i, obj[i]) === false) break;
  }
}
