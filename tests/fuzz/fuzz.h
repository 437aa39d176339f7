/*
 * tests/fuzz/fuzz.h: what every fuzz target of tests/fuzz/ shares.
 *
 * A target is one file fuzz_<name>.c defining LLVMFuzzerTestOneInput():
 * libFuzzer calls it in `make fuzz`, and the standalone driver (driver.c)
 * calls it once per corpus file in `make check`, as libgit2's tests/fuzz
 * and SQLite's fuzzcheck do.  The helpers of common.c give a target a
 * per-process temporary folder, a file holding the input, and a fresh
 * database prepared from fixtures.  Read common.c next.
 */
#ifndef IMPACT_TESTS_FUZZ_H
#define IMPACT_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "impact.h"

/* Inputs larger than this are skipped: the parsers' limits (16 MiB
 * records, 4096 fields) are reached well below, and small inputs keep
 * the fuzzer fast. */
#define FUZZ_MAX_INPUT (64u * 1024u)

/* The entry point libFuzzer and driver.c call: 0 always (a bug aborts). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The name of the target ("csv_answers"...), defined by each target, for
 * the driver's report line. */
extern const char fuzz_target_name[];

/* The process's temporary folder, created on first use with mkdtemp()
 * under $TMPDIR (else /tmp) and removed at exit.  Aborts when it cannot
 * be created: a fuzzer without a folder is useless. */
const char *fuzz_tmpdir(void);

/* Write data[0..size) to the file `name` of fuzz_tmpdir(), replacing it,
 * and return its path (a static buffer, overwritten by the next call). */
const char *fuzz_write(const char *name, const void *data, size_t size);

/* The path of the file `name` of fuzz_tmpdir() into out[0..size). */
void fuzz_path(char *out, size_t size, const char *name);

/* What the fresh database of fuzz_db_fresh() holds besides the schema. */
enum {
	FUZZ_DB_EMPTY = 0,       /* nothing */
	FUZZ_DB_PLACES = 1,      /* territory T, places FAB and REPAIR */
	FUZZ_DB_FIXTURE = 3,     /* ... and questionnaire "fixture" */
	FUZZ_DB_DEFAULT = 5      /* T, FAB, REPAIR and the default
	                            questionnaire "defaut" (for indicator
	                            libraries and indices) */
};

/*
 * A new handle on a new in-memory database holding the data `what`
 * (FUZZ_DB_*), imported with the public importers.  The caller frees it
 * with impact_free().  Aborts on failure: the fixtures are ours.
 */
impact *fuzz_db_fresh(int what);

/* Number of import option variants fuzz_opts() knows (variant 0 is NULL:
 * everything detected). */
#define FUZZ_OPTS_VARIANTS 6

/*
 * Import options of variant `variant` (0 .. FUZZ_OPTS_VARIANTS - 1) in
 * *buf: forced encodings, delimiters, header rows, dates, tool, place,
 * period, strict mode.  Returns buf, or NULL for variant 0.
 */
const impact_import_opts *fuzz_opts(impact_import_opts *buf, int variant);

/* The variant a target tries besides detection for input data[0..size):
 * 1 .. FUZZ_OPTS_VARIANTS - 1, from a checksum of the bytes, so that any
 * change to an input may try other options and a saved input replays
 * with the same ones. */
int fuzz_opts_variant(const uint8_t *data, size_t size);

/* When the environment sets FUZZ_VERBOSE, print on stderr what the call
 * `what` returned (rc and message), to see how far a seed goes; returns
 * rc. */
int fuzz_note(impact *h, const char *what, int rc);

/* Walk the rejects of every import of h, reading each string (so that a
 * bad pointer stored by an importer shows up under ASan). */
void fuzz_walk_rejects(impact *h);

#endif
