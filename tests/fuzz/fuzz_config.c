/* libFuzzer target: .prgate.yml, then applying it to the embedded rules. */
#include <stdint.h>
#include "config/config.h"

static pg_ruleset rules;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pg_config c;
	if (!loaded) {
		pg_ruleset_init(&rules);
		pg_ruleset_add_embedded(&rules);
		loaded = 1;
	}
	pg_config_init(&c);
	if (pg_config_parse(&c, ".prgate.yml", (const char *)data, size) == 0) {
		pg_config_apply_rules(&c, &rules);
		(void)pg_config_path_filter(&c);
	}
	pg_config_dispose(&c);
	return 0;
}
