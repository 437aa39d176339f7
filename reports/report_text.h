/*
 * reports/report_text.h: the languages of the dashboards and the one
 * function that turns a number into text, so that a report and `impact
 * show` print the same figure the same way (internal to libimpact, never
 * installed).
 */
#ifndef IMPACT_REPORTS_REPORT_TEXT_H
#define IMPACT_REPORTS_REPORT_TEXT_H

#include <stddef.h>

/* Languages of the dashboards. */
typedef enum {
	IMPACT__LANG_FR = 0, /* French, the default */
	IMPACT__LANG_EN = 1  /* English */
} impact__lang;

/* Size a buffer for impact__report_number() must have. */
#define IMPACT__NUMBER_MAX 64

/*
 * Parse a language code: NULL and "fr" give French, "en" English; *out is
 * set and 0 returned, or -1 for any other code (*out untouched).
 */
int impact__report_lang(impact__lang *out, const char *code);

/*
 * Write `value` into `out` (`size` >= IMPACT__NUMBER_MAX) rounded to
 * `decimals` places (0 to 6), half away from zero as SQLite's round() does
 * (so 67.25 gives 67.3, 0.05 gives 0.1), with the conventions of `lang`:
 * French "1 234,5" with U+202F NARROW NO-BREAK SPACE between thousands,
 * English "1,234.5".  A value that rounds to zero has no minus sign; a NaN
 * or infinite value gives an em dash.  Returns `out`.
 */
char *impact__report_number(char *out, size_t size, double value,
                            int decimals, impact__lang lang);

#endif
