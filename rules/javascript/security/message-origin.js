function listen(worker, port, onData) {
  // ruleid: javascript/security/message-origin
  window.addEventListener("message", (event) => {
    localStorage.setItem("token", event.data.token);
  });
  // ruleid: javascript/security/message-origin
  addEventListener("message", function (e) {
    document.getElementById("out").innerHTML = e.data;
  });
  // ruleid: javascript/security/message-origin
  window.onmessage = (e) => { location.href = e.data.url; };
  // ok: javascript/security/message-origin
  window.addEventListener("message", (event) => {
    if (event.origin !== "https://app.example.com") return;
    localStorage.setItem("token", event.data.token);
  });
  // ok: javascript/security/message-origin
  window.onmessage = function ({ origin, data }) { if (origin === location.origin) onData(data); };
  // ok: javascript/security/message-origin
  worker.onmessage = (e) => onData(e.data);
  // ok: javascript/security/message-origin
  port.addEventListener("message", (e) => onData(e.data));
  // ok: javascript/security/message-origin
  window.addEventListener("message", onData);
  // ok: javascript/security/message-origin
  window.addEventListener("resize", () => onData(null));
}
