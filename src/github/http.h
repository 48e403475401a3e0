/*
 * http - a small client for GitHub's REST API over libcurl. The only code in
 * prgate that includes curl.h.
 *
 * Every request carries Accept: application/vnd.github+json,
 * X-GitHub-Api-Version: 2022-11-28, Authorization: Bearer <token> and
 * User-Agent: prgate/VERSION, with connect and total timeouts. Requests are
 * serial, and content-creating calls (anything but GET) are at least
 * `write_pause_ms` apart (GitHub's guidance against secondary rate limits).
 *
 * Retries, all bounded: a 403 or 429 with retry-after or
 * x-ratelimit-remaining: 0 waits (at most max_wait_s) and retries; a 5xx
 * backs off exponentially and retries, except for POST, which is handed
 * back to the caller: it must list again before retrying so nothing is
 * posted twice.
 *
 * The token is copied once, sent only in the Authorization header, never
 * put in a URL, never traced, and pg_http_redact() scrubs it from any text
 * that echoes server data. Absolute URLs (pagination links) are followed
 * only when they start with the API URL, so the token never leaves for
 * another host; redirects are not followed.
 *
 * Ownership: the client owns its copy of the token and URL; a response owns
 * its body and next link until pg_http_response_dispose().
 */
#ifndef PG_HTTP_H
#define PG_HTTP_H

#include "util/util.h"
#include <jansson.h>

typedef struct pg_http_client pg_http_client;

/*
 * pg_http_opts - limits and hooks.
 *   connect_timeout_s, total_timeout_s - per request
 *   write_pause_ms  - least time between two non-GET requests (default 1000;
 *                     the PRGATE_WRITE_PAUSE_MS environment variable lowers
 *                     it for tests)
 *   max_retries     - retries per request after a rate limit or 5xx
 *   max_wait_s      - longest rate-limit wait honoured; longer fails
 *   backoff_ms      - first 5xx backoff, doubled each time
 *   max_body        - response bodies larger than this fail
 *   trace           - called with one line per request ("POST /path -> 201"),
 *                     already redacted; may be NULL
 */
typedef struct pg_http_opts {
	long connect_timeout_s;
	long total_timeout_s;
	unsigned write_pause_ms;
	unsigned max_retries;
	unsigned max_wait_s;
	unsigned backoff_ms;
	size_t max_body;
	void (*trace)(void *ctx, const char *line);
	void *trace_ctx;
} pg_http_opts;

void pg_http_opts_init(pg_http_opts *o);

/* pg_http_response - one answer.
 *   status    - the HTTP status (0 before a response)
 *   body      - the body, NUL-terminated, capped at max_body
 *   next_url  - the Link header's rel="next" URL (owned) or NULL */
typedef struct pg_http_response {
	long status;
	pg_buf body;
	char *next_url;
	long retry_after;
	long rl_remaining; /* -1 when absent */
	long rl_reset;     /* epoch seconds, 0 when absent */
} pg_http_response;

void pg_http_response_init(pg_http_response *r);
void pg_http_response_dispose(pg_http_response *r);

/* Create a client for `api_url` (e.g. https://api.github.com, or a GitHub
 * Enterprise Server's https://HOST/api/v3). `token` is copied. */
int pg_http_client_new(pg_http_client **out, const char *api_url, const char *token,
		       const pg_http_opts *opts);
void pg_http_client_free(pg_http_client *c);

/* Send one request. `path` is "/repos/..." (joined to the API URL) or an
 * absolute URL under it; `body` is JSON text or NULL. Returns 0 when a
 * response arrived (whatever its status, after the bounded retries above),
 * PG_ENET with the message set when none did. */
int pg_http_request(pg_http_client *c, const char *method, const char *path, const char *body,
		    pg_http_response *out);

/* GET every page of a list (per_page=100, following Link rel="next", at
 * most 100 pages) into *out (a new JSON array, owned). A non-2xx status is
 * PG_ENET with the status and GitHub's message; *status gets it (may be NULL). */
int pg_http_get_all(pg_http_client *c, const char *path, json_t **out, long *status);

/* Parse a response body as JSON (NULL if it is not). New reference. */
json_t *pg_http_json(const pg_http_response *r);
/* GitHub's "message" of an error body, redacted, or "" (owned). */
char *pg_http_message(pg_http_client *c, const pg_http_response *r);

/* A copy of `text` with every occurrence of the token replaced by "***"
 * (owned). */
char *pg_http_redact(const pg_http_client *c, const char *text);

#endif
