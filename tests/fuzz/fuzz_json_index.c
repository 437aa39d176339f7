/*
 * tests/fuzz/fuzz_json_index.c: the index definition loader
 * (docs/index.md: domains, indicators, cutoffs, weights, questions
 * checked against the stored questionnaires).  The input is added to a
 * fresh database holding the default questionnaire, whose questions the
 * bundled index (indicators/library/index-default.json) rests on.
 */
#include <stdlib.h>

#include "fuzz.h"

const char fuzz_target_name[] = "json_index";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	impact *h;
	char *code = NULL;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	path = fuzz_write("input.json", data, size);
	h = fuzz_db_fresh(FUZZ_DB_DEFAULT);
	fuzz_note(h, "index", impact_index_add(h, path, &code));
	free(code);
	impact_free(h);
	return 0;
}
