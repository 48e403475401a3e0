/* signals.c - the stakes signal table: data only, consumed by stakes.c. */
#include "signals.h"

#include <string.h>

#define H PG_TIER_HIGH
#define M PG_TIER_MEDIUM
#define L PG_TIER_LOW

/* Names that hold secrets, shared by the env-read rows. */
#define SECRET_NAME "(?i)(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL)"
#define SQL_WRITE "(?i)\\b(DROP\\s+(TABLE|DATABASE|SCHEMA|INDEX|VIEW)|DELETE\\s+FROM|TRUNCATE(\\s+TABLE)?\\s+\\w)"
/* The same inside a query string, where the query parser eats one level of backslashes. */
#define SQL_WRITE_Q "(?i)\\\\b(DROP\\\\s+(TABLE|DATABASE|SCHEMA|INDEX|VIEW)|DELETE\\\\s+FROM|TRUNCATE(\\\\s+TABLE)?\\\\s+\\\\w)"
#define CODE_PATHS "*.rs|*.js|*.mjs|*.cjs|*.jsx|*.ts|*.tsx|*.html|*.htm|*.py|*.go|*.sh"
#define SCRIPT_PATHS "*.sh|*.bash|*.zsh|Makefile|*.mk|GNUmakefile|Dockerfile|*.yml|*.yaml|package.json|**/hooks/*"

const pg_signal_row pg_signal_rows[] = {
	/* --- destructive: deleting, overwriting, spawning --- */
	{ "destructive/rust-fs-remove", "destructive", H, SIG_QUERY, "rust", NULL,
	  "(call_expression function: [(scoped_identifier name: (identifier) @fn) (identifier) @fn]"
	  " (#any-of? @fn \"remove_dir_all\" \"remove_file\" \"remove_dir\")) @match",
	  NULL, NULL, "deletes files or directories (`{{fn}}`)", NULL },
	{ "destructive/rust-fs-overwrite", "destructive", M, SIG_QUERY, "rust", NULL,
	  "(call_expression function: (scoped_identifier path: (_) @p name: (identifier) @fn)"
	  " (#match? @p \"(^|::)(fs|File)$\") (#any-of? @fn \"write\" \"create\" \"rename\" \"copy\" \"set_permissions\")) @match",
	  NULL, NULL, "overwrites or moves files (`{{p}}::{{fn}}`)", NULL },
	{ "destructive/rust-process", "destructive", H, SIG_QUERY, "rust", NULL,
	  "(call_expression function: (scoped_identifier path: (_) @p name: (identifier) @fn)"
	  " (#match? @p \"(^|::)Command$\") (#eq? @fn \"new\")) @match",
	  NULL, NULL, "spawns a process (`Command::new`)", NULL },
	{ "destructive/js-fs", "destructive", H, SIG_QUERY, "javascript", NULL,
	  "(call_expression function: (member_expression property: (property_identifier) @fn)"
	  " (#any-of? @fn \"rm\" \"rmSync\" \"rmdir\" \"rmdirSync\" \"unlink\" \"unlinkSync\")) @match",
	  NULL, NULL, "deletes files (`{{fn}}`)", NULL },
	{ "destructive/js-overwrite", "destructive", M, SIG_QUERY, "javascript", NULL,
	  "(call_expression function: (member_expression object: (identifier) @o property: (property_identifier) @fn)"
	  " (#match? @o \"^(fs|fsp|promises)$\") (#any-of? @fn \"writeFile\" \"writeFileSync\" \"rename\" \"renameSync\")) @match",
	  NULL, NULL, "overwrites or moves files (`{{o}}.{{fn}}`)", NULL },
	{ "destructive/js-process", "destructive", H, SIG_QUERY, "javascript", NULL,
	  /* exec(...) by name (after `const { exec } = require(...)`); a
	   * method named exec only on a receiver named like the module (a
	   * regular expression's .exec is the common one); the other names on
	   * any receiver but a regex or database one */
	  "(call_expression function: (identifier) @fn"
	  " (#any-of? @fn \"exec\" \"execSync\" \"spawn\" \"spawnSync\" \"execFile\" \"execFileSync\" \"fork\")) @match"
	  " (call_expression function: (member_expression object: [(identifier) (call_expression) (member_expression)] @o"
	  " property: (property_identifier) @fn) (#any-of? @fn \"exec\" \"execSync\")"
	  " (#match? @o \"^(child_process|childProcess|cp|child|shell|shelljs)$|require\\\\(\\\\s*[\\\"'](node:)?child_process[\\\"']\\\\s*\\\\)\")) @match"
	  " (call_expression function: (member_expression object: [(identifier) (call_expression) (member_expression)] @o"
	  " property: (property_identifier) @fn) (#any-of? @fn \"spawn\" \"spawnSync\" \"execFile\" \"execFileSync\" \"fork\")"
	  " (#not-match? @o \"^(re|regex|regexp|pattern|[a-z]*Re|[a-z]*Regex|db|cursor)$\")) @match",
	  NULL, NULL, "spawns a process (`{{fn}}`)", NULL },
	{ "destructive/sql-rust", "destructive", H, SIG_QUERY, "rust", NULL,
	  "([(string_literal) (raw_string_literal)] @match (#match? @match \"" SQL_WRITE_Q "\"))",
	  NULL, NULL, "runs SQL that deletes data", NULL },
	{ "destructive/sql-js", "destructive", H, SIG_QUERY, "javascript", NULL,
	  "([(string) (template_string)] @match (#match? @match \"" SQL_WRITE_Q "\"))",
	  NULL, NULL, "runs SQL that deletes data", NULL },
	{ "destructive/rm-rf", "destructive", H, SIG_LINE, NULL, SCRIPT_PATHS,
	  "\\brm\\s+(-[a-zA-Z]*[rR][a-zA-Z]*f|-[a-zA-Z]*f[a-zA-Z]*[rR]|-[rR]\\s+-f|-f\\s+-[rR]|--recursive)", NULL, NULL,
	  "a script deletes files recursively (`rm -rf`)", NULL },
	{ "destructive/sql-script", "destructive", H, SIG_LINE, NULL, "*.sql|*.sh|Makefile",
	  SQL_WRITE, NULL, NULL, "a script runs SQL that deletes data", NULL },

	/* --- secrets --- */
	{ "secrets/literal", "secrets", H, SIG_LINE, NULL, NULL,
	  "(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|AKIA[0-9A-Z]{16}|xox[abposr]-[A-Za-z0-9-]{10,}"
	  "|sk-[A-Za-z0-9_-]{20,}|AIza[0-9A-Za-z_-]{35}|-----BEGIN [A-Z ]*PRIVATE KEY-----)",
	  NULL, NULL, "a credential-looking literal is committed", NULL },
	{ "secrets/rust-env", "secrets", H, SIG_QUERY, "rust", NULL,
	  "(call_expression function: (scoped_identifier) @f arguments: (arguments . (string_literal) @match)"
	  " (#match? @f \"(^|::)env::var(_os)?$\") (#match? @match \"" SECRET_NAME "\"))",
	  NULL, NULL, "reads a secret from the environment", NULL },
	{ "secrets/js-env", "secrets", H, SIG_QUERY, "javascript", NULL,
	  "(member_expression object: (member_expression object: (identifier) @p property: (property_identifier) @e)"
	  " property: (property_identifier) @match (#eq? @p \"process\") (#eq? @e \"env\") (#match? @match \"" SECRET_NAME "\"))",
	  NULL, NULL, "reads a secret from the environment (`process.env.{{match}}`)", NULL },
	{ "secrets/script-env", "secrets", M, SIG_LINE, NULL, SCRIPT_PATHS,
	  "\\$\\{?\\{?\\s*(secrets\\.|env\\.)?[A-Z0-9_]*(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY)", NULL, NULL,
	  "a script reads a secret", NULL },
	{ "secrets/authorization", "secrets", H, SIG_LINE, NULL, CODE_PATHS,
	  "(?i)([\"'`]authorization[\"'`]|header::AUTHORIZATION|\\bBearer\\s+[\"'`$]|\\bBearer \\{)", NULL, NULL,
	  "sets or reads an Authorization header", NULL },

	/* --- unsafe code --- */
	{ "unsafe/rust-block", "unsafe", H, SIG_QUERY, "rust", NULL, "(unsafe_block) @match", NULL, NULL,
	  "unsafe Rust: memory safety is the author's promise, not the compiler's", NULL },
	{ "unsafe/rust-fn", "unsafe", H, SIG_QUERY, "rust", NULL,
	  "[(function_item (function_modifiers) @match) (function_signature_item (function_modifiers) @match)"
	  " (impl_item \"unsafe\" @match)] (#match? @match \"unsafe\")",
	  NULL, NULL, "unsafe Rust: memory safety is the author's promise, not the compiler's", NULL },

	/* --- network --- */
	{ "network/rust", "network", M, SIG_QUERY, "rust", NULL,
	  "((scoped_identifier) @match (#match? @match \"^((std::)?net::)?(reqwest|hyper|ureq|surf|TcpStream|TcpListener|UdpSocket)\\\\b\"))",
	  NULL, NULL, "talks to the network", NULL },
	{ "network/js-call", "network", M, SIG_QUERY, "javascript", NULL,
	  "(call_expression function: [(identifier) @fn (member_expression property: (property_identifier) @fn)]"
	  " (#any-of? @fn \"fetch\" \"sendBeacon\")) @match",
	  NULL, NULL, "talks to the network (`{{fn}}`)", NULL },
	{ "network/js-new", "network", M, SIG_QUERY, "javascript", NULL,
	  "(new_expression constructor: (identifier) @c (#any-of? @c \"XMLHttpRequest\" \"WebSocket\" \"EventSource\")) @match",
	  NULL, NULL, "talks to the network (`new {{c}}`)", NULL },

	/* --- public and backward-compatibility surface --- */
	{ "surface/rust-pub-fn", "surface", M, SIG_QUERY, "rust", NULL,
	  "[(function_item (visibility_modifier) @vis name: (identifier) @name parameters: (parameters) @match)"
	  " (function_signature_item (visibility_modifier) @vis name: (identifier) @name parameters: (parameters) @match)]"
	  " (#eq? @vis \"pub\")",
	  NULL, NULL, "changes the signature of the public function `{{name}}`", NULL },
	{ "surface/rust-pub-type", "surface", M, SIG_QUERY, "rust", NULL,
	  "[(struct_item (visibility_modifier) @vis name: (type_identifier) @name @match)"
	  " (enum_item (visibility_modifier) @vis name: (type_identifier) @name @match)"
	  " (trait_item (visibility_modifier) @vis name: (type_identifier) @name @match)] (#eq? @vis \"pub\")",
	  NULL, NULL, "changes the public type `{{name}}`", NULL },
	{ "surface/rust-clap-derive", "surface", M, SIG_QUERY, "rust", NULL,
	  "(attribute (identifier) @d arguments: (token_tree) @match (#eq? @d \"derive\")"
	  " (#match? @match \"\\\\b(Parser|Args|Subcommand|ValueEnum)\\\\b\"))",
	  NULL, NULL, "changes the command-line interface (clap derive)", NULL },
	{ "surface/rust-clap-arg", "surface", M, SIG_QUERY, "rust", NULL,
	  "(field_declaration_list (attribute_item (attribute (identifier) @a (#any-of? @a \"arg\" \"clap\")))"
	  " . (field_declaration name: (field_identifier) @field) @match)",
	  NULL, NULL, "changes the command-line option `{{field}}`",
	  "run the command with the option --{{field}}" },
	{ "surface/rust-clap-builder", "surface", M, SIG_QUERY, "rust", NULL,
	  "(call_expression function: (scoped_identifier path: (_) @p name: (identifier) @fn)"
	  " arguments: (arguments . (string_literal) @flag) (#match? @p \"(^|::)Arg$\") (#eq? @fn \"new\")) @match",
	  NULL, NULL, "changes the command-line option {{flag}}", "run the command with the option {{flag}}" },
	{ "surface/js-export-fn", "surface", M, SIG_QUERY, "javascript", NULL,
	  "(export_statement declaration: [(function_declaration name: (identifier) @name parameters: (formal_parameters) @match)"
	  " (generator_function_declaration name: (identifier) @name parameters: (formal_parameters) @match)"
	  " (class_declaration name: (identifier) @name @match)"
	  " (lexical_declaration (variable_declarator name: (identifier) @name @match))])",
	  NULL, NULL, "changes the exported `{{name}}`", NULL },
	{ "surface/js-module-exports", "surface", M, SIG_LINE, NULL, "*.js|*.cjs",
	  "^\\s*(module\\.)?exports(\\.\\w+)?\\s*=", NULL, NULL, "changes what the module exports", NULL },
	{ "surface/config-keys", "surface", M, SIG_PATH, NULL,
	  "config/|*.example.toml|*.example.yml|*.example.json|.prgate.yml|*.schema.json|*.ini|*.conf",
	  NULL, NULL, NULL, "changes configuration keys users may rely on", NULL },

	/* --- automation: runs without anyone reading it --- */
	{ "automation/ci", "automation", H, SIG_PATH, NULL,
	  ".github/workflows/|.github/actions/|.gitlab-ci.yml|.circleci/|Jenkinsfile|azure-pipelines.yml|.travis.yml|.buildkite/",
	  NULL, NULL, NULL, "changes a CI workflow (runs with the repository's secrets)", NULL },
	{ "automation/hooks", "automation", H, SIG_PATH, NULL,
	  ".husky/|.githooks/|.git-hooks/|hooks/pre-*|hooks/post-*|.pre-commit-config.yaml|lefthook.yml",
	  NULL, NULL, NULL, "changes a git hook (runs on every developer's machine)", NULL },
	{ "automation/build-rs", "automation", H, SIG_PATH, NULL, "build.rs",
	  NULL, NULL, NULL, "changes build.rs (runs at every build)", "run `cargo build` and check what build.rs generates" },
	{ "automation/make", "automation", M, SIG_PATH, NULL, "Makefile|GNUmakefile|*.mk|CMakeLists.txt|*.cmake|Dockerfile",
	  NULL, NULL, NULL, "changes the build scripts", "run the build from a clean checkout" },
	{ "automation/npm-install-script", "automation", H, SIG_LINE, NULL, "package.json",
	  "^\\s*\"((pre|post)?install|prepare)\"\\s*:", "^\\s*\"scripts\"\\s*:", "^\\s*}",
	  "changes the npm `{{1}}` script (runs on every install)", NULL },
	{ "automation/npm-script", "automation", M, SIG_LINE, NULL, "package.json",
	  "^\\s*\"([^\"]+)\"\\s*:", "^\\s*\"scripts\"\\s*:", "^\\s*}",
	  "changes the npm script `{{1}}`", "run `npm run {{1}}`" },

	/* --- dependencies --- */
	{ "dependency/cargo", "dependency", M, SIG_LINE, NULL, "Cargo.toml",
	  "^\\s*([A-Za-z0-9_-]+)\\s*=", "^\\s*\\[(target\\..*\\.)?(workspace\\.)?(dev-|build-)?dependencies\\]",
	  "^\\s*\\[", "adds or bumps the crate `{{1}}`", "run `cargo build` and `cargo test`" },
	{ "dependency/cargo-table", "dependency", M, SIG_LINE, NULL, "Cargo.toml",
	  "^\\s*\\[(?:target\\..*\\.)?(?:dev-|build-)?dependencies\\.([A-Za-z0-9_-]+)\\]", NULL, NULL,
	  "adds or bumps the crate `{{1}}`", "run `cargo build` and `cargo test`" },
	{ "dependency/npm", "dependency", M, SIG_LINE, NULL, "package.json",
	  "^\\s*\"([^\"]+)\"\\s*:", "^\\s*\"(dev|peer|optional|bundled)?[dD]ependencies\"\\s*:", "^\\s*}",
	  "adds or bumps the package `{{1}}`", "run `npm ci` and the test suite" },

	/* --- lowering: what needs exercising more than reading --- */
	{ "generated/path", "generated", L, SIG_PATH, NULL,
	  "*.min.js|*.min.css|*.map|vendor/|third_party/|node_modules/|dist/|*.lock|package-lock.json|yarn.lock|pnpm-lock.yaml",
	  NULL, NULL, NULL, "generated, minified or vendored file", NULL },
	{ "generated/marker", "generated", L, SIG_HEAD, NULL, NULL,
	  "@generated|(?i)\\bDO NOT EDIT\\b|(?i)\\bauto-?generated\\b|(?i)\\bgenerated by\\b", NULL, NULL,
	  "generated file (marked as such)", NULL },
	{ "docs/path", "docs", L, SIG_PATH, NULL,
	  "*.md|*.markdown|*.rst|*.adoc|*.txt|docs/|doc/|LICENSE*|COPYING*|CHANGELOG*|AUTHORS*|NOTICE*",
	  NULL, NULL, NULL, "documentation", "read the rendered document" },
};

const size_t pg_signal_row_count = sizeof(pg_signal_rows) / sizeof(pg_signal_rows[0]);

const char *const pg_signal_kinds[] = { "destructive", "secrets", "unsafe", "security", "untested",
					"automation", "network", "dependency", "surface", "tests",
					"docs", "generated", "formatting", "rename", NULL };

size_t pg_signal_kind_rank(const char *kind)
{
	size_t i;
	for (i = 0; pg_signal_kinds[i]; i++)
		if (strcmp(pg_signal_kinds[i], kind) == 0)
			return i;
	return i;
}
