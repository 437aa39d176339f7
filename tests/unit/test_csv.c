/*
 * Unit tests of surveys/csv.c: delimiters, BOM, line ends, quoted
 * newlines and the line number each record reports.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "helpers.h"
#include "../../surveys/csv.h"

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

/* Read every record of `path`, as "line:f1|f2|...;" into out. */
static int slurp(const char *path, char *out, size_t size)
{
	impact_csv *r = NULL;
	impact_csv_record rec;
	int rc;

	out[0] = '\0';
	if ((rc = impact__csv_open(h, &r, path, "t.csv", IMPACT_ENCODING_AUTO,
	                           0, NULL)) != IMPACT_OK)
		return rc;
	while ((rc = impact__csv_next(h, r, &rec)) == 1) {
		size_t i, n = strlen(out);

		n += (size_t)snprintf(out + n, size - n, "%lld:", rec.line);
		for (i = 0; i < rec.nfields; i++)
			n += (size_t)snprintf(out + n, size - n, "%s%s",
			                      i ? "|" : "", rec.fields[i]);
		snprintf(out + n, size - n, ";");
	}
	impact__csv_close(r);
	return rc;
}

TestSuite(csv, .init = setup, .fini = teardown);

Test(csv, comma_lf)
{
	char got[512];

	cr_assert_eq(slurp(t_write(dir, "a.csv", "a,b\n1,2\n3,4\n"), got,
	                   sizeof(got)), 0);
	cr_expect_str_eq(got, "1:a|b;2:1|2;3:3|4;");
}

Test(csv, semicolon_crlf_bom_no_final_newline)
{
	char got[512];

	cr_assert_eq(slurp(t_write(dir, "b.csv", "\xEF\xBB\xBF" "a;b\r\n"
	                           "7,5;x\r\n9;y"), got, sizeof(got)), 0);
	cr_expect_str_eq(got, "1:a|b;2:7,5|x;3:9|y;");
}

Test(csv, tab_and_cr_only_line_ends)
{
	char got[512];

	cr_assert_eq(slurp(t_write(dir, "c.csv", "a\tb\r1\t2\r3\t4\r"), got,
	                   sizeof(got)), 0);
	cr_expect_str_eq(got, "1:a|b;2:1|2;3:3|4;");
}

Test(csv, quoted_newline_keeps_line_numbers_right)
{
	char got[512];

	/* The record of line 2 spans lines 2-4; the next starts on 5;
	 * the blank line 6 is skipped, so the last record is on 7. */
	cr_assert_eq(slurp(t_write(dir, "d.csv", "a,b\n1,\"x\ny\r\nz\"\n"
	                           "2,\"q\"\"q\"\n\n3,\"\"\n"), got,
	                   sizeof(got)), 0);
	cr_expect_str_eq(got, "1:a|b;2:1|x\ny\r\nz;5:2|q\"q;7:3|;");
}

Test(csv, delimiter_inside_quotes_does_not_count)
{
	char got[512];

	/* Three ';' inside quotes, two ',' outside: the delimiter is ','. */
	cr_assert_eq(slurp(t_write(dir, "e.csv", "\"a;b;c;d\",e,f\n1,2,3\n"),
	                   got, sizeof(got)), 0);
	cr_expect_str_eq(got, "1:a;b;c;d|e|f;2:1|2|3;");
}

Test(csv, unterminated_quote_is_an_error_with_position)
{
	char got[512];

	cr_expect_eq(slurp(t_write(dir, "f.csv", "a,b\n1,2\n3,\"oops\n"), got,
	                   sizeof(got)), IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "t.csv:") != NULL, "%s",
	          impact_errmsg(h));
	cr_expect(strstr(impact_errmsg(h), "t.csv:3:2: malformed CSV: a quote opened") != NULL, "%s",
	          impact_errmsg(h));
}

Test(csv, text_after_closing_quote_is_an_error_on_its_line)
{
	char got[512];

	cr_expect_eq(slurp(t_write(dir, "g.csv", "a,b\n1,2\n3,\"x\"y\n"), got,
	                   sizeof(got)), IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "t.csv:3:2:") != NULL, "%s",
	          impact_errmsg(h));
}

Test(csv, too_many_fields_is_refused)
{
	static char text[IMPACT__CSV_MAX_FIELDS * 2 + 16];
	char got[64];
	size_t i;

	for (i = 0; i < IMPACT__CSV_MAX_FIELDS + 1; i++) {
		text[2 * i] = 'x';
		text[2 * i + 1] = ',';
	}
	text[2 * i - 1] = '\n';
	cr_expect_eq(slurp(t_write(dir, "h.csv", text), got, sizeof(got)),
	             IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "too large") != NULL, "%s",
	          impact_errmsg(h));
}

Test(csv, missing_file_is_not_found)
{
	char got[64];

	cr_expect_eq(slurp("/nonexistent/x.csv", got, sizeof(got)),
	             IMPACT_ENOTFOUND);
}

Test(csv, sha256_of_the_raw_bytes)
{
	impact_csv *r = NULL;
	char hex[65];

	cr_assert_eq(impact__csv_open(h, &r, t_write(dir, "i.csv", "abc"),
	                              "i.csv", IMPACT_ENCODING_AUTO, 0, hex), 0);
	impact__csv_close(r);
	cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177"
	                      "a9cb410ff61f20015ad");
}

Test(csv, windows_1252_with_forced_semicolon)
{
	char got[512];
	impact_csv *r = NULL;
	impact_csv_record rec;

	/* "Café,x;Noël" in Windows-1252: the ',' is data once ';' is
	 * forced, and 0xE9 / 0xEB come out as UTF-8. */
	cr_assert_eq(impact__csv_open(h, &r, t_write(dir, "j.csv",
	                              "Caf\xE9,x;No\xEBl\r\n"), "j.csv",
	                              IMPACT_ENCODING_AUTO, ';', NULL), 0,
	             "%s", impact_errmsg(h));
	cr_expect_eq(impact__csv_encoding(r), IMPACT_ENCODING_CP1252);
	cr_assert_eq(impact__csv_next(h, r, &rec), 1);
	cr_assert_eq(rec.nfields, 2);
	snprintf(got, sizeof(got), "%s|%s", rec.fields[0], rec.fields[1]);
	cr_expect_str_eq(got, "Café,x|Noël");
	impact__csv_close(r);
}
