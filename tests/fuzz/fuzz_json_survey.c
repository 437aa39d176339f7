/*
 * tests/fuzz/fuzz_json_survey.c: the questionnaire loader (jansson, the
 * JSON position index of surveys/jsonpos.c, every check of
 * docs/formats.md "Questionnaire").  The input is added to a fresh empty
 * database; when accepted it is added again (the byte-identical no-op)
 * and its paper template is written, plain and French Excel, which reads
 * back everything the loader stored.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

const char fuzz_target_name[] = "json_survey";

/* Write the template of `code` to the temporary folder. */
static void write_template(impact *h, const char *code, int excel)
{
	impact_template_opts opts = IMPACT_TEMPLATE_OPTS_INIT;
	char path[600];
	FILE *fp;

	opts.excel = excel;
	opts.lang = excel ? "fr" : "en";
	fuzz_path(path, sizeof(path), "template.csv");
	if (!(fp = fopen(path, "wb")))
		return;
	fuzz_note(h, excel ? "template excel" : "template",
	          impact_survey_template(h, code, &opts, fp));
	fclose(fp);
	remove(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	impact *h;
	char *code = NULL, *again = NULL;
	int existed = 0;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	path = fuzz_write("input.json", data, size);
	h = fuzz_db_fresh(FUZZ_DB_EMPTY);
	if (fuzz_note(h, "survey", impact_survey_add(h, path, &code, &existed))
	    == IMPACT_OK && code) {
		fuzz_note(h, "survey again",
		          impact_survey_add(h, path, &again, &existed));
		write_template(h, code, 0);
		write_template(h, code, 1);
	}
	free(code);
	free(again);
	impact_free(h);
	return 0;
}
