/*
 * surveys/template.c: the CSV template facilitators fill in when they type
 * paper questionnaires into a spreadsheet (impact_survey_template()).
 *
 * Line 1 holds the column names the answers importer expects: the
 * built-in `respondent`, `place` and `period` columns of the simple
 * answers format when no question plays that role, then every question
 * id in questionnaire order.  Line 2 holds one hint per column ("# 0 à
 * 10", "# 1 = Pas du tout d'accord ; 2 = ... (un code)"), its first field
 * starting with '#' so that the importer skips it.  Everything comes from
 * the stored questions and choices (engine/store.c), never from the JSON.
 *
 * Two variants: UTF-8 with a byte-order mark, ',' and CRLF (RFC 4180),
 * which LibreOffice and recent Excel open correctly; and French Excel's
 * "CSV (point-virgule)": Windows-1252, ';' and CRLF.  Text is built in
 * UTF-8 in a `struct sbuf` and converted while it is written (`struct
 * sink`), so one code path serves both.  Read surveys/survey.c first for
 * what the stored columns mean.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "impact/surveys.h"

/* A growing UTF-8 string; `oom` is set when an append ran out of memory
 * (the string then stops growing). */
struct sbuf {
	char *s;        /* NUL-terminated text (owned), or NULL */
	size_t n, cap;  /* length and allocation */
	int oom;        /* an allocation failed */
};

/* Where the template goes: the caller's FILE and the variant. */
struct sink {
	FILE *fp;       /* borrowed */
	int cp1252;     /* convert to Windows-1252 */
	char delim;     /* ',' or ';' */
	int failed;     /* a write failed */
};

/* Words of the hints, in French and in English. */
struct words {
	const char *respondent, *place_code, *place_text, *year, *yes_no;
	const char *to, *number, *at_least, *at_most, *date, *free_text;
	const char *commune, *one_code, *several_codes, *list_sep, *required;
	char decimal;   /* decimal separator in numbers */
};

static const struct words fr_words = {
	"numéro du questionnaire (non conservé)", "code du lieu",
	"code ou nom du lieu", "année (AAAA)", "oui / non", "à", "nombre",
	"au moins", "au plus", "date JJ/MM/AAAA", "texte libre",
	"nom de la commune", "(un code)", "(plusieurs codes séparés par ;)",
	" ; ", " (obligatoire)", ','
};

static const struct words en_words = {
	"questionnaire number (not stored)", "place code",
	"place code or name", "year (YYYY)", "yes / no", "to", "number",
	"at least", "at most", "date YYYY-MM-DD", "free text",
	"name of the municipality", "(one code)",
	"(several codes separated by ;)", "; ", " (required)", '.'
};

/* Windows-1252 bytes 0x80..0x9F and the code points they stand for (0
 * where the code page has no character). */
static const unsigned short cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	IMPACT__PRINTF(2, 3);

/* Append printf-style text to b (sets b->oom on failure). */
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int need;

	if (b->oom)
		return;
	va_start(ap, fmt);
	need = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (need < 0) {
		b->oom = 1;
		return;
	}
	if (b->n + (size_t)need + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (b->n + (size_t)need + 1 > cap)
			cap *= 2;
		if (!(p = realloc(b->s, cap))) {
			b->oom = 1;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	b->n += (size_t)need;
}

/* Forget b's text, keeping its memory. */
static void sb_clear(struct sbuf *b)
{
	b->n = 0;
	if (b->s)
		b->s[0] = '\0';
}

/* Append number x as people write it: "%g" with `decimal` as the decimal
 * separator (3,5 in French). */
static void sb_number(struct sbuf *b, double x, char decimal)
{
	char num[40], *dot;

	snprintf(num, sizeof(num), "%g", x);
	if ((dot = strchr(num, '.')))
		*dot = decimal;
	sb_printf(b, "%s", num);
}

/* Write n bytes to the sink, noting a failure. */
static void put(struct sink *o, const void *p, size_t n)
{
	if (!o->failed && n && fwrite(p, 1, n, o->fp) != n)
		o->failed = 1;
}

/*
 * Decode the UTF-8 character at s (n bytes left) into *cp; returns its
 * length, or 0 for a byte that does not start a valid character.
 */
static size_t utf8_char(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, k;
	unsigned long v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		len = 2;
		v = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		len = 3;
		v = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		len = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[k] & 0x3F);
	}
	if ((len == 3 && (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF)))
	    || (len == 4 && (v < 0x10000 || v > 0x10FFFF)))
		return 0;
	*cp = v;
	return len;
}

/* The Windows-1252 byte for code point cp, or '?' when it has none. */
static unsigned char to_cp1252(unsigned long cp)
{
	int k;

	if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
		return (unsigned char)cp;
	for (k = 0; k < 32; k++)
		if (cp1252_high[k] && cp1252_high[k] == cp)
			return (unsigned char)(0x80 + k);
	return '?';
}

/* Write UTF-8 text s[0..n) to the sink in its encoding. */
static void put_text(struct sink *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!o->cp1252) {
		put(o, s, n);
		return;
	}
	while (n > 0) {
		unsigned long cp = '?';
		size_t len = utf8_char(p, n, &cp);
		unsigned char byte;

		if (len == 0)
			len = 1;        /* a stray byte: '?' */
		byte = to_cp1252(cp);
		put(o, &byte, 1);
		p += len;
		n -= len;
	}
}

/*
 * Write one field: first in its line (no delimiter before it) or not;
 * quoted when it holds the delimiter, a quote, CR or LF, with its quotes
 * doubled (RFC 4180).
 */
static void put_field(struct sink *o, int first, const char *s)
{
	if (!first)
		put(o, &o->delim, 1);
	if (!strchr(s, o->delim) && !strpbrk(s, "\"\r\n")) {
		put_text(o, s, strlen(s));
		return;
	}
	put(o, "\"", 1);
	for (;;) {
		const char *q = strchr(s, '"');

		if (!q) {
			put_text(o, s, strlen(s));
			break;
		}
		put_text(o, s, (size_t)(q - s) + 1);
		put(o, "\"", 1);
		s = q + 1;
	}
	put(o, "\"", 1);
}

/* One question's row, as read by the `questions` query. */
struct qrow {
	long long id;
	const char *code, *kind, *role;   /* borrowed from the statement */
	int has_min, has_max, required;
	double min, max;
};

/* Read the current row of the questions query into r. */
static void read_qrow(sqlite3_stmt *st, struct qrow *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->code = (const char *)sqlite3_column_text(st, 1);
	r->kind = (const char *)sqlite3_column_text(st, 2);
	r->has_min = sqlite3_column_type(st, 3) != SQLITE_NULL;
	r->min = sqlite3_column_double(st, 3);
	r->has_max = sqlite3_column_type(st, 4) != SQLITE_NULL;
	r->max = sqlite3_column_double(st, 4);
	r->required = sqlite3_column_int(st, 5);
	r->role = (const char *)sqlite3_column_text(st, 6);
}

/*
 * Build in b the hint of question r in language w: what to type, by type
 * and role; the choices "code = label" for single and multiple (labels in
 * English when w is English and they have one).  `ch` is the prepared
 * choices query.  IMPACT_OK or an error recorded on h.
 */
static int hint(impact *h, struct sbuf *b, const struct qrow *r,
                const struct words *w, int english, sqlite3_stmt *ch)
{
	const char *role = r->role ? r->role : "";
	int step, k = 0;

	sb_printf(b, "# ");
	if (strcmp(role, "respondent") == 0) {
		sb_printf(b, "%s", w->respondent);
	} else if (strcmp(role, "place") == 0 && strcmp(r->kind, "text") == 0) {
		sb_printf(b, "%s", w->place_text);
	} else if (strcmp(role, "commune") == 0
	           && strcmp(r->kind, "text") == 0) {
		sb_printf(b, "%s", w->commune);
	} else if (strcmp(r->kind, "scale") == 0
	           || strcmp(r->kind, "rating") == 0) {
		sb_number(b, r->min, w->decimal);
		sb_printf(b, " %s ", w->to);
		sb_number(b, r->max, w->decimal);
	} else if (strcmp(r->kind, "yesno") == 0) {
		sb_printf(b, "%s", w->yes_no);
	} else if (strcmp(r->kind, "number") == 0) {
		sb_printf(b, "%s", w->number);
		if (r->has_min && r->has_max) {
			sb_printf(b, " %s ", english ? "from" : "de");
			sb_number(b, r->min, w->decimal);
			sb_printf(b, " %s ", w->to);
			sb_number(b, r->max, w->decimal);
		} else if (r->has_min || r->has_max) {
			sb_printf(b, ", %s ", r->has_min ? w->at_least
			                                 : w->at_most);
			sb_number(b, r->has_min ? r->min : r->max, w->decimal);
		}
	} else if (strcmp(r->kind, "date") == 0) {
		sb_printf(b, "%s", w->date);
	} else if (strcmp(r->kind, "text") == 0) {
		sb_printf(b, "%s", w->free_text);
	} else {
		/* single or multiple: the list of choices */
		sqlite3_reset(ch);
		sqlite3_bind_int64(ch, 1, r->id);
		while ((step = sqlite3_step(ch)) == SQLITE_ROW) {
			const char *code = (const char *)sqlite3_column_text(ch, 0);
			const char *lab = (const char *)sqlite3_column_text(ch, 1);

			if (english && sqlite3_column_type(ch, 2) != SQLITE_NULL)
				lab = (const char *)sqlite3_column_text(ch, 2);
			sb_printf(b, "%s%s = %s", k++ ? w->list_sep : "", code,
			          lab);
		}
		if (step != SQLITE_DONE)
			return impact__db_error(h, "reading the choices");
		sb_printf(b, " %s", strcmp(r->kind, "single") == 0
		          ? w->one_code : w->several_codes);
	}
	if (r->required)
		sb_printf(b, "%s", w->required);
	return IMPACT_OK;
}

int impact_survey_template(impact *h, const char *survey_code,
                           const impact_template_opts *opts, FILE *out)
{
	static const impact_template_opts defaults = IMPACT_TEMPLATE_OPTS_INIT;
	sqlite3_stmt *st = NULL, *qs = NULL, *ch = NULL;
	struct sbuf b = { NULL, 0, 0, 0 };
	struct sink o;
	const struct words *w = &fr_words;
	long long sid;
	static const char *const builtin_names[3] = { "respondent", "place",
	                                              "period" };
	int builtin[3];   /* write built-in column k (no question has its role) */
	int rc, step, first, k, english = 0;

	assert(h && survey_code && out);
	impact__clear_error(h);
	if (!opts)
		opts = &defaults;
	if (opts->lang && strcmp(opts->lang, "en") == 0) {
		w = &en_words;
		english = 1;
	} else if (opts->lang && strcmp(opts->lang, "fr") != 0) {
		return impact__error(h, IMPACT_EUSAGE, "template language "
		                     "\"%s\": expected \"fr\" or \"en\"",
		                     opts->lang);
	}
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	o.fp = out;
	o.cp1252 = opts->excel != 0;
	o.delim = opts->excel ? ';' : ',';
	o.failed = 0;
	/* The survey, and which roles its questions play. */
	if ((rc = impact__prepare(h, &st, "SELECT s.id,"
	                          " (SELECT count(*) FROM questions q"
	                          "  WHERE q.survey_id = s.id"
	                          "  AND q.role = 'respondent'),"
	                          " (SELECT count(*) FROM questions q"
	                          "  WHERE q.survey_id = s.id"
	                          "  AND q.role = 'place'),"
	                          " (SELECT count(*) FROM questions q"
	                          "  WHERE q.survey_id = s.id"
	                          "  AND q.role = 'date')"
	                          " FROM surveys s WHERE s.code = ?1;")) != 0)
		goto done;
	sqlite3_bind_text(st, 1, survey_code, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) != SQLITE_ROW) {
		rc = step == SQLITE_DONE
		     ? impact__error(h, IMPACT_ENOTFOUND, "survey \"%s\" not "
		                     "found (see 'impact survey list')",
		                     survey_code)
		     : impact__db_error(h, "finding the survey");
		goto done;
	}
	sid = sqlite3_column_int64(st, 0);
	builtin[0] = sqlite3_column_int(st, 1) == 0;
	builtin[1] = sqlite3_column_int(st, 2) == 0;
	builtin[2] = sqlite3_column_int(st, 3) == 0;
	if ((rc = impact__prepare(h, &qs, "SELECT id, code, kind, min, max,"
	                          " required, role FROM questions"
	                          " WHERE survey_id = ?1 ORDER BY position;"))
	    != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &ch, "SELECT code, label_fr, label_en"
	                          " FROM choices WHERE question_id = ?1"
	                          " ORDER BY position;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_int64(qs, 1, sid);
	/* Line 1: column names. */
	if (!o.cp1252)
		put(&o, "\xEF\xBB\xBF", 3);
	first = 1;
	for (k = 0; k < 3; k++)
		if (builtin[k]) {
			put_field(&o, first, builtin_names[k]);
			first = 0;
		}
	while ((step = sqlite3_step(qs)) == SQLITE_ROW) {
		put_field(&o, first, (const char *)sqlite3_column_text(qs, 1));
		first = 0;
	}
	if (step != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the questions");
		goto done;
	}
	put(&o, "\r\n", 2);
	/* Line 2: hints. */
	first = 1;
	for (k = 0; k < 3; k++)
		if (builtin[k]) {
			const char *what = k == 0 ? w->respondent
			                   : k == 1 ? w->place_code : w->year;

			sb_clear(&b);
			sb_printf(&b, "# %s%s", what, w->required);
			put_field(&o, first, b.oom ? "" : b.s);
			first = 0;
		}
	sqlite3_reset(qs);
	while ((step = sqlite3_step(qs)) == SQLITE_ROW) {
		struct qrow r;

		read_qrow(qs, &r);
		sb_clear(&b);
		if ((rc = hint(h, &b, &r, w, english, ch)) != IMPACT_OK)
			goto done;
		if (b.oom) {
			rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
			goto done;
		}
		put_field(&o, first, b.s);
		first = 0;
	}
	if (step != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the questions");
		goto done;
	}
	if (b.oom) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	put(&o, "\r\n", 2);
	if (fflush(out) != 0 || ferror(out))
		o.failed = 1;
	rc = o.failed ? impact__error(h, IMPACT_EIO, "cannot write the "
	                              "template of survey \"%s\"",
	                              survey_code)
	              : IMPACT_OK;
done:
	sqlite3_finalize(st);
	sqlite3_finalize(qs);
	sqlite3_finalize(ch);
	free(b.s);
	return rc;
}
