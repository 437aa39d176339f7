/*
 * Unit tests of surveys/template.c (impact_survey_template): the exact
 * bytes of the CSV template of a small survey, in UTF-8 (BOM, ',', CRLF,
 * RFC 4180 quoting) and in French Excel's Windows-1252 (';', CRLF, 'é' as
 * byte 0xE9, '?' for a character outside the code page), in French and
 * in English; the built-in columns give way to role questions; errors.
 * Expected bytes are written out by hand from the hint rules in
 * include/impact/surveys.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "helpers.h"

static const char *dir;
static impact *h;

static void setup(void)
{
	dir = t_tmpdir();
	h = t_open_new_db(dir);
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

TestSuite(template, .init = setup, .fini = teardown);

/* No role: the built-in respondent, place and period columns come first.
 * Labels hold a ',' (quoted with ','), ';' in every choice list (quoted
 * with ';'), a '"' (doubled), « » and é (in Windows-1252) and ✓ (not in
 * it). */
static const char small[] =
	"{\"id\": \"petit\", \"title\": {\"fr\": \"Petit\"}, \"questions\": [\n"
	" {\"id\": \"sat\", \"type\": \"rating\", \"required\": true,\n"
	"  \"label\": {\"fr\": \"Satisfaction\"}},\n"
	" {\"id\": \"sc\", \"type\": \"scale\", \"min\": 1, \"max\": 5,\n"
	"  \"label\": {\"fr\": \"Échelle\"}},\n"
	" {\"id\": \"yn\", \"type\": \"yesno\", \"label\": {\"fr\": \"Oui ?\"}},\n"
	" {\"id\": \"lien\", \"type\": \"single\", \"label\": {\"fr\": \"Lien\"},\n"
	"  \"choices\": [\n"
	"   {\"code\": \"1\", \"value\": 1, \"label\": {\"fr\": \"Non\", "
	"\"en\": \"No\"}},\n"
	"   {\"code\": \"2\", \"value\": 2, \"label\": {\"fr\": \"Ça dépend, "
	"« un peu »\", \"en\": \"It depends\"}},\n"
	"   {\"code\": \"3\", \"value\": 3, \"label\": {\"fr\": \"Oui ✓\"}}]},\n"
	" {\"id\": \"comp\", \"type\": \"multiple\", \"label\": {\"fr\": \"C\"},\n"
	"  \"choices\": [\n"
	"   {\"code\": \"a\", \"label\": {\"fr\": \"Dit \\\"bof\\\"\", "
	"\"en\": \"Says \\\"meh\\\"\"}},\n"
	"   {\"code\": \"b\", \"label\": {\"fr\": \"Autre\", \"en\": \"Other\"}}]},\n"
	" {\"id\": \"km\", \"type\": \"number\", \"min\": 0.5, \"max\": 300,\n"
	"  \"label\": {\"fr\": \"Km\"}},\n"
	" {\"id\": \"quand\", \"type\": \"date\", \"label\": {\"fr\": \"Date\"}},\n"
	" {\"id\": \"note\", \"type\": \"text\", \"label\": {\"fr\": \"Note\"}}\n"
	"]}\n";

/* Template of `code` with `opts` as bytes (caller frees); *n its length. */
static char *template_bytes(const char *code, const impact_template_opts *o,
                            size_t *n, int *rc)
{
	char *buf = NULL;
	FILE *mem = open_memstream(&buf, n);

	cr_assert_not_null(mem);
	*rc = impact_survey_template(h, code, o, mem);
	cr_assert_eq(fclose(mem), 0);
	return buf;
}

/* Load `json` as a survey. */
static void add(const char *json)
{
	cr_assert_eq(impact_survey_add(h, t_write(dir, "s.json", json), NULL,
	             NULL), IMPACT_OK, "%s", impact_errmsg(h));
}

Test(template, utf8_french_exact_bytes)
{
	static const char want[] =
		"\xEF\xBB\xBF"
		"respondent,place,period,sat,sc,yn,lien,comp,km,quand,note\r\n"
		"# numéro du questionnaire (non conservé) (obligatoire),"
		"# code du lieu (obligatoire),"
		"# année (AAAA) (obligatoire),"
		"# 0 à 10 (obligatoire),"
		"# 1 à 5,"
		"# oui / non,"
		"\"# 1 = Non ; 2 = Ça dépend, « un peu » ; 3 = Oui ✓ (un code)\","
		"\"# a = Dit \"\"bof\"\" ; b = Autre (plusieurs codes séparés "
		"par ;)\","
		"\"# nombre de 0,5 à 300\","
		"# date JJ/MM/AAAA,"
		"# texte libre\r\n";
	impact_template_opts o = IMPACT_TEMPLATE_OPTS_INIT;
	size_t n = 0;
	int rc;
	char *got;

	add(small);
	got = template_bytes("petit", &o, &n, &rc);
	cr_assert_eq(rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(n, sizeof(want) - 1, "%zu bytes: %s", n, got);
	cr_expect_eq(memcmp(got, want, sizeof(want) - 1), 0, "got: %s", got);
	free(got);
	/* NULL options are the defaults. */
	got = template_bytes("petit", NULL, &n, &rc);
	cr_assert_eq(rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(n, sizeof(want) - 1);
	cr_expect_eq(memcmp(got, want, sizeof(want) - 1), 0, "got: %s", got);
	free(got);
}

Test(template, utf8_english_hints)
{
	static const char want[] =
		"\xEF\xBB\xBF"
		"respondent,place,period,sat,sc,yn,lien,comp,km,quand,note\r\n"
		"# questionnaire number (not stored) (required),"
		"# place code (required),"
		"# year (YYYY) (required),"
		"# 0 to 10 (required),"
		"# 1 to 5,"
		"# yes / no,"
		"# 1 = No; 2 = It depends; 3 = Oui ✓ (one code),"
		"\"# a = Says \"\"meh\"\"; b = Other (several codes separated "
		"by ;)\","
		"# number from 0.5 to 300,"
		"# date YYYY-MM-DD,"
		"# free text\r\n";
	impact_template_opts o = IMPACT_TEMPLATE_OPTS_INIT;
	size_t n = 0;
	int rc;
	char *got;

	add(small);
	o.lang = "en";
	got = template_bytes("petit", &o, &n, &rc);
	cr_assert_eq(rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(n, sizeof(want) - 1, "%zu bytes: %s", n, got);
	cr_expect_eq(memcmp(got, want, sizeof(want) - 1), 0, "got: %s", got);
	free(got);
}

/* French Excel: no BOM, ';' (so every choice list is quoted, ',' is not),
 * Windows-1252: é E9, à E0, è E8, Ç C7, « AB, » BB; ✓ becomes '?'. */
Test(template, excel_windows_1252_exact_bytes)
{
	static const char want[] =
		"respondent;place;period;sat;sc;yn;lien;comp;km;quand;note\r\n"
		"# num\xE9ro du questionnaire (non conserv\xE9) (obligatoire);"
		"# code du lieu (obligatoire);"
		"# ann\xE9" "e (AAAA) (obligatoire);"
		"# 0 \xE0 10 (obligatoire);"
		"# 1 \xE0 5;"
		"# oui / non;"
		"\"# 1 = Non ; 2 = \xC7" "a d\xE9pend, \xAB un peu \xBB ; "
		"3 = Oui ? (un code)\";"
		"\"# a = Dit \"\"bof\"\" ; b = Autre (plusieurs codes s\xE9par"
		"\xE9s par ;)\";"
		"# nombre de 0,5 \xE0 300;"
		"# date JJ/MM/AAAA;"
		"# texte libre\r\n";
	impact_template_opts o = IMPACT_TEMPLATE_OPTS_INIT;
	size_t n = 0, i;
	int rc;
	char *got;

	add(small);
	o.excel = 1;
	got = template_bytes("petit", &o, &n, &rc);
	cr_assert_eq(rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(n, sizeof(want) - 1, "%zu bytes: %s", n, got);
	cr_expect_eq(memcmp(got, want, sizeof(want) - 1), 0, "got: %s", got);
	cr_expect_neq((unsigned char)got[0], 0xEF, "no BOM in the 1252 file");
	for (i = 0; i < n; i++)
		cr_expect((unsigned char)got[i] != 0xC3,
		          "UTF-8 lead byte at %zu", i);
	free(got);
}

/* Role questions replace the built-in columns; their hints follow the
 * role (questionnaire number, place code or name, commune). */
Test(template, roles_replace_builtin_columns)
{
	static const char json[] =
		"{\"id\": \"roles\", \"title\": {\"fr\": \"R\"}, \"questions\": [\n"
		" {\"id\": \"num\", \"role\": \"respondent\", \"type\": \"text\",\n"
		"  \"label\": {\"fr\": \"N\"}},\n"
		" {\"id\": \"lieu\", \"role\": \"place\", \"type\": \"text\",\n"
		"  \"required\": true, \"label\": {\"fr\": \"L\"}},\n"
		" {\"id\": \"ville\", \"role\": \"commune\", \"type\": \"text\",\n"
		"  \"label\": {\"fr\": \"V\"}},\n"
		" {\"id\": \"nb\", \"type\": \"number\", \"min\": 0,\n"
		"  \"label\": {\"fr\": \"Nb\"}}]}\n";
	static const char want_place[] =
		"\xEF\xBB\xBF"
		"period,num,lieu,ville,nb\r\n"
		"# année (AAAA) (obligatoire),"
		"# numéro du questionnaire (non conservé),"
		"# code ou nom du lieu (obligatoire),"
		"# nom de la commune,"
		"\"# nombre, au moins 0\"\r\n";
	size_t n = 0;
	int rc;
	char *got;

	add(json);
	got = template_bytes("roles", NULL, &n, &rc);
	cr_assert_eq(rc, IMPACT_OK, "%s", impact_errmsg(h));
	cr_expect_eq(n, sizeof(want_place) - 1, "%zu bytes: %s", n, got);
	cr_expect_eq(memcmp(got, want_place, sizeof(want_place) - 1), 0,
	             "got: %s", got);
	free(got);
}

Test(template, unknown_survey_and_bad_options)
{
	impact_template_opts o = IMPACT_TEMPLATE_OPTS_INIT;
	size_t n = 0;
	int rc;
	char *got;

	got = template_bytes("absent", NULL, &n, &rc);
	cr_expect_eq(rc, IMPACT_ENOTFOUND);
	cr_expect_str_eq(impact_errmsg(h), "survey \"absent\" not found (see "
	                 "'impact survey list')");
	cr_expect_eq(n, 0, "nothing written");
	free(got);
	add(small);
	o.lang = "de";
	got = template_bytes("petit", &o, &n, &rc);
	cr_expect_eq(rc, IMPACT_EUSAGE);
	cr_expect_eq(n, 0, "nothing written");
	free(got);
}

/* /dev/full accepts the buffered writes and fails on the flush. */
Test(template, write_error_is_eio)
{
	FILE *full = fopen("/dev/full", "w");
	int rc;

	if (!full)
		cr_skip_test("no /dev/full");
	add(small);
	rc = impact_survey_template(h, "petit", NULL, full);
	fclose(full);
	cr_expect_eq(rc, IMPACT_EIO, "%s", impact_errmsg(h));
	cr_expect_str_eq(impact_errmsg(h), "cannot write the template of "
	                 "survey \"petit\"");
}
