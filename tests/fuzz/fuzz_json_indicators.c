/*
 * tests/fuzz/fuzz_json_indicators.c: the indicator library loader
 * (docs/indicators.md: kinds, sources, conditions, questions checked
 * against the stored questionnaires).  The input is added to a fresh
 * database holding the default questionnaire, so that the library's
 * references to its questions can succeed; when accepted, the stored
 * indicators are listed back.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

const char fuzz_target_name[] = "json_indicators";

/* impact_indicators_each() callback: touch every string. */
static int indicator_cb(void *payload, const impact_indicator_info *i)
{
	size_t *total = payload;

	*total += strlen(i->library) + strlen(i->code) + strlen(i->label_fr)
	          + strlen(i->label_en) + strlen(i->domain)
	          + strlen(i->source) + strlen(i->kind)
	          + (i->unit_fr ? strlen(i->unit_fr) : 0)
	          + (i->unit_en ? strlen(i->unit_en) : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	impact *h;
	char *code = NULL;
	size_t count = 0, total = 0;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	path = fuzz_write("input.json", data, size);
	h = fuzz_db_fresh(FUZZ_DB_DEFAULT);
	if (fuzz_note(h, "indicators", impact_indicators_add(h, path, &code,
	                                                     &count))
	    == IMPACT_OK)
		(void)impact_indicators_each(h, indicator_cb, &total);
	free(code);
	impact_free(h);
	return 0;
}
