/*
 * surveys/dates.h: the date and time formats survey tools write
 * (shared/reference/survey-exports.md, "Dates").  Internal to the library.
 */
#ifndef IMPACT_SURVEYS_DATES_H
#define IMPACT_SURVEYS_DATES_H

/* How to read a date whose day and month could be swapped (3/4/2024). */
enum {
	IMPACT__DATE_ORDER_UNKNOWN = 0, /* ambiguous forms are refused */
	IMPACT__DATE_ORDER_DMY = 1,     /* day first: French usage */
	IMPACT__DATE_ORDER_MDY = 2      /* month first: US usage */
};

typedef struct {
	int year, month, day;       /* calendar date, always valid */
	int hour, minute, second;   /* 0 when has_time is 0 */
	int has_time;               /* a time of day was given */
	int has_offset;             /* a UTC offset or Z was given */
	int offset_minutes;         /* that offset, e.g. +120 for +02:00 */
} impact__datetime;

/*
 * Parse `s` (surrounding spaces ignored).  Accepted:
 *  - ISO 8601: YYYY-MM-DD, with 'T' or ' ' then HH:MM or HH:MM:SS, 0 to 9
 *    fraction digits after '.' or ',', then nothing, 'Z', +HH, +HHMM or
 *    +HH:MM (or '-'): "2022-10-19 09:12:29.278000+02:00";
 *  - YYYY/MM/DD with an optional " H:MM:SS AM|PM" (or "am", "pm") and an
 *    optional " GMT+1" / " GMT+01:00" / " UTC": Google Forms downloads;
 *  - D/M/YYYY or M/D/YYYY (1 or 2 digits, '/' or '.' or '-' between),
 *    with an optional time "H:MM" or "H:MM:SS" (24 h, or with AM/PM)
 *    after a space or " - " (Framaforms "dd/mm/yyyy - HH:MM");
 *    two-digit years are refused;
 *  - "Apr 26, 2018 8:56:00 AM" and "26 avr. 2018": English month
 *    abbreviations and French month names (janvier... décembre, with or
 *    without accents, abbreviated "janv.", "févr.", "avr.", "juil.",
 *    "sept.", "oct.", "nov.", "déc.").
 * For D/M vs M/D: a first number above 12 means day first, a second above
 * 12 means month first; when both are 12 or less `order` decides, and
 * with IMPACT__DATE_ORDER_UNKNOWN the value is refused.  *ambiguous (may
 * be NULL) is set to 1 when both readings were possible, else 0.
 * Returns 0 on success; -1 for anything else (including 2024-02-30,
 * 25:00, month 13), *out then unspecified.
 */
int impact__date_parse(impact__datetime *out, const char *s, int order,
                       int *ambiguous);

/*
 * Evidence for the order of a column of slash dates: returns
 * IMPACT__DATE_ORDER_DMY when `s` can only be day-first (first number above
 * 12), IMPACT__DATE_ORDER_MDY when it can only be month-first, else
 * IMPACT__DATE_ORDER_UNKNOWN (ambiguous, not a slash date, or not a date).
 */
int impact__date_order_hint(const char *s);

/* Write d as "YYYY-MM-DD" (11 bytes with the NUL). */
void impact__date_iso(char out[11], const impact__datetime *d);

#endif
