/*
 * report (coverage) - the report parsers behind pg_covdata_parse().
 * Private to src/coverage/. Each appends records to `d`; on bad input it
 * returns PG_ECONFIG with the location set, leaving what it appended (the
 * caller disposes of `d`).
 */
#ifndef PG_COV_REPORT_H
#define PG_COV_REPORT_H

#include "coverage.h"
#include <jansson.h>

/* Line numbers above this are rejected as garbage. */
#define PG_COV_MAX_LINE 10000000u
/* Lines of a file diff coverage looks at, at most. */
#define PG_COV_LINES_CAP PG_COV_MAX_LINE

int pg_cov_parse_lcov(pg_covdata *d, const char *name, const char *text, size_t len);
int pg_cov_parse_istanbul(pg_covdata *d, const char *name, json_t *root);
int pg_cov_parse_llvm(pg_covdata *d, const char *name, json_t *root);

#endif
