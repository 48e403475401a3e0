/* libFuzzer target: rule YAML files (pg_rule_parse), then compile the query. */
#include <stdint.h>
#include <stdlib.h>
#include "rules/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pg_rule *r = NULL;
	if (pg_rule_parse(&r, "fuzz.yml", (const char *)data, size) == 0) {
		pg_ruleset rs;
		pg_engine *e = NULL;
		int bad = 0;
		pg_ruleset_init(&rs);
		pg_ruleset_add(&rs, r);
		if (pg_engine_new(&e, &rs, NULL, NULL, &bad) == 0)
			pg_engine_free(e);
		pg_ruleset_dispose(&rs);
	}
	return 0;
}
