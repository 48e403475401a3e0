/*
 * sections - the optional parts of a result that later stages attach
 * (coverage, stakes), rendered the same way by every format that shows them.
 * Private to src/report/.
 */
#ifndef PG_SECTIONS_H
#define PG_SECTIONS_H

#include "model/model.h"
#include <jansson.h>

/* Add "coverage" / "stakes" members to a JSON root when present. */
void pg_sections_json(const pg_result *r, json_t *root);
/* Text renderings (the Review focus section goes first). */
void pg_sections_text_head(const pg_result *r, pg_buf *out, bool color);
void pg_sections_text_tail(const pg_result *r, pg_buf *out, bool color);

/* The coverage section (section_coverage.c). */
void pg_section_coverage_json(const pg_result *r, json_t *root);
void pg_section_coverage_text(const pg_result *r, pg_buf *out, bool color);

json_t *pg_json_text(const char *s);
/* Append `root` as indented JSON and a newline to `out`; on failure `out`
 * is left as it was. */
void pg_json_dump(const json_t *root, pg_buf *out);
json_t *pg_json_finding(const pg_finding *fd);

#endif
