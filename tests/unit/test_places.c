/*
 * Unit tests of surveys/places.c: the register of places with its
 * territory tree in the same file, French headings and decimal-comma
 * coordinates, all or nothing on an error, and the territories importer
 * with its French aliases.  Every input is written here and every
 * expected value read off it by hand.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../engine/context.h"
#include "helpers.h"
#include "impact.h"

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

/* The first column of the first row of `sql` as text ("NULL" for NULL,
 * "" when no row).  Static buffer. */
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

/* Every territory as "code<parent:name", sorted by code. */
static const char *tree(void)
{
	return q("SELECT group_concat(x, ' | ') FROM (SELECT t.code || '<'"
	         " || ifnull(p.code, '') || ':' || t.name AS x FROM territories"
	         " t LEFT JOIN territories p ON p.id = t.parent_id"
	         " ORDER BY t.code);");
}

/* Import places from `text`, expecting `rc`; the error must contain
 * `msg` when given. */
static impact_import_summary places(const char *text, int rc,
                                    const char *msg)
{
	impact_import_summary s;

	cr_assert_eq(impact_import_places(h, t_write(dir, "reg.csv", text),
	                                  NULL, &s), rc, "%s",
	             impact_errmsg(h));
	if (msg)
		cr_expect(strstr(impact_errmsg(h), msg) != NULL,
		          "error \"%s\" lacks \"%s\"", impact_errmsg(h), msg);
	return s;
}

/* One register holds places and territories: French Excel bytes
 * (Windows-1252: \xE8 = è, \xE9 = é), ';', CRLF, decimal commas.
 *  line 2: creates VDL (root) and CC-COTEAUX under it;
 *  line 3: CC-COTEAUX again, same name, same parent: reused;
 *  line 4: creates CC-PLAINE under VDL, named without repeating VDL's
 *          name, and no coordinates. */
Test(places, register_creates_territories, .init = setup,
     .fini = teardown)
{
	impact_import_summary s = places(
		"Code;Nom;Territoire;Nom du territoire;Territoire parent;"
		"Nom du territoire parent;Commune;Latitude;Longitude\r\n"
		"FAB;La Fabrique du Bourg;CC-COTEAUX;CC des Coteaux de Li\xE8re;"
		"VDL;R\xE9seau du Val de Li\xE8re;Saint-Aubin;46,512;1,384\r\n"
		"RUC;La Ruche;CC-COTEAUX;CC des coteaux de li\xE8re;VDL;;Montval;"
		"46,6;-0,25\r\n"
		"GAR;Le Garage;CC-PLAINE;CC de la Plaine;VDL;;;;\r\n",
		0, NULL);

	cr_expect_eq(s.rows_read, 3);
	cr_expect_eq(s.rows_loaded, 3);
	cr_expect_str_eq(s.encoding, "Windows-1252");
	cr_expect_str_eq(s.notes, "3 territories created from the file");
	cr_expect_str_eq(tree(), "CC-COTEAUX<VDL:CC des Coteaux de Li\xC3\xA8re"
	                 " | CC-PLAINE<VDL:CC de la Plaine"
	                 " | VDL<:R\xC3\xA9seau du Val de Li\xC3\xA8re");
	cr_expect_str_eq(q("SELECT group_concat(x, ' | ') FROM (SELECT p.code"
	                   " || ' ' || t.code || ' ' || ifnull(p.commune, 'NULL')"
	                   " || ' ' || ifnull(p.latitude, 'NULL') || ' '"
	                   " || ifnull(p.longitude, 'NULL') AS x FROM places p"
	                   " JOIN territories t ON t.id = p.territory_id"
	                   " ORDER BY p.code);"),
	                 "FAB CC-COTEAUX Saint-Aubin 46.512 1.384"
	                 " | GAR CC-PLAINE NULL NULL NULL"
	                 " | RUC CC-COTEAUX Montval 46.6 -0.25");
}

/* A territory already in the database needs no name; one the row names
 * must agree with the database; a new one under a known parent. */
Test(places, territories_of_the_database, .init = setup, .fini = teardown)
{
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name,parent\nR,Réseau,\nA,Territoire A,R\n"), NULL,
	             NULL), 0);
	places("code,name,territory,territory_name,parent_territory\n"
	       "P1,Lieu 1,A,,\n"
	       "P2,Lieu 2,A,territoire a,R\n"
	       "P3,Lieu 3,B,Territoire B,R\n", 0, NULL);
	cr_expect_str_eq(tree(), "A<R:Territoire A | B<R:Territoire B | R<:R"
	                 "\xC3\xA9seau");
	cr_expect_str_eq(q("SELECT count(*) FROM places;"), "3");
}

/* The territories importer's message is kept when the file has no
 * territory_name column. */
Test(places, unknown_territory_without_name_column, .init = setup,
     .fini = teardown)
{
	places("code,name,territory\nP1,Un,ZZ\n", IMPACT_EDATA,
	       "reg.csv:2:3: unknown territory \"ZZ\"");
	cr_expect_str_eq(q("SELECT count(*) FROM imports;"), "0");
}

/* All or nothing: line 3 names an unknown territory without its name;
 * the place and the territories of line 2 are not kept either. */
Test(places, all_or_nothing, .init = setup, .fini = teardown)
{
	places("code;nom;territoire;nom du territoire;territoire parent;"
	       "nom du territoire parent\n"
	       "P1;Un;T1;Terr 1;ROOT;Racine\n"
	       "P2;Deux;T2;;ROOT;\n", IMPACT_EDATA,
	       "reg.csv:3:3: unknown territory \"T2\" without a name: give its "
	       "name in column \"nom du territoire\" (column 4)");
	cr_expect_str_eq(q("SELECT count(*) FROM territories;"), "0");
	cr_expect_str_eq(q("SELECT count(*) FROM places;"), "0");
	cr_expect_str_eq(q("SELECT count(*) FROM imports;"), "0");
}

/* An unknown parent needs its name: refused at the parent column. */
Test(places, unknown_parent_without_name, .init = setup, .fini = teardown)
{
	places("code,name,territory,territory_name,parent_territory\n"
	       "P1,Un,T1,Terr 1,ROOT\n", IMPACT_EDATA,
	       "reg.csv:2:5: unknown parent territory \"ROOT\"");
	cr_expect_str_eq(q("SELECT count(*) FROM territories;"), "0");
}

/* The same territory named two ways, or under two parents, refuses the
 * file at the line and column that disagree. */
Test(places, contradictions_are_refused, .init = setup, .fini = teardown)
{
	places("code,name,territory,territory_name\n"
	       "P1,Un,T1,Terr 1\n"
	       "P2,Deux,T1,Autre nom\n", IMPACT_EDATA,
	       "reg.csv:3:4: territory \"T1\" is already named \"Terr 1\", "
	       "not \"Autre nom\"");
	places("code,name,territory,territory_name,parent_territory,"
	       "parent_territory_name\n"
	       "P1,Un,T1,Terr 1,R1,Racine 1\n"
	       "P2,Deux,T1,Terr 1,R2,Racine 2\n", IMPACT_EDATA,
	       "reg.csv:3:5: territory \"T1\" is already under \"R1\", not "
	       "under \"R2\"");
	places("code,name,territory,territory_name,parent_territory\n"
	       "P1,Un,T1,Terr 1,T1\n", IMPACT_EDATA,
	       "reg.csv:2:5: territory \"T1\" cannot be its own parent");
	places("code,name,territory,territory_name,parent_territory_name\n"
	       "P1,Un,T1,Terr 1,Racine\n", IMPACT_EDATA,
	       "reg.csv:2:5: a parent territory name without its code");
	cr_expect_str_eq(q("SELECT count(*) FROM territories;"), "0");
}

/* French aliases for every column; a decimal comma quoted in a ',' file
 * and bare in a ';' file. */
Test(places, french_aliases_and_decimal_commas, .init = setup,
     .fini = teardown)
{
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "Code territoire;Nom du territoire;Territoire parent\n"
	             "R;Réseau;\nA;Territoire A;R\n"), NULL, NULL), 0, "%s",
	             impact_errmsg(h));
	places("Code du lieu;Nom du lieu;Code territoire;Ville;Lat;Lng\n"
	       "P1;Lieu 1;A;Montval;46,512;-1,5\n", 0, NULL);
	cr_assert_eq(impact_import_places(h, t_write(dir, "r2.csv",
	             "code,nom,territoire,commune,latitude,lon\n"
	             "P2,Lieu 2,A,,\"45,25\",\"0,125\"\n"), NULL, NULL), 0,
	             "%s", impact_errmsg(h));
	cr_expect_str_eq(tree(), "A<R:Territoire A | R<:R\xC3\xA9seau");
	cr_expect_str_eq(q("SELECT group_concat(x, ' | ') FROM (SELECT code"
	                   " || ' ' || ifnull(commune, 'NULL') || ' '"
	                   " || latitude || ' ' || longitude AS x FROM places"
	                   " ORDER BY code);"),
	                 "P1 Montval 46.512 -1.5 | P2 NULL 45.25 0.125");
}

/* Bad coordinates and unknown columns refuse the file (reference data:
 * a misspelt column must not be silently ignored). */
Test(places, errors_refuse_the_file, .init = setup, .fini = teardown)
{
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name\nA,Territoire A\n"), NULL, NULL), 0);
	places("code;name;territory;latitude\nP1;Un;A;91,5\n", IMPACT_EDATA,
	       "reg.csv:2:4: invalid latitude \"91,5\": expected decimal "
	       "degrees between -90 and 90");
	places("code,name,territory,comune\nP1,Un,A,Ville\n", IMPACT_EDATA,
	       "reg.csv:1:4: unknown column \"comune\"");
	cr_expect_eq(impact_import_territories(h, t_write(dir, "t2.csv",
	             "code,name,parrent\nB,Territoire B,A\n"), NULL, NULL),
	             IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "t2.csv:1:3: unknown column "
	                 "\"parrent\"") != NULL, "%s", impact_errmsg(h));
	cr_expect_str_eq(q("SELECT count(*) FROM places;"), "0");
	cr_expect_str_eq(q("SELECT count(*) FROM territories;"), "1");
}
