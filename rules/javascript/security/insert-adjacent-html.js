function addRow(list, user, html) {
  // ruleid: javascript/security/insert-adjacent-html
  list.insertAdjacentHTML("beforeend", "<li>" + user.name + "</li>");
  // ruleid: javascript/security/insert-adjacent-html
  list.insertAdjacentHTML("afterbegin", `<li>${user.name}</li>`);
  // ruleid: javascript/security/insert-adjacent-html
  document.body.insertAdjacentHTML("beforeend", html);
  // ok: javascript/security/insert-adjacent-html
  list.insertAdjacentHTML("beforeend", "<hr>");
  // ok: javascript/security/insert-adjacent-html
  list.insertAdjacentHTML("beforeend", `<li class="empty">none</li>`);
  // ok: javascript/security/insert-adjacent-html
  list.insertAdjacentText("beforeend", user.name);
}
