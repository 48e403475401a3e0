/* libFuzzer target: the text after a prgate-ignore marker. */
#include <stdint.h>
#include "rules/suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pg_suppression s;
	pg_suppression_parse(&s, (const char *)data, size);
	pg_suppression_dispose(&s);
	return 0;
}
