/*
 * tests/unit/test_sample.c: the sample generator (engine/sample.c).
 *
 * Each test writes the sample into a fresh directory under /tmp and reads
 * it back with a small RFC 4180 reader of its own (not the importers), so
 * the files are checked against docs/formats.md independently of the rest
 * of the library.  Statistical checks (trend, place differences) are
 * properties of the generator that `make demo` relies on.
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

#define NQUESTIONS 11

static const char *const question_ids[NQUESTIONS] = {
	"sat_vie", "sante", "temps", "apprendre", "culture", "decisions",
	"lien_social", "environnement", "niveau_vie", "attachement",
	"moins_isole",
};

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

Test(sample, writes_every_file_with_defaults)
{
	static const char *const names[] = {
		"territories.csv", "places.csv", "survey.json",
		"answers-2023.csv", "answers-2024.csv", "answers-2025.csv",
		"activities.csv",
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
	cr_assert_eq(count, 7, "no other file (no .tmp left behind)");
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

Test(sample, survey_json_has_eleven_scales)
{
	char path[256];
	json_error_t err;
	json_t *s, *qs;
	size_t i;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	s = json_load_file(in(path, sizeof(path), out, "survey.json"), 0,
	                   &err);
	cr_assert_not_null(s, "%d:%d: %s", err.line, err.column, err.text);
	cr_assert_str_eq(json_string_value(json_object_get(s, "id")),
	                 "vdl-bien-etre");
	cr_assert_str_eq(json_string_value(json_object_get(
		json_object_get(s, "title"), "fr")),
		"Bien-être et tiers-lieux — Val de Lière");
	qs = json_object_get(s, "questions");
	cr_assert_eq(json_array_size(qs), NQUESTIONS);
	for (i = 0; i < NQUESTIONS; i++) {
		json_t *q = json_array_get(qs, i);
		json_t *label = json_object_get(q, "label");
		const char *fr, *en;

		fr = json_string_value(json_object_get(label, "fr"));
		en = json_string_value(json_object_get(label, "en"));
		cr_assert_str_eq(json_string_value(json_object_get(q, "id")),
		                 question_ids[i]);
		cr_assert_str_eq(json_string_value(json_object_get(q, "type")),
		                 "scale");
		cr_assert_eq(json_integer_value(json_object_get(q, "min")), 0);
		cr_assert_eq(json_integer_value(json_object_get(q, "max")), 10);
		cr_assert(fr && strlen(fr) > 10);
		cr_assert(en && strlen(en) > 10);
		cr_assert_not_null(json_string_value(
			json_object_get(q, "domain")));
	}
	json_decref(s);
}

Test(sample, answers_are_complete_and_in_range)
{
	char path[256], name[64], header[512];
	struct csv p, a;
	int year;
	size_t i, q;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	csv_read(&p, in(path, sizeof(path), out, "places.csv"));
	strcpy(header, "respondent,place,period");
	for (q = 0; q < NQUESTIONS; q++) {
		strcat(header, ",");
		strcat(header, question_ids[q]);
	}
	for (year = 2023; year <= 2025; year++) {
		size_t per_place[10] = { 0 };
		size_t missing = 0;
		char id[48];

		snprintf(name, sizeof(name), "answers-%d.csv", year);
		csv_read(&a, in(path, sizeof(path), out, name));
		header_is(&a, header);
		cr_assert_eq(a.n - 1, 360, "%s: %zu rows", name, a.n - 1);
		for (i = 1; i < a.n; i++) {
			const struct rec *r = &a.recs[i];
			int pi;

			cr_assert_eq(r->n, 3 + NQUESTIONS, "%s:%zu", name,
			             i + 1);
			snprintf(id, sizeof(id), "R%d-%04zu", year, i);
			cr_assert_str_eq(r->f[0], id, "unique respondent ids");
			pi = place_index(&p, r->f[1]);
			cr_assert(pi >= 0, "unknown place %s", r->f[1]);
			per_place[pi]++;
			cr_assert(int_in(r->f[2], year, year));
			for (q = 0; q < NQUESTIONS; q++) {
				const char *v = r->f[3 + q];

				if (!*v)
					missing++;
				else
					cr_assert(int_in(v, 0, 10),
					          "%s:%zu: '%s'", name,
					          i + 1, v);
			}
		}
		for (i = 0; i < 10; i++)
			cr_assert(per_place[i] >= 15, "%s: %s has %zu", name,
			          p.recs[i + 1].f[0], per_place[i]);
		/* About 3% missing out of 3960 answers. */
		cr_assert(missing > 40 && missing < 240, "%zu missing",
		          missing);
		csv_free(&a);
	}
	csv_free(&p);
}

Test(sample, activities_have_valid_sorted_dates)
{
	static const char *const cats[] = {
		"atelier", "evenement", "coworking", "formation", "repair",
		"cuisine", "reunion",
	};
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	                             30, 31 };
	char path[256];
	struct csv p, a;
	size_t per_year[3] = { 0 };
	size_t i, k;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	csv_read(&p, in(path, sizeof(path), out, "places.csv"));
	csv_read(&a, in(path, sizeof(path), out, "activities.csv"));
	header_is(&a, "place,date,category,title,participants,hours,"
	              "volunteers");
	cr_assert_eq(a.n - 1, 1200 * 3);
	for (i = 1; i < a.n; i++) {
		const struct rec *r = &a.recs[i];
		int y, m, d, n = 0, known = 0;
		double hours;
		char *e;

		cr_assert_eq(r->n, 7, "line %zu", i + 1);
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
			known |= !strcmp(cats[k], r->f[2]);
		cr_assert(known, "category %s", r->f[2]);
		cr_assert(strlen(r->f[3]) > 0);
		cr_assert(int_in(r->f[4], 0, 100000));
		hours = strtod(r->f[5], &e);
		cr_assert(!*e && hours >= 1 && hours <= 8 &&
		          hours * 2 == (int)(hours * 2), "hours %s", r->f[5]);
		cr_assert(int_in(r->f[6], 0, 6));
	}
	for (k = 0; k < 3; k++)
		cr_assert_eq(per_year[k], 1200);
	csv_free(&a);
	csv_free(&p);
}

Test(sample, same_seed_same_bytes_other_seed_other_answers)
{
	static const char *const names[] = {
		"territories.csv", "places.csv", "survey.json",
		"answers-2030.csv", "answers-2031.csv", "activities.csv",
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
	cr_assert(same_bytes(in(a, sizeof(a), d1, "places.csv"),
	                     in(b, sizeof(b), d3, "places.csv")));
}

Test(sample, local_and_community_answers_rise_over_waves)
{
	char first[256], last[256];
	size_t q;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	in(first, sizeof(first), out, "answers-2023.csv");
	in(last, sizeof(last), out, "answers-2025.csv");
	/* Columns: respondent, place, period, then questions[]. */
	for (q = 0; q < NQUESTIONS; q++) {
		double m0, m1;

		if (strcmp(question_ids[q], "moins_isole") &&
		    strcmp(question_ids[q], "attachement") &&
		    strcmp(question_ids[q], "lien_social"))
			continue;
		m0 = answer_mean(first, 3 + q, NULL);
		m1 = answer_mean(last, 3 + q, NULL);
		cr_assert(m1 > m0 + 0.2, "%s: %.2f -> %.2f", question_ids[q],
		          m0, m1);
	}
}

Test(sample, places_differ_on_social_questions)
{
	char path[256];
	double kitchen, station;

	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	in(path, sizeof(path), out, "answers-2023.csv");
	/* lien_social is column 3 + 6: the shared kitchen is a meeting
	 * place, the station coworking hosts commuters. */
	kitchen = answer_mean(path, 9, "CUISINE-POSS");
	station = answer_mean(path, 9, "COWORK-GARE");
	cr_assert(kitchen > station + 0.5, "%.2f vs %.2f", kitchen, station);
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
}

/* Progress callback: counts calls and checks done <= total. */
static void count_progress(void *payload, const char *stage, size_t done,
                           size_t total)
{
	size_t *calls = payload;

	cr_assert_str_eq(stage, "sample");
	cr_assert_eq(done, ++*calls);
	cr_assert_eq(total, 4 + 3);
}

Test(sample, reports_progress_per_file)
{
	size_t calls = 0;

	impact_set_progress(h, count_progress, &calls);
	cr_assert_eq(impact_sample_write(h, out, NULL), IMPACT_OK);
	cr_assert_eq(calls, 7);
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
