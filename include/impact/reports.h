/*
 * impact/reports.h: PDF dashboards drawn with Cairo, text laid out with
 * Pango.  Reports read only the `results` table (and the names of places
 * and territories): every number printed is one `impact show` gives.
 * Results standing on fewer than IMPACT_MIN_PUBLISHED_N respondents are
 * never printed.
 */
#ifndef IMPACT_REPORTS_H
#define IMPACT_REPORTS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	int period;             /* year reported; 0 = the latest in the data */
	const char *place;      /* place code, or NULL */
	const char *territory;  /* territory code, or NULL (exactly one set) */
	const char *lang;       /* "fr" (default when NULL) or "en" */
	const char *output;     /* path of the PDF to write */
} impact_report_opts;

#define IMPACT_REPORT_OPTS_INIT { 0, NULL, NULL, NULL, NULL }

/* Write the A4 PDF dashboard of one place or one territory.  The file is
 * written to a temporary name beside `output` and renamed on success, so a
 * failure never leaves a damaged file. */
int impact_report_write(impact *h, const impact_report_opts *opts);

/* Write one dashboard per place and one per territory into directory `dir`
 * (created if missing), named place-CODE.pdf and territory-CODE.pdf.
 * Progress goes to the handle's progress callback.  *out_written (may be
 * NULL) receives the number of files written. */
int impact_report_write_all(impact *h, int period, const char *lang,
                            const char *dir, size_t *out_written);

/* Size a buffer given to impact_format_number() must have. */
#define IMPACT_NUMBER_MAX 64

/*
 * Write `value` into `out` (`size` >= IMPACT_NUMBER_MAX) as impact's
 * tables and reports print it, so a figure reads the same everywhere:
 * rounded to `decimals` places (0 to 6, asserted) half away from zero
 * (67.25 gives 67.3), no minus sign on a value that rounds to zero, an em
 * dash for NaN.  `lang` "fr" writes "1 234,5" (U+202F between thousands),
 * "en" "1,234.5", NULL (or any other code) a plain "1234.5" for tables.
 * Returns `out`.
 */
char *impact_format_number(char *out, size_t size, double value,
                           int decimals, const char *lang);

#ifdef __cplusplus
}
#endif
#endif
