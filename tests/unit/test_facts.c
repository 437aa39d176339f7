/*
 * Unit tests of surveys/facts.c: places' yearly facts as a network's
 * coordinator keeps them.  Every input is written here byte by byte and
 * every expected value is read off the input by hand: numbers in every
 * spreadsheet form, a French Excel file (Windows-1252, ';', CRLF,
 * "12 500,50 €"), the keys made from the headings, a re-import of
 * changed values replacing the stored ones, each reason for rejecting a
 * row with its line and column, the header errors, --strict.
 *
 * The register used by every test (setup()):
 *   territory VDL; places FAB "La Fabrique du Bourg", RUC "La Ruche",
 *   GAR "Le Garage".
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/context.h"
#include "helpers.h"
#include "impact.h"

static const char *dir;
static impact *h;

static void setup(void)
{
	impact_import_summary s;

	dir = t_tmpdir();
	h = t_open_new_db(dir);
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name,parent\nVDL,Val de Lière,\n"), NULL, &s), 0,
	             "%s", impact_errmsg(h));
	cr_assert_eq(impact_import_places(h, t_write(dir, "p.csv",
	             "code,name,territory\n"
	             "FAB,La Fabrique du Bourg,VDL\n"
	             "RUC,La Ruche,VDL\n"
	             "GAR,Le Garage,VDL\n"), NULL, &s), 0, "%s",
	             impact_errmsg(h));
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

TestSuite(facts, .init = setup, .fini = teardown);

/* The first column of the first row of `sql`, as text ("NULL" for NULL,
 * "" when there is no row).  Static buffer. */
static const char *q(const char *sql)
{
	static char buf[1024];
	sqlite3_stmt *st = NULL;

	cr_assert_eq(sqlite3_prepare_v2(h->db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s: %s", sql, sqlite3_errmsg(h->db));
	buf[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);

		snprintf(buf, sizeof(buf), "%s", t ? t : "NULL");
	}
	sqlite3_finalize(st);
	return buf;
}

/* The stored value of fact `key` of place `code` in `year`; NAN when
 * there is none. */
static double fact(const char *code, int year, const char *key)
{
	char sql[256];
	const char *v;

	snprintf(sql, sizeof(sql), "SELECT f.value FROM place_facts f JOIN"
	         " places p ON p.id = f.place_id WHERE p.code = '%s' AND"
	         " f.period = %d AND f.key = '%s';", code, year, key);
	v = q(sql);
	return *v ? strtod(v, NULL) : NAN;
}

/* Import text as file `name`, expecting success; returns the summary. */
static impact_import_summary import(const char *name, const char *text,
                                    const impact_import_opts *opts)
{
	impact_import_summary s;

	cr_assert_eq(impact_import_facts(h, t_write(dir, name, text), opts,
	                                 &s), 0, "%s", impact_errmsg(h));
	return s;
}

/* Import text as file `name`, expecting IMPACT_EDATA with a message
 * containing `part`. */
static void refused(const char *name, const char *text, const char *part)
{
	impact_import_summary s;

	cr_assert_eq(impact_import_facts(h, t_write(dir, name, text), NULL,
	                                 &s), IMPACT_EDATA, "%s accepted",
	             name);
	cr_expect_not_null(strstr(impact_errmsg(h), part), "%s lacks \"%s\"",
	                   impact_errmsg(h), part);
	cr_expect_str_eq(q("SELECT count(*) FROM place_facts;"), "0");
	cr_expect_str_eq(q("SELECT count(*) FROM imports WHERE kind ="
	                   " 'facts';"), "0");
}

/* The rejected rows of an import, "line:column: reason" joined by '\n'. */
struct rejects {
	char text[8192];
	size_t n;
};

/* impact_rejects_each() callback: append one reject to the list. */
static int collect(void *payload, const impact_reject_info *r)
{
	struct rejects *rj = payload;
	size_t used = strlen(rj->text);

	snprintf(rj->text + used, sizeof(rj->text) - used, "%lld:%lld: %s\n",
	         r->line, r->column, r->reason);
	rj->n++;
	return 0;
}

/* The rejects of import `import_id`, in file order. */
static struct rejects rejects_of(long long import_id)
{
	struct rejects rj;

	memset(&rj, 0, sizeof(rj));
	cr_assert_eq(impact_rejects_each(h, import_id, collect, &rj), 0);
	return rj;
}

/* Expect a reject at "line:column: " whose reason contains `part`. */
#define EXPECT_REJECT(rj, at, part)                                          \
	do {                                                                 \
		const char *p_ = strstr((rj).text, at ": ");                 \
		cr_expect(p_ != NULL, "no reject at %s in:\n%s", at,         \
		          (rj).text);                                        \
		if (p_) {                                                    \
			const char *e_ = strchr(p_, '\n');                   \
			char line_[600];                                     \
			snprintf(line_, sizeof(line_), "%.*s",               \
			         (int)(e_ - p_), p_);                        \
			cr_expect(strstr(line_, part) != NULL,               \
			          "reject %s lacks \"%s\"", line_, part);    \
		}                                                            \
	} while (0)

/* Numbers as spreadsheets display them, each value read by hand:
 *  line 2 FAB 2024: 2,5 -> 2.5; "12 500,50" (space) -> 12500.5;
 *                   "1.234.567" (dots only, twice) -> 1234567;
 *                   "40 %" -> 40; "3" -> 3.
 *  line 3 RUC 2024 (by name, any case): 0.75; "1,234.5" -> 1234.5;
 *                   "1.234,5" -> 1234.5; NA and empty: not stored.
 *  line 4 GAR 2023 (folded code "gar"): "1,234" (one comma, French
 *                   decimal) -> 1.234; "7 000 €" with U+00A0 -> 7000;
 *                   "2\u202f500" -> 2500; "-" and "nc": not stored.
 * Keys: "Emplois ETP" emplois_etp, "Budget (€)" budget, "Chiffre
 * d'affaires" chiffre_daffaires, "Taux d'occupation (%)"
 * taux_doccupation, "Surface (m²)" surface_m2. */
Test(facts, values_by_hand)
{
	impact_import_summary s = import("f.csv",
		"Lieu,Année,Emplois ETP,Budget (€),Chiffre d'affaires,"
		"Taux d'occupation (%),Surface (m²)\n"
		"FAB,2024,\"2,5\",12 500,1.234.567,40 %,3\n"
		"la ruche,2024,0.75,\"1,234.5\",\"1.234,5\",NA,\n"
		"gar,2023,\"1,234\",\"7\xc2\xa0" "000 \xe2\x82\xac\","
		"2\xe2\x80\xaf" "500,-,nc\n", NULL);

	cr_assert_eq(s.rows_read, 3);
	cr_assert_eq(s.rows_loaded, 3);
	cr_assert_eq(s.rows_rejected, 0);
	cr_expect_str_eq(s.notes, "11 facts stored, 0 replacing a different "
	                 "value");
	cr_expect_str_eq(q("SELECT count(*) FROM place_facts;"), "11");
	cr_expect_float_eq(fact("FAB", 2024, "emplois_etp"), 2.5, 1e-12);
	cr_expect_float_eq(fact("FAB", 2024, "budget"), 12500, 1e-9);
	cr_expect_float_eq(fact("FAB", 2024, "chiffre_daffaires"), 1234567,
	                   1e-9);
	cr_expect_float_eq(fact("FAB", 2024, "taux_doccupation"), 40, 1e-12);
	cr_expect_float_eq(fact("FAB", 2024, "surface_m2"), 3, 1e-12);
	cr_expect_float_eq(fact("RUC", 2024, "emplois_etp"), 0.75, 1e-12);
	cr_expect_float_eq(fact("RUC", 2024, "budget"), 1234.5, 1e-9);
	cr_expect_float_eq(fact("RUC", 2024, "chiffre_daffaires"), 1234.5,
	                   1e-9);
	cr_expect(isnan(fact("RUC", 2024, "taux_doccupation")), "NA stored");
	cr_expect(isnan(fact("RUC", 2024, "surface_m2")), "empty stored");
	cr_expect_float_eq(fact("GAR", 2023, "emplois_etp"), 1.234, 1e-12);
	cr_expect_float_eq(fact("GAR", 2023, "budget"), 7000, 1e-9);
	cr_expect_float_eq(fact("GAR", 2023, "chiffre_daffaires"), 2500,
	                   1e-9);
	cr_expect(isnan(fact("GAR", 2023, "taux_doccupation")));
	cr_expect(isnan(fact("GAR", 2023, "surface_m2")));
	cr_expect_str_eq(q("SELECT kind || ' ' || rows_read || ' ' ||"
	                   " rows_loaded FROM imports ORDER BY id DESC;"),
	                 "facts 3 3");
	cr_expect_str_eq(q("SELECT count(DISTINCT import_id) FROM"
	                   " place_facts;"), "1");
}

/* French Excel "CSV (point-virgule)": Windows-1252 (\xE9 = é, \x80 = €,
 * \xA0 = no-break space, \xB2 = ²), ';', CRLF.
 *  line 2: La Fabrique du Bourg by name, 2023: 1,5 ETP; budget
 *          "12 500,50 €" = 12500.5; surface 120; 35 adhérents.
 *  line 3: FAB 2024: 2 ETP; "14 000 €" = 14000; surface 120; 41. */
Test(facts, french_excel_file)
{
	impact_import_summary s = import("excel.csv",
		"Lieu;Ann\xE9" "e;Emplois ETP;Budget (\x80);Surface (m\xB2);"
		"Adh\xE9rents\r\n"
		"La Fabrique du Bourg;2023;1,5;12\xA0" "500,50\xA0\x80;120;35\r\n"
		"FAB;2024;2;14\xA0" "000 \x80;120;41\r\n", NULL);

	cr_assert_eq(s.rows_loaded, 2, "%zu rejected", s.rows_rejected);
	cr_expect_str_eq(s.encoding, "Windows-1252");
	cr_expect_eq(s.delimiter, ';');
	cr_expect_float_eq(fact("FAB", 2023, "emplois_etp"), 1.5, 1e-12);
	cr_expect_float_eq(fact("FAB", 2023, "budget"), 12500.5, 1e-9);
	cr_expect_float_eq(fact("FAB", 2023, "surface_m2"), 120, 1e-12);
	cr_expect_float_eq(fact("FAB", 2023, "adherents"), 35, 1e-12);
	cr_expect_float_eq(fact("FAB", 2024, "emplois_etp"), 2, 1e-12);
	cr_expect_float_eq(fact("FAB", 2024, "budget"), 14000, 1e-9);
	cr_expect_float_eq(fact("FAB", 2024, "adherents"), 41, 1e-12);
	cr_expect_str_eq(q("SELECT count(*) FROM place_facts;"), "8");
}

/* A corrected file replaces the stored values: FAB 2024 budget 10000 ->
 * 12000 (replaced), jobs 2 -> 2 (same), RUC 2024 members given empty
 * (kept: 30); within the second file, GAR's second row wins (5, not 4). */
Test(facts, reimport_replaces_changed_values)
{
	impact_import_summary s1, s2;
	char sql[128];

	s1 = import("v1.csv",
		"place,period,budget,emplois_etp,adherents\n"
		"FAB,2024,10000,2,12\n"
		"RUC,2024,5000,1,30\n", NULL);
	cr_assert_eq(s1.rows_loaded, 2);
	cr_expect_str_eq(q("SELECT count(*) FROM place_facts;"), "6");
	s2 = import("v2.csv",
		"place,period,budget,emplois_etp,adherents\n"
		"FAB,2024,12000,2,12\n"
		"RUC,2024,5000,1,\n"
		"GAR,2024,800,0,4\n"
		"GAR,2024,800,0,5\n", NULL);
	cr_assert_eq(s2.rows_loaded, 4);
	cr_assert_neq(s2.import_id, s1.import_id);
	/* 3 + 2 + 3 + 3 facts written; the changed ones: FAB's budget and
	 * GAR's members by its own second row. */
	cr_expect_str_eq(s2.notes, "11 facts stored, 2 replacing a different "
	                 "value");
	cr_expect_float_eq(fact("FAB", 2024, "budget"), 12000, 1e-9);
	cr_expect_float_eq(fact("FAB", 2024, "emplois_etp"), 2, 1e-12);
	cr_expect_float_eq(fact("RUC", 2024, "adherents"), 30, 1e-12);
	cr_expect_float_eq(fact("GAR", 2024, "adherents"), 5, 1e-12);
	cr_expect_float_eq(fact("GAR", 2024, "emplois_etp"), 0, 1e-12);
	cr_expect_str_eq(q("SELECT count(*) FROM place_facts;"), "9");
	/* A replaced value belongs to the import that wrote it last. */
	snprintf(sql, sizeof(sql), "SELECT f.import_id = %lld FROM place_facts"
	         " f JOIN places p ON p.id = f.place_id WHERE p.code = 'FAB'"
	         " AND f.key = 'budget';", s2.import_id);
	cr_expect_str_eq(q(sql), "1");
	snprintf(sql, sizeof(sql), "SELECT f.import_id = %lld FROM place_facts"
	         " f JOIN places p ON p.id = f.place_id WHERE p.code = 'RUC'"
	         " AND f.key = 'adherents';", s1.import_id);
	cr_expect_str_eq(q(sql), "1");
	/* The same file again: nothing done. */
	s2 = import("v2.csv",
		"place,period,budget,emplois_etp,adherents\n"
		"FAB,2024,12000,2,12\n"
		"RUC,2024,5000,1,\n"
		"GAR,2024,800,0,4\n"
		"GAR,2024,800,0,5\n", NULL);
	cr_expect_eq(s2.already_imported, 1);
	cr_expect_eq(s2.rows_loaded, 0);
}

/* Each reason, at its line and column (fields numbered from 1):
 *  2: good;  3: unknown place (col 1);  4: negative budget (col 3);
 *  5: "12,5,3" no number (col 4);  6: missing period (col 2);
 *  7: period "24" (col 2);  8: three fields (col 1);
 *  9: "1 2345" bad grouping (col 3);  10: "€" alone (col 4);
 *  11: empty place (col 1);  12: "abc" (col 3);  13: "-" good. */
Test(facts, reject_reasons_with_line_and_column)
{
	impact_import_summary s = import("bad.csv",
		"place,year,budget,jobs\n"
		"FAB,2024,100,1\n"
		"Le Hangar,2024,100,1\n"
		"RUC,2024,-250,1\n"
		"RUC,2024,100,\"12,5,3\"\n"
		"GAR,,100,1\n"
		"GAR,24,100,1\n"
		"GAR,2024,100\n"
		"GAR,2023,1 2345,1\n"
		"GAR,2022,100,\xe2\x82\xac\n"
		",2024,100,1\n"
		"GAR,2021,abc,1\n"
		"GAR,2020,-,-\n", NULL);
	struct rejects rj;

	cr_assert_eq(s.rows_read, 12);
	cr_assert_eq(s.rows_loaded, 2);
	cr_assert_eq(s.rows_rejected, 10);
	rj = rejects_of(s.import_id);
	cr_assert_eq(rj.n, 10, "%s", rj.text);
	EXPECT_REJECT(rj, "3:1", "unknown place \"Le Hangar\"");
	EXPECT_REJECT(rj, "4:3", "negative budget \"-250\": facts are counts "
	              "and amounts, 0 or more");
	EXPECT_REJECT(rj, "5:4", "invalid jobs \"12,5,3\": expected a number");
	EXPECT_REJECT(rj, "6:2", "missing period \"\": expected a year");
	EXPECT_REJECT(rj, "7:2", "invalid period \"24\"");
	EXPECT_REJECT(rj, "8:1", "3 fields where the header has 4");
	EXPECT_REJECT(rj, "9:3", "invalid budget \"1 2345\"");
	EXPECT_REJECT(rj, "10:4", "invalid jobs");
	EXPECT_REJECT(rj, "11:1", "missing place");
	EXPECT_REJECT(rj, "12:3", "invalid budget \"abc\"");
	/* Nothing of a rejected row is stored: RUC's jobs on line 4 are
	 * fine but the row is refused whole. */
	cr_expect_str_eq(q("SELECT count(*) FROM place_facts;"), "2");
	cr_expect(isnan(fact("RUC", 2024, "jobs")));
	cr_expect_float_eq(fact("FAB", 2024, "budget"), 100, 1e-12);
	cr_expect_str_eq(q("SELECT field FROM rejects WHERE line = 4;"),
	                 "budget");
}

/* --strict: the first bad row refuses the whole file. */
Test(facts, strict_refuses_the_file)
{
	impact_import_opts o = IMPACT_IMPORT_OPTS_INIT;
	impact_import_summary s;

	o.strict = 1;
	cr_assert_eq(impact_import_facts(h, t_write(dir, "s.csv",
	             "place,period,budget\nFAB,2024,100\nRUC,2024,-1\n"
	             "GAR,2024,x\n"), &o, &s), IMPACT_EDATA);
	cr_expect_not_null(strstr(impact_errmsg(h), "s.csv:3:3: negative "
	                          "budget"), "%s", impact_errmsg(h));
	cr_expect_not_null(strstr(impact_errmsg(h), "2 rows are wrong"),
	                   "%s", impact_errmsg(h));
	cr_expect_str_eq(q("SELECT count(*) FROM place_facts;"), "0");
	cr_expect_str_eq(q("SELECT count(*) FROM imports WHERE kind ="
	                   " 'facts';"), "0");
}

/* Header errors refuse the file at line 1 and the column. */
Test(facts, header_errors)
{
	refused("e1.csv", "place,period,budget,\nFAB,2024,1,2\n",
	        "e1.csv:1:4: column 4 has no name");
	refused("e2.csv", "place,period,Budget,budget (\xe2\x82\xac)\n"
	        "FAB,2024,1,2\n",
	        "e2.csv:1:4: column \"budget (\xe2\x82\xac)\" is the fact "
	        "\"budget\" of column 3 again");
	refused("e3.csv", "place,period,(\xe2\x82\xac)\nFAB,2024,1\n",
	        "e3.csv:1:3: column \"(\xe2\x82\xac)\" gives no fact name");
	refused("e4.csv", "place,period\nFAB,2024\n",
	        "e4.csv:1:1: no fact column");
	refused("e5.csv", "place,budget\nFAB,1\n",
	        "e5.csv:1:1: missing column \"period\"");
	refused("e6.csv", "lieu,code lieu,period,budget\nFAB,FAB,2024,1\n",
	        "e6.csv:1:2: column \"code lieu\" appears twice");
}

/* A place name two places share is refused: give the code. */
Test(facts, ambiguous_place_name)
{
	impact_import_summary s;
	struct rejects rj;

	cr_assert_eq(impact_import_places(h, t_write(dir, "p2.csv",
	             "code,name,territory\nRUC2,La Ruche,VDL\n"), NULL, &s), 0);
	s = import("a.csv", "place,period,budget\nLa Ruche,2024,1\n"
	           "RUC2,2024,2\n", NULL);
	cr_assert_eq(s.rows_loaded, 1);
	rj = rejects_of(s.import_id);
	EXPECT_REJECT(rj, "2:1", "is the name of several places");
	cr_expect_float_eq(fact("RUC2", 2024, "budget"), 2, 1e-12);
}
