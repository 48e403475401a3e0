async function save(user) {
  // ruleid: javascript/maintainability/console-log
  console.log("saving", user);
  const res = await fetch("/api/users", { method: "POST", body: JSON.stringify(user) });
  // ruleid: javascript/maintainability/console-log
  console.debug(res.status);
  if (!res.ok) {
    // ok: javascript/maintainability/console-log
    console.error("save failed", res.status);
  }
  // ok: javascript/maintainability/console-log
  logger.log("saved", user.id);
  // ok: javascript/maintainability/console-log
  console.warn("deprecated field used");
}
