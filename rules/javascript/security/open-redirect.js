function afterLogin() {
  const params = new URLSearchParams(location.search);
  // ruleid: javascript/security/open-redirect
  window.location.href = params.get("next");
  // ruleid: javascript/security/open-redirect
  location.assign(decodeURIComponent(location.hash.slice(1)));
  // ruleid: javascript/security/open-redirect
  window.open(document.referrer);
  // ok: javascript/security/open-redirect
  location.href = "/dashboard";
  // ok: javascript/security/open-redirect
  location.href = "/search?q=" + encodeURIComponent(params.get("q"));
  // ok: javascript/security/open-redirect
  location.replace(location.pathname + location.search);
  // ok: javascript/security/open-redirect
  location.hash = params.get("tab");
}

function goNext() {
  showSpinner();
  // ruleid: javascript/security/open-redirect
  const next = new URLSearchParams(window.location.search).get("return_to"); window.location = next;
}

function goBack() {
  var target = document.referrer;
  if (target)
    // ruleid: javascript/security/open-redirect
    location.replace(target);
}

function goChecked() {
  const next = new URLSearchParams(location.search).get("next");
  if (next && next.startsWith("/") && !next.startsWith("//"))
    // ok: javascript/security/open-redirect
    location.href = next;
}

function goFixed(page) {
  const url = "/pages/" + page;
  // ok: javascript/security/open-redirect
  location.href = url;
}
