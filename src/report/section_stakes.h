/*
 * section_stakes - the Review focus section: the stakes stage's pg_stakes
 * (r->stakes) rendered for each format. Every function does nothing (or
 * returns NULL) when the result has no stakes. Private to src/report/, for
 * the format files: text and JSON through sections.c, markdown / the GitHub
 * summary through pg_section_stakes_markdown, SARIF through
 * pg_section_stakes_sarif_properties.
 */
#ifndef PG_SECTION_STAKES_H
#define PG_SECTION_STAKES_H

#include "model/model.h"
#include <jansson.h>

/* Set root["stakes"] (see docs/json-output.md and docs/stakes.md). */
void pg_section_stakes_json(const pg_result *r, json_t *root);
/* The stakes object itself (new reference), or NULL. */
json_t *pg_section_stakes_object(const pg_result *r);
/* "Review focus" for the text format; goes before the findings. */
void pg_section_stakes_text(const pg_result *r, pg_buf *out, bool color);
/* A markdown focus table (GitHub-flavoured), for the top of a summary. */
void pg_section_stakes_markdown(const pg_result *r, pg_buf *out);
/* SARIF run properties: {"stakes": {...}} (new reference), or NULL. */
json_t *pg_section_stakes_sarif_properties(const pg_result *r);

#endif
