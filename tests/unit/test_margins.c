/*
 * Unit tests of surveys/margins.c: territories' population margins
 * (impact_import_margins, docs/formats.md "margins CSV").  Every input is
 * written here byte by byte and every expected value is read off it by
 * hand: a plain file, a French Excel file (Windows-1252, ';', CRLF,
 * French column names and variables, "12 500" with a space or a no-break
 * space, decimal commas, choice labels for levels), a re-import replacing
 * stored totals, and each refusal with its line and column, after which
 * the stored margins are those of before.
 *
 * The register used by every test (setup()): territory VDL "Val de
 * Lière" and under it COT "CC des Coteaux".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "helpers.h"

static const char *dir;
static impact *h;

static void setup(void)
{
	impact_import_summary s;

	dir = t_tmpdir();
	h = t_open_new_db(dir);
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name,parent\nVDL,Val de Lière,\n"
	             "COT,CC des Coteaux,VDL\n"), NULL, &s), 0, "%s",
	             impact_errmsg(h));
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

TestSuite(margins, .init = setup, .fini = teardown);

/*
 * Run `sql` on the test database (a second, read-only connection) and
 * return its rows as text, "a|b\n" per row, NULL as "-" (caller frees).
 */
static char *rows(const char *sql)
{
	char path[512], *out = NULL;
	size_t size = 0;
	FILE *mem = open_memstream(&out, &size);
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int i;

	snprintf(path, sizeof(path), "%s/impact.db", dir);
	cr_assert_not_null(mem);
	cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
	             SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s", sqlite3_errmsg(db));
	while (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sqlite3_column_count(st); i++) {
			const char *t = (const char *)sqlite3_column_text(st, i);

			fprintf(mem, "%s%s", i ? "|" : "", t ? t : "-");
		}
		fputc('\n', mem);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	fclose(mem);
	return out;
}

/* Assert that `sql` returns exactly `want`. */
static void check_rows(const char *sql, const char *want)
{
	char *got = rows(sql);

	cr_expect_str_eq(got, want, "query: %s", sql);
	free(got);
}

/* Every stored margin, "territory|variable|level|total" in key order. */
#define MARGINS "SELECT t.code, m.variable, m.level, m.total FROM margins m" \
	" JOIN territories t ON t.id = m.territory_id" \
	" ORDER BY t.code, m.variable, m.level;"

/* Where a file of the repository is, from its root or from below it. */
static const char *repo_path(const char *rel)
{
	static char paths[4][512];
	static int next;
	char *p = paths[next++ % 4];
	const char *up[] = { "", "../", "../../", "../../../" };
	size_t i;

	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		snprintf(p, 512, "%s%s", up[i], rel);
		if (access(p, R_OK) == 0)
			return p;
	}
	cr_assert_fail("%s not found from the current folder", rel);
	return NULL;
}

/* Store the default questionnaire, whose age, sexe and situation
 * questions give the choice codes of age_band, sex and activity_status
 * (the commune is free text). */
static void add_default_questionnaire(void)
{
	cr_assert_eq(impact_survey_add(h, repo_path("surveys/questionnaires/"
	                                            "default.json"), NULL,
	                               NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
}

/* Import text as file `name`, expecting success; returns the summary. */
static impact_import_summary import(const char *name, const char *text)
{
	impact_import_summary s;

	cr_assert_eq(impact_import_margins(h, t_write(dir, name, text), NULL,
	                                   &s), IMPACT_OK, "%s",
	             impact_errmsg(h));
	return s;
}

/* Without a questionnaire, levels are stored as written; the import is
 * recorded with kind "margins" and each margin points to it. */
Test(margins, plain_file_stored)
{
	impact_import_summary s = import("m.csv",
		"territory,variable,level,total\n"
		"VDL,age_band,18-29,1200\n"
		"VDL,sex,femme,5100.5\n"
		"COT,commune,Saint-Jean,830\n"
		"COT,activity_status,retraite,400\n");

	cr_expect_eq(s.rows_read, 4);
	cr_expect_eq(s.rows_loaded, 4);
	cr_expect_eq(s.rows_rejected, 0);
	cr_expect_str_eq(s.notes, "4 margins stored, 0 replacing a different "
	                 "total");
	check_rows(MARGINS, "COT|activity_status|retraite|400.0\n"
	           "COT|commune|Saint-Jean|830.0\n"
	           "VDL|age_band|18-29|1200.0\n"
	           "VDL|sex|femme|5100.5\n");
	check_rows("SELECT kind, file_name, rows_read, rows_loaded, encoding,"
	           " delimiter, (SELECT count(*) FROM margins WHERE import_id"
	           " = imports.id) FROM imports"
	           " WHERE kind = 'margins';",
	           "margins|m.csv|4|4|UTF-8|,|4\n");
}

/*
 * French Excel, byte by byte: Windows-1252 (0xE9 é, 0xE2 â, 0xE0 à,
 * 0xC9 É, 0xA0 no-break space), ';', CRLF, French column names.  Read by
 * hand, with the default questionnaire stored:
 *   line 2 "Tranche d'âge", "18 à 29 ans" (the label of choice 18-29),
 *          "12 500" -> VDL age_band 18-29 12500;
 *   line 3 "tranche_age", "30-44", "13<NBSP>200" -> 30-44 13200;
 *   line 4 "Sexe", "Femme" (the code, another case) -> sex femme,
 *          "25 100,5" -> 25100.5;
 *   line 5 "sexe", "Homme", "1.234,5" -> sex homme 1234.5;
 *   line 6 "Situation", "Retraité(e)" (the label) -> activity_status
 *          retraite 4000;
 *   line 7 "Commune", "Saint-Jean-de-l'Église" (free text: as written,
 *          in UTF-8) -> COT commune 830;
 *   line 8 "activité", "demandeur_emploi" -> COT activity_status 95.
 */
Test(margins, french_excel_file)
{
	static const char text[] =
		"Territoire;Variable;Modalit\xe9;Effectif\r\n"
		"VDL;Tranche d'\xe2ge;18 \xe0 29 ans;12 500\r\n"
		"VDL;tranche_age;30-44;13\xa0" "200\r\n"
		"VDL;Sexe;Femme;25 100,5\r\n"
		"VDL;sexe;Homme;1.234,5\r\n"
		"VDL;Situation;Retrait\xe9(e);4 000\r\n"
		"COT;Commune;Saint-Jean-de-l'\xc9glise;830\r\n"
		"COT;activit\xe9;demandeur_emploi;95\r\n";
	impact_import_summary s;

	add_default_questionnaire();
	s = import("insee.csv", text);
	cr_expect_eq(s.rows_loaded, 7);
	cr_expect_str_eq(s.encoding, "Windows-1252");
	cr_expect_eq(s.delimiter, ';');
	check_rows(MARGINS,
	           "COT|activity_status|demandeur_emploi|95.0\n"
	           "COT|commune|Saint-Jean-de-l'Église|830.0\n"
	           "VDL|activity_status|retraite|4000.0\n"
	           "VDL|age_band|18-29|12500.0\n"
	           "VDL|age_band|30-44|13200.0\n"
	           "VDL|sex|femme|25100.5\n"
	           "VDL|sex|homme|1234.5\n");
}

/* A second file replaces the totals of the same keys, adds the new
 * ones, keeps the others; the same file again loads nothing. */
Test(margins, reimport_replaces_totals)
{
	impact_import_summary s;

	import("a.csv", "territory,variable,level,total\n"
	       "VDL,sex,femme,100\nVDL,sex,homme,90\nCOT,sex,femme,40\n");
	s = import("b.csv", "territory,variable,level,total\n"
	           "VDL,sex,femme,100\nVDL,sex,homme,95\nVDL,sex,autre,3\n");
	cr_expect_eq(s.rows_loaded, 3);
	cr_expect_str_eq(s.notes, "3 margins stored, 1 replacing a different "
	                 "total");
	check_rows(MARGINS, "COT|sex|femme|40.0\n"
	           "VDL|sex|autre|3.0\n"
	           "VDL|sex|femme|100.0\n"
	           "VDL|sex|homme|95.0\n");
	check_rows("SELECT i.file_name, count(*) FROM margins m JOIN imports i"
	           " ON i.id = m.import_id GROUP BY i.id ORDER BY i.id;",
	           "a.csv|1\nb.csv|3\n");
	s = import("b2.csv", "territory,variable,level,total\n"
	           "VDL,sex,femme,100\nVDL,sex,homme,95\nVDL,sex,autre,3\n");
	cr_expect(s.already_imported);
	cr_expect_eq(s.rows_loaded, 0);
}

struct refusal {
	const char *name;
	const char *csv;
	const char *want;       /* after "FILE:" */
};

#define HEADER "territory,variable,level,total\n"

static const struct refusal refusals[] = {
	{ "unknown territory", HEADER "VDL,sex,homme,90\nZZZ,sex,femme,3\n",
	  "3:1: unknown territory \"ZZZ\": expected the code of a territory "
	  "of the register (import it with 'impact import territories')" },
	{ "missing territory", HEADER ",sex,homme,90\n",
	  "2:1: missing territory: expected the code of a territory of the "
	  "register (import it with 'impact import territories')" },
	{ "unknown variable", HEADER "VDL,age_band,18-29,10\nVDL,revenu,bas,3\n",
	  "3:2: unknown variable \"revenu\": expected age_band "
	  "(tranche_age), sex (sexe), commune or activity_status "
	  "(situation)" },
	{ "missing level", HEADER "VDL,sex,,10\n",
	  "2:3: missing level: expected the choice code of the sex question "
	  "(or a commune's name), at most 200 bytes" },
	{ "level not a choice", HEADER "VDL,age_band,18-25,10\n",
	  "2:3: level \"18-25\" is not a choice of the questionnaires' "
	  "age_band question: expected one of moins_18, 18-29, 30-44, "
	  "45-59, 60-74, 75_plus" },
	{ "total in words", HEADER "VDL,sex,homme,douze\n",
	  "2:4: invalid total \"douze\": expected a number of people above "
	  "0, such as 12 500 or 1 234,5" },
	{ "total 0", HEADER "VDL,sex,homme,0\n",
	  "2:4: invalid total \"0\": expected a number of people above 0, "
	  "such as 12 500 or 1 234,5" },
	{ "negative total", HEADER "VDL,sex,homme,-5\n",
	  "2:4: invalid total \"-5\": expected a number of people above 0, "
	  "such as 12 500 or 1 234,5" },
	{ "badly grouped total", HEADER "VDL,sex,homme,1 2345\n",
	  "2:4: invalid total \"1 2345\": expected a number of people above "
	  "0, such as 12 500 or 1 234,5" },
	{ "missing total", HEADER "VDL,sex,homme,\n",
	  "2:4: missing total: expected a number of people above 0, such as "
	  "12 500 or 1 234,5" },
	/* "Femme" is the code femme of line 2, in another case */
	{ "level twice", HEADER "VDL,sex,femme,10\nVDL,age_band,18-29,5\n"
	  "COT,sex,femme,4\nVDL,sex,Femme,11\n",
	  "5:3: level \"Femme\" of sex for territory \"VDL\" is already given "
	  "on line 2" },
	{ "fields missing", HEADER "VDL,sex,homme\n",
	  "2:1: 3 fields where the header has 4: check the delimiters and "
	  "quotes of this line" },
	{ "missing column", "territory,variable,total\nVDL,sex,10\n",
	  "1:1: missing column \"level\": add it to the header line" },
	{ "unknown column", "territory,variable,level,"
	  "total,source\nVDL,sex,homme,10,INSEE\n",
	  "1:5: unknown column \"source\": check its spelling (the expected "
	  "columns are in docs/formats.md)" },
	{ "empty file", "",
	  "1:1: the file is empty: a header line is expected (see "
	  "docs/formats.md)" },
};

/* Each refusal: IMPACT_EDATA with the exact message, and the database as
 * it was: the margins of the first import, no second import recorded. */
Test(margins, refusals_give_line_column_and_store_nothing)
{
	size_t i;

	add_default_questionnaire();
	import("ok.csv", HEADER "VDL,sex,femme,100\n");
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];
		const char *path = t_write(dir, "bad.csv", r->csv);
		impact_import_summary s;
		char want[1024];

		cr_expect_eq(impact_import_margins(h, path, NULL, &s),
		             IMPACT_EDATA, "%s", r->name);
		cr_expect_eq(s.rows_loaded, 0, "%s", r->name);
		snprintf(want, sizeof(want), "%s:%s", path, r->want);
		cr_expect_str_eq(impact_errmsg(h), want, "%s:\n got  %s\n "
		                 "want %s", r->name, impact_errmsg(h), want);
		check_rows(MARGINS, "VDL|sex|femme|100.0\n");
		check_rows("SELECT count(*) FROM imports WHERE kind = 'margins';",
		           "1\n");
	}
}
