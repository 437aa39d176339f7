/*
 * surveys/jsonpos.c: a JSON position index (surveys/jsonpos.h).
 *
 * A small recursive-descent reader walks the same bytes jansson parsed and
 * records, for every value, its JSON Pointer and where it starts (and, for
 * object members, where the key starts).  It builds no values and checks
 * only as much grammar as it needs to stay in step: the text was accepted
 * by jansson first.  Line and column are counted the way jansson's
 * stream_get() counts them: a '\n' starts a new line at column 0, every
 * other byte that begins a UTF-8 sequence adds one column, so the numbers
 * agree with jansson's syntax error positions.  The index is a flat array
 * of `struct entry`, searched linearly: it is read once per error, and a
 * questionnaire has a few thousand values at most.
 */
#include <stdlib.h>
#include <string.h>

#include "impact/common.h"
#include "jsonpos.h"

/* Values nested deeper than this are refused.  jansson refuses arrays and
 * objects nested deeper than 2048 (JSON_PARSER_MAX_DEPTH); here every
 * value counts one level, so twice that is always enough. */
#define MAX_DEPTH 4096

struct entry {
	char *path;          /* JSON Pointer of the value (owned) */
	int line, column;    /* where the value starts */
	int key_line;        /* where its key starts (members), else 0 */
	int key_column;      /* idem */
};

struct impact_jsonpos {
	struct entry *v;     /* entries in document order */
	size_t n, cap;       /* used and allocated entries */
};

struct reader {
	const unsigned char *s;  /* the text */
	size_t len, i;           /* its length; next byte to read */
	int line, col;           /* line of s[i]; characters read on it */
	char *path;              /* pointer of the value being read */
	size_t plen, pcap;       /* its length and allocation */
	impact_jsonpos *out;     /* the index being filled */
};

/* Consume one byte, keeping line and column as jansson does. */
static void advance(struct reader *r)
{
	unsigned char c = r->s[r->i++];

	if (c == '\n') {
		r->line++;
		r->col = 0;
	} else if ((c & 0xC0) != 0x80) {
		r->col++;
	}
}

/* Skip JSON white space. */
static void skip_ws(struct reader *r)
{
	while (r->i < r->len && (r->s[r->i] == ' ' || r->s[r->i] == '\t'
	                         || r->s[r->i] == '\n' || r->s[r->i] == '\r'))
		advance(r);
}

/* Append n bytes to the current path; IMPACT_OK or IMPACT_ENOMEM. */
static int path_put(struct reader *r, const char *p, size_t n)
{
	if (r->plen + n + 1 > r->pcap) {
		size_t cap = r->pcap ? r->pcap : 64;
		char *q;

		while (r->plen + n + 1 > cap)
			cap *= 2;
		if (!(q = realloc(r->path, cap)))
			return IMPACT_ENOMEM;
		r->path = q;
		r->pcap = cap;
	}
	memcpy(r->path + r->plen, p, n);
	r->plen += n;
	r->path[r->plen] = '\0';
	return IMPACT_OK;
}

/* Append one decoded key byte to the path, escaped per RFC 6901. */
static int path_key_byte(struct reader *r, unsigned char c)
{
	if (c == '~')
		return path_put(r, "~0", 2);
	if (c == '/')
		return path_put(r, "~1", 2);
	return path_put(r, (const char *)&c, 1);
}

/* Record the current path as a value starting at (line, col). */
static int add(struct reader *r, int line, int col, int kline, int kcol)
{
	impact_jsonpos *p = r->out;
	struct entry *e;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 128;

		if (!(e = realloc(p->v, cap * sizeof(*e))))
			return IMPACT_ENOMEM;
		p->v = e;
		p->cap = cap;
	}
	e = &p->v[p->n];
	if (!(e->path = malloc(r->plen + 1)))
		return IMPACT_ENOMEM;
	memcpy(e->path, r->path ? r->path : "", r->plen);
	e->path[r->plen] = '\0';
	e->line = line;
	e->column = col;
	e->key_line = kline;
	e->key_column = kcol;
	p->n++;
	return IMPACT_OK;
}

/* Value of hex digit c, or -1. */
static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read the 4 hex digits of a \u escape (the "\u" already read). */
static long read_u4(struct reader *r)
{
	long v = 0;
	int k, d;

	if (r->len - r->i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		if ((d = hexval(r->s[r->i])) < 0)
			return -1;
		v = v * 16 + d;
		advance(r);
	}
	return v;
}

/* Append code point cp as UTF-8 to the path (escaped). */
static int path_code_point(struct reader *r, long cp)
{
	unsigned char b[4];
	int n, k, rc;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (unsigned char)(0xC0 | (cp >> 6));
		b[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (unsigned char)(0xE0 | (cp >> 12));
		b[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xF0 | (cp >> 18));
		b[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
		b[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		b[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	for (k = 0; k < n; k++)
		if ((rc = path_key_byte(r, b[k])) != IMPACT_OK)
			return rc;
	return IMPACT_OK;
}

/*
 * Read a string (s[i] is its opening quote).  With `to_path`, its decoded
 * text is appended to the path, escaped.  IMPACT_OK, IMPACT_ENOMEM or
 * IMPACT_EDATA.
 */
static int read_string(struct reader *r, int to_path)
{
	int rc;

	advance(r);
	for (;;) {
		unsigned char c;

		if (r->i >= r->len)
			return IMPACT_EDATA;
		c = r->s[r->i];
		if (c == '"') {
			advance(r);
			return IMPACT_OK;
		}
		advance(r);
		if (c != '\\') {
			if (to_path && (rc = path_key_byte(r, c)) != IMPACT_OK)
				return rc;
			continue;
		}
		if (r->i >= r->len)
			return IMPACT_EDATA;
		c = r->s[r->i];
		advance(r);
		if (c == 'u') {
			long cp = read_u4(r), lo;

			if (cp < 0)
				return IMPACT_EDATA;
			if (cp >= 0xD800 && cp <= 0xDBFF && r->len - r->i >= 2
			    && r->s[r->i] == '\\' && r->s[r->i + 1] == 'u') {
				advance(r);
				advance(r);
				if ((lo = read_u4(r)) < 0xDC00 || lo > 0xDFFF)
					return IMPACT_EDATA;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (to_path && (rc = path_code_point(r, cp)) != IMPACT_OK)
				return rc;
			continue;
		}
		switch (c) {
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case '"': case '\\': case '/': break;
		default: return IMPACT_EDATA;
		}
		if (to_path && (rc = path_key_byte(r, c)) != IMPACT_OK)
			return rc;
	}
}

/*
 * Read one value at the current path (s[i] is its first byte, white space
 * skipped) and index it and everything inside it.  (kline, kcol) is where
 * its key starts, 0 when it is not an object member.
 */
static int read_value(struct reader *r, int kline, int kcol, int depth)
{
	size_t base = r->plen, start;
	unsigned char c;
	int rc, line, col;

	if (r->i >= r->len || depth > MAX_DEPTH)
		return IMPACT_EDATA;
	c = r->s[r->i];
	line = r->line;
	col = r->col + 1;
	if ((rc = add(r, line, col, kline, kcol)) != IMPACT_OK)
		return rc;
	if (c == '"')
		return read_string(r, 0);
	if (c == '{' || c == '[') {
		unsigned char close = c == '{' ? '}' : ']';
		unsigned long idx = 0;

		advance(r);
		skip_ws(r);
		if (r->i < r->len && r->s[r->i] == close) {
			advance(r);
			return IMPACT_OK;
		}
		for (;;) {
			int kl = 0, kc = 0;

			if ((rc = path_put(r, "/", 1)) != IMPACT_OK)
				return rc;
			if (c == '{') {
				if (r->i >= r->len || r->s[r->i] != '"')
					return IMPACT_EDATA;
				kl = r->line;
				kc = r->col + 1;
				if ((rc = read_string(r, 1)) != IMPACT_OK)
					return rc;
				skip_ws(r);
				if (r->i >= r->len || r->s[r->i] != ':')
					return IMPACT_EDATA;
				advance(r);
				skip_ws(r);
			} else {
				char num[24];
				int k = 0;
				unsigned long v = idx, d = 1;

				while (v / d >= 10)
					d *= 10;
				for (; d; d /= 10)
					num[k++] = (char)('0' + (v / d) % 10);
				if ((rc = path_put(r, num, (size_t)k)) != IMPACT_OK)
					return rc;
				idx++;
			}
			if ((rc = read_value(r, kl, kc, depth + 1)) != IMPACT_OK)
				return rc;
			r->plen = base;
			r->path[base] = '\0';
			skip_ws(r);
			if (r->i >= r->len)
				return IMPACT_EDATA;
			if (r->s[r->i] == close) {
				advance(r);
				return IMPACT_OK;
			}
			if (r->s[r->i] != ',')
				return IMPACT_EDATA;
			advance(r);
			skip_ws(r);
		}
	}
	/* A number, true, false or null: up to the next delimiter. */
	start = r->i;
	while (r->i < r->len && !strchr(",]} \t\r\n", r->s[r->i]))
		advance(r);
	return r->i > start ? IMPACT_OK : IMPACT_EDATA;
}

void impact__jsonpos_free(impact_jsonpos *p)
{
	size_t k;

	if (!p)
		return;
	for (k = 0; k < p->n; k++)
		free(p->v[k].path);
	free(p->v);
	free(p);
}

int impact__jsonpos_new(impact_jsonpos **out, const char *text, size_t len)
{
	struct reader r;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.s = (const unsigned char *)text;
	r.len = len;
	r.line = 1;
	if (!(r.out = calloc(1, sizeof(*r.out))))
		return IMPACT_ENOMEM;
	if ((rc = path_put(&r, "", 0)) != IMPACT_OK)
		goto done;
	skip_ws(&r);
	rc = read_value(&r, 0, 0, 1);
done:
	free(r.path);
	if (rc != IMPACT_OK) {
		impact__jsonpos_free(r.out);
		return rc;
	}
	*out = r.out;
	return IMPACT_OK;
}

int impact__jsonpos_get(const impact_jsonpos *p, const char *path, int key,
                        int *line, int *column)
{
	size_t k;

	for (k = 0; p && k < p->n; k++) {
		const struct entry *e = &p->v[k];

		if (strcmp(e->path, path) != 0)
			continue;
		if (key && e->key_line) {
			*line = e->key_line;
			*column = e->key_column;
		} else {
			*line = e->line;
			*column = e->column;
		}
		return 1;
	}
	return 0;
}

int impact__jsonpos_child(char *out, size_t size, const char *parent,
                          const char *name)
{
	size_t n = strlen(parent);

	if (n + 2 > size)
		goto full;
	memcpy(out, parent, n);
	out[n++] = '/';
	for (; *name; name++) {
		const char *put = *name == '~' ? "~0" : *name == '/' ? "~1" : NULL;
		size_t m = put ? 2 : 1;

		if (n + m + 1 > size)
			goto full;
		if (put) {
			memcpy(out + n, put, 2);
		} else {
			out[n] = *name;
		}
		n += m;
	}
	out[n] = '\0';
	return 0;
full:
	if (size)
		out[0] = '\0';
	return -1;
}
