/*
 * surveys/activities.c: the importer of activity logs (docs/formats.md,
 * "activities CSV"): one row per workshop, event or coworking day, as
 * facilitators keep them in their spreadsheets.  Columns are found by name
 * or alias in any order ("Durée", "Nb participants", "Co-organisé
 * avec"...), unknown ones are noted and skipped; values are read the way
 * people type them: places by code or by name, French or ISO dates,
 * durations such as "1h30" or "90 min", yes/no words, lists of publics
 * and partner places.  Each bad row is kept in `rejects` with its line,
 * column and a reason; the good rows load.
 *
 * The file is read twice: a first pass looks at every date of the date
 * column to decide whether "03/04/2024" is the 3rd of April or March the
 * 4th (struct date_scan), the second pass loads.  Places are matched
 * through an in-memory index of their folded codes and names
 * (impact__place_index).  The row itself is checked into a struct activity
 * before anything is written.  Built on the shared machinery of
 * surveys/import.h; read surveys/places.c for the reference data the rows
 * point to.
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../engine/context.h"
#include "dates.h"
#include "import.h"
#include "text.h"

/* Longest folded key kept for a place code or name, a public, a category
 * (the fold buffer; a longer text is refused or cannot match). */
#define KEY_SIZE 256

/* Largest duration accepted, in hours: a leap year. */
#define MAX_HOURS (24.0 * 366.0)

/* Largest count of people. */
#define MAX_PEOPLE 1000000000LL

/* The columns, in the order of cols[] in impact_import_activities(). */
enum {
	C_PLACE, C_DATE, C_CATEGORY, C_TITLE, C_HOURS, C_PARTICIPANTS,
	C_NEW, C_VOLUNTEERS, C_VHOURS, C_PUBLICS, C_PARTNERS, C_FREE, C_PAID,
	NCOLS
};

/* What the first pass learnt about the date column. */
struct date_scan {
	size_t dmy;          /* dates that can only be day first */
	size_t mdy;          /* dates that can only be month first */
	size_t ambiguous;    /* dates both readings allow */
	long long dmy_line;  /* line of the first day-first date */
	long long mdy_line;  /* line of the first month-first date */
};

/* One row, checked, ready to store. */
struct activity {
	long long place_id;        /* places.id */
	char date[11];             /* YYYY-MM-DD */
	long long year;            /* period */
	char category[KEY_SIZE];   /* folded, spaces as '-' */
	const char *title;         /* borrowed from the record, or NULL */
	double hours;              /* duration */
	long long participants;
	long long new_participants;  /* -1: not given */
	long long volunteers;        /* 0 when not given */
	double volunteer_hours;      /* NAN: not given */
	int free;                    /* 1, 0, or -1: not given */
};

/* ---------------------------------------------------------------- */
/* Reading values                                                    */

/* Is s (trimmed) a missing-value token: empty, NA, N/A, -, nc? */
static int is_missing(const char *s)
{
	static const char *const tokens[] = { "na", "n/a", "-", "nc", "n.c." };
	size_t i;

	if (!*s)
		return 1;
	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		if (strcasecmp(s, tokens[i]) == 0)
			return 1;
	return 0;
}

/* Read a decimal number [0-9]+([.,][0-9]+)? at *p, advancing *p.  Sets
 * *value and *whole (1 when there was no fraction).  Returns 1, or 0 when
 * no digit starts at *p. */
static int read_decimal(const char **p, double *value, int *whole)
{
	const char *s = *p;
	double v = 0, scale = 1;

	if (!isdigit((unsigned char)*s))
		return 0;
	for (; isdigit((unsigned char)*s); s++)
		v = v * 10 + (*s - '0');
	*whole = 1;
	if ((*s == '.' || *s == ',') && isdigit((unsigned char)s[1])) {
		*whole = 0;
		for (s++; isdigit((unsigned char)*s); s++) {
			scale /= 10;
			v += (*s - '0') * scale;
		}
	}
	*value = v;
	*p = s;
	return 1;
}

/* Skip spaces and tabs. */
static void skip_spaces(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* Read a word of ASCII letters at *p (lowered into word, at most size - 1
 * letters), advancing *p.  Returns its length; a longer word gives 0. */
static size_t read_word(const char **p, char *word, size_t size)
{
	size_t n = 0;

	while (isalpha((unsigned char)**p)) {
		if (n + 1 >= size)
			return 0;
		word[n++] = (char)tolower((unsigned char)**p);
		(*p)++;
	}
	word[n] = '\0';
	return n;
}

/* Is `word` one of the '|'-separated `list`? */
static int word_in(const char *word, const char *list)
{
	size_t n = strlen(word);

	while (*list) {
		const char *bar = strchr(list, '|');
		size_t len = bar ? (size_t)(bar - list) : strlen(list);

		if (len == n && strncmp(list, word, n) == 0)
			return 1;
		if (!bar)
			break;
		list = bar + 1;
	}
	return 0;
}

#define HOUR_WORDS "h|hr|hrs|heure|heures|hour|hours"
#define MINUTE_WORDS "min|mn|mins|minute|minutes"

/*
 * Parse a duration as people write it into *out, in hours: "2", "2,5",
 * "1.5", "2h", "1h30", "1 h 30", "1h30min", "90 min", "01:30",
 * "1:30:00".  Returns 1, or 0 for anything else (a sign included).
 */
static int parse_duration(const char *s, double *out)
{
	const char *p = s;
	char word[16];
	double v;
	int whole, mins;

	skip_spaces(&p);
	if (!read_decimal(&p, &v, &whole))
		return 0;
	skip_spaces(&p);
	if (*p == ':') {
		/* H:MM or H:MM:SS */
		int secs = 0;

		if (!whole || !isdigit((unsigned char)p[1])
		    || !isdigit((unsigned char)p[2]))
			return 0;
		mins = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		if (*p == ':') {
			if (!isdigit((unsigned char)p[1])
			    || !isdigit((unsigned char)p[2]))
				return 0;
			secs = (p[1] - '0') * 10 + (p[2] - '0');
			p += 3;
		}
		skip_spaces(&p);
		if (*p || mins > 59 || secs > 59)
			return 0;
		*out = v + mins / 60.0 + secs / 3600.0;
		return 1;
	}
	if (!*p) {
		*out = v;
		return 1;
	}
	if (!read_word(&p, word, sizeof(word)))
		return 0;
	skip_spaces(&p);
	if (word_in(word, MINUTE_WORDS)) {
		if (*p)
			return 0;
		*out = v / 60.0;
		return 1;
	}
	if (!word_in(word, HOUR_WORDS))
		return 0;
	if (!*p) {
		*out = v;
		return 1;
	}
	/* "1h30", "1 h 30 min": whole hours, then 0 to 59 minutes. */
	if (!whole || !isdigit((unsigned char)*p))
		return 0;
	mins = *p++ - '0';
	if (isdigit((unsigned char)*p))
		mins = mins * 10 + (*p++ - '0');
	skip_spaces(&p);
	if (*p) {
		if (!read_word(&p, word, sizeof(word))
		    || !word_in(word, MINUTE_WORDS))
			return 0;
		skip_spaces(&p);
	}
	if (*p || mins > 59)
		return 0;
	*out = v + mins / 60.0;
	return 1;
}

/*
 * Parse a whole number of people, 0 to MAX_PEOPLE, allowing the thousands
 * separators French spreadsheets display (space, U+00A0, U+202F) between
 * digits.  Returns 1 and sets *out, or 0.
 */
static int parse_people(const char *s, long long *out)
{
	char digits[32];
	size_t n = 0;

	while (*s) {
		if (isdigit((unsigned char)*s)) {
			if (n + 1 >= sizeof(digits))
				return 0;
			digits[n++] = *s++;
		} else if (n && *s == ' ') {
			s++;
		} else if (n && strncmp(s, "\xc2\xa0", 2) == 0) {
			s += 2;
		} else if (n && strncmp(s, "\xe2\x80\xaf", 3) == 0) {
			s += 3;
		} else {
			return 0;
		}
	}
	digits[n] = '\0';
	return impact__parse_count(digits, MAX_PEOPLE, out);
}

/* Read a yes/no word ("oui", "Non", "x", "1", "true"...): 1 yes, 0 no,
 * -1 not such a word. */
static int parse_yes_no(const char *s)
{
	char f[32];

	impact__fold(f, sizeof(f), s);
	if (word_in(f, "oui|o|yes|y|1|x|vrai|true"))
		return 1;
	if (word_in(f, "non|n|no|0|faux|false"))
		return 0;
	return -1;
}

/*
 * The next item of the list at *s, items separated by any byte of `seps`:
 * copied trimmed into buf (size bytes) and *s advanced past it.  Returns
 * 1 for an item (possibly empty), 0 at the end of the list, -1 for an
 * item of size bytes or more (then skipped).
 */
static int next_item(const char **s, const char *seps, char *buf,
                     size_t size)
{
	const char *p = *s;
	char *t;
	size_t n;

	if (!*p)
		return 0;
	n = strcspn(p, seps);
	*s = p[n] ? p + n + 1 : p + n;
	if (n >= size)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	t = impact__trim(buf);
	memmove(buf, t, strlen(t) + 1);
	return 1;
}

/* Fold s into out (KEY_SIZE bytes) with spaces turned into '-': the form
 * categories are stored in ("Repair café" -> "repair-cafe"). */
static char *fold_dashed(char *out, const char *s)
{
	char *c;

	impact__fold(out, KEY_SIZE, s);
	for (c = out; *c; c++)
		if (*c == ' ')
			*c = '-';
	return out;
}

/* ---------------------------------------------------------------- */
/* Places by code or name                                            */

/* ---------------------------------------------------------------- */
/* Day and month order                                               */

/*
 * First pass: read the file again with a second reader and look at every
 * value of field `col` in the records after line `header_line`, counting
 * the dates only one order allows and those both allow.
 */
static int scan_dates(struct import *im, long col, long long header_line,
                      struct date_scan *out)
{
	impact_csv *csv = NULL;
	impact_csv_record rec;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = impact__csv_open(im->h, &csv, im->path, im->name,
	                           impact__csv_encoding(im->csv),
	                           impact__csv_delimiter(im->csv), NULL))
	    != IMPACT_OK)
		goto done;
	while ((rc = impact__csv_next(im->h, csv, &rec)) == 1) {
		impact__datetime d;
		const char *s;
		int hint, amb = 0;

		if (rec.line <= header_line || (size_t)col >= rec.nfields)
			continue;
		s = impact__trim(rec.fields[col]);
		hint = impact__date_order_hint(s);
		if (hint == IMPACT__DATE_ORDER_DMY) {
			if (out->dmy++ == 0)
				out->dmy_line = rec.line;
		} else if (hint == IMPACT__DATE_ORDER_MDY) {
			if (out->mdy++ == 0)
				out->mdy_line = rec.line;
		} else if (impact__date_parse(&d, s, IMPACT__DATE_ORDER_DMY,
		                              &amb) == 0 && amb) {
			out->ambiguous++;
		}
	}
	if (rc > 0)
		rc = IMPACT_OK;
done:
	impact__csv_close(csv);
	return rc;
}

/* Append `text` to the summary's notes, "; "-separated. */
static void add_note(impact_import_summary *sum, const char *text)
{
	size_t used = strlen(sum->notes);

	snprintf(sum->notes + used, sizeof(sum->notes) - used, "%s%s",
	         used ? "; " : "", text);
}

/*
 * Decide the day/month order of the date column c into *order
 * (IMPACT__DATE_ORDER_*): forced by opts->date_order, else from the dates
 * that allow only one reading (the more frequent wins when both occur),
 * else day first, French usage.  A choice the data did not make is
 * written in the summary's notes.
 */
static int decide_date_order(struct import *im, const column *c,
                             long long header_line, int *order)
{
	struct date_scan sc;
	char note[MAX_REASON];
	int rc;

	if (im->opts->date_order == IMPACT_DATES_DMY
	    || im->opts->date_order == IMPACT_DATES_MDY) {
		*order = im->opts->date_order == IMPACT_DATES_DMY
		         ? IMPACT__DATE_ORDER_DMY : IMPACT__DATE_ORDER_MDY;
		goto chosen;
	}
	if ((rc = scan_dates(im, c->index, header_line, &sc)) != IMPACT_OK)
		return rc;
	*order = sc.mdy > sc.dmy ? IMPACT__DATE_ORDER_MDY
	                         : IMPACT__DATE_ORDER_DMY;
	if (sc.dmy && sc.mdy) {
		snprintf(note, sizeof(note), "column \"%s\" mixes day-first "
		         "dates (line %lld) and month-first dates (line %lld): "
		         "read %s first, the other rows are rejected",
		         im->header[c->index], sc.dmy_line, sc.mdy_line,
		         *order == IMPACT__DATE_ORDER_DMY ? "day" : "month");
		add_note(im->sum, note);
	} else if (!sc.dmy && !sc.mdy && sc.ambiguous) {
		snprintf(note, sizeof(note), "dates such as 03/04/2024 read "
		         "day first (French usage): no date of column \"%s\" "
		         "has a day above 12; use --dates mdy if they are "
		         "month first", im->header[c->index]);
		add_note(im->sum, note);
	}
chosen:
	im->sum->date_order = *order == IMPACT__DATE_ORDER_DMY
	                      ? IMPACT_DATES_DMY : IMPACT_DATES_MDY;
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* Rows                                                              */

/* The state of one activity import. */
struct log {
	struct import im;
	column *cols;               /* NCOLS columns */
	impact__place_index places;
	int order;                  /* IMPACT__DATE_ORDER_* of slash dates */
	long long only_place;       /* opts->only_place's id, or 0 */
	sqlite3_stmt *ins;          /* INSERT INTO activities */
	sqlite3_stmt *pub;          /* INSERT INTO activity_publics */
	sqlite3_stmt *partner;      /* INSERT INTO activity_partners */
};

/* The trimmed field of column k of the current record. */
static char *field(struct log *lg, int k)
{
	return impact__field(&lg->im, &lg->cols[k]);
}

/* Find the place (the activity's, or a partner: `what`) named `s`: sets
 * *id, or writes in `reason` why there is none.  Returns 1 when found, 0
 * when not. */
static int read_place(struct log *lg, const char *s, const char *what,
                      long long *id, char *reason, size_t size)
{
	*id = impact__places_find(&lg->places, s);
	if (*id > 0)
		return 1;
	if (*id < 0)
		snprintf(reason, size, "%s \"%.64s\" is the name of several "
		         "places: give the place's code instead", what, s);
	else
		snprintf(reason, size, "unknown %s \"%.64s\": expected a place "
		         "code or name of the register (import it with 'impact "
		         "import places')", what, s);
	return 0;
}

/* Read the date of the row into a->date (ISO) and a->year, in the
 * file's day/month order.  Returns 1, or 0 with a reason. */
static int check_date(struct log *lg, struct activity *a, char *reason,
                      size_t size)
{
	const char *s = field(lg, C_DATE);
	impact__datetime d;
	int hint;

	if (is_missing(s)) {
		snprintf(reason, size, "missing date: expected a date such as "
		         "14/03/2024 or 2024-03-14");
		return 0;
	}
	if (impact__date_parse(&d, s, lg->order, NULL) != 0 || d.year < 1900) {
		snprintf(reason, size, "invalid date \"%.32s\": expected a date "
		         "such as 14/03/2024 or 2024-03-14", s);
		return 0;
	}
	hint = impact__date_order_hint(s);
	if (hint != IMPACT__DATE_ORDER_UNKNOWN && hint != lg->order) {
		snprintf(reason, size, "invalid date \"%.32s\": the dates of "
		         "this file are read %s, as %s", s,
		         lg->order == IMPACT__DATE_ORDER_DMY ? "day first"
		                                             : "month first",
		         lg->order == IMPACT__DATE_ORDER_DMY ? "dd/mm/yyyy"
		                                             : "mm/dd/yyyy");
		return 0;
	}
	impact__date_iso(a->date, &d);
	a->year = d.year;
	return 1;
}

/* Check the publics of the row: every item folds to 1 to MAX_CODE
 * bytes. */
static int check_publics(struct log *lg, char *reason, size_t size)
{
	const char *p = field(lg, C_PUBLICS);
	char item[KEY_SIZE], key[KEY_SIZE];
	int r;

	if (is_missing(p))
		return 1;
	while ((r = next_item(&p, ";,/", item, sizeof(item))) != 0) {
		if (r > 0 && (is_missing(item)
		              || strlen(impact__fold(key, sizeof(key), item))
		                 <= MAX_CODE))
			continue;
		snprintf(reason, size, "too long a public \"%.40s...\": "
		         "expected short names such as jeunes or seniors "
		         "separated by ';', ',' or '/'", r > 0 ? item : "");
		return 0;
	}
	return 1;
}

/* Check the partner places of the row.  Returns 1, or 0 with a
 * reason. */
static int check_partners(struct log *lg, char *reason, size_t size)
{
	const char *s = field(lg, C_PARTNERS), *p = s;
	char item[KEY_SIZE];
	long long id;
	int r, rc;

	if (is_missing(s))
		return 1;
	while ((r = next_item(&p, ";,", item, sizeof(item))) != 0) {
		if (r < 0) {
			snprintf(reason, size, "unknown partner place: a name of "
			         "more than %d bytes; expected place codes or "
			         "names separated by ';' or ','", KEY_SIZE - 1);
			return 0;
		}
		if (is_missing(item))
			continue;
		rc = read_place(lg, item, "partner place", &id, reason, size);
		if (rc <= 0)
			return rc;
	}
	return 1;
}

/* A yes/no column (free or paid) of the row into *out (-1 when absent).
 * Returns 1, or 0 with a reason. */
static int check_yes_no(struct log *lg, int k, int *out, char *reason,
                        size_t size)
{
	const char *s = field(lg, k);

	*out = -1;
	if (is_missing(s))
		return 1;
	if ((*out = parse_yes_no(s)) >= 0)
		return 1;
	snprintf(reason, size, "invalid %s \"%.32s\": expected oui or non "
	         "(yes/no, 1/0, x for yes, vrai/faux)", lg->cols[k].name, s);
	return 0;
}

/*
 * Check the current record into *a.  Returns 1 when the row is good,
 * 0 when it is not, with *bad the 0-based field at fault and `reason`.
 * Fields are not modified (a rejected record is stored as read).
 */
static int check_row(struct log *lg, struct activity *a, long *bad,
                     char *reason, size_t size)
{
	column *cols = lg->cols;
	const char *s;
	int rc, free_v, paid_v;

	memset(a, 0, sizeof(*a));
	*bad = 0;
	if (!impact__check_width(&lg->im, reason, size))
		return 0;

	*bad = cols[C_PLACE].index;
	s = field(lg, C_PLACE);
	if (is_missing(s) && lg->im.opts->only_place)
		s = lg->im.opts->only_place;
	if (is_missing(s)) {
		snprintf(reason, size, "missing place: expected the code or the "
		         "name of a place of the register");
		return 0;
	}
	if ((rc = read_place(lg, s, "place", &a->place_id, reason, size)) <= 0)
		return rc;
	if (lg->only_place && a->place_id != lg->only_place) {
		snprintf(reason, size, "place \"%.64s\" is not \"%.64s\": this "
		         "file may hold only the activities of \"%.64s\"", s,
		         lg->im.opts->only_place, lg->im.opts->only_place);
		return 0;
	}

	*bad = cols[C_DATE].index;
	if (!check_date(lg, a, reason, size))
		return 0;

	*bad = cols[C_CATEGORY].index;
	s = field(lg, C_CATEGORY);
	fold_dashed(a->category, is_missing(s) ? "" : s);
	if (!*a->category || strlen(a->category) > MAX_CODE) {
		snprintf(reason, size, "%s category \"%.64s\": expected a short "
		         "name such as atelier, repair café or coworking",
		         *a->category ? "invalid" : "missing", s);
		return 0;
	}

	s = field(lg, C_TITLE);
	a->title = is_missing(s) ? NULL : s;

	*bad = cols[C_HOURS].index;
	s = field(lg, C_HOURS);
	if (is_missing(s) || !parse_duration(s, &a->hours)
	    || a->hours > MAX_HOURS) {
		snprintf(reason, size, "%s duration \"%.32s\": expected hours "
		         "such as 2, 1,5 or 1h30 (at most %g)",
		         is_missing(s) ? "missing" : "invalid", s, MAX_HOURS);
		return 0;
	}

	*bad = cols[C_PARTICIPANTS].index;
	s = field(lg, C_PARTICIPANTS);
	if (is_missing(s) || !parse_people(s, &a->participants)) {
		snprintf(reason, size, "%s participants \"%.32s\": expected a "
		         "whole number, 0 or more",
		         is_missing(s) ? "missing" : "invalid", s);
		return 0;
	}

	*bad = cols[C_NEW].index;
	s = field(lg, C_NEW);
	a->new_participants = -1;
	if (!is_missing(s)) {
		if (!parse_people(s, &a->new_participants)) {
			snprintf(reason, size, "invalid new participants "
			         "\"%.32s\": expected a whole number, 0 or more",
			         s);
			return 0;
		}
		if (a->new_participants > a->participants) {
			snprintf(reason, size, "new participants %lld are more "
			         "than the %lld participants: expected at most "
			         "the number of participants",
			         a->new_participants, a->participants);
			return 0;
		}
	}

	*bad = cols[C_VOLUNTEERS].index;
	s = field(lg, C_VOLUNTEERS);
	if (!is_missing(s) && !parse_people(s, &a->volunteers)) {
		snprintf(reason, size, "invalid volunteers \"%.32s\": expected a "
		         "whole number, 0 or more (empty is 0)", s);
		return 0;
	}

	*bad = cols[C_VHOURS].index;
	s = field(lg, C_VHOURS);
	a->volunteer_hours = NAN;
	if (!is_missing(s) && (!parse_duration(s, &a->volunteer_hours)
	                       || a->volunteer_hours > MAX_HOURS)) {
		snprintf(reason, size, "invalid volunteer hours \"%.32s\": "
		         "expected hours such as 6, 4,5 or 2h30 (at most %g)", s,
		         MAX_HOURS);
		return 0;
	}

	*bad = cols[C_PUBLICS].index;
	if (!check_publics(lg, reason, size))
		return 0;

	*bad = cols[C_PARTNERS].index;
	if ((rc = check_partners(lg, reason, size)) <= 0)
		return rc;

	*bad = cols[C_FREE].index;
	if (!check_yes_no(lg, C_FREE, &free_v, reason, size))
		return 0;
	*bad = cols[C_PAID].index;
	if (!check_yes_no(lg, C_PAID, &paid_v, reason, size))
		return 0;
	if (free_v >= 0 && paid_v >= 0 && free_v == paid_v) {
		snprintf(reason, size, "\"%s\" and \"%s\" say %s: expected an "
		         "activity either free or paid",
		         lg->im.header[cols[C_FREE].index],
		         lg->im.header[cols[C_PAID].index],
		         free_v ? "both yes" : "both no");
		return 0;
	}
	a->free = free_v >= 0 ? free_v : paid_v >= 0 ? !paid_v : -1;
	return 1;
}

/* Store the publics of activity `id` (already checked), folded, each
 * once. */
static int store_publics(struct log *lg, long long id)
{
	const char *p = field(lg, C_PUBLICS);
	char item[KEY_SIZE], key[KEY_SIZE];

	if (is_missing(p))
		return IMPACT_OK;
	while (next_item(&p, ";,/", item, sizeof(item)) > 0) {
		if (is_missing(item))
			continue;
		impact__fold(key, sizeof(key), item);
		if (!*key)
			continue;
		sqlite3_reset(lg->pub);
		sqlite3_bind_int64(lg->pub, 1, id);
		sqlite3_bind_text(lg->pub, 2, key, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(lg->pub) != SQLITE_DONE)
			return impact__db_error(lg->im.h, "storing a public");
	}
	return IMPACT_OK;
}

/* Store the partner places of activity `id` (already checked), each once,
 * the activity's own place left out. */
static int store_partners(struct log *lg, long long id, long long place_id)
{
	const char *p = field(lg, C_PARTNERS);
	char item[KEY_SIZE];
	long long pid;

	if (is_missing(p))
		return IMPACT_OK;
	while (next_item(&p, ";,", item, sizeof(item)) > 0) {
		if (is_missing(item))
			continue;
		pid = impact__places_find(&lg->places, item);
		if (pid <= 0 || pid == place_id)
			continue;
		sqlite3_reset(lg->partner);
		sqlite3_bind_int64(lg->partner, 1, id);
		sqlite3_bind_int64(lg->partner, 2, pid);
		if (sqlite3_step(lg->partner) != SQLITE_DONE)
			return impact__db_error(lg->im.h, "storing a partner");
	}
	return IMPACT_OK;
}

/* Store a checked row with its publics and partners.  Texts are bound
 * SQLITE_TRANSIENT: they live in the row's buffers, which the statement
 * (kept bound until the next row) would otherwise outlive. */
static int store_row(struct log *lg, const struct activity *a)
{
	sqlite3_stmt *st = lg->ins;
	long long id;
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, lg->im.import_id);
	sqlite3_bind_int64(st, 2, a->place_id);
	sqlite3_bind_text(st, 3, a->date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, a->year);
	sqlite3_bind_text(st, 5, a->category, -1, SQLITE_TRANSIENT);
	if (a->title)
		sqlite3_bind_text(st, 6, a->title, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int64(st, 7, a->participants);
	sqlite3_bind_double(st, 8, a->hours);
	sqlite3_bind_int64(st, 9, a->volunteers);
	if (a->new_participants >= 0)
		sqlite3_bind_int64(st, 10, a->new_participants);
	else
		sqlite3_bind_null(st, 10);
	if (isnan(a->volunteer_hours))
		sqlite3_bind_null(st, 11);
	else
		sqlite3_bind_double(st, 11, a->volunteer_hours);
	if (a->free >= 0)
		sqlite3_bind_int(st, 12, a->free);
	else
		sqlite3_bind_null(st, 12);
	if (sqlite3_step(st) != SQLITE_DONE)
		return impact__db_error(lg->im.h, "storing an activity");
	id = sqlite3_last_insert_rowid(lg->im.h->db);
	if ((rc = store_publics(lg, id)) != IMPACT_OK)
		return rc;
	return store_partners(lg, id, a->place_id);
}

/*
 * Import an activity log (see include/impact/surveys.h): map the header,
 * decide the day/month order, then check and store each row or keep it
 * in `rejects`.  One transaction; --strict (opts->strict) refuses the
 * file at its first bad row.
 */
int impact_import_activities(impact *h, const char *path,
                             const impact_import_opts *opts,
                             impact_import_summary *out)
{
	struct log lg;
	impact_import_summary dummy;
	column cols[NCOLS] = {
		[C_PLACE] = { "place", 1, -1, "lieu|tiers-lieu|code lieu|"
		              "code du lieu|nom du lieu|place code|place name" },
		[C_DATE] = { "date", 1, -1, "jour|date de l'activité|"
		             "date activité|activity date" },
		[C_CATEGORY] = { "category", 1, -1, "catégorie|type|"
		                 "type d'activité|type activité|activity type" },
		[C_TITLE] = { "title", 0, -1, "titre|intitulé|libellé|"
		              "nom de l'activité|activité|activity|"
		              "activity name" },
		[C_HOURS] = { "hours", 1, -1, "durée|heures|duration|"
		              "durée (h)|durée en heures|nb heures|"
		              "nombre d'heures" },
		[C_PARTICIPANTS] = { "participants", 1, -1, "nb participants|"
		                     "nb de participants|nombre de participants|"
		                     "nombre participants|participant" },
		[C_NEW] = { "new_participants", 0, -1, "nouveaux|"
		            "nouveaux participants|dont nouveaux|"
		            "nb nouveaux|new|new participants" },
		[C_VOLUNTEERS] = { "volunteers", 0, -1, "bénévoles|"
		                   "nb bénévoles|nombre de bénévoles|"
		                   "volunteer" },
		[C_VHOURS] = { "volunteer_hours", 0, -1, "heures bénévoles|"
		               "heures de bénévolat|heures bénévolat|"
		               "volunteer hours" },
		[C_PUBLICS] = { "publics", 0, -1, "public|catégories de public|"
		                "public cible|publics cibles|audience" },
		[C_PARTNERS] = { "partners", 0, -1, "co-organisateurs|"
		                 "co-organisateur|lieux partenaires|"
		                 "lieu partenaire|co-organisé avec|"
		                 "lieux co-organisateurs|partner places|"
		                 "co-organised with" },
		[C_FREE] = { "free", 0, -1, "gratuit|gratuite|gratuité" },
		[C_PAID] = { "paid", 0, -1, "payant|payante" }
	};
	long long header_line;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	memset(&lg, 0, sizeof(lg));
	lg.cols = cols;
	if (!out)
		out = &dummy;
	lg.im.unknown_ok = 1;
	/* Every reference written is proven here: the activity just
	 * inserted, this import, the places found in the places read at the
	 * start of the transaction (no command deletes one). */
	lg.im.trusted_refs = 1;
	rc = impact__import_begin(&lg.im, h, path, "activities", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	header_line = lg.im.rec.line;
	if ((rc = impact__map_header(&lg.im, cols, NCOLS, NULL, NULL)) != 0
	    || (rc = decide_date_order(&lg.im, &cols[C_DATE], header_line,
	                               &lg.order)) != IMPACT_OK
	    || (rc = impact__places_init(h, &lg.places)) != IMPACT_OK)
		goto done;
	if (lg.im.opts->only_place) {
		lg.only_place = impact__places_find(&lg.places,
		                                    lg.im.opts->only_place);
		if (lg.only_place <= 0) {
			rc = impact__error(h, IMPACT_ENOTFOUND, "unknown place "
			                   "\"%.64s\"", lg.im.opts->only_place);
			goto done;
		}
	}
	if ((rc = impact__prepare(h, &lg.ins, "INSERT INTO activities"
	                          " (import_id, place_id, date, period,"
	                          " category, title, participants, hours,"
	                          " volunteers, new_participants,"
	                          " volunteer_hours, free) VALUES (?1, ?2, ?3,"
	                          " ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12);"))
	    != 0
	    || (rc = impact__prepare(h, &lg.pub, "INSERT OR IGNORE INTO"
	                             " activity_publics (activity_id, public)"
	                             " VALUES (?1, ?2);")) != 0
	    || (rc = impact__prepare(h, &lg.partner, "INSERT OR IGNORE INTO"
	                             " activity_partners (activity_id,"
	                             " place_id) VALUES (?1, ?2);")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, lg.im.csv, &lg.im.rec)) == 1) {
		char reason[MAX_REASON];
		struct activity a;
		long bad;
		int ok;

		if (++out->rows_read % 1000 == 0)
			impact__import_progress(&lg.im, "activities");
		ok = check_row(&lg, &a, &bad, reason, sizeof(reason));
		if (!ok) {
			if ((rc = impact__reject(&lg.im, bad, MASK_NONE, NULL,
			                         reason)) != IMPACT_OK)
				goto done;
			continue;
		}
		if ((rc = store_row(&lg, &a)) != IMPACT_OK)
			goto done;
		out->rows_loaded++;
	}
	if (rc > 0)
		rc = IMPACT_OK;
done:
	sqlite3_finalize(lg.ins);
	sqlite3_finalize(lg.pub);
	sqlite3_finalize(lg.partner);
	impact__places_release(&lg.places);
	return impact__import_end(&lg.im, rc);
}
