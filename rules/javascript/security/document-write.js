function banner(params) {
  const name = params.get("name");
  // ruleid: javascript/security/document-write
  document.write("<h1>Hello " + name + "</h1>");
  // ruleid: javascript/security/document-write
  window.document.writeln(`<p>${location.hash.slice(1)}</p>`);
  // ruleid: javascript/security/document-write
  document.write(name);
  // ok: javascript/security/document-write
  document.write("<p>static footer</p>");
  // ok: javascript/security/document-write
  document.writeln('');
  // ok: javascript/security/document-write
  stream.write(name);
}
