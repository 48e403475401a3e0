/* libFuzzer target: what GitHub and the fork workflow hand prgate as JSON:
 * event payloads (GITHUB_EVENT_PATH), a JSON report from an artifact
 * (--from-json), and API error bodies. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "github/github.h"
#include "github/http.h"

static pg_ruleset rules;
static int loaded;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "pull_request", "pull_request_target", "workflow_run" };
	char path[] = "/tmp/prgate-fuzz-event-XXXXXX";
	int fd = mkstemp(path);
	size_t i;
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (!loaded) {
		pg_ruleset_init(&rules);
		pg_ruleset_add_embedded(&rules);
		loaded = 1;
	}
	for (i = 0; i < 3; i++) {
		pg_github_event ev;
		memset(&ev, 0, sizeof(ev));
		pg_github_event_load(&ev, path, names[i]);
		pg_github_event_dispose(&ev);
	}
	{
		pg_result r;
		pg_result_init(&r);
		pg_github_load_report(&r, &rules, path);
		pg_result_dispose(&r);
	}
	{
		pg_http_client *c = NULL;
		pg_http_opts o;
		pg_http_opts_init(&o);
		if (pg_http_client_new(&c, "http://127.0.0.1:9", "tok", &o) == 0) {
			pg_http_response resp;
			char *msg;
			pg_http_response_init(&resp);
			resp.status = 422;
			pg_buf_put(&resp.body, data, size);
			msg = pg_http_message(c, &resp);
			free(msg);
			pg_http_response_dispose(&resp);
			pg_http_client_free(c);
		}
	}
	unlink(path);
	return 0;
}
