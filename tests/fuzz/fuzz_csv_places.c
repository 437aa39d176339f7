/*
 * tests/fuzz/fuzz_csv_places.c: the reference-data importers of
 * territories and places (all or nothing, territory trees, cycles,
 * coordinates).  The input is imported as a territories file and then as
 * a places register into a fresh database that already holds territory T
 * and places FAB and REPAIR (so that updates are exercised too): first
 * with everything detected, then, on another fresh database, with one
 * variant of forced options (fuzz.h).
 */
#include "fuzz.h"

const char fuzz_target_name[] = "csv_places";

/* Import `path` as territories and places into a fresh database. */
static void import_all(const char *path, const impact_import_opts *opts)
{
	impact_import_summary sum;
	impact *h = fuzz_db_fresh(FUZZ_DB_PLACES);

	fuzz_note(h, "territories", impact_import_territories(h, path, opts,
	                                                      &sum));
	fuzz_note(h, "places", impact_import_places(h, path, opts, &sum));
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
