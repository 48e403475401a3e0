/*
 * embedded - the rule files compiled into the binary (generated at build
 * time from rules/ by cmake/embed_rules.cmake). Static, never freed.
 */
#ifndef PG_EMBEDDED_H
#define PG_EMBEDDED_H
#include <stddef.h>

typedef struct pg_embedded_file {
	const char *path; /* "rules/rust/robustness/unwrap.yml" */
	const char *text; /* NUL-terminated */
	size_t len;
} pg_embedded_file;

extern const pg_embedded_file pg_embedded_rules[]; /* ends with {NULL} */
extern const size_t pg_embedded_rules_count;

#endif
