/*
 * reports/report_text.c: the languages of the dashboards and the
 * formatting of their numbers.
 *
 * Numbers are turned into text by impact__report_number() only (and its
 * public face impact_format_number()): rounding half away from zero to a
 * fixed number of decimals, French decimal comma and narrow no-break space
 * between thousands, or English point and comma.  The words themselves
 * sit beside the code that lays them out (reports/report.c, French and
 * English side by side in each TR()).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "impact/common.h"
#include "impact/reports.h"
#include "report_text.h"

/* Two steps so that the macro's value, not its name, becomes a string. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define MIN_N STR(IMPACT_MIN_PUBLISHED_N)

#define NNBSP "\xe2\x80\xaf" /* U+202F NARROW NO-BREAK SPACE */
#define NBHY "\xe2\x80\x91"  /* U+2011 NON-BREAKING HYPHEN */
#define EMDASH "\xe2\x80\x94"
#define ENDASH "\xe2\x80\x93"


int impact__report_lang(impact__lang *out, const char *code)
{
	assert(out);
	if (!code || strcmp(code, "fr") == 0) {
		*out = IMPACT__LANG_FR;
		return 0;
	}
	if (strcmp(code, "en") == 0) {
		*out = IMPACT__LANG_EN;
		return 0;
	}
	return -1;
}

/* Swap the C locale's '.' for `mark` in a number printf wrote (the
 * fallback for huge values, never grouped). */
static void localise_point(char *s, char mark)
{
	char *dot = strchr(s, '.');

	if (dot)
		*dot = mark;
}

/* The one rounding and layout rule behind impact__report_number() and
 * impact_format_number(): `group` between thousands ("" for none), `mark`
 * before the decimals. */
static char *format_number(char *out, size_t size, double value,
                           int decimals, const char *group, char mark)
{
	static const double scale[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
	char digits[32];
	unsigned long long whole, frac, m, unit;
	double scaled;
	size_t len, i, pos = 0;

	assert(out && size >= IMPACT__NUMBER_MAX);
	assert(decimals >= 0 && decimals <= 6);
	if (!isfinite(value)) {
		snprintf(out, size, "%s", EMDASH);
		return out;
	}
	scaled = round(fabs(value) * scale[decimals]);
	if (scaled >= 1e15) {
		/* Beyond any count or mean a dashboard shows: no grouping. */
		snprintf(out, size, "%.*f", decimals, value);
		localise_point(out, mark);
		return out;
	}
	m = (unsigned long long)scaled;
	unit = (unsigned long long)scale[decimals];
	whole = m / unit;
	frac = m % unit;
	if (value < 0 && m != 0)
		out[pos++] = '-';
	snprintf(digits, sizeof(digits), "%llu", whole);
	len = strlen(digits);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			memcpy(out + pos, group, strlen(group));
			pos += strlen(group);
		}
		out[pos++] = digits[i];
	}
	if (decimals > 0) {
		out[pos++] = mark;
		snprintf(out + pos, size - pos, "%0*llu", decimals, frac);
	} else {
		out[pos] = '\0';
	}
	return out;
}

char *impact__report_number(char *out, size_t size, double value,
                            int decimals, impact__lang lang)
{
	if (lang == IMPACT__LANG_EN)
		return format_number(out, size, value, decimals, ",", '.');
	return format_number(out, size, value, decimals, NNBSP, ',');
}

char *impact_format_number(char *out, size_t size, double value,
                           int decimals, const char *lang)
{
	impact__lang l;

	if (!lang || impact__report_lang(&l, lang) != 0)
		return format_number(out, size, value, decimals, "", '.');
	return impact__report_number(out, size, value, decimals, l);
}
