/* libFuzzer target: the Rust string -> HTML -> JavaScript splitter, and the
 * suppression scan and rules over whatever documents come out. The first
 * byte picks the root language (its value mod 3) and the parse budget: from
 * 0x80 up, 1 us, so that parses stop at every step (a timeout right after a
 * Rust comment crashed libtree-sitter's own timeout; see docs/security.md). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/analysis.h"
#include "lang/lang.h"

static pg_ruleset rules;
static pg_engine *engine;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "f.rs", "f.html", "f.js" };
	pg_analysis_opts o;
	pg_result res;
	pg_file *f;
	int bad = 0;
	if (size < 1)
		return 0;
	if (!engine) {
		pg_ruleset_init(&rules);
		pg_ruleset_add_embedded(&rules);
		pg_engine_new(&engine, &rules, NULL, NULL, &bad);
	}
	pg_analysis_opts_init(&o);
	o.filter = PG_FILTER_FILE;
	o.jobs = 1;
	o.parse_timeout_us = data[0] >= 0x80 ? 1 : 200000;
	pg_result_init(&res);
	f = pg_vec_push(&res.files);
	f->path = pg_strdup(paths[data[0] % 3]);
	f->status = PG_FILE_ADDED;
	f->lang = pg_lang_for_path(f->path);
	f->content = pg_malloc(size);
	memcpy(f->content, data + 1, size - 1);
	f->content[size - 1] = '\0';
	f->content_len = size - 1;
	f->added = pg_malloc(sizeof(pg_line_range));
	f->added[0].start = 1;
	f->added[0].end = UINT32_MAX;
	f->added_count = 1;
	pg_analysis_run_files(NULL, &rules, engine, &o, &res);
	pg_result_finish(&res);
	pg_result_dispose(&res);
	return 0;
}
