/*
 * tests/fuzz/fuzz_csv_margins.c: the population margins importer
 * (variables, levels matched to a questionnaire's choices, totals as
 * spreadsheets write them).  The input is imported into a fresh database
 * holding territory T and questionnaire "fixture", whose question "age"
 * has role age_band and choices: first with everything detected, then,
 * on another fresh database, with one variant of forced options (fuzz.h).
 */
#include "fuzz.h"

const char fuzz_target_name[] = "csv_margins";

/* Import `path` as margins into a fresh database. */
static void import_margins(const char *path, const impact_import_opts *opts)
{
	impact_import_summary sum;
	impact *h = fuzz_db_fresh(FUZZ_DB_FIXTURE);

	fuzz_note(h, "margins", impact_import_margins(h, path, opts, &sum));
	impact_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	impact_import_opts buf;
	const char *path;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	path = fuzz_write("input.csv", data, size);
	import_margins(path, NULL);
	import_margins(path, fuzz_opts(&buf, fuzz_opts_variant(data, size)));
	return 0;
}
