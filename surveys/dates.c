/*
 * surveys/dates.c: reading the dates and times survey tools write.
 *
 * A hand-written recursive-descent parser over a cursor (struct cursor):
 * no strptime, no locale, so "avr." and "Apr" read the same on every
 * machine.  The first token decides the form: four digits then '-' is ISO
 * 8601, four digits then '/' is Google Forms' year-first form, one or two
 * digits then '/', '.' or '-' is a day/month pair whose order is settled
 * at the end (resolve_order()), and a word is a month name.  Every result
 * is checked against the calendar.  Read surveys/dates.h for the
 * contract; month names are compared after surveys/text.c's folding.
 */
#include <assert.h>
#include <string.h>

#include "dates.h"
#include "text.h"

/* The unread part of the string being parsed. */
struct cursor {
	const char *p;          /* next byte */
	const char *end;        /* one past the last byte */
};

/* What the date part held, before validation. */
struct parts {
	int first, second;      /* D/M or M/D pair, or month and day */
	int year;
	int pair;               /* 1: first/second need resolve_order() */
	int ampm;               /* 0 none, 1 AM, 2 PM */
};

/* Month names, folded (surveys/text.h): English, then French with their
 * usual abbreviations, January first. */
static const char *const month_names[12] = {
	"jan january janv janvier",
	"feb february fev fevr fevrier",
	"mar march mars",
	"apr april avr avril",
	"may mai",
	"jun june juin",
	"jul july juil juillet",
	"aug august aou aout",
	"sep sept september septembre",
	"oct october octobre",
	"nov november novembre",
	"dec december decembre"
};

/* Is ch an ASCII digit?  (No <ctype.h> here: it follows the locale.) */
static int is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

/* Is ch an ASCII space, tab or line end? */
static int is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Is ch an ASCII letter? */
static int is_alpha(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/* The next byte, or -1 at the end. */
static int peek(const struct cursor *c)
{
	return c->p < c->end ? (unsigned char)*c->p : -1;
}

/* Consume `ch` if it is next; returns 1 if it was. */
static int accept(struct cursor *c, int ch)
{
	if (peek(c) != ch)
		return 0;
	c->p++;
	return 1;
}

/* Consume a run of spaces; returns how many. */
static int spaces(struct cursor *c)
{
	int n = 0;

	while (is_space(peek(c))) {
		c->p++;
		n++;
	}
	return n;
}

/* Read up to max (<= 9) digits into *val (and their count into *len, may
 * be NULL); fails (-1) when fewer than min are there.  Digits left over
 * make the caller fail on what follows, so "14/03/20245" is refused
 * while "+0200" reads as +02 then 00. */
static int number(struct cursor *c, int min, int max, int *val, int *len)
{
	int n = 0, v = 0;

	while (n < max && is_digit(peek(c))) {
		v = v * 10 + (*c->p - '0');
		n++;
		c->p++;
	}
	if (n < min)
		return -1;
	*val = v;
	if (len)
		*len = n;
	return 0;
}

/* Consume `word` ignoring ASCII case, if it is next and not followed by
 * another letter; returns 1 if it was. */
static int accept_word(struct cursor *c, const char *word)
{
	size_t n = strlen(word), i;

	if ((size_t)(c->end - c->p) < n)
		return 0;
	for (i = 0; i < n; i++) {
		int ch = (unsigned char)c->p[i];

		if (ch >= 'A' && ch <= 'Z')
			ch += 'a' - 'A';
		if (ch != word[i])
			return 0;
	}
	if (c->p + n < c->end && is_alpha((unsigned char)c->p[n]))
		return 0;
	c->p += n;
	return 1;
}

/* Read a month name (English or French, any case, accents optional, an
 * abbreviation may end in '.'); returns 1-12, or -1. */
static int month_name(struct cursor *c)
{
	char word[32], folded[32];
	const char *p;
	size_t n = 0, len;
	int m;

	while (c->p < c->end && (is_alpha(peek(c)) || peek(c) >= 0x80)) {
		if (n + 1 >= sizeof(word))
			return -1;
		word[n++] = *c->p++;
	}
	word[n] = '\0';
	accept(c, '.');
	impact__fold(folded, sizeof(folded), word);
	len = strlen(folded);
	if (len == 0)
		return -1;
	for (m = 0; m < 12; m++) {
		for (p = month_names[m]; (p = strstr(p, folded)); p += len) {
			if ((p == month_names[m] || p[-1] == ' ')
			    && (p[len] == ' ' || p[len] == '\0'))
				return m + 1;
		}
	}
	return -1;
}

/* Read a UTC offset after its sign position: [+-]H or HH, then optional
 * MM or :MM (two digits).  `iso` asks for exactly two hour digits. */
static int offset(struct cursor *c, impact__datetime *d, int iso)
{
	int sign, hh, mm = 0;

	if (accept(c, '+'))
		sign = 1;
	else if (accept(c, '-'))
		sign = -1;
	else
		return -1;
	if (number(c, iso ? 2 : 1, 2, &hh, NULL) < 0)
		return -1;
	if (accept(c, ':')) {
		if (number(c, 2, 2, &mm, NULL) < 0)
			return -1;
	} else if (is_digit(peek(c))) {
		if (number(c, 2, 2, &mm, NULL) < 0)
			return -1;
	}
	if (hh > 14 || mm > 59)
		return -1;
	d->has_offset = 1;
	d->offset_minutes = sign * (hh * 60 + mm);
	return 0;
}

/* ISO 8601 time after 'T' or ' ': HH:MM[:SS[.fraction]] then nothing,
 * Z, +HH, +HHMM or +HH:MM (or '-'). */
static int iso_time(struct cursor *c, impact__datetime *d)
{
	int frac;

	if (number(c, 2, 2, &d->hour, NULL) < 0 || !accept(c, ':')
	    || number(c, 2, 2, &d->minute, NULL) < 0)
		return -1;
	if (accept(c, ':')) {
		if (number(c, 2, 2, &d->second, NULL) < 0)
			return -1;
		if ((accept(c, '.') || accept(c, ','))
		    && number(c, 1, 9, &frac, NULL) < 0)
			return -1;
	}
	d->has_time = 1;
	if (accept(c, 'Z')) {
		d->has_offset = 1;
		return 0;
	}
	if (peek(c) == '+' || peek(c) == '-')
		return offset(c, d, 1);
	return 0;
}

/* A clock time as spreadsheets and forms write it: H:MM or H:MM:SS, then
 * an optional AM/PM and an optional zone "GMT", "UTC", "GMT+1",
 * "GMT+01:00". */
static int clock_time(struct cursor *c, impact__datetime *d,
                      struct parts *pt)
{
	const char *save;

	if (number(c, 1, 2, &d->hour, NULL) < 0 || !accept(c, ':')
	    || number(c, 2, 2, &d->minute, NULL) < 0)
		return -1;
	if (accept(c, ':') && number(c, 2, 2, &d->second, NULL) < 0)
		return -1;
	d->has_time = 1;
	save = c->p;
	spaces(c);
	if (accept_word(c, "am"))
		pt->ampm = 1;
	else if (accept_word(c, "pm"))
		pt->ampm = 2;
	else
		c->p = save;
	save = c->p;
	if (spaces(c) && (accept_word(c, "gmt") || accept_word(c, "utc"))) {
		d->has_offset = 1;
		if (peek(c) == '+' || peek(c) == '-')
			return offset(c, d, 0);
		return 0;
	}
	c->p = save;
	return 0;
}

/* What may follow a non-ISO date: nothing, or (after an optional ',')
 * spaces, an optional "- " (Framaforms), and a clock time. */
static int date_tail(struct cursor *c, impact__datetime *d, struct parts *pt)
{
	if (peek(c) < 0)
		return 0;
	accept(c, ',');
	if (!spaces(c))
		return -1;
	if (accept(c, '-') && !spaces(c))
		return -1;
	return clock_time(c, d, pt);
}

/* The date forms that start with a number: ISO, year-first slashes,
 * day/month pairs and "26 avr. 2018". */
static int numeric_date(struct cursor *c, impact__datetime *d,
                        struct parts *pt)
{
	int a, len, sep;

	if (number(c, 1, 4, &a, &len) < 0 || len == 3)
		return -1;
	if (len == 4) {
		pt->year = a;
		if (accept(c, '-')) {
			if (number(c, 2, 2, &pt->first, NULL) < 0
			    || !accept(c, '-')
			    || number(c, 2, 2, &pt->second, NULL) < 0)
				return -1;
			if (accept(c, 'T') || spaces(c))
				return iso_time(c, d);
			return 0;
		}
		if (!accept(c, '/') || number(c, 1, 2, &pt->first, NULL) < 0
		    || !accept(c, '/')
		    || number(c, 1, 2, &pt->second, NULL) < 0)
			return -1;
		return date_tail(c, d, pt);
	}
	sep = peek(c);
	if (sep == '/' || sep == '.' || sep == '-') {
		c->p++;
		pt->first = a;
		pt->pair = 1;
		if (number(c, 1, 2, &pt->second, NULL) < 0 || !accept(c, sep)
		    || number(c, 4, 4, &pt->year, NULL) < 0)
			return -1;
		return date_tail(c, d, pt);
	}
	/* "26 avr. 2018", "1er février 2024" */
	pt->second = a;
	if (a == 1)
		accept_word(c, "er");
	if (!spaces(c) || (pt->first = month_name(c)) < 0 || !spaces(c)
	    || number(c, 4, 4, &pt->year, NULL) < 0)
		return -1;
	return date_tail(c, d, pt);
}

/* "Apr 26, 2018 8:56:00 AM": month name, day, optional ',', year. */
static int named_date(struct cursor *c, impact__datetime *d,
                      struct parts *pt)
{
	if ((pt->first = month_name(c)) < 0 || !spaces(c)
	    || number(c, 1, 2, &pt->second, NULL) < 0)
		return -1;
	accept(c, ',');
	if (!spaces(c) || number(c, 4, 4, &pt->year, NULL) < 0)
		return -1;
	return date_tail(c, d, pt);
}

/* Days in `month` of `year` (proleptic Gregorian calendar). */
static int month_days(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

/* Is year-month-day a date of the calendar? */
static int valid_date(int year, int month, int day)
{
	return year >= 1 && month >= 1 && month <= 12 && day >= 1
	       && day <= month_days(year, month);
}

/* Settle a day/month pair: the readings the calendar allows decide; when
 * both are possible and differ, `order` does.  Sets *ambiguous and *hint
 * (the order the value alone imposes).  Returns 0 or -1. */
static int resolve_order(impact__datetime *d, const struct parts *pt,
                         int order, int *ambiguous, int *hint)
{
	int dmy = valid_date(pt->year, pt->second, pt->first);
	int mdy = valid_date(pt->year, pt->first, pt->second);

	if (dmy && mdy && pt->first != pt->second) {
		*ambiguous = 1;
		if (order == IMPACT__DATE_ORDER_UNKNOWN)
			return -1;
		mdy = order == IMPACT__DATE_ORDER_MDY;
		dmy = !mdy;
	} else if (dmy && !mdy) {
		*hint = IMPACT__DATE_ORDER_DMY;
	} else if (mdy && !dmy) {
		*hint = IMPACT__DATE_ORDER_MDY;
	} else if (!dmy) {
		return -1;
	}
	d->day = dmy ? pt->first : pt->second;
	d->month = dmy ? pt->second : pt->first;
	return 0;
}

/* The whole parse: impact__date_parse() plus *hint, the order the value
 * imposes on its column (IMPACT__DATE_ORDER_UNKNOWN when none). */
static int parse(impact__datetime *d, const char *s, int order,
                 int *ambiguous, int *hint)
{
	struct cursor c;
	struct parts pt;
	int rc;

	memset(d, 0, sizeof(*d));
	memset(&pt, 0, sizeof(pt));
	*ambiguous = 0;
	*hint = IMPACT__DATE_ORDER_UNKNOWN;
	c.p = s;
	c.end = s + strlen(s);
	while (c.p < c.end && is_space((unsigned char)*c.p))
		c.p++;
	while (c.end > c.p && is_space((unsigned char)c.end[-1]))
		c.end--;

	if (is_digit(peek(&c)))
		rc = numeric_date(&c, d, &pt);
	else
		rc = named_date(&c, d, &pt);
	if (rc < 0 || c.p != c.end)
		return -1;

	if (pt.pair) {
		if (resolve_order(d, &pt, order, ambiguous, hint) < 0)
			return -1;
	} else {
		d->month = pt.first;
		d->day = pt.second;
	}
	d->year = pt.year;
	if (!valid_date(d->year, d->month, d->day))
		return -1;

	/* 12 AM is midnight, 12 PM noon. */
	if (pt.ampm) {
		if (d->hour < 1 || d->hour > 12)
			return -1;
		d->hour = d->hour % 12 + (pt.ampm == 2 ? 12 : 0);
	}
	if (d->hour > 23 || d->minute > 59 || d->second > 59)
		return -1;
	return 0;
}

/* Parse s (see dates.h); *ambiguous, when given, says whether the
 * day/month order had to come from `order`. */
int impact__date_parse(impact__datetime *out, const char *s, int order,
                       int *ambiguous)
{
	int amb, hint;
	int rc;

	assert(out && s);
	rc = parse(out, s, order, &amb, &hint);
	if (ambiguous)
		*ambiguous = amb;
	return rc;
}

/* The order a single value imposes on its column (see dates.h). */
int impact__date_order_hint(const char *s)
{
	impact__datetime d;
	int amb, hint;

	assert(s);
	if (parse(&d, s, IMPACT__DATE_ORDER_UNKNOWN, &amb, &hint) < 0)
		return IMPACT__DATE_ORDER_UNKNOWN;
	return hint;
}

/* Write the n low decimal digits of v at out. */
static void put_digits(char *out, int v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* "YYYY-MM-DD" of a valid date (years 1-9999), written digit by digit. */
void impact__date_iso(char out[11], const impact__datetime *d)
{
	assert(out && d);
	put_digits(out, d->year, 4);
	out[4] = '-';
	put_digits(out + 5, d->month, 2);
	out[7] = '-';
	put_digits(out + 8, d->day, 2);
	out[10] = '\0';
}
