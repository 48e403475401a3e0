/* http.c - requests, headers, retries and pagination over libcurl. */
#include "http.h"
#include "version.h"

#define CURL_DISABLE_TYPECHECK /* calls go through the table below */
#include <curl/curl.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* libcurl, opened the first time a client is made, not when prgate starts:
 * libcurl and the ~25 libraries it needs (TLS, LDAP, Kerberos, HTTP/2,
 * compression...) take ~6 ms to map at every start, and only `review` talks
 * to a server. The names are libcurl's, the same package's library as the
 * headers. */
#define CURL_SONAME "libcurl.so.4"
static struct {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	void (*easy_cleanup)(CURL *curl);
	void (*easy_reset)(CURL *curl);
	CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *curl);
	CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	char error[512]; /* why it could not be loaded, or "" */
} curl;

static void *curl_symbol(void *lib, const char *name)
{
	void *sym = dlsym(lib, name);
	if (!sym && !curl.error[0])
		snprintf(curl.error, sizeof(curl.error), "%s has no %s", CURL_SONAME, name);
	return sym;
}

static void load_curl(void)
{
	void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		const char *why = dlerror();
		snprintf(curl.error, sizeof(curl.error), "%s", why ? why : "not found");
		return;
	}
	/* POSIX's way to take a function from dlsym's void * */
	*(void **)&curl.global_init = curl_symbol(lib, "curl_global_init");
	*(void **)&curl.easy_init = curl_symbol(lib, "curl_easy_init");
	*(void **)&curl.easy_cleanup = curl_symbol(lib, "curl_easy_cleanup");
	*(void **)&curl.easy_reset = curl_symbol(lib, "curl_easy_reset");
	*(void **)&curl.easy_setopt = curl_symbol(lib, "curl_easy_setopt");
	*(void **)&curl.easy_perform = curl_symbol(lib, "curl_easy_perform");
	*(void **)&curl.easy_getinfo = curl_symbol(lib, "curl_easy_getinfo");
	*(void **)&curl.easy_strerror = curl_symbol(lib, "curl_easy_strerror");
	*(void **)&curl.slist_append = curl_symbol(lib, "curl_slist_append");
	*(void **)&curl.slist_free_all = curl_symbol(lib, "curl_slist_free_all");
	if (!curl.error[0])
		curl.global_init(CURL_GLOBAL_DEFAULT);
	/* the library stays loaded for the rest of the process */
}

static int curl_ready(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load_curl);
	if (curl.error[0])
		return pg_error_set(PG_ENET, "cannot load libcurl (%s): %s; install Debian's libcurl4 package",
				    CURL_SONAME, curl.error);
	return 0;
}

/* pg_http_client - one connection's worth of state.
 *   curl       - reused easy handle (keeps the connection alive)
 *   headers    - the fixed request headers, Authorization included
 *   api_url    - without a trailing '/'
 *   token      - the secret, for redaction only after the headers are built
 *   last_write - pg_time_usec() of the last non-GET request, 0 if none */
struct pg_http_client {
	CURL *curl;
	struct curl_slist *headers;
	char *api_url;
	char *token;
	pg_http_opts opts;
	uint64_t last_write;
};

void pg_http_opts_init(pg_http_opts *o)
{
	const char *env = getenv("PRGATE_WRITE_PAUSE_MS");
	long n;
	memset(o, 0, sizeof(*o));
	o->connect_timeout_s = 10;
	o->total_timeout_s = 60;
	o->write_pause_ms = 1000;
	if (env && pg_parse_long(env, 0, 60000, &n) == 0)
		o->write_pause_ms = (unsigned)n;
	pg_error_clear();
	o->max_retries = 4;
	o->max_wait_s = 120;
	o->backoff_ms = 1000;
	env = getenv("PRGATE_HTTP_BACKOFF_MS");
	if (env && pg_parse_long(env, 0, 60000, &n) == 0)
		o->backoff_ms = (unsigned)n;
	pg_error_clear();
	o->max_body = (size_t)32 << 20;
}

void pg_http_response_init(pg_http_response *r)
{
	memset(r, 0, sizeof(*r));
	pg_buf_init(&r->body, 0);
	r->rl_remaining = -1;
}

void pg_http_response_dispose(pg_http_response *r)
{
	if (!r)
		return;
	pg_buf_dispose(&r->body);
	free(r->next_url);
	r->next_url = NULL;
}

static void reset_response(pg_http_response *r, size_t max)
{
	pg_http_response_dispose(r);
	pg_http_response_init(r);
	r->body.max = max;
}

int pg_http_client_new(pg_http_client **out, const char *api_url, const char *token,
		       const pg_http_opts *opts)
{
	pg_http_client *c;
	char *auth;
	size_t n;
	int err;
	*out = NULL;
	if (!token || !*token)
		return pg_error_set(PG_EUSAGE, "no GitHub token given");
	if (strpbrk(token, "\r\n"))
		return pg_error_set(PG_EUSAGE, "the GitHub token contains a line break");
	if (!pg_str_starts_with(api_url, "https://") && !pg_str_starts_with(api_url, "http://"))
		return pg_error_set(PG_EUSAGE, "GITHUB_API_URL must start with https:// (got '%s')", api_url);
	if ((err = curl_ready()) < 0)
		return err;
	c = pg_calloc(1, sizeof(*c));
	if (opts)
		c->opts = *opts;
	else
		pg_http_opts_init(&c->opts);
	c->api_url = pg_strdup(api_url);
	n = strlen(c->api_url);
	while (n && c->api_url[n - 1] == '/')
		c->api_url[--n] = 0;
	c->token = pg_strdup(token);
	c->curl = curl.easy_init();
	if (!c->curl) {
		pg_http_client_free(c);
		return pg_error_set(PG_ENET, "cannot initialise libcurl");
	}
	auth = pg_printf_alloc("Authorization: Bearer %s", token);
	c->headers = curl.slist_append(c->headers, "Accept: application/vnd.github+json");
	c->headers = curl.slist_append(c->headers, "X-GitHub-Api-Version: 2022-11-28");
	c->headers = curl.slist_append(c->headers, auth);
	c->headers = curl.slist_append(c->headers, "User-Agent: prgate/" PRGATE_VERSION);
	c->headers = curl.slist_append(c->headers, "Content-Type: application/json");
	/* wipe our copy of the header line; curl keeps its own */
	memset(auth, 0, strlen(auth));
	free(auth);
	*out = c;
	return 0;
}

void pg_http_client_free(pg_http_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl.easy_cleanup(c->curl);
	curl.slist_free_all(c->headers);
	if (c->token)
		memset(c->token, 0, strlen(c->token));
	free(c->token);
	free(c->api_url);
	free(c);
}

char *pg_http_redact(const pg_http_client *c, const char *text)
{
	pg_buf b;
	const char *p = text, *hit;
	size_t tl = c && c->token ? strlen(c->token) : 0;
	if (!text)
		return pg_strdup("");
	if (!tl)
		return pg_strdup(text);
	pg_buf_init(&b, 0);
	while ((hit = strstr(p, c->token))) {
		pg_buf_put(&b, p, (size_t)(hit - p));
		pg_buf_puts(&b, "***");
		p = hit + tl;
	}
	pg_buf_puts(&b, p);
	return pg_buf_detach(&b);
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	pg_http_response *r = ctx;
	return pg_buf_put(&r->body, data, size * n) == 0 ? size * n : 0;
}

/* The rel="next" target of a Link header, or NULL. */
static char *link_next(const char *v)
{
	const char *p = v;
	while ((p = strchr(p, '<'))) {
		const char *end = strchr(p, '>');
		const char *comma;
		if (!end)
			return NULL;
		comma = strchr(end, ',');
		{
			const char *rel = strstr(end, "rel=\"next\"");
			if (rel && (!comma || rel < comma))
				return pg_strndup(p + 1, (size_t)(end - p - 1));
		}
		p = end;
	}
	return NULL;
}

static size_t on_header(char *data, size_t size, size_t n, void *ctx)
{
	pg_http_response *r = ctx;
	size_t len = size * n;
	char line[2048], *colon, *v, *e;
	if (len >= sizeof(line))
		return len;
	memcpy(line, data, len);
	line[len] = 0;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = 0;
	if (!(colon = strchr(line, ':')))
		return size * n;
	*colon = 0;
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strcasecmp(line, "retry-after") == 0)
		r->retry_after = strtol(v, &e, 10);
	else if (strcasecmp(line, "x-ratelimit-remaining") == 0)
		r->rl_remaining = strtol(v, &e, 10);
	else if (strcasecmp(line, "x-ratelimit-reset") == 0)
		r->rl_reset = strtol(v, &e, 10);
	else if (strcasecmp(line, "link") == 0) {
		free(r->next_url);
		r->next_url = link_next(v);
	}
	return size * n;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts;
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

static void trace(pg_http_client *c, const char *fmt, ...) PG_PRINTF(2, 3);
static void trace(pg_http_client *c, const char *fmt, ...)
{
	pg_buf b;
	char *clean;
	va_list ap;
	if (!c->opts.trace)
		return;
	pg_buf_init(&b, 0);
	va_start(ap, fmt);
	pg_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	clean = pg_http_redact(c, b.ptr);
	c->opts.trace(c->opts.trace_ctx, clean);
	free(clean);
	pg_buf_dispose(&b);
}

/* Shorten an URL to its path for traces and errors. */
static const char *path_of(const pg_http_client *c, const char *url)
{
	size_t n = strlen(c->api_url);
	return strncmp(url, c->api_url, n) == 0 ? url + n : url;
}

static int perform(pg_http_client *c, const char *method, const char *url, const char *body,
		   pg_http_response *out)
{
	CURLcode rc;
	char errbuf[CURL_ERROR_SIZE];
	bool write = strcmp(method, "GET") != 0;

	if (write && c->last_write) {
		uint64_t since = (pg_time_usec() - c->last_write) / 1000;
		if (since < c->opts.write_pause_ms)
			sleep_ms(c->opts.write_pause_ms - since);
	}
	reset_response(out, c->opts.max_body);
	curl.easy_reset(c->curl);
	errbuf[0] = 0;
	curl.easy_setopt(c->curl, CURLOPT_URL, url);
	curl.easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);
	curl.easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	curl.easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl.easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT, c->opts.connect_timeout_s);
	curl.easy_setopt(c->curl, CURLOPT_TIMEOUT, c->opts.total_timeout_s);
	curl.easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl.easy_setopt(c->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl.easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl.easy_setopt(c->curl, CURLOPT_WRITEDATA, out);
	curl.easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
	curl.easy_setopt(c->curl, CURLOPT_HEADERDATA, out);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl.easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl.easy_setopt(c->curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (body) {
		curl.easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
		curl.easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (strcmp(method, "GET") != 0) {
		curl.easy_setopt(c->curl, CURLOPT_POSTFIELDS, "");
		curl.easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, 0L);
	}
	rc = curl.easy_perform(c->curl);
	if (write)
		c->last_write = pg_time_usec();
	if (rc == CURLE_WRITE_ERROR && out->body.len >= out->body.max - 65536)
		return pg_error_set(PG_ENET, "%s %s: the response is larger than %zu bytes", method,
				    path_of(c, url), c->opts.max_body);
	if (rc != CURLE_OK) {
		char *clean = pg_http_redact(c, errbuf[0] ? errbuf : curl.easy_strerror(rc));
		int err = pg_error_set(PG_ENET, "%s %s: %s", method, path_of(c, url), clean);
		free(clean);
		trace(c, "%s %s -> %s", method, path_of(c, url), pg_error_last());
		return err;
	}
	curl.easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &out->status);
	trace(c, "%s %s -> %ld", method, path_of(c, url), out->status);
	return 0;
}

/* Seconds to wait before retrying a rate-limited answer; -1: not one. */
static long rate_limit_wait(const pg_http_response *r)
{
	if (r->status != 403 && r->status != 429)
		return -1;
	if (r->retry_after > 0)
		return r->retry_after;
	if (r->rl_remaining == 0) {
		long now = (long)time(NULL);
		return r->rl_reset > now ? r->rl_reset - now + 1 : 1;
	}
	/* a secondary limit without headers: GitHub asks for at least a minute */
	if (r->status == 429 || strstr(r->body.ptr, "secondary rate limit"))
		return 60;
	return -1;
}

int pg_http_request(pg_http_client *c, const char *method, const char *path, const char *body,
		    pg_http_response *out)
{
	char *url;
	unsigned attempt;
	uint64_t backoff = c->opts.backoff_ms;
	int err = 0;

	if (pg_str_starts_with(path, "http://") || pg_str_starts_with(path, "https://")) {
		size_t n = strlen(c->api_url);
		if (strncmp(path, c->api_url, n) != 0 || (path[n] != '/' && path[n] != '?' && path[n]))
			return pg_error_set(PG_ENET, "refusing to send the token to '%s', outside %s", path,
					    c->api_url);
		url = pg_strdup(path);
	} else {
		url = pg_printf_alloc("%s%s", c->api_url, path);
	}
	for (attempt = 0;; attempt++) {
		long wait;
		if ((err = perform(c, method, url, body, out)) < 0)
			break;
		wait = rate_limit_wait(out);
		if (wait >= 0) {
			if (attempt >= c->opts.max_retries || (unsigned long)wait > c->opts.max_wait_s)
				break; /* the caller sees the 403/429 */
			trace(c, "rate limited: waiting %ld s", wait);
			sleep_ms((uint64_t)wait * 1000);
			continue;
		}
		if (out->status >= 500 && out->status <= 599 && strcmp(method, "POST") != 0 &&
		    attempt < c->opts.max_retries) {
			trace(c, "server error %ld: retrying in %llu ms", out->status, (unsigned long long)backoff);
			sleep_ms(backoff);
			backoff *= 2;
			continue;
		}
		break;
	}
	free(url);
	return err;
}

json_t *pg_http_json(const pg_http_response *r)
{
	return json_loadb(r->body.ptr, r->body.len, 0, NULL);
}

char *pg_http_message(pg_http_client *c, const pg_http_response *r)
{
	json_t *j = pg_http_json(r);
	const char *m = json_string_value(json_object_get(j, "message"));
	pg_buf b;
	char *out;
	size_t i;
	pg_buf_init(&b, 4096);
	pg_buf_puts(&b, m ? m : "");
	if (json_is_array(json_object_get(j, "errors")))
		for (i = 0; i < json_array_size(json_object_get(j, "errors")); i++) {
			json_t *e = json_array_get(json_object_get(j, "errors"), i);
			const char *s = json_is_string(e) ? json_string_value(e) :
					json_string_value(json_object_get(e, "message"));
			if (s)
				pg_buf_printf(&b, "%s%s", b.len ? ": " : "", s);
		}
	json_decref(j);
	out = pg_http_redact(c, b.ptr);
	pg_buf_dispose(&b);
	return out;
}

int pg_http_get_all(pg_http_client *c, const char *path, json_t **out, long *status)
{
	pg_http_response r;
	char *next = pg_printf_alloc("%s%sper_page=100", path, strchr(path, '?') ? "&" : "?");
	json_t *all = json_array();
	int pages, err = 0;

	*out = NULL;
	if (status)
		*status = 0;
	pg_http_response_init(&r);
	for (pages = 0; next && pages < 100; pages++) {
		json_t *page;
		if ((err = pg_http_request(c, "GET", next, NULL, &r)) < 0)
			break;
		if (status)
			*status = r.status;
		if (r.status < 200 || r.status > 299) {
			char *msg = pg_http_message(c, &r);
			err = pg_error_set(PG_ENET, "GET %s: HTTP %ld%s%s", path, r.status, *msg ? ": " : "", msg);
			free(msg);
			break;
		}
		page = pg_http_json(&r);
		if (!json_is_array(page)) {
			json_decref(page);
			err = pg_error_set(PG_ENET, "GET %s: the answer is not a JSON list", path);
			break;
		}
		json_array_extend(all, page);
		json_decref(page);
		free(next);
		next = r.next_url;
		r.next_url = NULL;
	}
	free(next);
	pg_http_response_dispose(&r);
	if (err < 0) {
		json_decref(all);
		return err;
	}
	*out = all;
	return 0;
}
