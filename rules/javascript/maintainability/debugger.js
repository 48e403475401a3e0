function total(items) {
  let sum = 0;
  for (const item of items) {
    // ruleid: javascript/maintainability/debugger
    debugger;
    sum += item.price;
  }
  // ruleid: javascript/maintainability/debugger
  if (sum < 0) debugger;
  // ok: javascript/maintainability/debugger
  const debuggerEnabled = false;
  // ok: javascript/maintainability/debugger
  log("debugger attached");
  return debuggerEnabled ? 0 : sum;
}
