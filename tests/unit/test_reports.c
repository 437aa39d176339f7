/*
 * tests/unit/test_reports.c: the PDF dashboards (reports/).
 *
 * Each test builds a fresh database in a temporary folder: a territory
 * tree (a network over two intercommunalities), three places, one
 * questionnaire of three questions, and hand-made rows in `results`, so
 * the numbers the dashboards must print are known without running
 * impact_compute().  The PDFs are read back with poppler's pdftotext and
 * pdffonts.  Expected strings are written by hand from the inserted
 * values: 67.25 rounds half away from zero to "67,3", 1234 is "1 234"
 * with a narrow no-break space in French.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "impact.h"
#include "helpers.h"
#include "../../engine/context.h"
#include "../../reports/report_text.h"

#define NNBSP "\xe2\x80\xaf"

static char dir[64];
static impact *h;

/* The fixture's data.  Ids are fixed so results can point at them. */
static const char *const fixture_sql =
	"INSERT INTO territories (id, code, name, parent_id) VALUES "
	" (1, 'VDL', 'Réseau des tiers-lieux du Val de Lière', NULL),"
	" (2, 'CC-COTEAUX', 'CC des Coteaux de Lière', 1),"
	" (3, 'CC-PLAINE', 'CC de la Plaine', 1);"
	"INSERT INTO places (id, code, name, territory_id, commune) VALUES "
	" (1, 'FAB-BOURG', 'La Fabrique du Bourg', 2,"
	"  'Saint-Aubin-sur-Lière'),"
	" (2, 'CAFE-GARE', 'Le Café de la Gare', 2, 'Lière-la-Vieille'),"
	" (3, 'ATELIER', 'L''Atelier partagé', 3, 'Plaine-Saint-Éloi');"
	"INSERT INTO surveys (id, code, title_fr, title_en, definition, "
	" added_at) VALUES (1, 'vdl-bien-etre', 'Bien-être', 'Well-being', "
	" '{}', '2024-01-01T00:00:00Z');"
	"INSERT INTO questions (id, survey_id, code, position, label_fr, "
	" label_en, kind, min, max, domain) VALUES "
	" (1, 1, 'sat_vie', 1, 'Dans l''ensemble, êtes-vous satisfait(e) de "
	"votre vie ?', 'Overall, how satisfied are you with your life?', "
	"'scale', 0, 10, 'psychological'),"
	" (2, 1, 'lien_social', 2, 'Vous sentez-vous entouré(e) ?', "
	"'Do you feel supported?', 'scale', 0, 10, 'social'),"
	" (3, 1, 'sante', 3, 'Votre santé', 'Your health', 'scale', 1, 5,"
	" 'health');"
	"CREATE TEMP TABLE r (period, place_id, territory_id, measure, "
	" question_id, value, n, ci_low, ci_high);"
	"INSERT INTO r VALUES"
	/* La Fabrique du Bourg, 2024. */
	" (2024, 1, NULL, 'respondents', NULL, 42, 42, NULL, NULL),"
	" (2024, 1, NULL, 'wellbeing_score', NULL, 67.25, 40, 61.04, 73.46),"
	" (2024, 1, NULL, 'question_mean', 1, 6.75, 41, 6.12, 7.38),"
	" (2024, 1, NULL, 'question_mean', 2, 7.15, 40, 6.55, 7.75),"
	" (2024, 1, NULL, 'question_mean', 3, 3.87, 3, 2.11, 5.0),"
	" (2024, 1, NULL, 'activities', NULL, 128, 128, NULL, NULL),"
	" (2024, 1, NULL, 'participants', NULL, 1234, 128, NULL, NULL),"
	" (2024, 1, NULL, 'participant_hours', NULL, 3456.5, 128, NULL, NULL),"
	/* Le Café de la Gare, 2024. */
	" (2024, 2, NULL, 'respondents', NULL, 15, 15, NULL, NULL),"
	" (2024, 2, NULL, 'wellbeing_score', NULL, 58.44, 15, 50.21, 66.67),"
	" (2024, 2, NULL, 'question_mean', 1, 5.91, 15, 5.02, 6.8),"
	" (2024, 2, NULL, 'activities', NULL, 72, 72, NULL, NULL),"
	/* L'Atelier partagé, 2024: three respondents, nothing published. */
	" (2024, 3, NULL, 'respondents', NULL, 3, 3, NULL, NULL),"
	" (2024, 3, NULL, 'wellbeing_score', NULL, 71.94, 3, 60.5, 83.38),"
	" (2024, 3, NULL, 'activities', NULL, 4, 4, NULL, NULL),"
	/* CC des Coteaux de Lière, 2024. */
	" (2024, NULL, 2, 'respondents', NULL, 57, 57, NULL, NULL),"
	" (2024, NULL, 2, 'wellbeing_score', NULL, 64.82, 55, 60.11, 69.53),"
	" (2024, NULL, 2, 'question_mean', 1, 6.42, 56, 5.93, 6.91),"
	" (2024, NULL, 2, 'question_mean', 2, 6.91, 55, 6.4, 7.42),"
	" (2024, NULL, 2, 'question_mean', 3, 3.6, 8, 3.1, 4.1),"
	" (2024, NULL, 2, 'activities', NULL, 200, 200, NULL, NULL),"
	/* CC de la Plaine, 2024. */
	" (2024, NULL, 3, 'respondents', NULL, 3, 3, NULL, NULL),"
	" (2024, NULL, 3, 'wellbeing_score', NULL, 71.94, 3, 60.5, 83.38),"
	/* The network, 2024. */
	" (2024, NULL, 1, 'respondents', NULL, 60, 60, NULL, NULL),"
	" (2024, NULL, 1, 'wellbeing_score', NULL, 65.16, 58, 60.72, 69.6),"
	" (2024, NULL, 1, 'question_mean', 1, 6.47, 59, 6.01, 6.93),"
	" (2024, NULL, 1, 'activities', NULL, 204, 204, NULL, NULL),"
	" (2024, NULL, 1, 'participants', NULL, 25678, 204, NULL, NULL),"
	/* An older wave, only for La Fabrique du Bourg. */
	" (2023, 1, NULL, 'respondents', NULL, 30, 30, NULL, NULL),"
	" (2023, 1, NULL, 'wellbeing_score', NULL, 61.11, 30, 55.2, 67.02);"
	"INSERT INTO results (period, place_id, territory_id, measure, "
	" question_id, value, n, ci_low, ci_high, computed_at) "
	" SELECT *, '2024-12-31T00:00:00Z' FROM r;"
	"DROP TABLE r;";

/* Index documents, written by hand in the `impact index` contract:
 * GNH 0.8125 = 1 - 0.375 x 0.5 rounds half away from zero to 0.813
 * (printf's %.3f would give 0.812). */
static const char *const index_sql =
	"INSERT INTO index_definitions (id, code, title_fr, title_en,"
	" definition, added_at) VALUES (1, 'bnb', 'Indice du bonheur brut"
	" local', 'Local gross happiness index', '{}', '2024-01-01');"
	"INSERT INTO index_results (index_id, period, place_id, territory_id,"
	" gnh, n, document, computed_at) VALUES"
	" (1, 2024, 1, NULL, 0.8125, 42, '{\"index\": \"bnb\", \"period\":"
	" 2024, \"n\": 42, \"incomplete\": 2, \"cutoff\": 0.66,"
	" \"weighted\": false, \"suppressed\": false, \"gnh\": 0.8125,"
	" \"h_n\": 0.375, \"a_n\": 0.5, \"ci\": {\"gnh\": [0.75, 0.86],"
	" \"h_n\": [0.25, 0.5], \"a_n\": [0.4, 0.6]}, \"groups\":"
	" {\"deeply\": 0.4, \"extensively\": 0.225, \"narrowly\": 0.25,"
	" \"unhappy\": 0.125}, \"domains\": [{\"id\": \"psychological\","
	" \"label\": \"Bien-être psychologique\", \"label_en\":"
	" \"Psychological well-being\", \"weight\": 0.5, \"contribution\":"
	" 0.1, \"share\": 0.5333, \"score\": 0.7, \"alpha\": 0.55,"
	" \"alpha_low\": true}, {\"id\": \"local\", \"label\": \"Vie"
	" locale\", \"label_en\": \"Local life\", \"weight\": 0.25,"
	" \"contribution\": 0.05, \"share\": 0.2667, \"score\": 0.8,"
	" \"alpha\": null, \"alpha_low\": null}, {\"id\": \"health\","
	" \"label\": \"Santé\", \"label_en\": \"Health\", \"weight\":"
	" 0.25, \"contribution\": 0.0375, \"share\": 0.2, \"score\": 0.85,"
	" \"alpha\": 0.71, \"alpha_low\": false}], \"weights_used\":"
	" {\"scheme\": \"equal\"}, \"change\": {\"previous_period\":"
	" 2023, \"previous_gnh\": 0.75, \"change\": 0.0625, \"ci\":"
	" [-0.01, 0.13]}}', '2024-12-31');";

static const char *const index_sql2 =
	"INSERT INTO index_results (index_id, period, place_id, territory_id,"
	" gnh, n, document, computed_at) VALUES"
	" (1, 2023, 1, NULL, 0.75, 30, '{\"n\": 30, \"suppressed\": false,"
	" \"gnh\": 0.75, \"h_n\": 0.5, \"a_n\": 0.5, \"ci\": {\"gnh\":"
	" [0.7, 0.8]}, \"groups\": {\"deeply\": 0.25, \"extensively\": 0.25,"
	" \"narrowly\": 0.25, \"unhappy\": 0.25}, \"domains\": []}',"
	" '2024-12-31'),"
	" (1, 2024, 2, NULL, 0.7, 15, '{\"n\": 15, \"suppressed\": false,"
	" \"gnh\": 0.7, \"h_n\": 0.6, \"a_n\": 0.5, \"ci\": {\"gnh\":"
	" [0.61, 0.79]}, \"groups\": {\"deeply\": 0.2, \"extensively\":"
	" 0.2, \"narrowly\": 0.3, \"unhappy\": 0.3}, \"domains\": []}',"
	" '2024-12-31'),"
	" (1, 2024, 3, NULL, NULL, 3, '{\"n\": 3, \"suppressed\": true,"
	" \"reason\": \"n < 5\"}', '2024-12-31'),"
	" (1, 2024, NULL, 2, 0.7789, 57, '{\"n\": 57, \"suppressed\": false,"
	" \"gnh\": 0.7789, \"h_n\": 0.4422, \"a_n\": 0.5, \"ci\":"
	" {\"gnh\": [0.72, 0.83]}, \"groups\": {\"deeply\": 0.3,"
	" \"extensively\": 0.2578, \"narrowly\": 0.2422, \"unhappy\":"
	" 0.2}, \"domains\": [{\"id\": \"psychological\", \"label\":"
	" \"Bien-être psychologique\", \"score\": 0.65, \"share\": 0.5}]}',"
	" '2024-12-31');";

static void setup(void)
{
	char *err = NULL;

	snprintf(dir, sizeof(dir), "%s", t_tmpdir());
	h = t_open_new_db(dir);
	cr_assert_eq(sqlite3_exec(h->db, fixture_sql, NULL, NULL, &err),
	             SQLITE_OK, "%s", err ? err : "");
	cr_assert_eq(sqlite3_exec(h->db, index_sql, NULL, NULL, &err),
	             SQLITE_OK, "%s", err ? err : "");
	cr_assert_eq(sqlite3_exec(h->db, index_sql2, NULL, NULL, &err),
	             SQLITE_OK, "%s", err ? err : "");
}

static void teardown(void)
{
	impact_free(h);
	h = NULL;
	t_rmtree(dir);
}

/* fontconfig's own leak is suppressed by tests/lsan.supp (tests/run.sh). */

TestSuite(reports, .init = setup, .fini = teardown, .timeout = 120);

/* Run `cmd` and return its standard output (malloc'd). */
static char *run(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;

	cr_assert_not_null(p, "cannot run %s", cmd);
	do {
		if (cap - len < 4096) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap + 1);
			cr_assert_not_null(buf);
		}
		got = fread(buf + len, 1, cap - len, p);
		len += got;
	} while (got > 0);
	buf[len] = '\0';
	cr_assert_eq(pclose(p), 0, "command failed: %s", cmd);
	return buf;
}

/* The text of a PDF, laid out as on the page. */
static char *pdf_text(const char *pdf)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' -", pdf);
	return run(cmd);
}

/* Write a report of a place or territory into dir/name. */
static int write_report(const char *place, const char *territory,
                        const char *lang, int period, const char *name,
                        char *path, size_t size)
{
	impact_report_opts opts = IMPACT_REPORT_OPTS_INIT;

	snprintf(path, size, "%s/%s", dir, name);
	opts.place = place;
	opts.territory = territory;
	opts.lang = lang;
	opts.period = period;
	opts.output = path;
	return impact_report_write(h, &opts);
}

static void assert_is_pdf(const char *path)
{
	char head[5] = { 0 };
	FILE *f = fopen(path, "rb");

	cr_assert_not_null(f, "%s was not written", path);
	cr_assert_eq(fread(head, 1, 4, f), 4);
	fclose(f);
	cr_assert_str_eq(head, "%PDF");
}

#define assert_has(text, s) \
	cr_assert_not_null(strstr((text), (s)), "missing \"%s\" in:\n%s", (s), \
	                   (text))
#define assert_lacks(text, s) \
	cr_assert_null(strstr((text), (s)), "unexpected \"%s\" in:\n%s", (s), \
	               (text))

/* A number with a narrow no-break space: DejaVu Sans has no U+202F glyph,
 * so the space is drawn narrow with the space glyph and pdftotext may give
 * back either character. */
#define assert_has_grouped(text, a, b) \
	cr_assert(strstr((text), a NNBSP b) || strstr((text), a " " b), \
	          "missing \"%s %s\" in:\n%s", a, b, (text))

/* Whether no file of `dir` has ".tmp-" in its name. */
static int no_temp_files(void)
{
	char cmd[256], *out;
	int none;

	snprintf(cmd, sizeof(cmd), "ls -a '%s'", dir);
	out = run(cmd);
	none = strstr(out, ".tmp-") == NULL;
	free(out);
	return none;
}

Test(reports, number_format)
{
	char b[IMPACT__NUMBER_MAX];

	cr_assert_str_eq(impact__report_number(b, sizeof(b), 0.05, 1,
	                 IMPACT__LANG_FR), "0,1");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 0.25, 1,
	                 IMPACT__LANG_EN), "0.3");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 67.25, 1,
	                 IMPACT__LANG_FR), "67,3");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 67.25, 1,
	                 IMPACT__LANG_EN), "67.3");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 6.8, 1,
	                 IMPACT__LANG_FR), "6,8");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 7.0, 1,
	                 IMPACT__LANG_EN), "7.0");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), -2.35, 1,
	                 IMPACT__LANG_EN), "-2.4");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), -0.04, 1,
	                 IMPACT__LANG_FR), "0,0");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 999, 0,
	                 IMPACT__LANG_FR), "999");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 1234, 0,
	                 IMPACT__LANG_FR), "1" NNBSP "234");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 1234, 0,
	                 IMPACT__LANG_EN), "1,234");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), -1234.5, 0,
	                 IMPACT__LANG_EN), "-1,235");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 1234567.89, 1,
	                 IMPACT__LANG_EN), "1,234,567.9");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 1234567.89, 1,
	                 IMPACT__LANG_FR), "1" NNBSP "234" NNBSP "567,9");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), 100, 1,
	                 IMPACT__LANG_FR), "100,0");
	cr_assert_str_eq(impact__report_number(b, sizeof(b), NAN, 1,
	                 IMPACT__LANG_FR), "\xe2\x80\x94");
}

Test(reports, lang_codes)
{
	impact__lang l = IMPACT__LANG_EN;

	cr_assert_eq(impact__report_lang(&l, NULL), 0);
	cr_assert_eq(l, IMPACT__LANG_FR);
	cr_assert_eq(impact__report_lang(&l, "en"), 0);
	cr_assert_eq(l, IMPACT__LANG_EN);
	cr_assert_eq(impact__report_lang(&l, "fr"), 0);
	cr_assert_eq(l, IMPACT__LANG_FR);
	cr_assert_eq(impact__report_lang(&l, "de"), -1);
	cr_assert_eq(impact__report_lang(&l, "FR"), -1);
}

Test(reports, place_french)
{
	char path[256], today[16];
	char *text;
	time_t now = time(NULL);
	struct tm tm;

	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 2024, "place.pdf",
	                          path, sizeof(path)), IMPACT_OK, "%s",
	             impact_errmsg(h));
	assert_is_pdf(path);
	cr_assert(no_temp_files());
	text = pdf_text(path);
	/* Cover. */
	assert_has(text, "Tableau de bord d'impact");
	assert_has(text, "La Fabrique du Bourg");
	assert_has(text, "Saint-Aubin-sur-Lière");
	assert_has(text, "CC des Coteaux de Lière");
	assert_has(text, "Période 2024");
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	assert_has(text, today);
	assert_has(text, "impact " IMPACT_VERSION);
	/* Key figures: 42 respondents, 128 activities, 1234 participants,
	 * 3456.5 participant-hours (rounds to 3 457). */
	assert_has(text, "42");
	assert_has(text, "128");
	assert_has_grouped(text, "1", "234");
	assert_has_grouped(text, "3", "457");
	/* The index: 0.8125 -> 0,813, its interval, H and A, the change
	 * 0.0625 -> +0,063 and its interval, not significant. */
	assert_has(text, "0,813");
	assert_lacks(text, "0,812");
	assert_has(text, "[0,750 ; 0,860]");
	assert_has(text, "0,375");
	assert_has(text, "[0,250 ; 0,500]");
	assert_has(text, "+0,063");
	assert_has(text, "[-0,010 ; 0,130]");
	assert_has(text, "non significative");
	/* 1 - H_n = 62.5 % are happy; the groups. */
	assert_has(text, "62,5");
	assert_has(text, "Les quatre groupes de bonheur");
	/* Domains: labels, weights, scores and alpha flagged low. */
	assert_has(text, "Bien-être psychologique");
	assert_has(text, "Vie locale");
	assert_has(text, "0,500");
	assert_has(text, "70,0");
	assert_has(text, "0,55 (faible)");
	assert_has(text, "0,71");
	/* Method page. */
	assert_has(text, "Méthode et qualité des données");
	assert_has(text, "k = 0,66");
	assert_has(text, "Redressement : aucun");
	/* No English, no decimal point in the index. */
	assert_lacks(text, "0.813");
	assert_lacks(text, "Dashboard");
	free(text);
}

Test(reports, place_english)
{
	char path[256];
	char *text;

	cr_assert_eq(write_report("FAB-BOURG", NULL, "en", 2024, "place.pdf",
	                          path, sizeof(path)), IMPACT_OK, "%s",
	             impact_errmsg(h));
	assert_is_pdf(path);
	text = pdf_text(path);
	assert_has(text, "Impact dashboard");
	assert_has(text, "Period 2024");
	assert_has(text, "Respondents");
	assert_has(text, "0.813");
	assert_has(text, "[0.750, 0.860]");
	assert_has(text, "+0.063");
	assert_has(text, "1,234");
	assert_has(text, "3,457");
	assert_has(text, "Psychological well-being");
	assert_has(text, "0.55 (low)");
	assert_lacks(text, "0,813");
	assert_lacks(text, "Tableau de bord");
	assert_lacks(text, "Bien-être psychologique");
	free(text);
}

Test(reports, territory_french)
{
	char path[256], cmd[512];
	char *text, *info;

	cr_assert_eq(write_report(NULL, "CC-COTEAUX", "fr", 2024, "cc.pdf",
	                          path, sizeof(path)), IMPACT_OK, "%s",
	             impact_errmsg(h));
	assert_is_pdf(path);
	cr_assert(no_temp_files());
	text = pdf_text(path);
	assert_has(text, "CC des Coteaux de Lière");
	assert_has(text, "Réseau des tiers-lieux du Val de Lière");
	assert_has(text, "2 lieux");
	assert_has(text, "0,779");
	assert_has(text, "Les lieux du territoire");
	assert_has(text, "La carte des lieux");
	free(text);
	/* Cover, index, domains, places (compare and map), method. */
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' | grep '^Pages:'", path);
	info = run(cmd);
	cr_assert(strstr(info, "Pages:") && atoi(info + 6) >= 4,
	          "pages: %s", info);
	free(info);
}

Test(reports, suppressed_place)
{
	char path[256];
	char *text;

	/* L'Atelier partagé: 3 respondents, its index is never printed. */
	cr_assert_eq(write_report("ATELIER", NULL, NULL, 2024, "a.pdf", path,
	                          sizeof(path)), IMPACT_OK, "%s",
	             impact_errmsg(h));
	text = pdf_text(path);
	assert_has(text, "non publié (n < 5)");
	assert_lacks(text, "Les quatre groupes");
	free(text);
}

Test(reports, fonts_embedded)
{
	char path[256], cmd[512], line[512];
	char *out, *p;
	int dejavu = 0;

	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 0, "place.pdf",
	                          path, sizeof(path)), IMPACT_OK, "%s",
	             impact_errmsg(h));
	snprintf(cmd, sizeof(cmd), "pdffonts '%s'", path);
	out = run(cmd);
	/* Skip the two header lines; check every font row. */
	p = strchr(out, '\n');
	cr_assert_not_null(p);
	p = strchr(p + 1, '\n');
	cr_assert_not_null(p);
	for (p = p + 1; *p; ) {
		char *tok[16], *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), n = 0;
		char *s;

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		p += len + (nl ? 1 : 0);
		if (!line[0])
			continue;
		for (s = strtok(line, " "); s && n < 16; s = strtok(NULL, " "))
			tok[n++] = s;
		cr_assert_geq(n, 7);
		/* name ... emb sub uni object-id generation */
		cr_assert_not_null(strstr(tok[0], "DejaVuSans"),
		                   "font %s is not DejaVu Sans", tok[0]);
		cr_assert_str_eq(tok[n - 5], "yes", "font %s not embedded",
		                 tok[0]);
		dejavu++;
	}
	cr_assert_geq(dejavu, 1);
	free(out);
}

Test(reports, latest_and_older_period)
{
	char path[256];
	char *text;

	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 0, "latest.pdf",
	                          path, sizeof(path)), IMPACT_OK, "%s",
	             impact_errmsg(h));
	text = pdf_text(path);
	assert_has(text, "Période 2024");
	free(text);
	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 2023, "old.pdf",
	                          path, sizeof(path)), IMPACT_OK, "%s",
	             impact_errmsg(h));
	text = pdf_text(path);
	assert_has(text, "Période 2023");
	assert_has(text, "0,750");
	assert_has(text, "[0,700 ; 0,800]");
	assert_lacks(text, "0,813");
	free(text);
}

Test(reports, unknown_units)
{
	char path[256];
	struct stat sb;

	cr_assert_eq(write_report("NOPE", NULL, NULL, 0, "x.pdf", path,
	                          sizeof(path)), IMPACT_ENOTFOUND);
	assert_has(impact_errmsg(h), "place 'NOPE' not found");
	cr_assert_eq(write_report(NULL, "NOPE", NULL, 0, "x.pdf", path,
	                          sizeof(path)), IMPACT_ENOTFOUND);
	assert_has(impact_errmsg(h), "territory 'NOPE' not found");
	cr_assert_neq(stat(path, &sb), 0);
}

Test(reports, no_results)
{
	char path[256];

	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 1999, "x.pdf", path,
	                          sizeof(path)), IMPACT_ENOTFOUND);
	assert_has(impact_errmsg(h), "impact compute");
	/* CAFE-GARE has no results in 2023, other places do. */
	cr_assert_eq(write_report("CAFE-GARE", NULL, NULL, 2023, "x.pdf", path,
	                          sizeof(path)), IMPACT_ENOTFOUND);
	assert_has(impact_errmsg(h), "impact compute");
	cr_assert_eq(sqlite3_exec(h->db, "DELETE FROM results;", NULL, NULL,
	                          NULL), SQLITE_OK);
	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 0, "x.pdf", path,
	                          sizeof(path)), IMPACT_ENOTFOUND);
	assert_has(impact_errmsg(h), "impact compute");
	cr_assert(no_temp_files());
}

Test(reports, missing_folder)
{
	char path[256], expected[512];
	struct stat sb;

	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 0,
	                          "missing/place.pdf", path, sizeof(path)),
	             IMPACT_EIO);
	snprintf(expected, sizeof(expected),
	         "cannot write report '%s': No such file or directory", path);
	cr_assert_str_eq(impact_errmsg(h), expected);
	cr_assert_neq(stat(path, &sb), 0);
	cr_assert(no_temp_files());
}

Test(reports, failed_rename_leaves_nothing)
{
	char path[256], sub[256];
	struct stat sb;

	/* The output is a folder: drawing succeeds, the rename fails. */
	snprintf(sub, sizeof(sub), "%s/taken", dir);
	cr_assert_eq(mkdir(sub, 0777), 0);
	cr_assert_eq(write_report("FAB-BOURG", NULL, NULL, 0, "taken", path,
	                          sizeof(path)), IMPACT_EIO);
	assert_has(impact_errmsg(h), "cannot write report");
	cr_assert(no_temp_files());
	cr_assert_eq(stat(sub, &sb), 0);
	cr_assert(S_ISDIR(sb.st_mode));
}

Test(reports, bad_options)
{
	char path[256];
	impact_report_opts opts = IMPACT_REPORT_OPTS_INIT;

	cr_assert_eq(write_report("FAB-BOURG", NULL, "de", 0, "x.pdf", path,
	                          sizeof(path)), IMPACT_EUSAGE);
	assert_has(impact_errmsg(h), "'de'");
	cr_assert_eq(write_report("FAB-BOURG", "VDL", NULL, 0, "x.pdf", path,
	                          sizeof(path)), IMPACT_EUSAGE);
	cr_assert_eq(write_report(NULL, NULL, NULL, 0, "x.pdf", path,
	                          sizeof(path)), IMPACT_EUSAGE);
	opts.place = "FAB-BOURG";
	cr_assert_eq(impact_report_write(h, &opts), IMPACT_EUSAGE);
	opts.lang = "es";
	cr_assert_eq(impact_report_write_all(h, &opts, dir, NULL),
	             IMPACT_EUSAGE);
	cr_assert(no_temp_files());
}

/* Progress callback of write_all: remembers the calls. */
typedef struct {
	size_t calls, last_done, last_total;
} progress_log;

static void on_progress(void *payload, const char *stage, size_t done,
                        size_t total)
{
	progress_log *p = payload;

	cr_assert_str_eq(stage, "reports");
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

Test(reports, write_all)
{
	static const char *const names[] = {
		"place-FAB-BOURG.pdf", "place-CAFE-GARE.pdf",
		"place-ATELIER.pdf",
		"territory-VDL.pdf", "territory-CC-COTEAUX.pdf",
		"territory-CC-PLAINE.pdf"
	};
	impact_report_opts opts = IMPACT_REPORT_OPTS_INIT;
	progress_log log = { 0, 0, 0 };
	char out_dir[128], path[256];
	size_t written = 0, i;
	char *text;

	snprintf(out_dir, sizeof(out_dir), "%s/all", dir);
	impact_set_progress(h, on_progress, &log);
	opts.period = 2024;
	opts.lang = "en";
	cr_assert_eq(impact_report_write_all(h, &opts, out_dir, &written),
	             IMPACT_OK, "%s", impact_errmsg(h));
	cr_assert_eq(written, 6);
	cr_assert_eq(log.calls, 6);
	cr_assert_eq(log.last_done, 6);
	cr_assert_eq(log.last_total, 6);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", out_dir, names[i]);
		assert_is_pdf(path);
	}
	snprintf(path, sizeof(path), "%s/territory-CC-PLAINE.pdf", out_dir);
	text = pdf_text(path);
	assert_has(text, "CC de la Plaine");
	assert_has(text, "CC de la Plaine");
	free(text);
	snprintf(path, sizeof(path), "%s/place-ATELIER.pdf", out_dir);
	text = pdf_text(path);
	assert_has(text, "not published (n < 5)");
	free(text);
	/* The folder exists now: a second run rewrites the same files; in
	 * 2023 only La Fabrique du Bourg has results. */
	opts.period = 2023;
	opts.lang = NULL;
	cr_assert_eq(impact_report_write_all(h, &opts, out_dir, &written),
	             IMPACT_OK, "%s", impact_errmsg(h));
	cr_assert_eq(written, 1);
	opts.period = 1999;
	cr_assert_eq(impact_report_write_all(h, &opts, out_dir, &written),
	             IMPACT_ENOTFOUND);
	cr_assert_eq(written, 0);
}

Test(reports, public_formatter_matches_the_reports)
{
	char out[IMPACT_NUMBER_MAX];

	/* Plain style for tables: '.' and no grouping, same rounding. */
	cr_expect_str_eq(impact_format_number(out, sizeof(out), 67.25, 1, NULL),
	                 "67.3");
	cr_expect_str_eq(impact_format_number(out, sizeof(out), 1234567.0, 0,
	                                      NULL), "1234567");
	cr_expect_str_eq(impact_format_number(out, sizeof(out), -0.04, 1, NULL),
	                 "0.0");
	cr_expect_str_eq(impact_format_number(out, sizeof(out), -2.35, 1, NULL),
	                 "-2.4");
	cr_expect_str_eq(impact_format_number(out, sizeof(out), 1234.5, 1, "en"),
	                 "1,234.5");
	cr_expect_str_eq(impact_format_number(out, sizeof(out), 1234.5, 1, "fr"),
	                 "1\u202f234,5");
}
