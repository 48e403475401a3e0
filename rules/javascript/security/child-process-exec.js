const { exec, execSync } = require("child_process");
const cp = require("child_process");

function archive(dir, name) {
  // ruleid: javascript/security/child-process-exec
  exec("tar czf " + name + ".tgz " + dir, () => {});
  // ruleid: javascript/security/child-process-exec
  execSync(`git log ${name}`);
  // ruleid: javascript/security/child-process-exec
  cp.exec(name);
  // ruleid: javascript/security/child-process-exec
  require("child_process").execSync("rm -rf " + dir);
  // ok: javascript/security/child-process-exec
  execSync("git rev-parse HEAD");
  // ok: javascript/security/child-process-exec
  exec(`npm ls --json`, () => {});
  // ok: javascript/security/child-process-exec
  const m = /(\d+)/.exec(name);
  // ok: javascript/security/child-process-exec
  const r = pattern.exec(dir);
  // ok: javascript/security/child-process-exec
  cp.execFile("tar", ["czf", name + ".tgz", dir], () => {});
  return [m, r];
}
