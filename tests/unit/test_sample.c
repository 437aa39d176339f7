/*
 * tests/unit/test_sample.c: the sample generator (engine/sample.c).
 *
 * Each test writes the sample into a fresh directory under /tmp and reads
 * it back with a small RFC 4180 reader of its own (not the importers), so
 * the files are checked against docs/formats.md independently of the rest
 * of the library.  The answers files are checked against the default
 * questionnaire itself (surveys/questionnaires/default.json, read here
 * with jansson): its question ids in order as the header, every answer
 * valid for its question's type.  Statistical checks (trend, place
 * differences, shares) are properties of the generator that `make demo`
 * relies on.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "impact.h"

/* Answers the generator leaves empty out of every row: all but the
 * number, the place and the date may be. */
#define FIXED_COLUMNS 3

static impact *h;      /* handle of the current test */
static char tmp[64];   /* the test's temporary directory */
static char out[128];  /* tmp/sample, created by the generator */

/* One parsed CSV record. */
struct rec {
	size_t n;      /* fields */
	char **f;      /* the fields, unquoted, NUL-terminated */
};

/* A parsed CSV file, header included as recs[0]. */
struct csv {
	size_t n;          /* records */
	struct rec *recs;  /* the records */
};

/* Remove every entry of `dir` (and one level of subdirectories), then the
 * directory itself. */
static void rm_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	struct stat st;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(path);
		else
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static void setup(void)
{
	strcpy(tmp, "/tmp/impact-sample-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	snprintf(out, sizeof(out), "%s/sample", tmp);
	cr_assert_eq(impact_new(&h), IMPACT_OK);
}

static void teardown(void)
{
	impact_free(h);
	rm_tree(tmp);
}

TestSuite(sample, .init = setup, .fini = teardown);

/* The bytes of `path` (NUL-terminated, caller frees), length in *len. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long size;

	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)size;
	return buf;
}

/* Append field [s, e) with "" unescaped to record `r`. */
static void add_field(struct rec *r, const char *s, const char *e, int quoted)
{
	char *f = malloc((size_t)(e - s) + 1);
	size_t k = 0;

	cr_assert_not_null(f);
	for (; s < e; s++) {
		f[k++] = *s;
		if (quoted && *s == '"')
			s++;
	}
	f[k] = '\0';
	r->f = realloc(r->f, (r->n + 1) * sizeof(r->f[0]));
	cr_assert_not_null(r->f);
	r->f[r->n++] = f;
}

/* Parse `path` as the generator must write it: UTF-8 without BOM, ','
 * delimiter, LF line ends with a final LF, RFC 4180 quotes. */
static void csv_read(struct csv *c, const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	const char *p = buf, *end = buf + len;

	memset(c, 0, sizeof(*c));
	cr_assert(len > 0 && buf[len - 1] == '\n', "%s: no final LF", path);
	cr_assert_null(strchr(buf, '\r'), "%s: CR found", path);
	cr_assert(len < 3 || memcmp(buf, "\xEF\xBB\xBF", 3), "%s: BOM", path);
	while (p < end) {
		struct rec r = { 0, NULL };

		for (;;) {
			const char *s = p;
			int quoted = *p == '"';

			if (quoted) {
				s = ++p;
				while (p < end && !(p[0] == '"' && p[1] != '"'))
					p += p[0] == '"' ? 2 : 1;
				cr_assert(p < end, "%s: open quote", path);
				add_field(&r, s, p, 1);
				p++;
			} else {
				while (*p != ',' && *p != '\n')
					p++;
				add_field(&r, s, p, 0);
			}
			cr_assert(*p == ',' || *p == '\n',
			          "%s: junk after quote", path);
			if (*p++ == '\n')
				break;
		}
		c->recs = realloc(c->recs, (c->n + 1) * sizeof(c->recs[0]));
		cr_assert_not_null(c->recs);
		c->recs[c->n++] = r;
	}
	free(buf);
}

static void csv_free(struct csv *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		for (j = 0; j < c->recs[i].n; j++)
			free(c->recs[i].f[j]);
		free(c->recs[i].f);
	}
	free(c->recs);
}

/* The header of `c` joined with ','. */
static void header_is(const struct csv *c, const char *expected)
{
	char buf[512] = "";
	size_t i;

	cr_assert(c->n >= 1);
	for (i = 0; i < c->recs[0].n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, c->recs[0].f[i]);
	}
	cr_assert_str_eq(buf, expected);
}

/* Path of file `name` of directory `dir` in `buf`. */
static const char *in(char *buf, size_t size, const char *dir,
                      const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

/* 1 if the whole of `s` is a decimal integer in [lo, hi]. */
static int int_in(const char *s, long lo, long hi)
{
	char *e;
	long v;

	if (!*s)
		return 0;
	errno = 0;
	v = strtol(s, &e, 10);
	return !errno && !*e && v >= lo && v <= hi;
}

/* Index of place code `code` among the data rows of `places`, or -1. */
static int place_index(const struct csv *places, const char *code)
{
	size_t i;

	for (i = 1; i < places->n; i++)
		if (!strcmp(places->recs[i].f[0], code))
			return (int)i - 1;
	return -1;
}

/* Mean of the non-empty answers to column `col` of answers file `path`,
 * restricted to place `place` unless NULL. */
static double answer_mean(const char *path, size_t col, const char *place)
{
	struct csv a;
	double sum = 0;
	size_t i, n = 0;

	csv_read(&a, path);
	for (i = 1; i < a.n; i++) {
		const char *v = a.recs[i].f[col];

		if (*v && (!place || !strcmp(a.recs[i].f[1], place))) {
			sum += atoi(v);
			n++;
		}
	}
	csv_free(&a);
	cr_assert(n > 0);
	return sum / (double)n;
}

/* 1 if files `a` and `b` have the same bytes. */
static int same_bytes(const char *a, const char *b)
{
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	int same = la == lb && !memcmp(x, y, la);

	free(x);
	free(y);
	return same;
}

/* Where the default questionnaire is, from the repository root or from
 * the test's folder. */
static const char *default_path(void)
{
	static const char *const tries[] = {
		"surveys/questionnaires/default.json",
		"../surveys/questionnaires/default.json",
		"../../surveys/questionnaires/default.json",
		"../../../surveys/questionnaires/default.json",
	};
	size_t i;

	for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++)
		if (access(tries[i], R_OK) == 0)
			return tries[i];
	cr_assert_fail("surveys/questionnaires/default.json not found from "
	               "the current folder");
	return NULL;
}

/* The default questionnaire's "questions" array; the caller decrefs the
 * returned root (*root). */
static json_t *default_questions(json_t **root)
{
	json_error_t err;

	*root = json_load_file(default_path(), 0, &err);
	cr_assert_not_null(*root, "%d:%d: %s", err.line, err.column, err.text);
	cr_assert_str_eq(json_string_value(json_object_get(*root, "id")),
	                 "impact-defaut");
	return json_object_get(*root, "questions");
}

/* A string member of a question ("" when absent). */
static const char *qstr(json_t *q, const char *key)
{
	const char *v = json_string_value(json_object_get(q, key));

	return v ? v : "";
}

/* Index of column `name` in the header of `c`; fails when absent. */
static size_t col_of(const struct csv *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->recs[0].n; i++)
		if (!strcmp(c->recs[0].f[i], name))
			return i;
	cr_assert_fail("no column %s", name);
	return 0;
}

/* The choice of question q whose code is `code`, or NULL. */
static json_t *choice_of(json_t *q, const char *code)
{
	json_t *cs = json_object_get(q, "choices");
	size_t i;

	for (i = 0; i < json_array_size(cs); i++)
		if (!strcmp(qstr(json_array_get(cs, i), "code"), code))
			return json_array_get(cs, i);
	return NULL;
}

/* 1 if `s` is a number (digits, one optional '.') in [lo, hi]. */
static int num_in(const char *s, double lo, double hi)
{
	char *e;
	double v;

	if (!*s || strspn(s, "0123456789.") != strlen(s))
		return 0;
	v = strtod(s, &e);
	return !*e && v >= lo && v <= hi;
}

/* 1 if `s` is dd/mm/yyyy, a real date of `year`. */
static int date_of_year(const char *s, int year)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	                             30, 31 };
	int d, m, y, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%2d/%2d/%4d%n", &d, &m, &y, &n) != 3
	    || n != 10)
		return 0;
	return y == year && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1]
	       && !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0
	                                                  || y % 400 == 0)));
}

/* 1 if `v` (not empty) is a valid answer to question q of the default
 * questionnaire, given the places register `p`, for row `row` (1-based)
 * of `year`: its type's form, its choices, its bounds. */
static int answer_ok(json_t *q, const char *v, const struct csv *p,
                     int year, size_t row)
{
	const char *type = qstr(q, "type"), *role = qstr(q, "role");
	json_t *min = json_object_get(q, "min"), *max = json_object_get(q,
	                                                                "max");
	size_t i;

	if (!strcmp(type, "rating"))
		return int_in(v, 0, 10);
	if (!strcmp(type, "yesno"))
		return !strcmp(v, "oui") || !strcmp(v, "non");
	if (!strcmp(type, "single"))
		return choice_of(q, v) != NULL;
	if (!strcmp(type, "number"))
		return num_in(v, json_number_value(min), json_number_value(max));
	if (!strcmp(type, "date"))
		return date_of_year(v, year);
	if (!strcmp(type, "multiple")) {
		/* 1 to 3 codes joined by ';', each once; "aucune" alone. */
		char buf[256], *tok, *save = NULL;
		json_t *seen = json_object();
		size_t k = 0;
		int ok = 1;

		snprintf(buf, sizeof(buf), "%s", v);
		for (tok = strtok_r(buf, ";", &save); tok;
		     tok = strtok_r(NULL, ";", &save), k++) {
			if (!choice_of(q, tok) || json_object_get(seen, tok)
			    || (!strcmp(tok, "aucune") && strcmp(v, "aucune")))
				ok = 0;
			json_object_set_new(seen, tok, json_true());
		}
		json_decref(seen);
		return ok && k >= 1 && k <= 3;
	}
	/* Text: by role. */
	if (!strcmp(role, "respondent")) {
		char id[48];

		snprintf(id, sizeof(id), "R%d-%04zu", year, row);
		return !strcmp(v, id);
	}
	if (!strcmp(role, "place"))
		return place_index(p, v) >= 0;
	if (!strcmp(role, "commune")) {
		for (i = 1; i < p->n; i++)
			if (!strcmp(p->recs[i].f[3], v))
				return 1;
		return 0;
	}
	return 0;
}

/* Mean of the non-empty values of column `name` of answers file `path`,
 * restricted to place `place` unless NULL. */
static double column_mean(const char *path, const char *name,
                          const char *place)
{
	struct csv a;
	double mean;

	csv_read(&a, path);
	mean = answer_mean(path, col_of(&a, name), place);
	csv_free(&a);
	return mean;
}

Test(sample, writes_every_file_with_defaults)
{
	static const char *const names[] = {
		"territories.csv", "places.csv", "answers-2023.csv",
		"answers-2024.csv", "answers-2025.csv", "activities.csv",
		"facts.csv", "margins.csv",
	};
	char path[256];
	struct stat st;
	DIR *d;
	struct dirent *e;
	size_t i, count = 0;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	cr_assert_str_eq(impact_errmsg(h), "");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		cr_assert_eq(stat(in(path, sizeof(path), out, names[i]), &st),
		             0, "missing %s", names[i]);
		cr_assert(S_ISREG(st.st_mode) && st.st_size > 0);
	}
	d = opendir(out);
	cr_assert_not_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			count++;
	closedir(d);
	cr_assert_eq(count, 8, "no other file (no survey.json, no .tmp left "
	             "behind)");
}

Test(sample, territories_are_a_tree_with_one_root)
{
	char path[256];
	struct csv t;
	size_t i;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	csv_read(&t, in(path, sizeof(path), out, "territories.csv"));
	header_is(&t, "code,name,parent");
	cr_assert_eq(t.n - 1, 4);
	cr_assert_str_eq(t.recs[1].f[0], "VDL");
	cr_assert_str_eq(t.recs[1].f[1],
	                 "Réseau des tiers-lieux du Val de Lière");
	cr_assert_str_eq(t.recs[1].f[2], "");
	for (i = 2; i < t.n; i++) {
		cr_assert_eq(t.recs[i].n, 3);
		cr_assert_str_eq(t.recs[i].f[2], "VDL");
	}
	csv_free(&t);
}

Test(sample, places_belong_to_known_territories)
{
	char path[256];
	struct csv t, p;
	size_t i, j;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	csv_read(&t, in(path, sizeof(path), out, "territories.csv"));
	csv_read(&p, in(path, sizeof(path), out, "places.csv"));
	header_is(&p, "code,name,territory,commune,latitude,longitude");
	cr_assert_eq(p.n - 1, 10);
	for (i = 1; i < p.n; i++) {
		const struct rec *r = &p.recs[i];
		int found = 0;
		double lat, lon;

		cr_assert_eq(r->n, 6);
		cr_assert_eq(strspn(r->f[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                             "0123456789-"), strlen(r->f[0]));
		for (j = 1; j < t.n; j++)
			found |= !strcmp(t.recs[j].f[0], r->f[2]);
		cr_assert(found, "unknown territory %s", r->f[2]);
		cr_assert(strlen(strchr(r->f[4], '.')) == 5, "4 decimals");
		lat = strtod(r->f[4], NULL);
		lon = strtod(r->f[5], NULL);
		cr_assert(lat >= 46.3 && lat <= 46.8, "%s: %f", r->f[0], lat);
		cr_assert(lon >= 1.1 && lon <= 1.9, "%s: %f", r->f[0], lon);
		for (j = 1; j < i; j++)
			cr_assert_str_neq(p.recs[j].f[0], r->f[0]);
	}
	csv_free(&t);
	csv_free(&p);
}

/* The header is the default questionnaire's ids, in its order. */
Test(sample, answers_header_is_the_default_questionnaire)
{
	char path[256];
	json_t *root, *qs;
	struct csv a;
	size_t i;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	qs = default_questions(&root);
	csv_read(&a, in(path, sizeof(path), out, "answers-2024.csv"));
	cr_assert_eq(a.recs[0].n, json_array_size(qs), "%zu columns for %zu "
	             "questions", a.recs[0].n, json_array_size(qs));
	for (i = 0; i < json_array_size(qs); i++)
		cr_assert_str_eq(a.recs[0].f[i],
		                 qstr(json_array_get(qs, i), "id"));
	cr_assert_str_eq(a.recs[0].f[0], "numero");
	cr_assert_str_eq(a.recs[0].f[1], "lieu");
	cr_assert_str_eq(a.recs[0].f[2], "date_saisie");
	csv_free(&a);
	json_decref(root);
}

Test(sample, answers_are_complete_and_valid_for_their_questions)
{
	char path[256], name[64];
	json_t *root, *qs;
	struct csv p, a;
	int year;
	size_t i, q;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	qs = default_questions(&root);
	csv_read(&p, in(path, sizeof(path), out, "places.csv"));
	for (year = 2023; year <= 2025; year++) {
		size_t per_place[10] = { 0 };
		size_t missing = 0, nq = json_array_size(qs);

		snprintf(name, sizeof(name), "answers-%d.csv", year);
		csv_read(&a, in(path, sizeof(path), out, name));
		cr_assert_eq(a.n - 1, 360, "%s: %zu rows", name, a.n - 1);
		for (i = 1; i < a.n; i++) {
			const struct rec *r = &a.recs[i];

			cr_assert_eq(r->n, nq, "%s:%zu", name, i + 1);
			per_place[place_index(&p, r->f[1]) >= 0
			          ? place_index(&p, r->f[1]) : 0]++;
			for (q = 0; q < nq; q++) {
				json_t *qu = json_array_get(qs, q);
				const char *v = r->f[q];

				if (!*v) {
					cr_assert(q >= FIXED_COLUMNS,
					          "%s:%zu: %s empty", name,
					          i + 1, qstr(qu, "id"));
					missing++;
					continue;
				}
				cr_assert(answer_ok(qu, v, &p, year, i),
				          "%s:%zu: %s = '%s'", name, i + 1,
				          qstr(qu, "id"), v);
			}
		}
		for (i = 0; i < 10; i++)
			cr_assert(per_place[i] >= 15, "%s: %s has %zu", name,
			          p.recs[i + 1].f[0], per_place[i]);
		/* About 3% missing out of 360 x 45 answers = 486. */
		missing = missing * 1000 / (360 * (nq - FIXED_COLUMNS));
		cr_assert(missing >= 20 && missing <= 40, "%zu per mille "
		          "missing", missing);
		csv_free(&a);
	}
	csv_free(&p);
	json_decref(root);
}

/* The questionnaire's bounds are wide (300 km, 31 days); the sample
 * keeps to a rural network's: 0-40 km, 1-20 days a month, 0-3 skills,
 * more skills at the places that teach, more days at the coworking. */
Test(sample, answers_fit_a_rural_network)
{
	char path[256];
	struct csv a;
	size_t i, km, days, skills, mode, age;
	size_t near = 0, answered = 0;
	double fab_skills = 0, cafe_skills = 0, gare_days = 0, four_days = 0;
	size_t nfab = 0, ncafe = 0, ngare = 0, nfour = 0, seniors = 0;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	csv_read(&a, in(path, sizeof(path), out, "answers-2023.csv"));
	km = col_of(&a, "distance_km");
	days = col_of(&a, "jours_par_mois");
	skills = col_of(&a, "competences_acquises");
	mode = col_of(&a, "mode_venue");
	age = col_of(&a, "age");
	for (i = 1; i < a.n; i++) {
		const struct rec *r = &a.recs[i];
		const char *place = r->f[1];
		size_t k = 0;
		const char *c;

		if (*r->f[km]) {
			cr_assert(int_in(r->f[km], 0, 40), "km %s", r->f[km]);
			answered++;
			near += int_in(r->f[km], 2, 15);
		}
		if (*r->f[days])
			cr_assert(int_in(r->f[days], 1, 20), "days %s",
			          r->f[days]);
		if (*r->f[skills] && strcmp(r->f[skills], "aucune"))
			for (k = 1, c = r->f[skills]; (c = strchr(c, ';'));
			     c++)
				k++;
		if (!strcmp(place, "ATELIER-2RIVES")
		    || !strcmp(place, "FAB-BOURG")) {
			fab_skills += k;
			nfab++;
		} else if (!strcmp(place, "CUISINE-POSS")
		           || !strcmp(place, "FOURNIL")) {
			cafe_skills += k;
			ncafe++;
		}
		if (*r->f[days] && !strcmp(place, "COWORK-GARE")) {
			gare_days += atoi(r->f[days]);
			ngare++;
		} else if (*r->f[days] && !strcmp(place, "FOURNIL")) {
			four_days += atoi(r->f[days]);
			nfour++;
		}
		cr_assert(!*r->f[mode] || strcmp(r->f[mode], "pied")
		          || atoi(r->f[km]) <= 4, "on foot from %s km",
		          r->f[km]);
		seniors += !strcmp(r->f[age], "60-74")
		           || !strcmp(r->f[age], "75_plus");
	}
	cr_assert(near * 10 > answered * 6, "%zu of %zu within 2-15 km", near,
	          answered);
	cr_assert(fab_skills / nfab > cafe_skills / ncafe + 0.3,
	          "skills %.2f at making places, %.2f at kitchens",
	          fab_skills / nfab, cafe_skills / ncafe);
	cr_assert(gare_days / ngare > four_days / nfour + 3,
	          "days %.1f at the coworking, %.1f at the bakery",
	          gare_days / ngare, four_days / nfour);
	cr_assert(seniors > 60 && seniors < 200, "%zu seniors", seniors);
	csv_free(&a);
}

Test(sample, activities_have_valid_sorted_dates_and_new_columns)
{
	static const char *const cats[] = {
		"atelier", "evenement", "coworking", "formation", "repair",
		"cuisine", "reunion", "concert", "exposition",
	};
	static const char *const pubs[] = {
		"jeunes", "familles", "seniors", "demandeurs d'emploi",
		"professionnels", "habitants",
	};
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	                             30, 31 };
	char path[256];
	struct csv p, a;
	size_t per_year[3] = { 0 }, news[3] = { 0 }, people[3] = { 0 };
	size_t free_n = 0, partner_n = 0, seen_cat[9] = { 0 };
	size_t i, k;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	csv_read(&p, in(path, sizeof(path), out, "places.csv"));
	csv_read(&a, in(path, sizeof(path), out, "activities.csv"));
	header_is(&a, "place,date,category,title,participants,hours,"
	              "volunteers,new_participants,volunteer_hours,publics,"
	              "partners,free");
	cr_assert_eq(a.n - 1, 1200 * 3);
	for (i = 1; i < a.n; i++) {
		const struct rec *r = &a.recs[i];
		int y, m, d, n = 0, known = 0;
		double hours, vhours;
		char *e, buf[128], *tok, *save = NULL;
		unsigned int seen = 0;

		cr_assert_eq(r->n, 12, "line %zu", i + 1);
		cr_assert(place_index(&p, r->f[0]) >= 0);
		cr_assert_eq(strlen(r->f[1]), 10);
		cr_assert_eq(sscanf(r->f[1], "%4d-%2d-%2d%n", &y, &m, &d, &n),
		             3);
		cr_assert_eq(n, 10);
		cr_assert(y >= 2023 && y <= 2025 && m >= 1 && m <= 12);
		cr_assert(d >= 1 && d <= mdays[m - 1] +
		          (m == 2 && y % 4 == 0), "bad date %s", r->f[1]);
		per_year[y - 2023]++;
		if (i > 1) {
			const struct rec *prev = &a.recs[i - 1];
			int c = strcmp(prev->f[1], r->f[1]);

			cr_assert(c < 0 || (c == 0 &&
			          strcmp(prev->f[0], r->f[0]) <= 0),
			          "line %zu out of order", i + 1);
		}
		for (k = 0; k < sizeof(cats) / sizeof(cats[0]); k++)
			if (!strcmp(cats[k], r->f[2])) {
				known = 1;
				seen_cat[k]++;
			}
		cr_assert(known, "category %s", r->f[2]);
		cr_assert(strlen(r->f[3]) > 0);
		cr_assert(int_in(r->f[4], 1, 100000));
		hours = strtod(r->f[5], &e);
		cr_assert(!*e && hours >= 1 && hours <= 8 &&
		          hours * 2 == (int)(hours * 2), "hours %s", r->f[5]);
		cr_assert(int_in(r->f[6], 0, 6));
		/* New participants: at most the participants. */
		cr_assert(int_in(r->f[7], 0, atoi(r->f[4])), "line %zu: %s new "
		          "of %s", i + 1, r->f[7], r->f[4]);
		news[y - 2023] += (size_t)atoi(r->f[7]);
		people[y - 2023] += (size_t)atoi(r->f[4]);
		/* Volunteer hours: each volunteer, the activity and an hour
		 * of preparation. */
		vhours = strtod(r->f[8], &e);
		cr_assert(!*e && vhours == atoi(r->f[6]) * (hours + 1),
		          "line %zu: %s volunteer hours", i + 1, r->f[8]);
		/* Publics: 1 to 3 known ones, each once. */
		snprintf(buf, sizeof(buf), "%s", r->f[9]);
		n = 0;
		for (tok = strtok_r(buf, ";", &save); tok;
		     tok = strtok_r(NULL, ";", &save), n++) {
			for (k = 0; k < 6 && strcmp(pubs[k], tok); k++)
				;
			cr_assert(k < 6, "public %s", tok);
			cr_assert(!(seen & (1u << k)), "public %s twice", tok);
			seen |= 1u << k;
		}
		cr_assert(n >= 1 && n <= 3, "line %zu: %d publics", i + 1, n);
		/* Partners: none, or another place. */
		if (*r->f[10]) {
			cr_assert(place_index(&p, r->f[10]) >= 0, "partner %s",
			          r->f[10]);
			cr_assert_str_neq(r->f[10], r->f[0]);
			partner_n++;
		}
		cr_assert(!strcmp(r->f[11], "oui") || !strcmp(r->f[11], "non"));
		free_n += !strcmp(r->f[11], "oui");
	}
	for (k = 0; k < 3; k++)
		cr_assert_eq(per_year[k], 1200);
	for (k = 0; k < 9; k++)
		cr_assert(seen_cat[k] > 0, "no %s", cats[k]);
	/* About 70% free, 15% co-organised, 30% newcomers the first year,
	 * fewer later. */
	cr_assert(free_n > 3600 * 0.6 && free_n < 3600 * 0.8, "%zu free",
	          free_n);
	cr_assert(partner_n > 3600 * 0.08 && partner_n < 3600 * 0.25,
	          "%zu co-organised", partner_n);
	cr_assert(news[0] * 100 > people[0] * 25 &&
	          news[0] * 100 < people[0] * 35, "%zu new of %zu", news[0],
	          people[0]);
	cr_assert(news[2] * people[0] < news[0] * people[2] * 0.9,
	          "the share of newcomers decreases");
	csv_free(&a);
	csv_free(&p);
}

/* One row per place and year; surface fixed; amounts in range and
 * growing. */
Test(sample, facts_rows_are_places_by_years)
{
	char path[256];
	struct csv p, f;
	double budget[3] = { 0 };
	size_t i;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	csv_read(&p, in(path, sizeof(path), out, "places.csv"));
	csv_read(&f, in(path, sizeof(path), out, "facts.csv"));
	header_is(&f, "place,period,emplois_etp,budget_eur,"
	              "chiffre_affaires_eur,surface_m2,adherents");
	cr_assert_eq(f.n - 1, 10 * 3);
	for (i = 1; i < f.n; i++) {
		const struct rec *r = &f.recs[i];
		size_t k = i - 1;

		cr_assert_eq(r->n, 7);
		/* Grouped by place, in the register's order, then year. */
		cr_assert_str_eq(r->f[0], p.recs[k / 3 + 1].f[0]);
		cr_assert(int_in(r->f[1], 2023 + (long)(k % 3),
		                 2023 + (long)(k % 3)));
		cr_assert(num_in(r->f[2], 0.5, 4), "jobs %s", r->f[2]);
		cr_assert(strchr(r->f[2], '.') && strlen(strchr(r->f[2], '.'))
		          == 2, "one decimal: %s", r->f[2]);
		cr_assert(int_in(r->f[3], 20000, 300000), "budget %s", r->f[3]);
		cr_assert(int_in(r->f[4], 0, atol(r->f[3])), "turnover %s",
		          r->f[4]);
		cr_assert(int_in(r->f[5], 10, 10000), "surface %s", r->f[5]);
		if (k % 3)
			cr_assert_str_eq(r->f[5], f.recs[i - 1].f[5],
			                 "surface fixed");
		cr_assert(int_in(r->f[6], 0, 100000), "members %s", r->f[6]);
		budget[k % 3] += atof(r->f[3]);
	}
	cr_assert(budget[2] > budget[1] && budget[1] > budget[0],
	          "%.0f %.0f %.0f", budget[0], budget[1], budget[2]);
	csv_free(&f);
	csv_free(&p);
}

Test(sample, same_seed_same_bytes_other_seed_other_answers)
{
	static const char *const names[] = {
		"territories.csv", "places.csv", "answers-2030.csv",
		"answers-2031.csv", "activities.csv", "facts.csv",
	};
	impact_sample_opts o = IMPACT_SAMPLE_OPTS_INIT;
	char d1[160], d2[160], d3[160], a[256], b[256];
	size_t i;

	o.seed = 7;
	o.first_year = 2030;
	o.waves = 2;
	o.respondents_per_wave = 200;
	o.activities_per_year = 300;
	snprintf(d1, sizeof(d1), "%s/one", tmp);
	snprintf(d2, sizeof(d2), "%s/two", tmp);
	snprintf(d3, sizeof(d3), "%s/three", tmp);
	cr_assert_eq(impact_sample_write(h, d1, &o), IMPACT_OK);
	cr_assert_eq(impact_sample_write(h, d2, &o), IMPACT_OK);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		cr_assert(same_bytes(in(a, sizeof(a), d1, names[i]),
		                     in(b, sizeof(b), d2, names[i])),
		          "%s differs", names[i]);
	/* Writing again over existing files gives the same bytes too. */
	cr_assert_eq(impact_sample_write(h, d2, &o), IMPACT_OK);
	cr_assert(same_bytes(in(a, sizeof(a), d1, "answers-2031.csv"),
	                     in(b, sizeof(b), d2, "answers-2031.csv")));
	o.seed = 8;
	cr_assert_eq(impact_sample_write(h, d3, &o), IMPACT_OK);
	cr_assert_not(same_bytes(in(a, sizeof(a), d1, "answers-2030.csv"),
	                         in(b, sizeof(b), d3, "answers-2030.csv")));
	cr_assert_not(same_bytes(in(a, sizeof(a), d1, "activities.csv"),
	                         in(b, sizeof(b), d3, "activities.csv")));
	cr_assert_not(same_bytes(in(a, sizeof(a), d1, "facts.csv"),
	                         in(b, sizeof(b), d3, "facts.csv")));
	cr_assert(same_bytes(in(a, sizeof(a), d1, "places.csv"),
	                     in(b, sizeof(b), d3, "places.csv")));
}

/* The yearly trend of the local and community items shows on their
 * values: moins_isole's choice values (1-4) and the 0-10 ratings. */
Test(sample, local_and_community_answers_rise_over_waves)
{
	static const struct {
		const char *id;   /* question */
		double rise;      /* smallest rise from 2023 to 2025 */
	} items[] = {
		{ "moins_isole", 0.15 }, { "entoure", 0.1 },
		{ "entraide", 0.3 }, { "attachement_territoire", 0.3 },
		{ "attachement_lieu", 0.3 },
	};
	char first[256], last[256];
	size_t i;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	in(first, sizeof(first), out, "answers-2023.csv");
	in(last, sizeof(last), out, "answers-2025.csv");
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		double m0 = column_mean(first, items[i].id, NULL);
		double m1 = column_mean(last, items[i].id, NULL);

		cr_assert(m1 > m0 + items[i].rise, "%s: %.2f -> %.2f",
		          items[i].id, m0, m1);
	}
}

Test(sample, places_differ_on_social_questions)
{
	char path[256];
	double kitchen, station;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	in(path, sizeof(path), out, "answers-2023.csv");
	/* The shared kitchen is a meeting place, the station coworking
	 * hosts commuters. */
	kitchen = column_mean(path, "entraide", "CUISINE-POSS");
	station = column_mean(path, "entraide", "COWORK-GARE");
	cr_assert(kitchen > station + 0.5, "%.2f vs %.2f", kitchen, station);
	kitchen = column_mean(path, "moins_isole", "CUISINE-POSS");
	station = column_mean(path, "moins_isole", "COWORK-GARE");
	cr_assert(kitchen > station + 0.3, "%.2f vs %.2f", kitchen, station);
}

Test(sample, one_small_wave_in_the_last_year)
{
	impact_sample_opts o = IMPACT_SAMPLE_OPTS_INIT;
	char path[256];
	struct csv a;

	o.first_year = 2100;
	o.waves = 1;
	o.respondents_per_wave = 7;
	o.activities_per_year = 3;
	cr_assert_eq(impact_sample_write(h, out, &o), IMPACT_OK, "%s",
	             impact_errmsg(h));
	csv_read(&a, in(path, sizeof(path), out, "answers-2100.csv"));
	cr_assert_eq(a.n - 1, 7);
	cr_assert_str_eq(a.recs[7].f[0], "R2100-0007");
	csv_free(&a);
	csv_read(&a, in(path, sizeof(path), out, "activities.csv"));
	cr_assert_eq(a.n - 1, 3);
	csv_free(&a);
	csv_read(&a, in(path, sizeof(path), out, "facts.csv"));
	cr_assert_eq(a.n - 1, 10);
	cr_assert_str_eq(a.recs[1].f[1], "2100");
	csv_free(&a);
}

/* Progress callback: counts calls and checks done <= total. */
static void count_progress(void *payload, const char *stage, size_t done,
                           size_t total)
{
	size_t *calls = payload;

	cr_assert_str_eq(stage, "sample");
	cr_assert_eq(done, ++*calls);
	cr_assert_eq(total, 5 + 3);
}

Test(sample, reports_progress_per_file)
{
	size_t calls = 0;

	impact_set_progress(h, count_progress, &calls);
	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	cr_assert_eq(calls, 8);
}

Test(sample, bad_options_are_usage_errors)
{
	static const char *const option[] = {
		"waves", "waves", "first_year", "first_year",
		"respondents_per_wave", "respondents_per_wave",
		"activities_per_year",
	};
	impact_sample_opts o;
	struct stat st;
	size_t i;

	for (i = 0; i < sizeof(option) / sizeof(option[0]); i++) {
		o = (impact_sample_opts)IMPACT_SAMPLE_OPTS_INIT;
		switch (i) {
		case 0: o.waves = 0; break;
		case 1: o.waves = 21; break;
		case 2: o.first_year = 1989; break;
		case 3: o.first_year = 2101; break;
		case 4: o.respondents_per_wave = 0; break;
		case 5: o.respondents_per_wave = 10000001; break;
		default: o.activities_per_year = 0; break;
		}
		cr_assert_eq(impact_sample_write(h, out, &o), IMPACT_EUSAGE);
		cr_assert_eq(impact_errcode(h), IMPACT_EUSAGE);
		cr_assert_not_null(strstr(impact_errmsg(h), option[i]), "%s",
		                   impact_errmsg(h));
		cr_assert_null(strchr(impact_errmsg(h), '\n'));
	}
	cr_assert_neq(stat(out, &st), 0, "nothing created on a usage error");
}

Test(sample, unwritable_dir_is_an_io_error)
{
	cr_assert_eq(impact_sample_write(h, "/proc/impact-x", NULL),
	             IMPACT_EIO);
	cr_assert_eq(impact_errcode(h), IMPACT_EIO);
	cr_assert(strlen(impact_errmsg(h)) > 0);
	cr_assert_not_null(strstr(impact_errmsg(h), "'/proc/impact-x'"));
}

Test(sample, failed_rename_is_an_io_error_naming_the_file)
{
	char path[256];
	struct stat st;

	/* A directory in the way of places.csv makes the rename fail. */
	cr_assert_eq(mkdir(out, 0755), 0);
	cr_assert_eq(mkdir(in(path, sizeof(path), out, "places.csv"), 0755),
	             0);
	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_EIO);
	cr_assert_not_null(strstr(impact_errmsg(h), "cannot write '"),
	                   "%s", impact_errmsg(h));
	cr_assert_not_null(strstr(impact_errmsg(h), "places.csv': "));
	cr_assert_neq(stat(in(path, sizeof(path), out, "places.csv.tmp"),
	                   &st), 0, "temporary file removed");
	cr_assert_eq(stat(in(path, sizeof(path), out, "territories.csv"),
	                  &st), 0);
}

Test(sample, a_file_in_place_of_the_dir_is_an_io_error)
{
	FILE *f = fopen(out, "w");

	cr_assert_not_null(f);
	fclose(f);
	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_EIO);
	cr_assert_not_null(strstr(impact_errmsg(h), "Not a directory"), "%s",
	                   impact_errmsg(h));
}

/* The network's population margins: both variables add up to the same
 * 38,400 inhabitants, with the questionnaire's own codes as levels. */
Test(sample, margins_add_up)
{
	char path[512];
	FILE *f;
	char line[256];
	long sex = 0, age = 0;
	int rows = 0;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	snprintf(path, sizeof(path), "%s/margins.csv", out);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(line, sizeof(line), f));
	cr_expect_str_eq(line, "territory,variable,level,total\n");
	while (fgets(line, sizeof(line), f)) {
		char terr[32], var[32], level[32];
		long total;

		cr_assert_eq(sscanf(line, "%31[^,],%31[^,],%31[^,],%ld", terr, var,
		                    level, &total), 4, "%s", line);
		cr_expect_str_eq(terr, "VDL");
		if (strcmp(var, "sex") == 0)
			sex += total;
		else if (strcmp(var, "age_band") == 0)
			age += total;
		else
			cr_expect(0, "unexpected variable %s", var);
		rows++;
	}
	fclose(f);
	cr_expect_eq(rows, 8);
	cr_expect_eq(sex, 38400);
	cr_expect_eq(age, 38400);
}
