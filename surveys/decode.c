/*
 * surveys/decode.c: reading a survey export in its own encoding as UTF-8.
 *
 * Opening makes one pass over the whole file, computing its SHA-256 and
 * checking it as strict UTF-8 (a small state machine carries a sequence
 * cut by the buffer's end into the next buffer), then rewinds past the
 * byte-order mark.  Reading then decodes character by character from one
 * fixed raw buffer (struct impact_decoder, 64 KiB) into the caller's
 * buffer: a character is only consumed when all of it fits, so output
 * never splits one, and memory does not grow with the file.  Errors name
 * the 1-based byte offset in the file.  Read surveys/decode.h for the
 * contract, then surveys/csv.c, which reads through this decoder.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "../engine/sha256.h"
#include "decode.h"

#define RAW_SIZE 65536

struct impact_decoder {
	FILE *fp;                   /* the open file */
	const char *name;           /* file name for messages (borrowed) */
	int encoding;               /* encoding in use, never AUTO */
	unsigned char raw[RAW_SIZE]; /* undecoded bytes */
	size_t pos, len;            /* unread raw bytes are raw[pos..len) */
	long long base;             /* file offset of raw[0] */
	long long size;             /* the file's size in bytes */
	int eof;                    /* fread reached the end */
	int read_errno;             /* errno of a failed read, 0 if none */
	long long bad;              /* file offset of the bad bytes */
	char why[96];               /* what is wrong with them */
};

/* Outcome of decoding one character. */
enum {
	CHAR_OK = 0,            /* a character (or a dropped NUL) */
	CHAR_END = 1,           /* no bytes left */
	CHAR_BAD = -1,          /* invalid bytes: d->bad and d->why set */
	CHAR_EIO = -2           /* read error: d->read_errno set */
};

/* Incremental strict UTF-8 check (RFC 3629) over bytes given in pieces. */
typedef struct {
	int need;               /* continuation bytes still expected */
	unsigned char lo, hi;   /* allowed range of the next one */
	int bad;                /* an invalid sequence was seen */
} utf8_check;

/* Windows-1252 bytes 0x80-0x9F as Unicode; the five bytes the code page
 * leaves undefined become U+FFFD. */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
	0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178
};

/* For a UTF-8 lead byte b: the number of continuation bytes (0 for
 * ASCII, -1 when b cannot start a character) and the range allowed for
 * the first of them, which excludes overlong forms, surrogates and code
 * points above U+10FFFF. */
static int utf8_lead(unsigned char b, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (b < 0x80)
		return 0;
	if (b >= 0xC2 && b <= 0xDF)
		return 1;
	if (b >= 0xE0 && b <= 0xEF) {
		if (b == 0xE0)
			*lo = 0xA0;
		else if (b == 0xED)
			*hi = 0x9F;
		return 2;
	}
	if (b >= 0xF0 && b <= 0xF4) {
		if (b == 0xF0)
			*lo = 0x90;
		else if (b == 0xF4)
			*hi = 0x8F;
		return 3;
	}
	return -1;
}

/* Feed n bytes to the check; once bad, it stays bad. */
static void utf8_check_feed(utf8_check *c, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && !c->bad; i++) {
		if (c->need == 0) {
			c->need = utf8_lead(p[i], &c->lo, &c->hi);
			if (c->need < 0)
				c->bad = 1;
		} else if (p[i] < c->lo || p[i] > c->hi) {
			c->bad = 1;
		} else {
			c->need--;
			c->lo = 0x80;
			c->hi = 0xBF;
		}
	}
}

/* Encode code point cp (valid, not a surrogate) as UTF-8 into u; returns
 * the length. */
static size_t utf8_encode(uint32_t cp, unsigned char u[4])
{
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | (cp >> 18));
	u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	u[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Make at least k raw bytes available at d->raw + d->pos, moving the
 * unread ones to the front and reading more; fewer are available only
 * at the end of the file.  Returns CHAR_OK or CHAR_EIO. */
static int fill(impact_decoder *d, size_t k)
{
	size_t got;

	if (d->read_errno)
		return CHAR_EIO;
	while (d->len - d->pos < k && !d->eof) {
		if (d->pos > 0) {
			memmove(d->raw, d->raw + d->pos, d->len - d->pos);
			d->base += (long long)d->pos;
			d->len -= d->pos;
			d->pos = 0;
		}
		got = fread(d->raw + d->len, 1, sizeof(d->raw) - d->len, d->fp);
		d->len += got;
		if (got == 0) {
			if (ferror(d->fp)) {
				d->read_errno = errno ? errno : EIO;
				return CHAR_EIO;
			}
			d->eof = 1;
		}
	}
	return CHAR_OK;
}

/* Record invalid bytes at raw offset `at` (relative to d->pos). */
static int bad_bytes(impact_decoder *d, size_t at, const char *why)
{
	d->bad = d->base + (long long)(d->pos + at);
	snprintf(d->why, sizeof(d->why), "%s", why);
	return CHAR_BAD;
}

/* Record the n bytes at p (= d->raw + d->pos) as a broken UTF-8
 * sequence, quoting them: "bytes 0xE9 0x3B do not form a character". */
static int bad_sequence(impact_decoder *d, const unsigned char *p, size_t n)
{
	char why[96];
	size_t i, used;

	used = (size_t)snprintf(why, sizeof(why), "not valid UTF-8 (bytes");
	for (i = 0; i < n; i++)
		used += (size_t)snprintf(why + used, sizeof(why) - used,
		                         " 0x%02X", p[i]);
	snprintf(why + used, sizeof(why) - used, " do not form a character)");
	return bad_bytes(d, 0, why);
}

/* Decode the UTF-8 character at d->pos, checking it strictly. */
static int next_utf8(impact_decoder *d, unsigned char u[4], size_t *ulen,
                     size_t *used)
{
	const unsigned char *p;
	unsigned char lo, hi;
	char why[96];
	size_t i;
	int need;

	p = d->raw + d->pos;
	need = utf8_lead(p[0], &lo, &hi);
	if (need == 0) {
		u[0] = p[0];
		*ulen = p[0] ? 1 : 0;
		*used = 1;
		return CHAR_OK;
	}
	if (need < 0) {
		snprintf(why, sizeof(why), "not valid UTF-8 (byte 0x%02X %s)",
		         p[0], p[0] < 0xC0 ? "does not start a character"
		                           : "never occurs in UTF-8");
		return bad_bytes(d, 0, why);
	}
	if (fill(d, (size_t)need + 1) != CHAR_OK)
		return CHAR_EIO;
	p = d->raw + d->pos;
	for (i = 1; i <= (size_t)need; i++) {
		if (d->pos + i >= d->len) {
			snprintf(why, sizeof(why), "not valid UTF-8 (byte "
			         "0x%02X cut off by the end of the file)",
			         p[0]);
			return bad_bytes(d, 0, why);
		}
		if (p[i] < lo || p[i] > hi)
			return bad_sequence(d, p, i + 1);
		lo = 0x80;
		hi = 0xBF;
	}
	memcpy(u, p, (size_t)need + 1);
	*ulen = (size_t)need + 1;
	*used = (size_t)need + 1;
	return CHAR_OK;
}

/* Read the UTF-16 code unit at raw offset `at` from d->pos. */
static uint32_t unit16(const impact_decoder *d, size_t at)
{
	const unsigned char *p = d->raw + d->pos + at;

	if (d->encoding == IMPACT_ENCODING_UTF16LE)
		return (uint32_t)p[0] | (uint32_t)p[1] << 8;
	return (uint32_t)p[0] << 8 | (uint32_t)p[1];
}

/* Decode the UTF-16 character at d->pos, pairing surrogates. */
static int next_utf16(impact_decoder *d, unsigned char u[4], size_t *ulen,
                      size_t *used)
{
	char why[96];
	uint32_t cp, lo;

	if (fill(d, 4) != CHAR_OK)
		return CHAR_EIO;
	if (d->len - d->pos < 2)
		return bad_bytes(d, 0, "not valid UTF-16 (a lone byte at the "
		                 "end of the file)");
	cp = unit16(d, 0);
	*used = 2;
	if (cp == 0) {
		*ulen = 0;
		return CHAR_OK;
	}
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		lo = d->len - d->pos >= 4 ? unit16(d, 2) : 0;
		if (lo < 0xDC00 || lo > 0xDFFF) {
			snprintf(why, sizeof(why), "not valid UTF-16 (unpaired "
			         "surrogate 0x%04X)", (unsigned)cp);
			return bad_bytes(d, 0, why);
		}
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		*used = 4;
	} else if (cp >= 0xDC00 && cp <= 0xDFFF) {
		snprintf(why, sizeof(why), "not valid UTF-16 (unpaired "
		         "surrogate 0x%04X)", (unsigned)cp);
		return bad_bytes(d, 0, why);
	}
	*ulen = utf8_encode(cp, u);
	return CHAR_OK;
}

/* Decode the next character into u (*ulen bytes, 0 for a dropped NUL)
 * without consuming it: *used raw bytes make it up.  Returns a CHAR_*
 * outcome. */
static int next_char(impact_decoder *d, unsigned char u[4], size_t *ulen,
                     size_t *used)
{
	unsigned char b;

	if (fill(d, 1) != CHAR_OK)
		return CHAR_EIO;
	if (d->pos == d->len)
		return CHAR_END;
	switch (d->encoding) {
	case IMPACT_ENCODING_UTF16LE:
	case IMPACT_ENCODING_UTF16BE:
		return next_utf16(d, u, ulen, used);
	case IMPACT_ENCODING_CP1252:
		b = d->raw[d->pos];
		*used = 1;
		if (b >= 0x80 && b <= 0x9F)
			*ulen = utf8_encode(cp1252_high[b - 0x80], u);
		else if (b)
			*ulen = utf8_encode(b, u);
		else
			*ulen = 0;
		return CHAR_OK;
	default:
		return next_utf8(d, u, ulen, used);
	}
}

/* Open, hash and detect in one pass, then rewind past the BOM (see
 * decode.h).  On failure *out is NULL and nothing stays open. */
int impact__decoder_open(impact *h, impact_decoder **out, const char *path,
                         const char *name, int encoding, char *sha256)
{
	impact_decoder *d = NULL;
	impact_sha256 ctx;
	utf8_check check = { 0, 0x80, 0xBF, 0 };
	unsigned char head[3], digest[32];
	size_t head_len = 0, got, k;
	long long size = 0, skip = 0;
	int bom = IMPACT_ENCODING_AUTO, err, rc = IMPACT_OK;

	assert(h && out && path && name);
	*out = NULL;
	if (encoding < IMPACT_ENCODING_AUTO
	    || encoding > IMPACT_ENCODING_CP1252)
		return impact__error(h, IMPACT_EUSAGE, "unknown encoding %d",
		                     encoding);
	d = calloc(1, sizeof(*d));
	if (!d)
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	d->name = name;
	d->fp = fopen(path, "rb");
	if (!d->fp) {
		err = errno;
		rc = impact__error(h, err == ENOENT ? IMPACT_ENOTFOUND
		                                    : IMPACT_EIO,
		                   "cannot open '%s': %s", path, strerror(err));
		goto done;
	}

	/* One pass: hash, the first three bytes, the UTF-8 check. */
	impact__sha256_init(&ctx);
	for (;;) {
		got = fread(d->raw, 1, sizeof(d->raw), d->fp);
		if (got == 0)
			break;
		impact__sha256_update(&ctx, d->raw, got);
		d->size += (long long)got;
		for (k = 0; head_len < sizeof(head) && k < got; k++)
			head[head_len++] = d->raw[k];
		utf8_check_feed(&check, d->raw, got);
		size += (long long)got;
	}
	if (ferror(d->fp)) {
		err = errno;
		rc = impact__error(h, IMPACT_EIO, "cannot read '%s': %s", path,
		                   strerror(err));
		goto done;
	}

	if (head_len >= 3 && head[0] == 0xEF && head[1] == 0xBB
	    && head[2] == 0xBF)
		bom = IMPACT_ENCODING_UTF8_BOM;
	else if (head_len >= 2 && head[0] == 0xFF && head[1] == 0xFE)
		bom = IMPACT_ENCODING_UTF16LE;
	else if (head_len >= 2 && head[0] == 0xFE && head[1] == 0xFF)
		bom = IMPACT_ENCODING_UTF16BE;

	/* A forced encoding wins over the BOM, but its own BOM is skipped;
	 * UTF-8 with or without BOM is one encoding, named after the file. */
	switch (encoding) {
	case IMPACT_ENCODING_AUTO:
		if (bom != IMPACT_ENCODING_AUTO)
			d->encoding = bom;
		else if (!check.bad && check.need == 0)
			d->encoding = IMPACT_ENCODING_UTF8;
		else
			d->encoding = IMPACT_ENCODING_CP1252;
		break;
	case IMPACT_ENCODING_UTF8:
	case IMPACT_ENCODING_UTF8_BOM:
		d->encoding = bom == IMPACT_ENCODING_UTF8_BOM
		              ? IMPACT_ENCODING_UTF8_BOM : IMPACT_ENCODING_UTF8;
		break;
	default:
		d->encoding = encoding;
		break;
	}
	if (bom == d->encoding)
		skip = bom == IMPACT_ENCODING_UTF8_BOM ? 3 : 2;

	if ((d->encoding == IMPACT_ENCODING_UTF16LE
	     || d->encoding == IMPACT_ENCODING_UTF16BE) && (size - skip) % 2) {
		rc = impact__error(h, IMPACT_EDATA, "%s: UTF-16 file with an "
		                   "odd number of bytes", name);
		goto done;
	}
	if (fseek(d->fp, (long)skip, SEEK_SET) != 0) {
		err = errno;
		rc = impact__error(h, IMPACT_EIO, "cannot read '%s': %s", path,
		                   strerror(err));
		goto done;
	}
	d->base = skip;
	if (sha256) {
		impact__sha256_final(&ctx, digest);
		impact__hex(sha256, digest, sizeof(digest));
	}
	*out = d;
	d = NULL;

done:
	impact__decoder_close(d);
	return rc;
}

/* Decode whole characters into buf until the next would not fit (see
 * decode.h); an error comes after the good bytes before it. */
long impact__decoder_read(impact *h, impact_decoder *d, unsigned char *buf,
                          size_t size)
{
	unsigned char u[4];
	size_t n = 0, ulen = 0, used = 0;
	int rc;

	assert(h && d && buf && size >= 8);
	for (;;) {
		rc = next_char(d, u, &ulen, &used);
		if (rc != CHAR_OK || n + ulen > size)
			break;
		memcpy(buf + n, u, ulen);
		n += ulen;
		d->pos += used;
	}
	/* Hand back the good bytes first: the next call meets the bad ones
	 * again and reports them. */
	if (n > 0 || rc == CHAR_OK || rc == CHAR_END)
		return (long)n;
	if (rc == CHAR_EIO)
		return impact__error(h, IMPACT_EIO, "cannot read '%s': %s",
		                     d->name, strerror(d->read_errno));
	return impact__error(h, IMPACT_EDATA, "%s: byte %lld: %s", d->name,
	                     d->bad + 1, d->why);
}

/* The encoding chosen at open. */
int impact__decoder_encoding(const impact_decoder *d)
{
	assert(d);
	return d->encoding;
}

/* A static English name of an IMPACT_ENCODING_* value; "unknown" for
 * any other. */
const char *impact__encoding_name(int encoding)
{
	switch (encoding) {
	case IMPACT_ENCODING_AUTO:
		return "auto";
	case IMPACT_ENCODING_UTF8:
		return "UTF-8";
	case IMPACT_ENCODING_UTF8_BOM:
		return "UTF-8 with BOM";
	case IMPACT_ENCODING_UTF16LE:
		return "UTF-16LE";
	case IMPACT_ENCODING_UTF16BE:
		return "UTF-16BE";
	case IMPACT_ENCODING_CP1252:
		return "Windows-1252";
	default:
		return "unknown";
	}
}

/* Close the file and free the decoder; accepts NULL. */
void impact__decoder_close(impact_decoder *d)
{
	if (!d)
		return;
	if (d->fp)
		fclose(d->fp);
	free(d);
}

void impact__decoder_position(const impact_decoder *d, long long *done,
                              long long *total)
{
	*done = d->base + (long long)d->pos;
	*total = d->size;
}
