/*
 * tests/fuzz/fuzz_csv_answers.c: the CSV reader (encodings, delimiters,
 * quoting, header rows) and the observation importers behind it.  The
 * input is written to a file and imported, into a fresh database holding
 * the fixture territory, places and questionnaire "fixture"
 * (tests/fixtures/answers), as survey answers, as an activity log and as
 * places' facts: first with everything detected, then, on another fresh
 * database, with one variant of forced options (fuzz.h).
 */
#include <stdlib.h>

#include "fuzz.h"

const char fuzz_target_name[] = "csv_answers";

/* Import `path` three ways into a fresh database with `opts`. */
static void import_all(const char *path, const impact_import_opts *opts)
{
	impact_import_summary sum;
	impact *h = fuzz_db_fresh(FUZZ_DB_FIXTURE);

	fuzz_note(h, "answers", impact_import_answers(h, path, "fixture", opts,
	                                              &sum));
	fuzz_note(h, "activities", impact_import_activities(h, path, opts,
	                                                    &sum));
	fuzz_note(h, "facts", impact_import_facts(h, path, opts, &sum));
	fuzz_walk_rejects(h);
	impact_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	impact_import_opts buf;
	const char *path;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	path = fuzz_write("input.csv", data, size);
	import_all(path, NULL);
	import_all(path, fuzz_opts(&buf, fuzz_opts_variant(data, size)));
	return 0;
}
