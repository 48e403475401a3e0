function load(path) {
  try {
    return JSON.parse(fs.readFileSync(path, "utf8"));
  // ruleid: javascript/robustness/empty-catch
  } catch (e) {}
  try {
    fs.unlinkSync(path + ".lock");
  // ok: javascript/robustness/empty-catch
  } catch {
    // the lock may already be gone; removing it is best effort
  }
  try {
    return fallback();
  // ok: javascript/robustness/empty-catch
  } catch (err) {
    log.warn("fallback failed", err);
  }
  // ruleid: javascript/robustness/empty-catch
  fetch("/api/ping").catch(() => {});
  // ok: javascript/robustness/empty-catch
  fetch("/api/ping").catch((err) => report(err));
  // ok: javascript/robustness/empty-catch
  promise.catch(handleError);
}
