/* libFuzzer target: coverage reports (lcov, Istanbul JSON, llvm-cov export
 * JSON, told apart by content), then a lookup and path normalisation over
 * whatever parsed. */
#include <stdint.h>
#include <stdlib.h>
#include "coverage/coverage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pg_covdata d;
	pg_covdata_init(&d);
	if (pg_covdata_parse(&d, "fuzz.info", (const char *)data, size) == 0) {
		int64_t *hits = NULL;
		size_t i;
		pg_covdata_lookup(&d, "/repo/", "src/lib.rs", 50, &hits);
		free(hits);
		for (i = 0; i < d.records.len && i < 4; i++) {
			char *p = pg_coverage_normalize_path(PG_VEC_AT(&d.records, pg_cov_record, i)->path, "/repo/");
			free(p);
		}
	}
	pg_covdata_dispose(&d);
	return 0;
}
