function card(item) {
  // ruleid: javascript/security/jquery-selector-html
  const $card = $("<div class='card'>" + item.title + "</div>");
  // ruleid: javascript/security/jquery-selector-html
  const $row = jQuery(`<tr><td>${item.name}</td></tr>`);
  // ok: javascript/security/jquery-selector-html
  const $box = $("<div class='card'></div>").text(item.title);
  // ok: javascript/security/jquery-selector-html
  const $sel = $("#item-" + item.id);
  // ok: javascript/security/jquery-selector-html
  const $link = $("<a>", { href: item.url, text: item.title });
  return [$card, $row, $box, $sel, $link];
}
