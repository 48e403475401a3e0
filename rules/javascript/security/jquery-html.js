function render($list, user, html) {
  // ruleid: javascript/security/jquery-html
  $("#greeting").html("<b>" + user.name + "</b>");
  // ruleid: javascript/security/jquery-html
  $list.html(html);
  // ruleid: javascript/security/jquery-html
  $list.append(`<li>${user.name}</li>`);
  // ruleid: javascript/security/jquery-html
  jQuery(".items").prepend("<li>" + user.email + "</li>");
  // ruleid: javascript/security/jquery-html
  this.$el.find(".title").after("<h2>" + user.title + "</h2>");
  // ok: javascript/security/jquery-html
  $("#greeting").html("<b>Hello</b>");
  // ok: javascript/security/jquery-html
  $list.html("");
  // ok: javascript/security/jquery-html
  $list.append($("<li>").text(user.name));
  // ok: javascript/security/jquery-html
  $("#greeting").text(user.name);
  // ok: javascript/security/jquery-html
  form.append("name", user.name);
  // ok: javascript/security/jquery-html
  params.append("q", "a" + user.name);
  // ok: javascript/security/jquery-html
  el.append(`Hello ${user.name}`);
}
