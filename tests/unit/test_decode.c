/*
 * Unit tests of surveys/decode.c: encoding detection, conversion of
 * UTF-16 and Windows-1252 to UTF-8, NUL bytes, reads that never split a
 * character, the file's hash and the errors.  Fixture bytes are written
 * by hand into a fresh temporary folder; expected UTF-8 is spelled out
 * byte by byte from the Unicode and Windows-1252 code charts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "helpers.h"
#include "../../surveys/decode.h"
#include "../../surveys/text.h"

static const char *dir;
static impact *h;

static void setup(void)
{
	dir = t_tmpdir();
	cr_assert_eq(impact_new(&h), IMPACT_OK);
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

TestSuite(decode, .init = setup, .fini = teardown);

/* The result of decoding a whole file. */
typedef struct {
	int rc;                 /* IMPACT_OK or the first error */
	int encoding;           /* encoding in use (when opened) */
	unsigned char *data;    /* output (malloc'd, NUL-terminated) */
	size_t len;             /* its length */
	size_t reads;           /* reads that returned bytes */
	char sha[65];           /* the file's hash */
} decoded;

/* Decode the file at path with `encoding`, reading `chunk` bytes at a time
 * and checking each read is whole UTF-8 characters. */
static decoded decode_file(const char *path, int encoding, size_t chunk)
{
	decoded r;
	impact_decoder *d = NULL;
	unsigned char *buf = malloc(chunk);
	size_t cap = 1024;
	long n;

	cr_assert_not_null(buf);
	memset(&r, 0, sizeof(r));
	r.data = malloc(cap);
	cr_assert_not_null(r.data);
	r.rc = impact__decoder_open(h, &d, path, "t.csv", encoding, r.sha);
	if (r.rc == IMPACT_OK) {
		r.encoding = impact__decoder_encoding(d);
		while ((n = impact__decoder_read(h, d, buf, chunk)) > 0) {
			cr_assert_leq((size_t)n, chunk);
			cr_assert(impact__utf8_valid(buf, (size_t)n),
			          "read %zu split a character", r.reads);
			while (r.len + (size_t)n + 1 > cap) {
				cap *= 2;
				r.data = realloc(r.data, cap);
				cr_assert_not_null(r.data);
			}
			memcpy(r.data + r.len, buf, (size_t)n);
			r.len += (size_t)n;
			r.reads++;
		}
		if (n < 0)
			r.rc = (int)n;
	} else {
		cr_assert_null(d);
	}
	r.data[r.len] = '\0';
	impact__decoder_close(d);
	free(buf);
	return r;
}

/* Write n bytes to `name` and decode them in 64 KiB reads. */
static decoded decode_bytes(const char *name, const void *p, size_t n,
                            int encoding)
{
	return decode_file(t_write_bytes(dir, name, p, n), encoding, 65536);
}

#define DECODE(name, lit, enc) decode_bytes(name, lit, sizeof(lit) - 1, enc)

/* Expect r to be a success with exactly the bytes of `lit`. */
#define EXPECT_BYTES(r, lit)                                                 \
	do {                                                                 \
		cr_expect_eq((r).rc, IMPACT_OK, "%s", impact_errmsg(h));     \
		cr_expect_eq((r).len, sizeof(lit) - 1);                      \
		cr_expect_eq(memcmp((r).data, lit, sizeof(lit) - 1), 0);     \
	} while (0)

Test(decode, utf8_plain)
{
	decoded r = DECODE("a.csv", "id;r\xC3\xA9ponse\r\n1;\xE2\x82\xAC\r\n",
	                   IMPACT_ENCODING_AUTO);

	EXPECT_BYTES(r, "id;r\xC3\xA9ponse\r\n1;\xE2\x82\xAC\r\n");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF8);
	free(r.data);
}

Test(decode, utf8_bom_removed)
{
	decoded r = DECODE("a.csv", "\xEF\xBB\xBFid;nom\n",
	                   IMPACT_ENCODING_AUTO);

	EXPECT_BYTES(r, "id;nom\n");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF8_BOM);
	free(r.data);
}

Test(decode, utf16le_with_surrogate_pair)
{
	/* BOM, é ; € CR LF, U+1F600 as D83D DE00 */
	decoded r = DECODE("a.csv", "\xFF\xFE\xE9\x00;\x00\xAC\x20\r\x00\n\x00"
	                   "\x3D\xD8\x00\xDE", IMPACT_ENCODING_AUTO);

	EXPECT_BYTES(r, "\xC3\xA9;\xE2\x82\xAC\r\n\xF0\x9F\x98\x80");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF16LE);
	free(r.data);
}

Test(decode, utf16be)
{
	/* BOM, A é U+1F600 */
	decoded r = DECODE("a.csv", "\xFE\xFF\x00" "A\x00\xE9\xD8\x3D\xDE\x00",
	                   IMPACT_ENCODING_AUTO);

	EXPECT_BYTES(r, "A\xC3\xA9\xF0\x9F\x98\x80");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF16BE);
	free(r.data);
}

Test(decode, windows1252)
{
	decoded r = DECODE("a.csv", "Caf\xE9;\x80;\x9C", IMPACT_ENCODING_AUTO);

	EXPECT_BYTES(r, "Caf\xC3\xA9;\xE2\x82\xAC;\xC5\x93");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_CP1252);
	free(r.data);
}

Test(decode, windows1252_high_table)
{
	/* ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › ž Ÿ, then the
	 * undefined 0x81 and 0x9D, then NBSP and ÿ */
	decoded r = DECODE("a.csv", "\x82\x83\x84\x85\x86\x87\x88\x89\x8A\x8B"
	                   "\x8C\x8E\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9A"
	                   "\x9B\x9E\x9F\x81\x9D\xA0\xFF",
	                   IMPACT_ENCODING_CP1252);

	EXPECT_BYTES(r, "‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›žŸ\xEF\xBF\xBD\xEF\xBF\xBD"
	             "\xC2\xA0\xC3\xBF");
	free(r.data);
}

Test(decode, detection_scans_the_whole_file)
{
	/* 100 KiB of valid UTF-8 (é = C3 A9) then one Windows-1252 é */
	size_t n = 102400, i;
	unsigned char *p = malloc(n + 1);
	decoded r;

	cr_assert_not_null(p);
	for (i = 0; i < n; i += 2) {
		p[i] = 0xC3;
		p[i + 1] = 0xA9;
	}
	p[n] = 0xE9;
	r = decode_bytes("a.csv", p, n + 1, IMPACT_ENCODING_AUTO);
	cr_expect_eq(r.rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(r.encoding, IMPACT_ENCODING_CP1252);
	/* every C3 A9 pair is read as Ã © (C3 83, C2 A9) */
	cr_expect_eq(r.len, n / 2 * 4 + 2);
	cr_expect_eq(memcmp(r.data, "\xC3\x83\xC2\xA9", 4), 0);
	cr_expect_eq(memcmp(r.data + r.len - 6, "\xC3\x83\xC2\xA9\xC3\xA9",
	                    6), 0);
	free(r.data);
	free(p);
}

Test(decode, utf8_sequence_across_the_scan_buffer)
{
	/* é straddles the 64 KiB boundary of the detection pass */
	size_t n = 65535;
	unsigned char *p = malloc(n + 3);
	decoded r;

	cr_assert_not_null(p);
	memset(p, 'a', n);
	memcpy(p + n, "\xC3\xA9\n", 3);
	r = decode_bytes("a.csv", p, n + 3, IMPACT_ENCODING_AUTO);
	cr_expect_eq(r.rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF8);
	cr_expect_eq(r.len, n + 3);
	cr_expect_eq(memcmp(r.data, p, n + 3), 0);
	free(r.data);
	free(p);
}

Test(decode, nul_bytes_dropped)
{
	decoded r = DECODE("a.csv", "a\0b\0\0c", IMPACT_ENCODING_AUTO);

	EXPECT_BYTES(r, "abc");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF8);
	free(r.data);
	r = DECODE("b.csv", "\0\xE9\0", IMPACT_ENCODING_AUTO);
	EXPECT_BYTES(r, "\xC3\xA9");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_CP1252);
	free(r.data);
	r = DECODE("c.csv", "\xFF\xFE" "A\0\0\0B\0", IMPACT_ENCODING_AUTO);
	EXPECT_BYTES(r, "AB");
	free(r.data);
}

Test(decode, tiny_reads_never_split_characters)
{
	/* UTF-16LE: "aé€" then U+1F600, 40 times: 1 + 2 + 3 + 4 = 10 bytes
	 * of UTF-8 each, more than an 8-byte read holds */
	static const unsigned char unit[] = {
		'a', 0, 0xE9, 0, 0xAC, 0x20, 0x3D, 0xD8, 0x00, 0xDE
	};
	unsigned char p[2 + 40 * sizeof(unit)];
	const char *path;
	decoded big, small;
	size_t i;

	p[0] = 0xFF;
	p[1] = 0xFE;
	for (i = 0; i < 40; i++)
		memcpy(p + 2 + i * sizeof(unit), unit, sizeof(unit));
	path = t_write_bytes(dir, "a.csv", p, sizeof(p));
	big = decode_file(path, IMPACT_ENCODING_AUTO, 65536);
	small = decode_file(path, IMPACT_ENCODING_AUTO, 8);
	cr_expect_eq(big.rc, IMPACT_OK);
	cr_expect_eq(small.rc, IMPACT_OK);
	cr_expect_eq(big.len, 400);
	cr_expect_eq(memcmp(big.data, "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80",
	                    10), 0);
	cr_expect_eq(small.len, big.len);
	cr_expect_eq(memcmp(small.data, big.data, big.len), 0);
	/* each decode_file read was checked as whole UTF-8; 10-byte units
	 * in 8-byte reads need more than 50 of them */
	cr_expect_gt(small.reads, 50);
	free(big.data);
	free(small.data);
}

Test(decode, tiny_reads_of_utf8)
{
	const char *path = t_write(dir, "a.csv", "abcd\xE2\x82\xAC"
	                           "\xF0\x9F\x98\x80\xC3\xA9");
	decoded r = decode_file(path, IMPACT_ENCODING_AUTO, 8);

	EXPECT_BYTES(r, "abcd\xE2\x82\xAC\xF0\x9F\x98\x80\xC3\xA9");
	/* 13 bytes in two reads: "abcd€" (7, one more byte would split 😀)
	 * then "😀é" (6) */
	cr_expect_eq(r.reads, 2);
	free(r.data);
}

Test(decode, utf16_pair_across_the_read_buffer)
{
	/* after the BOM, 32767 'A' units fill 65534 bytes of the 64 KiB
	 * read buffer: D83D is its last unit, DE00 comes with the refill */
	size_t n = 2 + 32767 * 2, i;
	unsigned char *p = malloc(n + 4);
	decoded r;

	cr_assert_not_null(p);
	p[0] = 0xFF;
	p[1] = 0xFE;
	for (i = 2; i < n; i += 2) {
		p[i] = 'A';
		p[i + 1] = 0;
	}
	memcpy(p + n, "\x3D\xD8\x00\xDE", 4);
	r = decode_bytes("a.csv", p, n + 4, IMPACT_ENCODING_AUTO);
	cr_expect_eq(r.rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(r.len, 32767 + 4);
	cr_expect_eq(memcmp(r.data + 32767, "\xF0\x9F\x98\x80", 4), 0);
	free(r.data);
	free(p);
}

Test(decode, sha256_of_raw_bytes)
{
	decoded r = DECODE("a.csv", "abc", IMPACT_ENCODING_AUTO);

	cr_expect_str_eq(r.sha, "ba7816bf8f01cfea414140de5dae2223b00361a3961"
	                        "77a9cb410ff61f20015ad");
	free(r.data);
	r = DECODE("b.csv", "", IMPACT_ENCODING_AUTO);
	cr_expect_eq(r.rc, IMPACT_OK);
	cr_expect_eq(r.len, 0);
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF8);
	cr_expect_str_eq(r.sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649"
	                        "b934ca495991b7852b855");
	free(r.data);
}

Test(decode, forced_utf8_on_windows1252)
{
	decoded r = DECODE("a.csv", "Caf\xE9;x\n", IMPACT_ENCODING_UTF8);

	cr_expect_eq(r.rc, IMPACT_EDATA);
	/* the good bytes before come out first */
	cr_expect_str_eq((char *)r.data, "Caf");
	cr_expect_str_eq(impact_errmsg(h), "t.csv: byte 4: not valid UTF-8 "
	                 "(bytes 0xE9 0x3B do not form a character)");
	free(r.data);
	/* offsets count the BOM */
	r = DECODE("b.csv", "\xEF\xBB\xBF" "ab\xFF", IMPACT_ENCODING_UTF8);
	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF8_BOM);
	cr_expect_str_eq((char *)r.data, "ab");
	cr_expect_not_null(strstr(impact_errmsg(h), "t.csv: byte 6: not valid "
	                          "UTF-8"));
	free(r.data);
	r = DECODE("c.csv", "ab\xE2\x82", IMPACT_ENCODING_UTF8);
	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_not_null(strstr(impact_errmsg(h), "t.csv: byte 3: not valid "
	                          "UTF-8 (byte 0xE2 cut off"));
	free(r.data);
	r = DECODE("d.csv", "\xC0\xAF", IMPACT_ENCODING_UTF8);
	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_not_null(strstr(impact_errmsg(h), "t.csv: byte 1: "));
	free(r.data);
	r = DECODE("e.csv", "a\xED\xA0\x80", IMPACT_ENCODING_UTF8);
	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_not_null(strstr(impact_errmsg(h), "t.csv: byte 2: "));
	free(r.data);
}

Test(decode, forced_encoding_beats_bom)
{
	/* forced UTF-16LE skips its own BOM, and needs none */
	decoded r = DECODE("a.csv", "\xFF\xFE" "A\0", IMPACT_ENCODING_UTF16LE);

	EXPECT_BYTES(r, "A");
	free(r.data);
	r = DECODE("b.csv", "A\0\xE9\0", IMPACT_ENCODING_UTF16LE);
	EXPECT_BYTES(r, "A\xC3\xA9");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF16LE);
	free(r.data);
	/* forced UTF-16BE on a little-endian BOM: FF FE is U+FFFE, 41 00 is
	 * U+4100 */
	r = DECODE("c.csv", "\xFF\xFE" "A\0", IMPACT_ENCODING_UTF16BE);
	EXPECT_BYTES(r, "\xEF\xBF\xBE\xE4\x84\x80");
	free(r.data);
	/* forced Windows-1252 keeps a UTF-8 BOM as text: ï » ¿ */
	r = DECODE("d.csv", "\xEF\xBB\xBF" "A", IMPACT_ENCODING_CP1252);
	EXPECT_BYTES(r, "\xC3\xAF\xC2\xBB\xC2\xBF" "A");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_CP1252);
	free(r.data);
	/* forced UTF-8 with BOM on a file without one */
	r = DECODE("e.csv", "ok", IMPACT_ENCODING_UTF8_BOM);
	EXPECT_BYTES(r, "ok");
	cr_expect_eq(r.encoding, IMPACT_ENCODING_UTF8);
	free(r.data);
}

Test(decode, missing_file)
{
	char path[600];
	decoded r;

	snprintf(path, sizeof(path), "%s/nope.csv", dir);
	r = decode_file(path, IMPACT_ENCODING_AUTO, 64);
	cr_expect_eq(r.rc, IMPACT_ENOTFOUND);
	cr_expect_eq(strncmp(impact_errmsg(h), "cannot open '", 13), 0);
	cr_expect_not_null(strstr(impact_errmsg(h), "nope.csv': "));
	free(r.data);
}

Test(decode, odd_length_utf16)
{
	decoded r = DECODE("a.csv", "\xFF\xFE" "A\0B", IMPACT_ENCODING_AUTO);

	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_str_eq(impact_errmsg(h), "t.csv: UTF-16 file with an odd "
	                 "number of bytes");
	free(r.data);
	r = DECODE("b.csv", "A\0B", IMPACT_ENCODING_UTF16LE);
	cr_expect_eq(r.rc, IMPACT_EDATA);
	free(r.data);
}

Test(decode, unpaired_surrogates)
{
	/* high surrogate followed by 'B' */
	decoded r = DECODE("a.csv", "\xFF\xFE" "A\0\x3D\xD8" "B\0",
	                   IMPACT_ENCODING_AUTO);

	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_str_eq((char *)r.data, "A");
	cr_expect_not_null(strstr(impact_errmsg(h), "t.csv: byte 5: "));
	free(r.data);
	/* lone low surrogate */
	r = DECODE("b.csv", "\xFE\xFF\xDC\x00", IMPACT_ENCODING_AUTO);
	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_not_null(strstr(impact_errmsg(h), "t.csv: byte 3: "));
	free(r.data);
	/* high surrogate at the end of the file */
	r = DECODE("c.csv", "\xFF\xFE\x3D\xD8", IMPACT_ENCODING_AUTO);
	cr_expect_eq(r.rc, IMPACT_EDATA);
	cr_expect_not_null(strstr(impact_errmsg(h), "t.csv: byte 3: "));
	free(r.data);
}

Test(decode, encoding_names)
{
	cr_expect_str_eq(impact__encoding_name(IMPACT_ENCODING_AUTO), "auto");
	cr_expect_str_eq(impact__encoding_name(IMPACT_ENCODING_UTF8), "UTF-8");
	cr_expect_str_eq(impact__encoding_name(IMPACT_ENCODING_UTF8_BOM),
	                 "UTF-8 with BOM");
	cr_expect_str_eq(impact__encoding_name(IMPACT_ENCODING_UTF16LE),
	                 "UTF-16LE");
	cr_expect_str_eq(impact__encoding_name(IMPACT_ENCODING_UTF16BE),
	                 "UTF-16BE");
	cr_expect_str_eq(impact__encoding_name(IMPACT_ENCODING_CP1252),
	                 "Windows-1252");
}

Test(decode, unknown_encoding_refused)
{
	impact_decoder *d = (impact_decoder *)1;
	const char *path = t_write(dir, "a.csv", "x");

	cr_expect_eq(impact__decoder_open(h, &d, path, "t.csv", 42, NULL),
	             IMPACT_EUSAGE);
	cr_expect_null(d);
}
