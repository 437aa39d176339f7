/*
 * surveys/csv.c: the streaming CSV reader every importer uses.
 *
 * surveys/decode.c turns the file's bytes, whatever their encoding, into
 * UTF-8; libcsv does the RFC 4180 parsing; this module feeds it the text one
 * physical line at a time (a line ends at LF, CRLF or a lone CR), so that
 * it always knows the line a record started on: a record can only start
 * at the beginning of a line, right after the previous record ended.  The
 * fields of the record being built are kept as offsets into one growing
 * byte pool and turned into pointers when the record is complete.  Read
 * surveys/import.c next: it turns records into rows.
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "../engine/context.h"
#include "csv.h"
#include "decode.h"

#define BUF_SIZE 65536

struct impact_csv {
	impact_decoder *dec;      /* the file, as UTF-8 */
	const char *name;         /* file name for messages (borrowed) */
	unsigned char buf[BUF_SIZE]; /* read buffer */
	size_t pos, len;          /* unread bytes are buf[pos..len) */
	int eof;                  /* fread reached the end */
	int finished;             /* csv_fini done */
	int prev_cr;              /* last byte fed was a CR */
	struct csv_parser parser; /* libcsv state */
	int parser_ready;         /* parser initialised */
	unsigned char delim;      /* detected delimiter */
	long long line;           /* physical line of the next byte fed */
	long long rec_line;       /* line where the current record started */
	int in_record;            /* some bytes of a record were fed */
	int record_done;          /* a record is complete */
	int too_big;              /* the record broke a limit */
	size_t *offsets;          /* field start offsets into pool */
	size_t *lens;             /* field lengths */
	char **fields;            /* pointers handed out */
	size_t nfields, cap;      /* fields in the record, capacity */
	char *pool;               /* bytes of the record's fields */
	size_t pool_len, pool_cap;
	int oom;                  /* an allocation failed in a callback */
};

/* libcsv field callback: append one field to the record being built. */
static void on_field(void *data, size_t len, void *payload)
{
	impact_csv *r = payload;

	if (r->oom || r->too_big)
		return;
	if (r->nfields == IMPACT__CSV_MAX_FIELDS
	    || r->pool_len + len + 1 > IMPACT__CSV_MAX_RECORD) {
		r->too_big = 1;
		return;
	}
	if (r->nfields == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		size_t *o = realloc(r->offsets, cap * sizeof(*o));
		size_t *l;
		char **f;

		if (!o) {
			r->oom = 1;
			return;
		}
		r->offsets = o;
		l = realloc(r->lens, cap * sizeof(*l));
		if (!l) {
			r->oom = 1;
			return;
		}
		r->lens = l;
		f = realloc(r->fields, cap * sizeof(*f));
		if (!f) {
			r->oom = 1;
			return;
		}
		r->fields = f;
		r->cap = cap;
	}
	if (r->pool_len + len + 1 > r->pool_cap) {
		size_t cap = r->pool_cap ? r->pool_cap : 1024;
		char *p;

		while (cap < r->pool_len + len + 1)
			cap *= 2;
		p = realloc(r->pool, cap);
		if (!p) {
			r->oom = 1;
			return;
		}
		r->pool = p;
		r->pool_cap = cap;
	}
	if (len)
		memcpy(r->pool + r->pool_len, data, len);
	r->offsets[r->nfields] = r->pool_len;
	r->lens[r->nfields] = len;
	r->pool[r->pool_len + len] = '\0';
	r->pool_len += len + 1;
	r->nfields++;
}

/* libcsv record callback. */
static void on_record(int c, void *payload)
{
	impact_csv *r = payload;

	(void)c;
	r->record_done = 1;
}

/*
 * Pick the delimiter from buf[0..n): on the first line that holds any of
 * ',', ';' or TAB outside quotes (a Framaforms export starts with a title
 * line holding none), the one that occurs most; ',' wins ties, then ';'.
 */
static unsigned char sniff_delimiter(const unsigned char *p, size_t n)
{
	size_t cur[3] = { 0, 0, 0 }, i;
	int quoted = 0;

	for (i = 0; i <= n; i++) {
		if (i < n && p[i] == '"') {
			quoted = !quoted;
		} else if (i == n || (!quoted && (p[i] == '\n' || p[i] == '\r'))) {
			if (cur[0] + cur[1] + cur[2] > 0)
				break;
		} else if (!quoted && p[i] == ',') {
			cur[0]++;
		} else if (!quoted && p[i] == ';') {
			cur[1]++;
		} else if (!quoted && p[i] == '\t') {
			cur[2]++;
		}
	}
	if (cur[1] > cur[0] && cur[1] >= cur[2])
		return ';';
	if (cur[2] > cur[0] && cur[2] > cur[1])
		return '\t';
	return ',';
}

/* Only spaces count as blanks to trim: a TAB may be the delimiter. */
static int is_space(unsigned char c)
{
	return c == ' ';
}

/* Refill the buffer when it is used up. */
static int fill(impact *h, impact_csv *r)
{
	long n;

	if (r->pos < r->len || r->eof)
		return IMPACT_OK;
	n = impact__decoder_read(h, r->dec, r->buf, sizeof(r->buf));
	if (n < 0)
		return (int)n;
	r->len = (size_t)n;
	r->pos = 0;
	if (n == 0)
		r->eof = 1;
	return IMPACT_OK;
}

int impact__csv_open(impact *h, impact_csv **out, const char *path,
                     const char *name, int encoding, char delimiter,
                     char *sha256)
{
	impact_csv *r = NULL;
	int rc;

	assert(out && path && name);
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	r->name = name;
	r->line = 1;
	if ((rc = impact__decoder_open(h, &r->dec, path, name, encoding,
	                               sha256)) != IMPACT_OK)
		goto fail;
	if ((rc = fill(h, r)) != IMPACT_OK)
		goto fail;
	r->delim = delimiter ? (unsigned char)delimiter
	                     : sniff_delimiter(r->buf + r->pos, r->len - r->pos);
	if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI
	                         | CSV_APPEND_NULL) != 0) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto fail;
	}
	r->parser_ready = 1;
	csv_set_delim(&r->parser, r->delim);
	csv_set_space_func(&r->parser, is_space);
	*out = r;
	return IMPACT_OK;
fail:
	impact__csv_close(r);
	return rc;
}

/* Report a libcsv failure at the record being read.  `at_end` is set when
 * the failure came at the end of the file (an unclosed quote). */
static int parse_error(impact *h, impact_csv *r, int at_end)
{
	long long line = r->in_record ? r->rec_line : r->line;

	if (r->oom)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	if (r->too_big)
		return impact__error(h, IMPACT_EDATA,
		                     "%s:%lld:%zu: record too large (at most %d "
		                     "columns and %u MiB): is this a CSV file?",
		                     r->name, line, r->nfields + 1,
		                     IMPACT__CSV_MAX_FIELDS,
		                     IMPACT__CSV_MAX_RECORD >> 20);
	if (at_end)
		return impact__error(h, IMPACT_EDATA,
		                     "%s:%lld:%zu: malformed CSV: a quote opened in "
		                     "this field is never closed (close it with \", "
		                     "or write a quote inside a field as \"\")",
		                     r->name, line, r->nfields + 1);
	return impact__error(h, IMPACT_EDATA,
	                     "%s:%lld:%zu: malformed CSV: a quote inside a field "
	                     "that does not start with one, or text after a "
	                     "closing quote (quote the whole field, and write a "
	                     "quote inside it as \"\")",
	                     r->name, line, r->nfields + 1);
}

/* Feed the bytes up to and including the next line end (or the end of the
 * buffer).  Sets r->record_done when a record completes. */
static int feed_segment(impact *h, impact_csv *r)
{
	const unsigned char *p = r->buf + r->pos;
	size_t n = r->len - r->pos, i, k;
	int ends_line = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r') {
			ends_line = 1;
			break;
		}
	}
	if (ends_line) {
		/* A lone LF right after a CR from the previous segment is the
		 * tail of a CRLF: feed it without counting a new line. */
		if (i == 0 && p[0] == '\n' && r->prev_cr) {
			r->prev_cr = 0;
			k = 1;
			ends_line = 0;
		} else {
			k = i + 1;
			if (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n')
				k = i + 2;
		}
	} else {
		k = n;
	}
	if (!r->in_record) {
		for (i = 0; i < k; i++)
			if (p[i] != '\n' && p[i] != '\r')
				break;
		if (i < k) {
			r->in_record = 1;
			r->rec_line = r->line;
		}
	}
	if (csv_parse(&r->parser, p, k, on_field, on_record, r) != k
	    || r->oom || r->too_big)
		return parse_error(h, r, 0);
	r->pos += k;
	if (k > 0)
		r->prev_cr = p[k - 1] == '\r';
	if (ends_line)
		r->line++;
	return IMPACT_OK;
}

/* Turn the completed record into rec; returns 1, or 0 for a blank one. */
static int hand_out(impact_csv *r, impact_csv_record *rec)
{
	size_t i;
	int blank = 1;

	for (i = 0; i < r->nfields; i++) {
		r->fields[i] = r->pool + r->offsets[i];
		if (r->lens[i])
			blank = 0;
	}
	rec->fields = r->fields;
	rec->lens = r->lens;
	rec->nfields = r->nfields;
	rec->line = r->rec_line;
	r->record_done = 0;
	r->in_record = 0;
	return blank ? 0 : 1;
}

int impact__csv_next(impact *h, impact_csv *r, impact_csv_record *rec)
{
	int rc;

	for (;;) {
		r->nfields = 0;
		r->pool_len = 0;
		while (!r->record_done) {
			if ((rc = fill(h, r)) != IMPACT_OK)
				return rc;
			if (r->pos == r->len) {
				if (r->finished)
					return 0;
				r->finished = 1;
				if (csv_fini(&r->parser, on_field, on_record, r) != 0
				    || r->oom || r->too_big)
					return parse_error(h, r, 1);
				if (!r->record_done)
					return 0;
				break;
			}
			if ((rc = feed_segment(h, r)) != IMPACT_OK)
				return rc;
		}
		if (hand_out(r, rec))
			return 1;
	}
}

char impact__csv_delimiter(const impact_csv *r)
{
	return (char)r->delim;
}

void impact__csv_position(const impact_csv *r, long long *done,
                          long long *total)
{
	impact__decoder_position(r->dec, done, total);
}

int impact__csv_encoding(const impact_csv *r)
{
	return impact__decoder_encoding(r->dec);
}

void impact__csv_close(impact_csv *r)
{
	if (!r)
		return;
	if (r->parser_ready)
		csv_free(&r->parser);
	impact__decoder_close(r->dec);
	free(r->offsets);
	free(r->lens);
	free(r->fields);
	free(r->pool);
	free(r);
}
