function schedule(id, delay, tick) {
  // ruleid: javascript/security/string-timer
  setTimeout("refresh(" + id + ")", delay);
  // ruleid: javascript/security/string-timer
  window.setInterval(`poll('${id}')`, 1000);
  // ruleid: javascript/security/string-timer
  setTimeout("location.reload()", 5000);
  // ok: javascript/security/string-timer
  setTimeout(() => refresh(id), delay);
  // ok: javascript/security/string-timer
  setInterval(tick, 10);
  // ok: javascript/security/string-timer
  setTimeout(function () { refresh(id); }, delay + 10);
  // ok: javascript/security/string-timer
  setTimeout(tick || noop, 10);
}
