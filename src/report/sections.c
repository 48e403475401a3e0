/* sections.c - coverage and stakes sections; empty until those stages land. */
#include "sections.h"
#include "section_stakes.h"

void pg_sections_json(const pg_result *r, json_t *root)
{
	pg_section_coverage_json(r, root);
	pg_section_stakes_json(r, root);
}

void pg_sections_text_head(const pg_result *r, pg_buf *out, bool color)
{
	pg_section_stakes_text(r, out, color);
}

void pg_sections_text_tail(const pg_result *r, pg_buf *out, bool color)
{
	pg_section_coverage_text(r, out, color);
}
