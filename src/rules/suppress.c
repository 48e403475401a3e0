/* suppress.c - finding and applying prgate-ignore comments. */
#define _GNU_SOURCE
#include "suppress.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char marker[] = "prgate-ignore";
#define MARKER_LEN (sizeof(marker) - 1)

bool pg_suppress_present(const char *text, size_t len)
{
	return memmem(text, len, marker, MARKER_LEN) != NULL;
}

void pg_suppression_dispose(pg_suppression *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; s->ids && s->ids[i]; i++)
		free(s->ids[i]);
	free(s->ids);
	free(s->reason);
	s->ids = NULL;
	s->reason = NULL;
}

static bool id_char(char c)
{
	return isalnum((unsigned char)c) || c == '/' || c == '-' || c == '_' || c == '.';
}

void pg_suppression_parse(pg_suppression *s, const char *text, size_t len)
{
	size_t i = 0, n = 0;
	const char *reason;
	s->ids = pg_calloc(1, sizeof(char *));
	s->reason = NULL;
	/* "prgate-ignore-next" etc. are not ours: require a boundary */
	if (len > 0 && id_char(text[0]) && text[0] != ':')
		return;
	reason = NULL;
	for (i = 0; i + 1 < len; i++)
		if (text[i] == '-' && text[i + 1] == '-' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == ',' || text[i-1] == ':')) {
			reason = text + i + 2;
			break;
		}
	if (reason) {
		const char *end = text + len;
		while (reason < end && isspace((unsigned char)*reason))
			reason++;
		while (end > reason && isspace((unsigned char)end[-1]))
			end--;
		if (end > reason)
			s->reason = pg_strndup(reason, (size_t)(end - reason));
		len = i;
	}
	i = 0;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i < len && text[i] == ':')
		i++;
	while (i < len) {
		size_t start;
		while (i < len && (isspace((unsigned char)text[i]) || text[i] == ','))
			i++;
		start = i;
		while (i < len && id_char(text[i]))
			i++;
		if (i == start) {
			i++;
			continue;
		}
		s->ids = pg_realloc(s->ids, (n + 2) * sizeof(char *));
		s->ids[n++] = pg_strndup(text + start, i - start);
		s->ids[n] = NULL;
	}
}

/* Map a file offset into a document's offset, if the document covers it. */
static bool doc_offset(const pg_doc *d, uint32_t file_off, uint32_t *out)
{
	uint32_t i;
	if (!d->map) {
		if (d->ranges) {
			for (i = 0; i < d->range_count; i++)
				if (file_off >= d->ranges[i].start_byte && file_off < d->ranges[i].end_byte) {
					*out = file_off;
					return true;
				}
			return false;
		}
		*out = file_off;
		return file_off < d->len;
	}
	for (i = 0; i < d->map_count; i++) {
		const pg_seg *s = &d->map[i];
		uint32_t next = i + 1 < d->map_count ? d->map[i + 1].doc_off : d->len;
		if (s->identity && file_off >= s->file_off && file_off < s->file_off + (next - s->doc_off)) {
			uint32_t o = s->doc_off + (file_off - s->file_off);
			if (d->ranges) {
				uint32_t k;
				for (k = 0; k < d->range_count; k++)
					if (o >= d->ranges[k].start_byte && o < d->ranges[k].end_byte) {
						*out = o;
						return true;
					}
				return false;
			}
			*out = o;
			return true;
		}
	}
	return false;
}

/* If the marker at doc offset `off` is inside a comment of `d`, return the
 * comment's end offset (in doc bytes), else 0. */
static uint32_t comment_end(const pg_doc *d, uint32_t off, uint32_t *start)
{
	TSNode n;
	int up;
	if (!d->tree)
		return 0;
	n = ts_node_descendant_for_byte_range(ts_tree_root_node(d->tree), off, off + (uint32_t)MARKER_LEN);
	for (up = 0; up < 3 && !ts_node_is_null(n); up++) {
		if (pg_lang_is_comment(d->lang, ts_node_type(n))) {
			*start = ts_node_start_byte(n);
			return ts_node_end_byte(n);
		}
		n = ts_node_parent(n);
	}
	return 0;
}

static bool id_listed(const pg_suppression *s, const char *id)
{
	size_t i;
	for (i = 0; s->ids[i]; i++)
		if (strcmp(s->ids[i], id) == 0)
			return true;
	return false;
}

void pg_suppress_apply(const pg_source *src, const pg_ruleset *rules, pg_vec *findings,
		       const pg_file *f, uint32_t slack, bool in_changed_only)
{
	const char *p = src->text, *end = src->text + src->len;
	pg_vec sups;
	size_t i, k;

	pg_vec_init(&sups, sizeof(pg_suppression));
	while ((p = memmem(p, (size_t)(end - p), marker, MARKER_LEN))) {
		uint32_t off = (uint32_t)(p - src->text), doff, cend = 0, cstart = 0;
		for (i = src->docs.len; i-- > 0 && !cend;) {
			const pg_doc *d = PG_VEC_AT(&src->docs, pg_doc, i);
			if (doc_offset(d, off, &doff) && (cend = comment_end(d, doff, &cstart))) {
				cend = pg_doc_file_offset(d, cend > doff ? cend : doff);
				cstart = pg_doc_file_offset(d, cstart);
			}
		}
		if (cend) {
			pg_suppression *s = pg_vec_push(&sups);
			const char *t = p + MARKER_LEN;
			const char *stop = src->text + (cend <= src->len ? cend : src->len);
			const char *nl = memchr(t, '\n', (size_t)(stop > t ? stop - t : 0));
			size_t len;
			if (nl)
				stop = nl;
			len = stop > t ? (size_t)(stop - t) : 0;
			/* drop a closing comment delimiter on the same line */
			while (len && isspace((unsigned char)t[len - 1]))
				len--;
			if (len >= 2 && t[len - 2] == '*' && t[len - 1] == '/')
				len -= 2;
			else if (len >= 3 && memcmp(t + len - 3, "-->", 3) == 0)
				len -= 3;
			s->line = pg_lines_find(&src->lines, off) + 1;
			{
				/* a comment that follows code covers only its own line */
				uint32_t ls = src->lines.starts[s->line - 1], k2;
				s->own_line_only = false;
				for (k2 = ls; k2 < cstart && k2 < src->len; k2++)
					if (!isspace((unsigned char)src->text[k2]))
						s->own_line_only = true;
			}
			pg_suppression_parse(s, t, len);
		}
		p += MARKER_LEN;
	}
	for (i = 0; i < findings->len; i++) {
		pg_finding *fd = PG_VEC_AT(findings, pg_finding, i);
		for (k = 0; k < sups.len; k++) {
			pg_suppression *s = PG_VEC_AT(&sups, pg_suppression, k);
			if (fd->line != s->line && (s->own_line_only || fd->line != s->line + 1))
				continue;
			if (s->ids[0] && !id_listed(s, fd->rule->id))
				continue;
			fd->suppressed = true;
			free(fd->suppress_reason);
			fd->suppress_reason = s->reason ? pg_strdup(s->reason) : NULL;
			s->used = true;
		}
	}
	for (k = 0; k < sups.len; k++) {
		pg_suppression *s = PG_VEC_AT(&sups, pg_suppression, k);
		const char *id = NULL;
		char *msg = NULL;
		if (!in_changed_only || pg_file_range_touches_added(f, s->line, s->line, slack)) {
			if (!s->used) {
				id = "any/maintainability/unused-suppression";
				msg = s->ids[0] ? pg_printf_alloc("this prgate-ignore for %s%s suppresses nothing",
								 s->ids[0], s->ids[1] ? ", ..." : "")
						: pg_strdup("this prgate-ignore suppresses nothing");
			} else if (!s->ids[0]) {
				id = "any/maintainability/bare-suppression";
				msg = pg_strdup("prgate-ignore without rule ids silences every rule on the line; name the rules");
			}
		}
		if (id) {
			const pg_rule *rule = pg_ruleset_find(rules, id);
			if (rule && rule->enabled) {
				pg_finding *fd = pg_vec_push(findings);
				uint32_t len;
				const char *line = pg_source_line(src, s->line, &len);
				fd->rule = rule;
				fd->severity = rule->severity;
				fd->message = msg;
				msg = NULL;
				fd->path = f->path;
				fd->line = fd->end_line = s->line;
				fd->column = 1;
				fd->end_column = len + 1;
				fd->snippet = pg_strndup(line, len);
				fd->fingerprint = pg_fingerprint(id, f->path, NULL, line, len);
			}
		}
		free(msg);
		pg_suppression_dispose(s);
	}
	pg_vec_dispose(&sups);
}
