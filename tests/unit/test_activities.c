/*
 * Unit tests of surveys/activities.c: activity logs as facilitators keep
 * them.  Every input is written here byte by byte and every expected
 * value is read off the input by hand, row by row: a French Excel log
 * (Windows-1252, ';', CRLF, decimal commas, dd/mm/yyyy, French headings),
 * an English UTF-8 log in another column order with an unknown column,
 * each reason for rejecting a row with its line and column, durations in
 * every form, publics and partner places, free/paid, the day/month order
 * of slash dates decided from the column or forced.
 *
 * The register used by every test (setup()):
 *   territory VDL; places FAB "La Fabrique du Bourg", RUC "La Ruche",
 *   GAR "Le Garage".
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
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

/* Import text as file `name`, expecting success; returns the summary. */
static impact_import_summary import(const char *name, const char *text,
                                    const impact_import_opts *opts)
{
	impact_import_summary s;

	cr_assert_eq(impact_import_activities(h, t_write(dir, name, text), opts,
	                                      &s), 0, "%s", impact_errmsg(h));
	return s;
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

/* French Excel "CSV (point-virgule)": Windows-1252 bytes (\xE9 = é),
 * ';', CRLF, decimal comma, dd/mm/yyyy, French headings.
 *  line 2: by the place's name; 2,5 h; 8 participants, 3 new, 2
 *          volunteers for 5 h; publics Jeunes / Seniors; co-organised
 *          with RUC; free.
 *  line 3: by code; "Repair café" -> repair-cafe; 1h30; 12 participants,
 *          new "NA" (absent), volunteers empty (0), not free.
 *  line 4: "deux heures" is not a duration: column 5. */
static const char excel[] =
	"Lieu;Date;Type d'activit\xE9;Intitul\xE9;Dur\xE9" "e;"
	"Nb participants;Nouveaux;B\xE9n\xE9voles;Heures b\xE9n\xE9voles;"
	"Publics;Co-organis\xE9 avec;Gratuit\r\n"
	"La Fabrique du Bourg;14/03/2024;Atelier;Atelier soudure;2,5;8;3;2;5;"
	"Jeunes / Seniors;RUC;oui\r\n"
	"FAB;15/03/2024;Repair caf\xE9;R\xE9paration;1h30;12;NA;;;;;non\r\n"
	"RUC;16/03/2024;Atelier;;deux heures;5;;;;;;\r\n";

Test(activities, french_excel_log, .init = setup, .fini = teardown)
{
	impact_import_summary s = import("journal.csv", excel, NULL);
	struct rejects rj;

	cr_expect_eq(s.rows_read, 3);
	cr_expect_eq(s.rows_loaded, 2);
	cr_expect_eq(s.rows_rejected, 1);
	cr_expect_str_eq(s.encoding, "Windows-1252");
	cr_expect_eq(s.delimiter, ';');
	cr_expect_eq(s.date_order, IMPACT_DATES_DMY);
	cr_expect_str_eq(s.notes, "");

	cr_expect_str_eq(q("SELECT group_concat(p.code || ' ' || a.date || ' '"
	                   " || a.category || ' ' || a.hours || ' '"
	                   " || a.participants || ' '"
	                   " || ifnull(a.new_participants, 'NULL') || ' '"
	                   " || a.volunteers || ' '"
	                   " || ifnull(a.volunteer_hours, 'NULL') || ' '"
	                   " || ifnull(a.free, 'NULL'), ' | ')"
	                   " FROM (SELECT * FROM activities ORDER BY id) a"
	                   " JOIN places p ON p.id = a.place_id;"),
	                 "FAB 2024-03-14 atelier 2.5 8 3 2 5.0 1 | "
	                 "FAB 2024-03-15 repair-cafe 1.5 12 NULL 0 NULL 0");
	cr_expect_str_eq(q("SELECT group_concat(title, '|') FROM"
	                   " (SELECT title FROM activities ORDER BY id);"),
	                 "Atelier soudure|R\xC3\xA9paration");
	cr_expect_str_eq(q("SELECT group_concat(period) FROM activities;"),
	                 "2024,2024");
	cr_expect_str_eq(q("SELECT group_concat(public, ',') FROM (SELECT public"
	                   " FROM activity_publics ORDER BY public);"),
	                 "jeunes,seniors");
	cr_expect_str_eq(q("SELECT group_concat(p.code) FROM activity_partners"
	                   " x JOIN places p ON p.id = x.place_id;"), "RUC");
	rj = rejects_of(s.import_id);
	cr_expect_eq(rj.n, 1);
	EXPECT_REJECT(rj, "4:5", "invalid duration \"deux heures\": expected "
	              "hours such as 2, 1,5 or 1h30");
	cr_expect_str_eq(q("SELECT field FROM rejects;"), "Dur\xC3\xA9" "e");
}

/* UTF-8, ',', LF, English headings in another order, ISO dates, and an
 * unknown column "Facilitator" that is noted, not fatal.  "paid" is the
 * inverse of free. */
Test(activities, english_log_in_another_order, .init = setup,
     .fini = teardown)
{
	impact_import_summary s = import("log.csv",
		"Hours,Facilitator,Participants,Date,Place,Category,Paid,Title\n"
		"3,Ana,20,2024-05-01,RUC,Evenement,yes,\"Fête, de quartier\"\n"
		"0.5,Ben,4,2024-05-02,le garage,coworking,no,\n", NULL);

	cr_expect_eq(s.rows_read, 2);
	cr_expect_eq(s.rows_loaded, 2);
	cr_expect_eq(s.rows_rejected, 0);
	cr_expect_eq(s.delimiter, ',');
	cr_expect(strstr(s.notes, "columns ignored: \"Facilitator\"") != NULL,
	          "%s", s.notes);
	cr_expect(strstr(q("SELECT notes FROM imports WHERE kind ="
	                   " 'activities';"), "Facilitator") != NULL);
	cr_expect_str_eq(q("SELECT group_concat(p.code || ' ' || a.date || ' '"
	                   " || a.category || ' ' || a.hours || ' '"
	                   " || a.participants || ' ' || a.free || ' '"
	                   " || ifnull(a.title, 'NULL'), ' | ')"
	                   " FROM (SELECT * FROM activities ORDER BY id) a"
	                   " JOIN places p ON p.id = a.place_id;"),
	                 "RUC 2024-05-01 evenement 3.0 20 0 F\xC3\xAAte, de "
	                 "quartier | GAR 2024-05-02 coworking 0.5 4 1 NULL");
}

/* Each reason to reject a row, at its line and column (field number):
 *   1 place, 2 date, 3 category, 4 participants, 5 hours,
 *   6 new_participants, 7 volunteers, 8 volunteer_hours, 9 free,
 *   10 partners, 11 publics. */
Test(activities, reject_reasons, .init = setup, .fini = teardown)
{
	impact_import_summary s = import("bad.csv",
		"place,date,category,participants,hours,new_participants,"
		"volunteers,volunteer_hours,free,partners,publics\n"
		"FAB,2024-06-01,atelier,8,2,3,1,2,oui,RUC,jeunes\n"    /* 2 ok */
		"NOWHERE,2024-06-01,atelier,8,2,,,,,,\n"               /* 3:1 */
		"FAB,31/02/2024,atelier,8,2,,,,,,\n"                   /* 4:2 */
		"FAB,2024-06-01,,8,2,,,,,,\n"                          /* 5:3 */
		"FAB,2024-06-01,atelier,huit,2,,,,,,\n"                /* 6:4 */
		"FAB,2024-06-01,atelier,8,deux heures,,,,,,\n"         /* 7:5 */
		"FAB,2024-06-01,atelier,8,2,9,,,,,\n"                  /* 8:6 */
		"FAB,2024-06-01,atelier,8,2,,-1,,,,\n"                 /* 9:7 */
		"FAB,2024-06-01,atelier,8,2,,,beaucoup,,,\n"           /* 10:8 */
		"FAB,2024-06-01,atelier,8,2,,,,peut-être,,\n"          /* 11:9 */
		"FAB,2024-06-01,atelier,8,2,,,,,\"RUC; INCONNU\",\n"   /* 12:10 */
		"FAB,2024-06-01,atelier,8,25000,,,,,,\n"               /* 13:5 */
		"FAB,2024-06-01,atelier,NA,2,,,,,,\n"                  /* 14:4 */
		"FAB,2024-06-01,atelier,8\n"                           /* 15:1 */
		"FAB,,atelier,8,2,,,,,,\n"                             /* 16:2 */
		"FAB,2024-06-01,atelier,8,-2,,,,,,\n",                 /* 17:5 */
		NULL);
	struct rejects rj = rejects_of(s.import_id);

	cr_expect_eq(s.rows_read, 16);
	cr_expect_eq(s.rows_loaded, 1);
	cr_expect_eq(s.rows_rejected, 15);
	cr_expect_eq(rj.n, 15);
	EXPECT_REJECT(rj, "3:1", "unknown place \"NOWHERE\"");
	EXPECT_REJECT(rj, "4:2", "invalid date \"31/02/2024\": expected a "
	              "date such as 14/03/2024 or 2024-03-14");
	EXPECT_REJECT(rj, "5:3", "missing category");
	EXPECT_REJECT(rj, "6:4", "invalid participants \"huit\": expected a "
	              "whole number");
	EXPECT_REJECT(rj, "7:5", "invalid duration \"deux heures\"");
	EXPECT_REJECT(rj, "8:6", "new participants 9 are more than the 8 "
	              "participants");
	EXPECT_REJECT(rj, "9:7", "invalid volunteers \"-1\"");
	EXPECT_REJECT(rj, "10:8", "invalid volunteer hours \"beaucoup\"");
	EXPECT_REJECT(rj, "11:9", "invalid free \"peut-\xC3\xAAtre\": "
	              "expected oui or non");
	EXPECT_REJECT(rj, "12:10", "unknown partner place \"INCONNU\"");
	EXPECT_REJECT(rj, "13:5", "invalid duration \"25000\"");
	EXPECT_REJECT(rj, "14:4", "missing participants \"NA\"");
	EXPECT_REJECT(rj, "15:1", "4 fields where the header has 11");
	EXPECT_REJECT(rj, "16:2", "missing date");
	EXPECT_REJECT(rj, "17:5", "invalid duration \"-2\"");
	cr_expect_str_eq(q("SELECT field FROM rejects WHERE line = 12;"),
	                 "partners");
	cr_expect_str_eq(q("SELECT count(*) FROM activities;"), "1");
}

/* Durations in every form people type, one per row, and forms refused. */
Test(activities, durations_parse, .init = setup, .fini = teardown)
{
	impact_import_summary s = import("durees.csv",
		"lieu;date;type;durée;participants\n"
		"FAB;2024-01-01;atelier;2;1\n"          /* 2 */
		"FAB;2024-01-02;atelier;2,5;1\n"        /* 2.5 */
		"FAB;2024-01-03;atelier;1.5;1\n"        /* 1.5 */
		"FAB;2024-01-04;atelier;1h30;1\n"       /* 1.5 */
		"FAB;2024-01-05;atelier;1 h 30;1\n"     /* 1.5 */
		"FAB;2024-01-06;atelier;2h;1\n"         /* 2 */
		"FAB;2024-01-07;atelier;90 min;1\n"     /* 1.5 */
		"FAB;2024-01-08;atelier;01:30;1\n"      /* 1.5 */
		"FAB;2024-01-09;atelier;0,75 h;1\n"     /* 0.75 */
		"FAB;2024-01-10;atelier;45mn;1\n"       /* 0.75 */
		"FAB;2024-01-11;atelier;1H15min;1\n"    /* 1.25 */
		"FAB;2024-01-12;atelier;2 heures;1\n"   /* 2 */
		"FAB;2024-01-13;atelier;0;1\n"          /* 0 */
		"FAB;2024-01-14;atelier;8784;1\n"       /* 24 x 366 */
		"FAB;2024-01-15;atelier;1h75;1\n"       /* 16: minutes > 59 */
		"FAB;2024-01-16;atelier;1,5h30;1\n"     /* 17: fraction, minutes */
		"FAB;2024-01-17;atelier;2 jours;1\n"    /* 18: not a unit */
		"FAB;2024-01-18;atelier;8785;1\n"       /* 19: over a year */
		"FAB;2024-01-19;atelier;1:5;1\n",       /* 20: one minute digit */
		NULL);
	struct rejects rj = rejects_of(s.import_id);

	cr_expect_eq(s.rows_read, 19);
	cr_expect_eq(s.rows_loaded, 14);
	cr_expect_str_eq(q("SELECT group_concat(hours, ' ') FROM"
	                   " (SELECT hours FROM activities ORDER BY date);"),
	                 "2.0 2.5 1.5 1.5 1.5 2.0 1.5 1.5 0.75 0.75 1.25 2.0 "
	                 "0.0 8784.0");
	cr_expect_eq(rj.n, 5);
	EXPECT_REJECT(rj, "16:4", "invalid duration \"1h75\"");
	EXPECT_REJECT(rj, "17:4", "invalid duration \"1,5h30\"");
	EXPECT_REJECT(rj, "18:4", "invalid duration \"2 jours\"");
	EXPECT_REJECT(rj, "19:4", "invalid duration \"8785\"");
	EXPECT_REJECT(rj, "20:4", "invalid duration \"1:5\"");
}

/* Publics folded, deduplicated, several separators; partners by code or
 * name, the activity's own place left out, each once. */
Test(activities, publics_and_partners, .init = setup, .fini = teardown)
{
	impact_import_summary s = import("pp.csv",
		"place;date;category;hours;participants;publics;partners\n"
		"FAB;2024-02-01;atelier;2;5;\"Jeunes; seniors, Familles / JEUNES\";"
		"\"la ruche, Le Garage; FAB\"\n"
		"RUC;2024-02-02;atelier;2;5;Personnes âgées;GAR\n"
		"GAR;2024-02-03;atelier;2;5;N/A;-\n", NULL);

	cr_expect_eq(s.rows_loaded, 3);
	cr_expect_str_eq(q("SELECT group_concat(x, ' | ') FROM (SELECT p.code"
	                   " || ': ' || group_concat(ap.public, ',') AS x FROM"
	                   " (SELECT * FROM activity_publics ORDER BY public) ap"
	                   " JOIN activities a ON a.id = ap.activity_id"
	                   " JOIN places p ON p.id = a.place_id"
	                   " GROUP BY a.id ORDER BY a.id);"),
	                 "FAB: familles,jeunes,seniors | RUC: personnes agees");
	cr_expect_str_eq(q("SELECT group_concat(x, ' | ') FROM (SELECT a.code"
	                   " || ': ' || group_concat(b.code, ',') AS x FROM"
	                   " (SELECT * FROM activity_partners"
	                   "  ORDER BY place_id) ap"
	                   " JOIN activities t ON t.id = ap.activity_id"
	                   " JOIN places a ON a.id = t.place_id"
	                   " JOIN places b ON b.id = ap.place_id"
	                   " GROUP BY t.id ORDER BY t.id);"),
	                 "FAB: RUC,GAR | RUC: GAR");
	cr_expect_str_eq(q("SELECT count(*) FROM activity_partners"
	                   " WHERE activity_id = 3;"), "0");
}

/* A place name shared by two places is ambiguous: the row is rejected
 * and the code is asked for. */
Test(activities, ambiguous_place_name, .init = setup, .fini = teardown)
{
	impact_import_summary s;
	struct rejects rj;

	cr_assert_eq(impact_import_places(h, t_write(dir, "p2.csv",
	             "code,name,territory\nRUC2,La ruche,VDL\n"), NULL, &s), 0);
	s = import("amb.csv", "place,date,category,hours,participants\n"
	           "La Ruche,2024-02-01,atelier,2,5\n"
	           "RUC2,2024-02-01,atelier,2,5\n", NULL);
	rj = rejects_of(s.import_id);
	cr_expect_eq(s.rows_loaded, 1);
	EXPECT_REJECT(rj, "2:1", "several places");
}

/* free and paid: every yes/no word, empty and NA mean not said. */
Test(activities, free_and_paid, .init = setup, .fini = teardown)
{
	impact_import_summary s = import("free.csv",
		"place,date,category,hours,participants,gratuit\n"
		"FAB,2024-03-01,a,1,1,oui\n"
		"FAB,2024-03-02,a,1,1,Non\n"
		"FAB,2024-03-03,a,1,1,x\n"
		"FAB,2024-03-04,a,1,1,1\n"
		"FAB,2024-03-05,a,1,1,0\n"
		"FAB,2024-03-06,a,1,1,VRAI\n"
		"FAB,2024-03-07,a,1,1,faux\n"
		"FAB,2024-03-08,a,1,1,true\n"
		"FAB,2024-03-09,a,1,1,False\n"
		"FAB,2024-03-10,a,1,1,yes\n"
		"FAB,2024-03-11,a,1,1,no\n"
		"FAB,2024-03-12,a,1,1,\n"
		"FAB,2024-03-13,a,1,1,NA\n", NULL);
	struct rejects rj;

	cr_expect_eq(s.rows_loaded, 13);
	cr_expect_str_eq(q("SELECT group_concat(ifnull(free, 'NULL'), ' ')"
	                   " FROM (SELECT free FROM activities ORDER BY date);"),
	                 "1 0 1 1 0 1 0 1 0 1 0 NULL NULL");

	s = import("paid.csv",
		"place,date,category,hours,participants,payant,gratuit\n"
		"FAB,2025-03-01,a,1,1,oui,\n"        /* paid: not free */
		"FAB,2025-03-02,a,1,1,non,\n"        /* free */
		"FAB,2025-03-03,a,1,1,oui,non\n"     /* agree: not free */
		"FAB,2025-03-04,a,1,1,oui,oui\n",    /* 5: contradiction */
		NULL);
	rj = rejects_of(s.import_id);
	cr_expect_eq(s.rows_loaded, 3);
	cr_expect_str_eq(q("SELECT group_concat(free, ' ') FROM (SELECT free"
	                   " FROM activities WHERE period = 2025"
	                   " ORDER BY date);"), "0 1 0");
	EXPECT_REJECT(rj, "5:6", "both yes");
}

/* new_participants may equal participants, not exceed them. */
Test(activities, new_participants_at_most_participants, .init = setup,
     .fini = teardown)
{
	impact_import_summary s = import("new.csv",
		"place,date,category,hours,participants,dont nouveaux\n"
		"FAB,2024-03-01,a,1,8,8\n"
		"FAB,2024-03-02,a,1,8,9\n"
		"FAB,2024-03-03,a,1,0,0\n", NULL);
	struct rejects rj = rejects_of(s.import_id);

	cr_expect_eq(s.rows_loaded, 2);
	cr_expect_eq(rj.n, 1);
	EXPECT_REJECT(rj, "3:6", "new participants 9 are more than the 8");
	cr_expect_str_eq(q("SELECT group_concat(new_participants, ' ') FROM"
	                   " activities;"), "8 0");
}

/* Missing-value tokens on optional columns mean absent, never zero. */
Test(activities, missing_tokens_are_absent, .init = setup, .fini = teardown)
{
	impact_import_summary s = import("na.csv",
		"place,date,category,hours,participants,title,new,volunteers,"
		"heures de bénévolat,free\n"
		"FAB,2024-03-01,a,1,8,N/A,nc,-,NA,n/a\n", NULL);

	cr_expect_eq(s.rows_loaded, 1);
	cr_expect_str_eq(q("SELECT ifnull(title, 'NULL') || ' '"
	                   " || ifnull(new_participants, 'NULL') || ' '"
	                   " || volunteers || ' '"
	                   " || ifnull(volunteer_hours, 'NULL') || ' '"
	                   " || ifnull(free, 'NULL') FROM activities;"),
	                 "NULL NULL 0 NULL NULL");
}

/* "13/02/2024" can only be day first: it decides that "03/04/2024" is
 * the 3rd of April, even though it comes later in the file. */
Test(activities, date_order_from_the_column, .init = setup,
     .fini = teardown)
{
	impact_import_summary s = import("dmy.csv",
		"place,date,category,hours,participants\n"
		"FAB,03/04/2024,a,1,1\n"
		"FAB,13/02/2024,a,1,1\n", NULL);

	cr_expect_eq(s.rows_loaded, 2);
	cr_expect_eq(s.date_order, IMPACT_DATES_DMY);
	cr_expect_str_eq(s.notes, "");
	cr_expect_str_eq(q("SELECT group_concat(date, ' ') FROM (SELECT date"
	                   " FROM activities ORDER BY id);"),
	                 "2024-04-03 2024-02-13");

	/* "02/13/2024" can only be month first: "03/04/2024" is March 4. */
	s = import("mdy.csv", "place,date,category,hours,participants\n"
	           "FAB,03/04/2025,a,1,1\n"
	           "FAB,02/13/2025,a,1,1\n", NULL);
	cr_expect_eq(s.rows_loaded, 2);
	cr_expect_eq(s.date_order, IMPACT_DATES_MDY);
	cr_expect_str_eq(q("SELECT group_concat(date, ' ') FROM (SELECT date"
	                   " FROM activities WHERE period = 2025"
	                   " ORDER BY id);"), "2025-03-04 2025-02-13");
}

/* No date decides: day first (French usage), and the choice is noted. */
Test(activities, date_order_default_is_noted, .init = setup,
     .fini = teardown)
{
	impact_import_summary s = import("amb.csv",
		"place,date,category,hours,participants\n"
		"FAB,03/04/2024,a,1,1\n"
		"FAB,05/06/2024,a,1,1\n", NULL);

	cr_expect_eq(s.date_order, IMPACT_DATES_DMY);
	cr_expect(strstr(s.notes, "day first") != NULL, "%s", s.notes);
	cr_expect_str_eq(q("SELECT group_concat(date, ' ') FROM (SELECT date"
	                   " FROM activities ORDER BY id);"),
	                 "2024-04-03 2024-06-05");
}

/* Forced with opts->date_order: "03/04/2024" is March 4; "13/02/2024"
 * contradicts month first and is rejected. */
Test(activities, date_order_forced, .init = setup, .fini = teardown)
{
	impact_import_opts o = IMPACT_IMPORT_OPTS_INIT;
	impact_import_summary s;
	struct rejects rj;

	o.date_order = IMPACT_DATES_MDY;
	s = import("forced.csv", "place,date,category,hours,participants\n"
	           "FAB,03/04/2024,a,1,1\n"
	           "FAB,13/02/2024,a,1,1\n", &o);
	rj = rejects_of(s.import_id);
	cr_expect_eq(s.date_order, IMPACT_DATES_MDY);
	cr_expect_eq(s.rows_loaded, 1);
	cr_expect_str_eq(q("SELECT date FROM activities;"), "2024-03-04");
	EXPECT_REJECT(rj, "3:2", "read month first");
}

/* Day-first and month-first dates in one column: the more frequent order
 * wins, the other rows are rejected, and the notes say so. */
Test(activities, date_order_mixed_column, .init = setup, .fini = teardown)
{
	impact_import_summary s = import("mixed.csv",
		"place,date,category,hours,participants\n"
		"FAB,13/02/2024,a,1,1\n"
		"FAB,14/02/2024,a,1,1\n"
		"FAB,02/15/2024,a,1,1\n", NULL);
	struct rejects rj = rejects_of(s.import_id);

	cr_expect_eq(s.date_order, IMPACT_DATES_DMY);
	cr_expect_eq(s.rows_loaded, 2);
	EXPECT_REJECT(rj, "4:2", "read day first");
	cr_expect(strstr(s.notes, "mixes day-first dates (line 2) and "
	                 "month-first dates (line 4)") != NULL, "%s", s.notes);
}

/* --strict refuses the whole file at its first bad row; the same file is
 * imported once only. */
Test(activities, strict_and_already_imported, .init = setup,
     .fini = teardown)
{
	impact_import_opts o = IMPACT_IMPORT_OPTS_INIT;
	impact_import_summary s;
	const char *f = t_write(dir, "st.csv",
	                        "place,date,category,hours,participants\n"
	                        "FAB,2024-03-01,a,1,1\n"
	                        "FAB,2024-03-02,a,une heure,1\n");

	o.strict = 1;
	cr_expect_eq(impact_import_activities(h, f, &o, &s), IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "st.csv:3:4: invalid duration") !=
	          NULL, "%s", impact_errmsg(h));
	cr_expect_str_eq(q("SELECT count(*) FROM activities;"), "0");
	cr_expect_eq(impact_import_activities(h, f, NULL, &s), 0);
	cr_expect_eq(s.rows_loaded, 1);
	cr_expect_eq(impact_import_activities(h, f, NULL, &s), 0);
	cr_expect_eq(s.already_imported, 1);
	cr_expect_str_eq(q("SELECT count(*) FROM activities;"), "1");
}

/* A missing required column refuses the file. */
Test(activities, missing_column_refuses, .init = setup, .fini = teardown)
{
	impact_import_summary s;

	cr_expect_eq(impact_import_activities(h, t_write(dir, "m.csv",
	             "lieu;date;type;durée\nFAB;2024-01-01;atelier;2\n"), NULL,
	             &s), IMPACT_EDATA);
	cr_expect(strstr(impact_errmsg(h), "missing column \"participants\"")
	          != NULL, "%s", impact_errmsg(h));
}

/* Progress callback: append "stage done;" to the log (256 bytes). */
static void on_progress(void *payload, const char *stage, size_t done,
                        size_t total)
{
	char *log = payload;
	size_t used = strlen(log);

	snprintf(log + used, 256 - used, "%s %zu/%zu;", stage, done, total);
}

/* Progress is reported every 1000 rows, rejected ones included, as bytes
 * read of the file's size: this file (about 52 KiB) is read whole by the
 * first 64 KiB buffer, so both reports say size of size. */
Test(activities, progress_every_1000_rows, .init = setup, .fini = teardown)
{
	static char text[2600 * 24 + 64];
	char log[256] = "";
	impact_import_summary s;
	size_t used, i;

	used = (size_t)snprintf(text, sizeof(text),
	                        "place,date,category,hours,participants\n");
	for (i = 0; i < 2500; i++)
		used += (size_t)snprintf(text + used, sizeof(text) - used,
		                         "FAB,2024-01-01,a,%s,1\n",
		                         i % 2 ? "1" : "x");
	impact_set_progress(h, on_progress, log);
	s = import("big.csv", text, NULL);
	impact_set_progress(h, NULL, NULL);
	cr_expect_eq(s.rows_read, 2500);
	cr_expect_eq(s.rows_loaded, 1250);
	{
		char want[128];

		snprintf(want, sizeof(want), "activities %zu/%zu;activities "
		         "%zu/%zu;", used, used, used, used);
		cr_expect_str_eq(log, want);
	}
}

/* Without any place in the database every row names an unknown place. */
static void setup_empty(void)
{
	dir = t_tmpdir();
	h = t_open_new_db(dir);
}

Test(activities, no_place_registered, .init = setup_empty,
     .fini = teardown)
{
	impact_import_summary s = import("none.csv",
		"place,date,category,hours,participants\n"
		"FAB,2024-03-01,a,1,1\n", NULL);
	struct rejects rj = rejects_of(s.import_id);

	cr_expect_eq(s.rows_loaded, 0);
	EXPECT_REJECT(rj, "2:1", "unknown place \"FAB\"");
}
