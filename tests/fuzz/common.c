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
		"survey.json", "default.json", NULL
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

const char *fuzz_write(const char *name, const void *data, size_t size)
{
	static char path[600];
	FILE *fp;

	fuzz_path(path, sizeof(path), name);
	fp = fopen(path, "wb");
	if (!fp)
		die(path, strerror(errno));
	if ((size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		die(path, "cannot write");
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

impact *fuzz_db_fresh(int what)
{
	impact *h = NULL;
	char *code = NULL;

	if (impact_new(&h) != IMPACT_OK)
		die("impact_new", "out of memory");
	check(h, impact_db_init(h, ":memory:", NULL, NULL), "impact_db_init");
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
	return h;
}
