function render(el, name, rows) {
  // ruleid: javascript/security/inner-html
  el.innerHTML = "<b>" + name + "</b>";
  // ruleid: javascript/security/inner-html
  el.outerHTML = `<div>${name}</div>`;
  // ruleid: javascript/security/inner-html
  el.innerHTML += rows.join("");
  // ok: javascript/security/inner-html
  el.innerHTML = "";
  // ok: javascript/security/inner-html
  el.innerHTML = "<b>static</b>";
  // ok: javascript/security/inner-html
  el.textContent = name;
}
