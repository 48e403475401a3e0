function onSubmit(form) {
  // ruleid: javascript/maintainability/alert
  alert("submitted " + form.id);
  // ruleid: javascript/maintainability/alert
  if (!window.confirm("Really delete?")) return;
  // ok: javascript/maintainability/alert
  notifications.alert("Saved");
  // ok: javascript/maintainability/alert
  showAlert("Saved");
}

async function ask() {
  // ok: javascript/maintainability/alert
  const answers = await prompt([{ type: "input", name: "name" }]);
  return answers;
}
