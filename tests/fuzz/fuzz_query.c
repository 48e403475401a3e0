/* libFuzzer target: query text with predicates, compiled for each language
 * and run over a fixed document, so predicate parsing and evaluation see
 * arbitrary input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "analysis/analysis.h"
#include "lang/lang.h"

static const char *const docs[] = {
	"fn main() { let x = y.unwrap(); let s = r#\"<a onclick=\\\"f()\\\">x</a>\"#; }\n",
	"function f(a) { eval(a); el.innerHTML = a + 'x'; }\n",
	"<html><script>eval(x)</script><a href=\"javascript:go()\" target=_blank>x</a></html>\n",
};
static const char *const langs[] = { "rust", "javascript", "html" };
static const char *const paths[] = { "a.rs", "a.js", "a.html" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int i;
	char *q = malloc(size + 1);
	memcpy(q, data, size);
	q[size] = '\0';
	for (i = 0; i < 3; i++) {
		pg_ruleset rs;
		pg_rule *r = pg_calloc(1, sizeof(*r));
		pg_engine *e = NULL;
		int bad = 0;
		pg_ruleset_init(&rs);
		r->id = pg_strdup("fuzz/security/q");
		r->language = pg_strdup(langs[i]);
		r->severity = PG_SEV_WARNING;
		r->category = PG_CAT_SECURITY;
		r->message = pg_strdup("{{a}} {{match}}");
		r->explain = pg_strdup("x");
		r->query = pg_strdup(q);
		r->source = pg_strdup("fuzz.yml");
		r->enabled = true;
		r->in_tests = true;
		pg_ruleset_add(&rs, r);
		if (pg_engine_new(&e, &rs, NULL, NULL, &bad) == 0 && bad == 0) {
			pg_analysis_opts o;
			pg_result res;
			pg_file *f;
			pg_analysis_opts_init(&o);
			o.filter = PG_FILTER_FILE;
			o.jobs = 1;
			pg_result_init(&res);
			f = pg_vec_push(&res.files);
			f->path = pg_strdup(paths[i]);
			f->status = PG_FILE_ADDED;
			f->lang = pg_lang_by_name(langs[i]);
			f->content = pg_strdup(docs[i]);
			f->content_len = strlen(docs[i]);
			f->added = pg_malloc(sizeof(pg_line_range));
			f->added[0].start = 1;
			f->added[0].end = 100;
			f->added_count = 1;
			pg_analysis_run_files(NULL, &rs, e, &o, &res);
			pg_result_dispose(&res);
		}
		pg_engine_free(e);
		pg_ruleset_dispose(&rs);
	}
	free(q);
	return 0;
}
