const { spawn, execFile } = require("child_process");

function build(target, userArgs) {
  // ruleid: javascript/security/child-process-shell
  spawn("make", [target], { shell: true });
  // ruleid: javascript/security/child-process-shell
  execFile(target, ["--verbose"], { cwd: "/tmp", shell: true }, () => {});
  // ruleid: javascript/security/child-process-shell
  spawn(`npm run ${target}`, { shell: true, stdio: "inherit" });
  // ok: javascript/security/child-process-shell
  spawn("make", [target], { stdio: "inherit" });
  // ok: javascript/security/child-process-shell
  spawn("npm", ["run", "build"], { shell: true });
  // ok: javascript/security/child-process-shell
  spawn("npm run build", { shell: true });
  // ok: javascript/security/child-process-shell
  execFile("git", userArgs, { shell: false }, () => {});
}
