function sendToken(frame, token, worker) {
  // ruleid: javascript/security/postmessage-wildcard
  frame.contentWindow.postMessage({ token }, "*");
  // ruleid: javascript/security/postmessage-wildcard
  window.opener.postMessage(token, '*');
  // ruleid: javascript/security/postmessage-wildcard
  window.parent.postMessage({ type: "ready" }, { targetOrigin: "*" });
  // ok: javascript/security/postmessage-wildcard
  frame.contentWindow.postMessage({ token }, "https://app.example.com");
  // ok: javascript/security/postmessage-wildcard
  window.parent.postMessage(token, location.origin);
  // ok: javascript/security/postmessage-wildcard
  worker.postMessage({ token }, [buffer]);
}
