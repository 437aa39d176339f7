/*
 * tests/fuzz/common.c: the fuzz targets' shared helpers (fuzz.h).
 *
 * Every target needs a file holding its input, because the importers and
 * loaders read paths, and a fresh database, so that one input cannot
 * change what the next one sees (a crash must replay from its input
 * alone).  One temporary folder per process holds the files under fixed
 * names, rewritten for every input; the database is in memory, created
 * for every input and filled by the public importers from the fixtures of
 * the source tree (FUZZ_SRCDIR, given by tests/fuzz/fuzz.mk).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

static char tmpdir[512];

/* Stop the process on a failure of our own set-up (not of the code under
 * test): the message names what failed. */
static void die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz: %s: %s\n", what, detail);
	abort();
}

/* atexit(): remove the files we wrote and the folder. */
static void remove_tmpdir(void)
{
	static const char *const names[] = {
		"input.csv", "input.json", "territories.csv", "places.csv",
		"survey.json", "default.json", "template.csv", "template.db",
		"template.db-wal", "template.db-shm", "work.db", "work.db-wal",
		"work.db-shm", NULL
	};
	char path[600];
	size_t i;

	if (!tmpdir[0])
		return;
	for (i = 0; names[i]; i++) {
		fuzz_path(path, sizeof(path), names[i]);
		remove(path);
	}
	remove(tmpdir);
}

const char *fuzz_tmpdir(void)
{
	const char *base;

	if (tmpdir[0])
		return tmpdir;
	base = getenv("TMPDIR");
	if (!base || !base[0] || strlen(base) > 400)
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/impact-fuzz.XXXXXX", base);
	if (!mkdtemp(tmpdir)) {
		int e = errno;

		tmpdir[0] = '\0';
		die("cannot create a temporary folder", strerror(e));
	}
	atexit(remove_tmpdir);
	return tmpdir;
}

void fuzz_path(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", fuzz_tmpdir(), name);
}

/* Write data[0..size) to `path`, replacing it. */
static void write_file(const char *path, const void *data, size_t size)
{
	FILE *fp = fopen(path, "wb");

	if (!fp)
		die(path, strerror(errno));
	if ((size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		die(path, "cannot write");
}

const char *fuzz_write(const char *name, const void *data, size_t size)
{
	static char path[600];

	fuzz_path(path, sizeof(path), name);
	write_file(path, data, size);
	return path;
}

/* Copy the fixture FUZZ_SRCDIR/rel into the temporary folder as `name`
 * once per process, and return its path there (static buffer). */
static const char *fixture(const char *rel, const char *name)
{
	static char path[600];
	char src[1024];
	FILE *in, *out;
	char buf[8192];
	size_t n;

	fuzz_path(path, sizeof(path), name);
	if ((in = fopen(path, "rb")) != NULL) {
		fclose(in);
		return path;
	}
	snprintf(src, sizeof(src), "%s/%s", FUZZ_SRCDIR, rel);
	if (!(in = fopen(src, "rb")))
		die(src, strerror(errno));
	if (!(out = fopen(path, "wb")))
		die(path, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			die(path, "cannot write");
	if (ferror(in) || fclose(out) != 0)
		die(path, "cannot copy");
	fclose(in);
	return path;
}

/* Abort unless rc is IMPACT_OK. */
static void check(impact *h, int rc, const char *what)
{
	if (rc != IMPACT_OK)
		die(what, impact_errmsg(h));
}

/* Build the database `what` at `path` with the public importers. */
static void build_template(const char *path, int what)
{
	impact *h = NULL;
	char *code = NULL;

	if (impact_new(&h) != IMPACT_OK)
		die("impact_new", "out of memory");
	check(h, impact_db_init(h, path, NULL, NULL), "impact_db_init");
	if (what & FUZZ_DB_PLACES) {
		const char *p;

		p = fixture("tests/fixtures/answers/territories.csv",
		            "territories.csv");
		check(h, impact_import_territories(h, p, NULL, NULL),
		      "territories fixture");
		p = fixture("tests/fixtures/answers/places.csv", "places.csv");
		check(h, impact_import_places(h, p, NULL, NULL),
		      "places fixture");
	}
	if ((what & FUZZ_DB_FIXTURE) == FUZZ_DB_FIXTURE) {
		check(h, impact_survey_add(h, fixture("tests/fixtures/answers/"
		                                      "survey.json",
		                                      "survey.json"),
		                           &code, NULL),
		      "survey fixture");
		free(code);
		code = NULL;
	}
	if ((what & FUZZ_DB_DEFAULT) == FUZZ_DB_DEFAULT) {
		check(h, impact_survey_add(h, fixture("surveys/questionnaires/"
		                                      "default.json",
		                                      "default.json"),
		                           &code, NULL),
		      "default questionnaire");
		free(code);
	}
	impact_free(h);   /* the last connection: the WAL is checkpointed */
}

/* Read the whole file `path` into *out (malloc'd), its size into *len. */
static void slurp(const char *path, unsigned char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL, *p;
	size_t n = 0, cap = 0, got;

	if (!fp)
		die(path, strerror(errno));
	do {
		if (cap - n < 65536) {
			cap = cap ? 2 * cap : 262144;
			if (!(p = realloc(buf, cap)))
				die(path, "out of memory");
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp))
		die(path, "cannot read");
	fclose(fp);
	*out = buf;
	*len = n;
}

/* The templates, built once per process: creating the schema and
 * importing the fixtures costs far more than copying the result. */
static struct {
	unsigned char *bytes;  /* the database file, or NULL if not built */
	size_t len;
} templates[8];

/* atexit(): free the templates. */
static void free_templates(void)
{
	size_t i;

	for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		free(templates[i].bytes);
		templates[i].bytes = NULL;
	}
}

impact *fuzz_db_fresh(int what)
{
	char path[600], side[640];
	impact *h = NULL;

	if (what < 0 || what >= (int)(sizeof(templates) / sizeof(templates[0])))
		die("fuzz_db_fresh", "unknown database");
	fuzz_path(path, sizeof(path), "work.db");
	if (!templates[what].bytes) {
		static int registered;
		char tpl[600];

		snprintf(tpl, sizeof(tpl), "%s/template.db", fuzz_tmpdir());
		remove(tpl);
		build_template(tpl, what);
		slurp(tpl, &templates[what].bytes, &templates[what].len);
		remove(tpl);
		if (!registered && atexit(free_templates) == 0)
			registered = 1;
	}
	/* A WAL or shared-memory file left by an earlier database would be
	 * read as part of this one. */
	snprintf(side, sizeof(side), "%s-wal", path);
	remove(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	remove(side);
	write_file(path, templates[what].bytes, templates[what].len);
	if (impact_new(&h) != IMPACT_OK)
		die("impact_new", "out of memory");
	check(h, impact_db_open(h, path), "impact_db_open");
	return h;
}

const impact_import_opts *fuzz_opts(impact_import_opts *buf, int variant)
{
	static const impact_import_opts init = IMPACT_IMPORT_OPTS_INIT;

	*buf = init;
	switch (variant) {
	case 1:
		buf->strict = 1;
		break;
	case 2:
		buf->encoding = IMPACT_ENCODING_UTF8;
		buf->delimiter = ',';
		buf->header_rows = 1;
		break;
	case 3:
		buf->encoding = IMPACT_ENCODING_UTF16LE;
		buf->delimiter = '\t';
		buf->header_rows = 3;
		buf->date_order = IMPACT_DATES_MDY;
		break;
	case 4:
		buf->encoding = IMPACT_ENCODING_CP1252;
		buf->delimiter = ';';
		buf->date_order = IMPACT_DATES_DMY;
		buf->strict = 1;
		break;
	case 5:
		buf->encoding = IMPACT_ENCODING_UTF16BE;
		buf->tool = "kobotoolbox";
		buf->place = "FAB";
		buf->period = 2024;
		buf->header_rows = 2;
		break;
	default:
		return NULL;
	}
	return buf;
}

int fuzz_opts_variant(const uint8_t *data, size_t size)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < size; i++)
		sum = sum * 31u + data[i];
	return 1 + (int)(sum % (FUZZ_OPTS_VARIANTS - 1));
}

/* impact_rejects_each() callback: touch every byte of every string. */
static int reject_cb(void *payload, const impact_reject_info *r)
{
	size_t *total = payload;

	*total += strlen(r->file_name) + strlen(r->field) + strlen(r->reason)
	          + (size_t)(r->line > 0) + (size_t)(r->column > 0);
	return 0;
}

void fuzz_walk_rejects(impact *h)
{
	size_t total = 0;

	(void)impact_rejects_each(h, 0, reject_cb, &total);
}

int fuzz_note(impact *h, const char *what, int rc)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "fuzz: %s: %d %s\n", what, rc,
		        rc ? impact_errmsg(h) : "ok");
	return rc;
}
