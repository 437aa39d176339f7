/*
 * tests/fuzz/fuzz_json_profile.c: the funder profile loader
 * (reports/profile.c, docs/reports.md: id, title, subtitle, logo and
 * indicators, every value checked with positioned errors).  The logo
 * path, when the input names one, is resolved beside the input file; a
 * PNG of the seed corpus is never needed: a missing or broken logo is
 * one more error path.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "../../reports/profile.h"

const char fuzz_target_name[] = "json_profile";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	impact__profile p;
	const char *path;
	impact *h;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	path = fuzz_write("profile.json", data, size);
	if (impact_new(&h) != IMPACT_OK)
		return 0;
	fuzz_note(h, "profile", impact__profile_load(h, path, &p));
	impact__profile_release(&p);
	impact_free(h);
	return 0;
}
