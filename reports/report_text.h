/*
 * reports/report_text.h: the words and numbers of the dashboards (internal
 * to libimpact, never installed).  The languages a report can be written
 * in, their fixed strings, and the one function that turns a number into
 * text, so that a report and `impact show` print the same figure the same
 * way.
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

/* The fixed strings of a dashboard in one language (all static). */
typedef struct {
	const char *dashboard;     /* title prefix, "Tableau de bord" */
	const char *period;        /* "Période" before the year */
	const char *produced;      /* "produit le" before the date */
	const char *place_one;     /* "lieu" after a count of one place */
	const char *places_count;  /* "lieux" after a count of places */
	const char *key_figures;   /* heading of a place's key figures */
	const char *key_pooled;    /* same, a territory's pooled figures */
	const char *respondents;   /* box label: respondents */
	const char *score;         /* box label: well-being score */
	const char *activities;    /* box label: activities */
	const char *participants;  /* box label: participants */
	const char *hours;         /* box label: participant-hours */
	const char *respondents_note;  /* small print under respondents */
	const char *activities_note;   /* ... under activities */
	const char *participants_note; /* ... under participants */
	const char *hours_note;        /* ... under participant-hours */
	const char *ci;            /* "IC 95 % :" before an interval */
	const char *out_of_100;    /* "/100" after the score */
	const char *suppressed;    /* "non publié (n < 5)" */
	const char *no_data;       /* a measure absent from the results */
	const char *questions_title;   /* heading of the question chart */
	const char *questions_sub;     /* its one-line explanation */
	const char *no_questions;  /* no question mean for the unit */
	const char *scale;         /* "échelle" before "0–10" */
	const char *scale_min;     /* left end of the question chart's axis */
	const char *scale_max;     /* right end */
	const char *legend_place;      /* legend: bars of a place */
	const char *legend_territory;  /* legend: bars of a territory */
	const char *legend_ci;     /* legend: the whiskers */
	const char *legend_parent; /* legend: before the parent's name */
	const char *places_title;  /* heading of the places chart */
	const char *places_sub;    /* its one-line explanation */
	const char *legend_places_bar;    /* legend: a place's bar */
	const char *legend_places_marker; /* legend: the territory's line */
	const char *method_title;  /* heading of the method note */
	const char *method_body;   /* the method note itself */
	const char *source;        /* footer: "Source : impact 0.1.0" */
	const char *page;          /* "Page" before "1/2" */
	const char *continued;     /* "(suite)" after the title on page 2+ */
} impact__report_text;

/* The strings of `lang` (static, never NULL). */
const impact__report_text *impact__report_text_get(impact__lang lang);

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
