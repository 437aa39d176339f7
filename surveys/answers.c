/*
 * surveys/answers.c: the importer of survey answers, as real tools export
 * them (shared/reference/survey-exports.md, docs/formats.md).
 *
 * An import reads the questionnaire (`struct survey`: its questions,
 * choices and the folded names each question answers to), then the file's
 * header rows (one, two or three, as each tool writes them) and recognises
 * the exporting tool by its signature columns (`struct tool`).  Each
 * column is then bound to a question (by id, alias or label, a Kobo group
 * path or a select-multiple option column), to a role (respondent, place,
 * period, date) or to nothing (the tool's metadata, direct identifiers
 * such as names and e-mails, unknown columns: never stored, and listed in
 * the import's notes).  Each row then becomes a respondent, keyed by a
 * keyed hash of its identifier, with one answer per question; a row with
 * a value that cannot be read is kept whole in `rejects`.  A row already
 * stored with the same answers (a tool's cumulative export imported again)
 * is skipped, not doubled.  Read surveys/import.c for the shared machinery
 * and surveys/text.c, surveys/dates.c for folding and dates.
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../engine/access.h"
#include "../engine/context.h"
#include "../engine/sha256.h"
#include "dates.h"
#include "import.h"
#include "text.h"

#define FOLD_MAX 512

/* Question types, as in questions.kind. */
enum kind { K_SCALE, K_RATING, K_YESNO, K_SINGLE, K_MULTIPLE, K_NUMBER,
            K_DATE, K_TEXT };

/* Roles, as in questions.role. */
enum role { R_NONE, R_PLACE, R_RESPONDENT, R_DATE, R_OTHER };

/* One choice of a single or multiple question. */
struct choice {
	long long id;        /* choices.id */
	char *code;          /* as defined */
	char *fcode;         /* folded code */
	char *ffr, *fen;     /* folded labels ("" when absent) */
	double value;        /* its numeric value, when has_value */
	int has_value;
	long col;            /* its own column (Kobo, LimeSurvey...), or -1 */
};

/* One question and where its answers are in the file. */
struct question {
	long long id;        /* questions.id */
	char *code;          /* question id */
	enum kind kind;
	enum role role;
	double min, max;     /* bounds, when has_min / has_max */
	int has_min, has_max;
	int required;
	char **keys;         /* folded names it answers to: id, aliases,
	                        labels */
	size_t nkeys;
	struct choice *choices;
	size_t nchoices;
	long col;            /* its column, or -1 */
	int has_option_cols; /* some choice has its own column */
	int date_order;      /* for K_DATE: IMPACT__DATE_ORDER_* */
};

/* The questionnaire. */
struct survey {
	long long id;
	struct question *q;
	size_t n;
};

/* A tool's signature and the metadata columns it adds. */
struct tool {
	const char *name;        /* as in imports.tool and --tool */
	const char *signature;   /* '|'-separated raw names, all required,
	                            compared ignoring case; "" for none */
	const char *id_cols;     /* the response id column(s), '|' */
	const char *date_cols;   /* the submission time column(s), '|' */
	const char *meta;        /* other metadata columns, ignored */
	int month_first;         /* slash dates are month first by default */
};

/* Known tools, most specific first (docs/formats.md, "Answers exports"). */
static const struct tool tools[] = {
	{ "kobotoolbox", "_uuid|_submission_time", "_uuid",
	  "_submission_time",
	  "_id|_index|_status|_submitted_by|_validation_status|_notes|_tags|"
	  "__version__|_version_|start|end|today|deviceid|formhub/uuid|"
	  "meta/instanceid|meta/rootuuid|_attachments|_geolocation|"
	  "_xform_id_string|_parent_index|_parent_table_name", 0 },
	{ "odk", "submissiondate|key", "key|meta-instanceid", "submissiondate",
	  "meta-instanceid|submitterid|submittername|attachmentspresent|"
	  "attachmentsexpected|status|reviewstate|deviceid|edits|formversion|"
	  "start|end|today", 0 },
	{ "limesurvey", "id|submitdate|lastpage|startlanguage", "id",
	  "submitdate", "lastpage|startlanguage|seed|startdate|datestamp|"
	  "ipaddr|refurl|token", 0 },
	{ "limesurvey", "response id|date submitted|last page", "response id",
	  "date submitted", "start language|seed|date started|"
	  "date last action|ip address|referrer url|token", 0 },
	{ "limesurvey", "id de la réponse|date de soumission|dernière page",
	  "id de la réponse", "date de soumission",
	  "langue de départ|tête de série|date de lancement|"
	  "date de la dernière action|adresse ip|url referer|token|jeton", 0 },
	{ "framaforms", "serial|sid|submitted time", "sid", "submitted time",
	  "completed time|modified time|draft|ip address|uid|username", 0 },
	{ "framaforms", "séquentiel|sid|heure de soumission", "sid",
	  "heure de soumission", "heure de fin|heure de modification|"
	  "brouillon|adresse ip|uid|nom d'utilisateur", 0 },
	{ "surveymonkey", "respondent id|collector id", "respondent id",
	  "end date", "start date|ip address|email address|first name|"
	  "last name|custom data 1", 1 },
	{ "surveymonkey", "respondentid|collectorid", "respondentid",
	  "enddate", "startdate|ipaddress|emailaddress|firstname|lastname|"
	  "customdata|customdata1", 1 },
	{ "google-forms", "timestamp", "", "timestamp",
	  "email address|score", 1 },
	{ "google-forms", "horodateur", "", "horodateur",
	  "adresse e-mail|adresse email|score", 0 },
	{ "google-forms", "horodatage", "", "horodatage",
	  "adresse e-mail|adresse email|score", 0 },
};

#define N_TOOLS (sizeof(tools) / sizeof(tools[0]))

/* Values that mean "no answer" (folded), whatever the question. */
static const char *const missing_tokens[] = {
	"", "n a", "na", "nr", "nc", "null", "none", "sans reponse",
	"non renseigne", NULL
};

/* Yes and no, folded. */
static const char *const yes_tokens[] = {
	"oui", "yes", "y", "o", "1", "true", "vrai", "x", "checked", "coche",
	"selected", NULL
};
static const char *const no_tokens[] = {
	"non", "no", "n", "0", "false", "faux", "unchecked", "not selected",
	NULL
};

/* Is folded `s` one of the NULL-terminated folded `list`? */
static int in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Does raw name `name` equal one of the '|'-separated `list`, ignoring
 * case and surrounding spaces? */
static int in_bar_list(const char *name, const char *list)
{
	const char *a, *bar;
	size_t n = strlen(name);

	for (a = list; a && *a; a = bar ? bar + 1 : NULL) {
		size_t k;

		bar = strchr(a, '|');
		k = bar ? (size_t)(bar - a) : strlen(a);
		if (k == n && strncasecmp(a, name, k) == 0)
			return 1;
		/* Non-ASCII letters (é) differ in case only by fold. */
		if (k < FOLD_MAX) {
			char one[FOLD_MAX], f1[FOLD_MAX], f2[FOLD_MAX];

			memcpy(one, a, k);
			one[k] = '\0';
			if (strcmp(impact__fold(f1, sizeof(f1), one),
			           impact__fold(f2, sizeof(f2), name)) == 0
			    && *f1)
				return 1;
		}
	}
	return 0;
}

static char *fold_dup(const char *s)
{
	char buf[FOLD_MAX];

	return strdup(impact__fold(buf, sizeof(buf), s ? s : ""));
}

static void survey_release(struct survey *sv)
{
	size_t i, j;

	for (i = 0; i < sv->n; i++) {
		struct question *q = &sv->q[i];

		free(q->code);
		for (j = 0; j < q->nkeys; j++)
			free(q->keys[j]);
		free(q->keys);
		for (j = 0; j < q->nchoices; j++) {
			free(q->choices[j].code);
			free(q->choices[j].fcode);
			free(q->choices[j].ffr);
			free(q->choices[j].fen);
		}
		free(q->choices);
	}
	free(sv->q);
	memset(sv, 0, sizeof(*sv));
}

/* Append folded key `s` to q->keys (no duplicates, no empty keys). */
static int add_key(struct question *q, const char *s)
{
	char buf[FOLD_MAX], **k;
	size_t i;

	impact__fold(buf, sizeof(buf), s);
	if (!*buf)
		return 0;
	for (i = 0; i < q->nkeys; i++)
		if (strcmp(q->keys[i], buf) == 0)
			return 0;
	k = realloc(q->keys, (q->nkeys + 1) * sizeof(*k));
	if (!k)
		return -1;
	q->keys = k;
	if (!(q->keys[q->nkeys] = strdup(buf)))
		return -1;
	q->nkeys++;
	return 0;
}

static enum kind kind_of(const char *s)
{
	static const char *const names[] = { "scale", "rating", "yesno",
	                                     "single", "multiple", "number",
	                                     "date", "text" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0)
			return (enum kind)i;
	return K_TEXT;
}

static enum role role_of(const char *s)
{
	if (!s)
		return R_NONE;
	if (strcmp(s, "place") == 0)
		return R_PLACE;
	if (strcmp(s, "respondent") == 0)
		return R_RESPONDENT;
	if (strcmp(s, "date") == 0)
		return R_DATE;
	return R_OTHER;
}

/* Load the questionnaire `code` with its choices and names. */
static int survey_load(impact *h, const char *code, struct survey *sv)
{
	sqlite3_stmt *st = NULL, *ch = NULL, *al = NULL;
	int rc = IMPACT_OK, step;
	size_t cap = 0, i;

	memset(sv, 0, sizeof(*sv));
	if ((rc = impact__prepare(h, &st, "SELECT s.id, q.id, q.code, q.kind,"
	                          " q.role, q.min, q.max, q.required,"
	                          " q.label_fr, q.label_en FROM surveys s"
	                          " JOIN questions q ON q.survey_id = s.id"
	                          " WHERE s.code = ?1 ORDER BY q.position;"))
	    != 0 || (rc = impact__prepare(h, &ch, "SELECT id, code, label_fr,"
	                                  " label_en, value FROM choices"
	                                  " WHERE question_id = ?1"
	                                  " ORDER BY position;")) != 0
	    || (rc = impact__prepare(h, &al, "SELECT alias FROM"
	                             " question_aliases WHERE question_id = ?1"
	                             ";")) != 0)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct question *q;

		if (sv->n == cap) {
			size_t c2 = cap ? 2 * cap : 32;
			struct question *p = realloc(sv->q, c2 * sizeof(*p));

			if (!p)
				goto nomem;
			sv->q = p;
			cap = c2;
		}
		q = &sv->q[sv->n++];
		memset(q, 0, sizeof(*q));
		q->col = -1;
		sv->id = sqlite3_column_int64(st, 0);
		q->id = sqlite3_column_int64(st, 1);
		q->code = strdup((const char *)sqlite3_column_text(st, 2));
		q->kind = kind_of((const char *)sqlite3_column_text(st, 3));
		q->role = role_of((const char *)sqlite3_column_text(st, 4));
		q->has_min = sqlite3_column_type(st, 5) != SQLITE_NULL;
		q->min = sqlite3_column_double(st, 5);
		q->has_max = sqlite3_column_type(st, 6) != SQLITE_NULL;
		q->max = sqlite3_column_double(st, 6);
		q->required = sqlite3_column_int(st, 7);
		if (!q->code || add_key(q, q->code)
		    || add_key(q, (const char *)sqlite3_column_text(st, 8))
		    || (sqlite3_column_type(st, 9) != SQLITE_NULL
		        && add_key(q, (const char *)sqlite3_column_text(st, 9))))
			goto nomem;
		sqlite3_reset(al);
		sqlite3_bind_int64(al, 1, q->id);
		while (sqlite3_step(al) == SQLITE_ROW)
			if (add_key(q, (const char *)sqlite3_column_text(al, 0)))
				goto nomem;
		sqlite3_reset(ch);
		sqlite3_bind_int64(ch, 1, q->id);
		while (sqlite3_step(ch) == SQLITE_ROW) {
			struct choice *c, *p;

			p = realloc(q->choices, (q->nchoices + 1) * sizeof(*p));
			if (!p)
				goto nomem;
			q->choices = p;
			c = &q->choices[q->nchoices++];
			memset(c, 0, sizeof(*c));
			c->col = -1;
			c->id = sqlite3_column_int64(ch, 0);
			c->code = strdup((const char *)sqlite3_column_text(ch, 1));
			c->fcode = fold_dup((const char *)sqlite3_column_text(ch, 1));
			c->ffr = fold_dup((const char *)sqlite3_column_text(ch, 2));
			c->fen = fold_dup((const char *)sqlite3_column_text(ch, 3));
			c->has_value = sqlite3_column_type(ch, 4) != SQLITE_NULL;
			c->value = sqlite3_column_double(ch, 4);
			if (!c->code || !c->fcode || !c->ffr || !c->fen)
				goto nomem;
		}
	}
	if (step != SQLITE_DONE) {
		rc = impact__db_error(h, "reading the questionnaire");
		goto done;
	}
	if (sv->n == 0)
		rc = impact__error(h, IMPACT_ENOTFOUND,
		                   "unknown survey \"%s\": add it first with "
		                   "'impact survey add FILE.json' ('impact survey "
		                   "list' shows those known)", code);
	for (i = 0; i < sv->n; i++)
		sv->q[i].date_order = IMPACT__DATE_ORDER_UNKNOWN;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	sqlite3_finalize(ch);
	sqlite3_finalize(al);
	if (rc != IMPACT_OK)
		survey_release(sv);
	return rc;
}

/* ---------------------------------------------------------------- */
/* The state of one answers import                                    */

struct answers {
	struct import im;
	struct survey sv;
	const struct tool *tool;       /* recognised tool, or NULL */
	impact__place_index places;    /* every place, by code or name */
	long col_respondent;           /* identifier column, or -1 */
	long col_place;
	long col_period;
	long col_date;                 /* date role or tool submission time */
	long col_toolid;               /* the tool's response id */
	long long only_place;          /* opts->only_place's id, or 0 */
	int date_order;                /* for the submission date column */
	int skip_second;               /* the row after the header is not data
	                                  (HXL tags, template hints) */
	char **names;                  /* effective column names */
	size_t nnames;
	int names_owned;               /* names not yet handed to im.header */
	char secret[80];               /* respondent_secret */
	sqlite3_stmt *dup, *resp, *ansc;
	sqlite3_stmt **ins;            /* ins[n]: INSERT of n answers (lazy) */
	/* per row */
	double *value;                 /* per question: NaN when missing */
	long long *choice;             /* per question: choice id or 0 */
	char **text;                   /* per question: text (borrowed) */
	char *date_text;               /* per question * 11 bytes */
	unsigned char *picked;         /* per question * max choices */
	size_t max_choices;
};

/* Is `name` a metadata column of the recognised tool? */
static int is_tool_meta(const struct tool *t, const char *name)
{
	return t && (in_bar_list(name, t->meta) || in_bar_list(name, t->id_cols)
	             || in_bar_list(name, t->date_cols)
	             || in_bar_list(name, t->signature));
}

/* Is folded `s` the question's id, an alias or a label? */
static int question_named(const struct question *q, const char *folded)
{
	size_t i;

	for (i = 0; i < q->nkeys; i++)
		if (strcmp(q->keys[i], folded) == 0)
			return 1;
	return 0;
}

/* Bind column i to *slot: 1, or -1 when the slot already has a column. */
static int claim(long *slot, size_t i)
{
	if (*slot >= 0)
		return -1;
	*slot = (long)i;
	return 1;
}

/* The choice of q written `s` (code, label or value), or NULL. */
static struct choice *choice_named(struct question *q, const char *s)
{
	char f[FOLD_MAX];
	double v;
	size_t i;

	for (i = 0; i < q->nchoices; i++)
		if (strcmp(q->choices[i].code, s) == 0)
			return &q->choices[i];
	impact__fold(f, sizeof(f), s);
	if (!*f)
		return NULL;
	for (i = 0; i < q->nchoices; i++) {
		struct choice *c = &q->choices[i];

		if (strcmp(c->fcode, f) == 0 || strcmp(c->ffr, f) == 0
		    || (*c->fen && strcmp(c->fen, f) == 0))
			return c;
	}
	if (impact__parse_number(s, &v))
		for (i = 0; i < q->nchoices; i++)
			if (q->choices[i].has_value && q->choices[i].value == v)
				return &q->choices[i];
	return NULL;
}

/*
 * Bind column `i` named `name` to a question or an option of one.
 * Forms: "question", "group/sub/question" (Kobo), "group-question" (ODK),
 * "question/option" (Kobo select multiple), "Q2[SQ001]" (LimeSurvey),
 * "question text [option label]" (LimeSurvey full text), and the
 * "question/option" names built from SurveyMonkey's two header rows.
 * Returns 1 when bound, 0 when not, -1 when the column is a second one
 * for the same question or option.
 */
static int bind_column(struct answers *a, size_t i, const char *name)
{
	char f[FOLD_MAX], base[FOLD_MAX], opt[FOLD_MAX], tmp[FOLD_MAX];
	const char *slash = strrchr(name, '/'), *br = strchr(name, '[');
	const char *last = NULL;
	size_t k, len = strlen(name);
	int r;

	impact__fold(f, sizeof(f), name);
	for (k = 0; k < a->sv.n; k++)
		if (question_named(&a->sv.q[k], f))
			return claim(&a->sv.q[k].col, i);
	/* "base[option]" (LimeSurvey) or "base/option" (Kobo, SurveyMonkey):
	 * an option column of a multiple question comes first, since a
	 * choice code may also be a question id. */
	base[0] = opt[0] = '\0';
	if (br && len > 2 && name[len - 1] == ']' && br > name
	    && (size_t)(br - name) < sizeof(tmp) && len < sizeof(opt)) {
		memcpy(tmp, name, (size_t)(br - name));
		tmp[br - name] = '\0';
		impact__fold(base, sizeof(base), tmp);
		snprintf(opt, sizeof(opt), "%.*s", (int)(len - (size_t)(br - name)
		                                          - 2), br + 1);
	} else if (slash && (size_t)(slash - name) < sizeof(tmp)) {
		const char *s2;

		memcpy(tmp, name, (size_t)(slash - name));
		tmp[slash - name] = '\0';
		s2 = strrchr(tmp, '/');
		impact__fold(base, sizeof(base), s2 ? s2 + 1 : tmp);
		snprintf(opt, sizeof(opt), "%s", slash + 1);
		last = slash + 1;
	}
	if (*base) {
		for (k = 0; k < a->sv.n; k++) {
			struct question *q = &a->sv.q[k];
			struct choice *c;

			if (q->kind != K_MULTIPLE || !question_named(q, base)
			    || !(c = choice_named(q, opt)))
				continue;
			if ((r = claim(&c->col, i)) == 1)
				q->has_option_cols = 1;
			return r;
		}
	}
	/* A group path "group/question" (Kobo) or "group-question" (ODK):
	 * the last part names the question. */
	if (!last) {
		const char *dash = strrchr(name, '-');

		last = dash ? dash + 1 : NULL;
	}
	if (!last)
		return 0;
	impact__fold(f, sizeof(f), last);
	for (k = 0; k < a->sv.n; k++)
		if (question_named(&a->sv.q[k], f))
			return claim(&a->sv.q[k].col, i);
	return 0;
}

/* The built-in columns of the simple format and the template, used when
 * the questionnaire has no question with that role. */
static const column builtin[] = {
	{ "respondent", 0, -1, "questionnaire|numero|n questionnaire|"
	                       "numero du questionnaire|repondant" },
	{ "place", 0, -1, "lieu|tiers lieu|code lieu" },
	{ "period", 0, -1, "periode|annee|year" },
};

/* map_header callback: bind every column, or note it. */
static int answers_column(void *payload, size_t index, const char *name)
{
	struct answers *a = payload;
	size_t k;
	int r;

	(void)index;
	name = a->names[index];
	r = bind_column(a, index, name);
	if (r != 0)
		return r;
	for (k = 0; k < 3; k++) {
		long *slot = k == 0 ? &a->col_respondent
		             : k == 1 ? &a->col_place : &a->col_period;

		if (impact__column_matches(&builtin[k], name)) {
			if (*slot >= 0)
				return -1;
			*slot = (long)index;
			return 1;
		}
	}
	if (a->tool && in_bar_list(name, a->tool->id_cols)) {
		a->col_toolid = (long)index;
		return 1;
	}
	if (a->tool && in_bar_list(name, a->tool->date_cols)) {
		if (a->col_date < 0)
			a->col_date = (long)index;
		return 1;
	}
	return is_tool_meta(a->tool, name);
}

/* ---------------------------------------------------------------- */
/* Header rows and tool                                               */

/* Recognise the tool from the column names, or by opts->tool. */
static int detect_tool(struct answers *a)
{
	const char *forced = a->im.opts->tool;
	size_t t, i;

	if (forced && (strcmp(forced, "template") == 0
	               || strcmp(forced, "plain") == 0)) {
		snprintf(a->im.sum->tool, sizeof(a->im.sum->tool), "%s", forced);
		return IMPACT_OK;
	}
	for (t = 0; t < N_TOOLS; t++) {
		const char *sig = tools[t].signature, *bar;
		int all = 1;

		if (forced && strcmp(forced, tools[t].name) != 0)
			continue;
		for (; sig && *sig && all; sig = bar ? bar + 1 : NULL) {
			char one[64];
			size_t n;
			int found = 0;

			bar = strchr(sig, '|');
			n = bar ? (size_t)(bar - sig) : strlen(sig);
			if (n >= sizeof(one))
				n = sizeof(one) - 1;
			memcpy(one, sig, n);
			one[n] = '\0';
			for (i = 0; i < a->nnames && !found; i++)
				found = in_bar_list(a->names[i], one);
			all = found;
		}
		if (all || forced) {
			a->tool = &tools[t];
			snprintf(a->im.sum->tool, sizeof(a->im.sum->tool), "%s",
			         tools[t].name);
			return IMPACT_OK;
		}
	}
	if (forced)
		return impact__error(a->im.h, IMPACT_EUSAGE, "unknown tool "
		                     "\"%s\": expected kobotoolbox, odk, "
		                     "limesurvey, framaforms, google-forms, "
		                     "surveymonkey, template or plain", forced);
	snprintf(a->im.sum->tool, sizeof(a->im.sum->tool), "%s",
	         a->skip_second ? "template" : "plain");
	return IMPACT_OK;
}

/* Set a->names to a copy of the current record's fields (trimmed). */
static int take_names(struct answers *a)
{
	size_t i;

	for (i = 0; i < a->nnames; i++)
		free(a->names[i]);
	free(a->names);
	a->names_owned = 1;
	a->im.header_line = a->im.rec.line;
	a->nnames = a->im.rec.nfields;
	a->names = calloc(a->nnames ? a->nnames : 1, sizeof(char *));
	if (!a->names)
		return impact__error(a->im.h, IMPACT_ENOMEM, "out of memory");
	for (i = 0; i < a->nnames; i++)
		if (!(a->names[i] = strdup(impact__trim(a->im.rec.fields[i]))))
			return impact__error(a->im.h, IMPACT_ENOMEM,
			                     "out of memory");
	return IMPACT_OK;
}

/* SurveyMonkey's second row: "Response", "Open-Ended Response", or an
 * option's text under its question's text. */
static int monkey_combine(struct answers *a)
{
	char last[FOLD_MAX] = "";
	size_t i;

	for (i = 0; i < a->nnames && i < a->im.rec.nfields; i++) {
		const char *sub = impact__trim(a->im.rec.fields[i]);
		char f[FOLD_MAX], *joined;

		if (*a->names[i])
			snprintf(last, sizeof(last), "%s", a->names[i]);
		impact__fold(f, sizeof(f), sub);
		if (!*f || strcmp(f, "response") == 0
		    || strcmp(f, "open ended response") == 0
		    || strcmp(f, "reponse") == 0
		    || strcmp(f, "reponse ouverte") == 0) {
			if (!*a->names[i] && *last) {
				free(a->names[i]);
				if (!(a->names[i] = strdup(last)))
					return -1;
			}
			continue;
		}
		joined = malloc(strlen(last) + strlen(sub) + 2);
		if (!joined)
			return -1;
		sprintf(joined, "%s/%s", last, sub);
		free(a->names[i]);
		a->names[i] = joined;
	}
	return 0;
}

/*
 * Read the header rows.  The first row is already read by
 * impact__import_begin.  A Framaforms export starts with the form's title
 * and a "Submission Details" row; a SurveyMonkey export has a second row
 * of "Response" / option texts; a KoboToolbox export with HXL tags and the
 * project's template have a second row starting with '#'.  Sets
 * a->pending when the row read after the header is a data row.
 */
static int read_headers(struct answers *a, int *pending)
{
	impact *h = a->im.h;
	int forced = a->im.opts->header_rows, rows = 1, rc, monkey = 0;
	size_t i;

	*pending = 0;
	if ((rc = take_names(a)) != IMPACT_OK)
		return rc;
	for (i = 0; i < a->nnames; i++)
		if (in_bar_list(a->names[i], "respondent id|respondentid"))
			monkey = 1;
	if (a->im.opts->tool)
		monkey = strcmp(a->im.opts->tool, "surveymonkey") == 0;
	for (;;) {
		char f[FOLD_MAX];
		const char *first;

		rc = impact__csv_next(h, a->im.csv, &a->im.rec);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		first = impact__trim(a->im.rec.fields[0]);
		impact__fold(f, sizeof(f), first);
		if (forced ? rows < forced
		           : (strcmp(f, "submission details") == 0
		              || strcmp(f, "details de la soumission") == 0)) {
			/* Framaforms: the title, this row, then the names. */
			rows++;
			if (forced && !monkey) {
				if ((rc = take_names(a)) != IMPACT_OK)
					return rc;
				continue;
			}
			if (!forced) {
				rc = impact__csv_next(h, a->im.csv, &a->im.rec);
				if (rc <= 0)
					return rc < 0 ? rc
					       : impact__error(h, IMPACT_EDATA,
					                       "%s: the file ends "
					                       "before its column "
					                       "names", a->im.name);
				rows++;
				if ((rc = take_names(a)) != IMPACT_OK)
					return rc;
				continue;
			}
		}
		if (monkey && rows == 1) {
			if (monkey_combine(a))
				return impact__error(h, IMPACT_ENOMEM,
				                     "out of memory");
			rows++;
			continue;
		}
		if (first[0] == '#' && rows == 1) {
			/* HXL tags or the template's hints. */
			a->skip_second = 1;
			rows++;
			continue;
		}
		*pending = 1;
		break;
	}
	a->im.sum->header_rows = rows;
	return IMPACT_OK;
}

/* ---------------------------------------------------------------- */
/* Dates                                                              */

/*
 * Decide the day/month order of every date column from the whole column
 * (a value above 12 decides), reading the file once more.  Columns with
 * no deciding value take the tool's or the file's habit: month first for
 * Google Sheets in English and SurveyMonkey, day first otherwise.
 */
static int decide_date_orders(struct answers *a, size_t header_rows)
{
	impact *h = a->im.h;
	impact_csv *r = NULL;
	impact_csv_record rec;
	int *dmy = NULL, *mdy = NULL, rc, fallback;
	size_t i, k, seen = 0;
	int want = 0;

	fallback = a->im.opts->date_order == IMPACT_DATES_MDY
	           ? IMPACT__DATE_ORDER_MDY
	           : a->im.opts->date_order == IMPACT_DATES_DMY
	             ? IMPACT__DATE_ORDER_DMY
	             : a->tool && a->tool->month_first
	               ? IMPACT__DATE_ORDER_MDY : IMPACT__DATE_ORDER_DMY;
	a->date_order = fallback;
	for (k = 0; k < a->sv.n; k++)
		a->sv.q[k].date_order = fallback;
	a->im.sum->date_order = fallback == IMPACT__DATE_ORDER_MDY
	                        ? IMPACT_DATES_MDY : IMPACT_DATES_DMY;
	if (a->im.opts->date_order != IMPACT_DATES_AUTO)
		return IMPACT_OK;
	for (k = 0; k < a->sv.n; k++)
		if (a->sv.q[k].kind == K_DATE && a->sv.q[k].col >= 0)
			want = 1;
	if (!want && a->col_date < 0)
		return IMPACT_OK;
	dmy = calloc(a->nnames + 1, sizeof(int));
	mdy = calloc(a->nnames + 1, sizeof(int));
	if (!dmy || !mdy) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = impact__csv_open(h, &r, a->im.path, a->im.name,
	                           a->im.opts->encoding,
	                           impact__csv_delimiter(a->im.csv), NULL)) != 0)
		goto done;
	while ((rc = impact__csv_next(h, r, &rec)) == 1) {
		if (++seen <= header_rows)
			continue;
		for (i = 0; i < rec.nfields && i < a->nnames; i++) {
			int hint = impact__date_order_hint(rec.fields[i]);

			if (hint == IMPACT__DATE_ORDER_DMY)
				dmy[i] = 1;
			else if (hint == IMPACT__DATE_ORDER_MDY)
				mdy[i] = 1;
		}
	}
	if (rc < 0)
		goto done;
	rc = IMPACT_OK;
	for (k = 0; k < a->sv.n; k++) {
		long c = a->sv.q[k].col;

		if (c >= 0 && dmy[c] != mdy[c])
			a->sv.q[k].date_order = dmy[c] ? IMPACT__DATE_ORDER_DMY
			                               : IMPACT__DATE_ORDER_MDY;
	}
	if (a->col_date >= 0 && dmy[a->col_date] != mdy[a->col_date])
		a->date_order = dmy[a->col_date] ? IMPACT__DATE_ORDER_DMY
		                                 : IMPACT__DATE_ORDER_MDY;
done:
	impact__csv_close(r);
	free(dmy);
	free(mdy);
	return rc;
}

/* ---------------------------------------------------------------- */
/* One row                                                            */

/* Does slash date `s` contradict an order forced with --dates? */
static int contradicts_forced_order(const struct answers *a, const char *s)
{
	int hint = impact__date_order_hint(s);

	return (a->im.opts->date_order == IMPACT_DATES_MDY
	        && hint == IMPACT__DATE_ORDER_DMY)
	       || (a->im.opts->date_order == IMPACT_DATES_DMY
	           && hint == IMPACT__DATE_ORDER_MDY);
}

/* Is `s` a no-answer token? */
static int is_missing(const char *s)
{
	char f[64];

	if (strlen(s) >= sizeof(f))
		return 0;
	impact__fold(f, sizeof(f), s);
	if (!*f && *s)
		return 1;  /* only punctuation: "-", "?", "." */
	return in_list(f, missing_tokens);
}

/* Read a number, or a leading number followed by a label ("7 - Bien"). */
static int read_number(const char *s, double *out)
{
	char buf[64];
	size_t n = 0;

	if (impact__parse_number(s, out))
		return 1;
	while (s[n] && n < sizeof(buf) - 1
	       && (isdigit((unsigned char)s[n]) || s[n] == ',' || s[n] == '.'
	           || (n == 0 && s[n] == '-')))
		n++;
	if (n == 0 || (s[n] != ' ' && s[n] != '-' && s[n] != '='))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return impact__parse_number(buf, out);
}

/* Mark the choices of multiple question q picked in `s`, a summary
 * value: codes or labels joined by ';', ',' or spaces. */
static int split_multiple(struct question *q, const char *s,
                          unsigned char *picked, char *reason, size_t size)
{
	const char *seps[] = { ";", ",", " " };
	struct choice *c;
	size_t i;

	memset(picked, 0, q->nchoices);
	if ((c = choice_named(q, s))) {
		picked[c - q->choices] = 1;
		return 1;
	}
	for (i = 0; i < 3; i++) {
		char buf[2048], *tok, *save = NULL;
		int ok = 1, any = 0;

		if (!strstr(s, seps[i]) || strlen(s) >= sizeof(buf))
			continue;
		snprintf(buf, sizeof(buf), "%s", s);
		memset(picked, 0, q->nchoices);
		for (tok = strtok_r(buf, seps[i], &save); tok && ok;
		     tok = strtok_r(NULL, seps[i], &save)) {
			tok = impact__trim(tok);
			if (!*tok)
				continue;
			if ((c = choice_named(q, tok))) {
				picked[c - q->choices] = 1;
				any = 1;
			} else {
				ok = 0;
				snprintf(reason, size, "unknown choice \"%.64s\" in "
				         "answer to question \"%s\": expected codes "
				         "or labels of its choices", tok, q->code);
			}
		}
		if (ok && any)
			return 1;
	}
	memset(picked, 0, q->nchoices);
	if (!*reason)
		snprintf(reason, size, "unknown choice \"%.64s\" for question "
		         "\"%s\": expected one of its codes or labels", s,
		         q->code);
	return 0;
}

/* Is the option cell `s` of choice c ticked?  1 yes, 0 no, -1 unreadable. */
static int option_ticked(const struct choice *c, const char *s)
{
	char f[FOLD_MAX];

	impact__fold(f, sizeof(f), s);
	if (!*f || in_list(f, no_tokens))
		return 0;
	if (in_list(f, yes_tokens) || strcmp(f, c->fcode) == 0
	    || strcmp(f, c->ffr) == 0 || (*c->fen && strcmp(f, c->fen) == 0))
		return 1;
	return -1;
}

/*
 * Read the answer of question k in the current record into the row
 * arrays.  Returns the 0-based column of a bad value (reason set), or -1
 * when the answer is read (or missing).
 */
static long read_answer(struct answers *a, size_t k, char *reason,
                        size_t size)
{
	struct question *q = &a->sv.q[k];
	unsigned char *picked = a->picked + k * a->max_choices;
	const char *s;
	double v;
	size_t i;

	a->value[k] = NAN;
	a->choice[k] = 0;
	a->text[k] = NULL;
	if (q->kind == K_MULTIPLE && q->has_option_cols) {
		int answered = 0, n = 0;

		memset(picked, 0, a->max_choices);
		for (i = 0; i < q->nchoices; i++) {
			struct choice *c = &q->choices[i];
			int t;

			if (c->col < 0 || (size_t)c->col >= a->im.rec.nfields)
				continue;
			s = impact__trim(a->im.rec.fields[c->col]);
			if (is_missing(s))
				continue;  /* "" or legacy Kobo's n/a */
			answered = 1;
			t = option_ticked(c, s);
			if (t < 0) {
				snprintf(reason, size, "unreadable value \"%.32s\" "
				         "for option \"%s\" of question \"%s\": "
				         "expected 1/0, oui/non or the option",
				         s, c->code, q->code);
				return c->col;
			}
			picked[i] = (unsigned char)t;
			n += t;
		}
		if (answered)
			a->value[k] = n;
		return -1;
	}
	if (q->col < 0 || (size_t)q->col >= a->im.rec.nfields)
		return -1;
	s = impact__trim(a->im.rec.fields[q->col]);
	if (is_missing(s))
		return -1;
	switch (q->kind) {
	case K_SCALE:
	case K_RATING:
	case K_NUMBER:
		if (!read_number(s, &v)) {
			snprintf(reason, size, "invalid answer \"%.32s\" to "
			         "question \"%s\": expected a number", s, q->code);
			return q->col;
		}
		if ((q->has_min && v < q->min) || (q->has_max && v > q->max)) {
			if (q->has_min && q->has_max)
				snprintf(reason, size, "invalid answer \"%.32s\" to "
				         "question \"%s\": expected a number from %g "
				         "to %g, or nothing", s, q->code, q->min,
				         q->max);
			else
				snprintf(reason, size, "answer %g to question \"%s\" "
				         "is out of its bounds", v, q->code);
			return q->col;
		}
		a->value[k] = v;
		return -1;
	case K_YESNO: {
		char f[64];

		impact__fold(f, sizeof(f), s);
		if (in_list(f, yes_tokens))
			a->value[k] = 1;
		else if (in_list(f, no_tokens))
			a->value[k] = 0;
		else {
			snprintf(reason, size, "invalid answer \"%.32s\" to "
			         "question \"%s\": expected oui or non", s,
			         q->code);
			return q->col;
		}
		return -1;
	}
	case K_SINGLE: {
		struct choice *c = choice_named(q, s);

		if (!c) {
			snprintf(reason, size, "unknown choice \"%.64s\" for "
			         "question \"%s\": expected one of its codes or "
			         "labels", s, q->code);
			return q->col;
		}
		a->choice[k] = c->id;
		if (c->has_value)
			a->value[k] = c->value;
		return -1;
	}
	case K_MULTIPLE:
		reason[0] = '\0';
		if (!split_multiple(q, s, picked, reason, size))
			return q->col;
		for (i = 0, v = 0; i < q->nchoices; i++)
			v += picked[i];
		a->value[k] = v;
		return -1;
	case K_DATE: {
		impact__datetime d;
		int amb = 0;

		if (contradicts_forced_order(a, s)) {
			snprintf(reason, size, "date \"%.32s\" for question \"%s\" "
			         "cannot be read %s, as --dates asks", s, q->code,
			         a->im.opts->date_order == IMPACT_DATES_MDY
			         ? "month first" : "day first");
			return q->col;
		}
		if (impact__date_parse(&d, s, q->date_order, &amb) != 0) {
			snprintf(reason, size, "invalid date \"%.32s\" for "
			         "question \"%s\": expected a date such as "
			         "14/03/2024 or 2024-03-14", s, q->code);
			return q->col;
		}
		impact__date_iso(a->date_text + k * 11, &d);
		a->text[k] = a->date_text + k * 11;
		return -1;
	}
	case K_TEXT:
		a->text[k] = (char *)s;
		return -1;
	}
	return -1;
}

/* Is question k answered in the row arrays? */
static int answered(const struct answers *a, size_t k)
{
	return !isnan(a->value[k]) || a->choice[k] || a->text[k];
}

/* Fingerprint of the row's answers, to recognise an identical row. */
static void fingerprint(const struct answers *a, char hex[65])
{
	impact_sha256 c;
	unsigned char d[32];
	size_t k;

	impact__sha256_init(&c);
	for (k = 0; k < a->sv.n; k++) {
		char buf[96];
		int n;

		if (!answered(a, k) || a->sv.q[k].role == R_RESPONDENT)
			continue;
		n = snprintf(buf, sizeof(buf), "%zu:%.17g:%lld:", k, a->value[k],
		             a->choice[k]);
		impact__sha256_update(&c, buf, (size_t)n);
		if (a->text[k])
			impact__sha256_update(&c, a->text[k], strlen(a->text[k]));
		if (a->sv.q[k].kind == K_MULTIPLE)
			impact__sha256_update(&c, a->picked + k * a->max_choices,
			                      a->max_choices);
		impact__sha256_update(&c, "\n", 1);
	}
	impact__sha256_final(&c, d);
	impact__hex(hex, d, 32);
}

/* Keyed hash of the respondent: their identifier, else the tool's
 * response id, else the submission time and answers, else the line. */
static void respondent_key(struct answers *a, const char *fp, char hex[65])
{
	char material[1024];
	unsigned char mac[32];
	const char *id = NULL;
	long col = a->col_respondent >= 0 ? a->col_respondent : a->col_toolid;
	size_t k;

	for (k = 0; k < a->sv.n && col < 0; k++)
		if (a->sv.q[k].role == R_RESPONDENT)
			col = a->sv.q[k].col;
	if (col >= 0 && (size_t)col < a->im.rec.nfields)
		id = impact__trim(a->im.rec.fields[col]);
	if (id && *id)
		snprintf(material, sizeof(material), "id:%s", id);
	else if (a->col_date >= 0 && (size_t)a->col_date < a->im.rec.nfields
	         && *a->im.rec.fields[a->col_date])
		snprintf(material, sizeof(material), "at:%s:%s",
		         a->im.rec.fields[a->col_date], fp);
	else
		snprintf(material, sizeof(material), "line:%s:%lld",
		         a->im.sum->sha256, a->im.rec.line);
	impact__hmac_sha256(a->secret, strlen(a->secret), material,
	                    strlen(material), mac);
	impact__hex(hex, mac, 32);
}

/* The column holding the respondent's identifier, to mask in rejects. */
static long identifier_column(const struct answers *a)
{
	size_t k;

	if (a->col_respondent >= 0)
		return a->col_respondent;
	for (k = 0; k < a->sv.n; k++)
		if (a->sv.q[k].role == R_RESPONDENT && a->sv.q[k].col >= 0)
			return a->sv.q[k].col;
	return a->col_toolid;
}

/* ---------------------------------------------------------------- */
/* Rows in flight                                                   */

/*
 * A file's rows are read and checked on one thread (the reader: CSV,
 * answers, place, period, fingerprint, key) while the calling thread
 * stores the previous ones (the writer: duplicate check, respondent,
 * answers, rejects): on two cores an import takes about the longer of
 * the two instead of their sum.  They meet in a ring of BATCHES batches
 * of up to BATCH_ROWS checked rows, each owning copies of what it
 * stores, so the reader never touches the connection and the writer
 * never touches the file.  Rows are stored in the file's order, so the
 * result is the same as one thread's (IMPACT_THREADS=1 reads and writes
 * each batch in turn on the calling thread).
 */
#define BATCH_ROWS 256
#define BATCHES 4
#define NO_TEXT ((size_t)-1)

/* One answer to store (text: an offset in the batch's arena). */
struct ans {
	long long qid, choice;   /* choice 0: none */
	double value;            /* NaN: none */
	size_t text;             /* NO_TEXT: none */
};

/* One option ticked in a multiple-choice answer. */
struct tick {
	long long qid, cid;
};

/* One checked record. */
struct item {
	long long line;
	int rejected;            /* kept aside with reason, never stored */
	long col;                /* the rejected column (0-based) */
	long dupcol;             /* the column a duplicate is reported at */
	long long place, period;
	char key[65], fp[65], on[11];   /* on[0] == '\0': no date */
	size_t ans0, nans;       /* its answers: ans[ans0 .. ans0 + nans) */
	size_t tick0, nticks;    /* its ticked options */
	size_t reason;           /* arena offsets */
	size_t record;           /* the record as `rejects` keeps it */
};

struct batch {
	struct item *it;
	size_t n, capit;
	struct ans *ans;
	size_t nans, capans;
	struct tick *tick;
	size_t nticks, capticks;
	char *arena;
	size_t used, size;
	long long done, total;   /* the file's position after the batch */
};

static void batch_free(struct batch *b)
{
	free(b->it);
	free(b->ans);
	free(b->tick);
	free(b->arena);
	memset(b, 0, sizeof(*b));
}

/* Room for one more element of `size` bytes in *p (n used of *cap);
 * -1 when out of memory. */
static int room(void *p, size_t n, size_t *cap, size_t size)
{
	void **pp = p;
	size_t c;
	void *q;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 64;
	if (!(q = realloc(*pp, c * size)))
		return -1;
	*pp = q;
	*cap = c;
	return 0;
}

/* Copy s (len bytes) into the arena; its offset, or NO_TEXT when out of
 * memory. */
static size_t arena_put(struct batch *b, const char *s, size_t len)
{
	size_t at = b->used;

	if (b->used + len + 1 > b->size) {
		size_t c = b->size ? b->size : 4096;
		char *q;

		while (b->used + len + 1 > c)
			c *= 2;
		if (!(q = realloc(b->arena, c)))
			return NO_TEXT;
		b->arena = q;
		b->size = c;
	}
	memcpy(b->arena + at, s, len);
	b->arena[at + len] = '\0';
	b->used += len + 1;
	return at;
}

/* Put the row arrays' answers and ticked options into b for item it;
 * -1 when out of memory. */
static int stage_answers(const struct answers *a, struct batch *b,
                         struct item *it)
{
	size_t k, i;

	it->ans0 = b->nans;
	it->tick0 = b->nticks;
	for (k = 0; k < a->sv.n; k++) {
		const struct question *q = &a->sv.q[k];
		struct ans *x;

		if (!answered(a, k) || q->role == R_RESPONDENT
		    || q->role == R_PLACE)
			continue;
		if (room(&b->ans, b->nans, &b->capans, sizeof(*b->ans)) != 0)
			return -1;
		x = &b->ans[b->nans++];
		x->qid = q->id;
		x->value = a->value[k];
		x->choice = a->choice[k];
		x->text = NO_TEXT;
		if (a->text[k] && (x->text = arena_put(b, a->text[k],
		                                       strlen(a->text[k])))
		                  == NO_TEXT)
			return -1;
		if (q->kind != K_MULTIPLE)
			continue;
		for (i = 0; i < q->nchoices; i++) {
			if (!a->picked[k * a->max_choices + i])
				continue;
			if (room(&b->tick, b->nticks, &b->capticks,
			         sizeof(*b->tick)) != 0)
				return -1;
			b->tick[b->nticks].qid = q->id;
			b->tick[b->nticks++].cid = q->choices[i].id;
		}
	}
	it->nans = b->nans - it->ans0;
	it->nticks = b->nticks - it->tick0;
	return 0;
}

/* Render the current record into the arena as `rejects` keeps it (field
 * hide masked); -1 when out of memory. */
static int stage_record(struct answers *a, struct batch *b,
                        struct item *it, long hide, const char *mask)
{
	char *text = impact__record_text(&a->im, hide, mask);

	if (!text)
		return -1;
	it->record = arena_put(b, text, strlen(text));
	sqlite3_free(text);
	return it->record == NO_TEXT ? -1 : 0;
}

/* The statement inserting n answers at once (n >= 1), prepared on first
 * use: one statement per respondent instead of one per answer. */
static int insert_n(struct answers *a, size_t n, sqlite3_stmt **out)
{
	impact *h = a->im.h;
	sqlite3_str *s;
	char *sql;
	size_t i;
	int rc;

	if (a->ins[n]) {
		*out = a->ins[n];
		return IMPACT_OK;
	}
	s = sqlite3_str_new(h->db);
	sqlite3_str_appendall(s, "INSERT OR FAIL INTO answers (respondent_id,"
	                      " question_id, value, choice_id, text) VALUES ");
	for (i = 0; i < n; i++)
		sqlite3_str_appendall(s, i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)");
	if (!(sql = sqlite3_str_finish(s)))
		return impact__error(h, IMPACT_ENOMEM, "out of memory");
	rc = impact__prepare(h, &a->ins[n], sql);
	sqlite3_free(sql);
	*out = a->ins[n];
	return rc;
}

/* Store item it's answers and ticked options for respondent rid. */
static int store_answers(struct answers *a, const struct batch *b,
                         const struct item *it, long long rid)
{
	impact *h = a->im.h;
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, p;

	if (it->nans) {
		if ((rc = insert_n(a, it->nans, &st)) != IMPACT_OK)
			return rc;
		sqlite3_reset(st);
		for (i = 0, p = 1; i < it->nans; i++, p += 5) {
			const struct ans *x = &b->ans[it->ans0 + i];

			sqlite3_bind_int64(st, p, rid);
			sqlite3_bind_int64(st, p + 1, x->qid);
			if (isnan(x->value))
				sqlite3_bind_null(st, p + 2);
			else
				sqlite3_bind_double(st, p + 2, x->value);
			if (x->choice)
				sqlite3_bind_int64(st, p + 3, x->choice);
			else
				sqlite3_bind_null(st, p + 3);
			if (x->text != NO_TEXT)
				sqlite3_bind_text(st, p + 4, b->arena + x->text, -1,
				                  SQLITE_STATIC);
			else
				sqlite3_bind_null(st, p + 4);
		}
		rc = sqlite3_step(st);
		sqlite3_reset(st);   /* releases the arena's texts */
		if (rc != SQLITE_DONE)
			return impact__db_error(h, "storing an answer");
	}
	for (i = 0; i < it->nticks; i++) {
		const struct tick *t = &b->tick[it->tick0 + i];

		sqlite3_reset(a->ansc);
		sqlite3_bind_int64(a->ansc, 1, rid);
		sqlite3_bind_int64(a->ansc, 2, t->qid);
		sqlite3_bind_int64(a->ansc, 3, t->cid);
		if (sqlite3_step(a->ansc) != SQLITE_DONE)
			return impact__db_error(h, "storing a choice");
	}
	return IMPACT_OK;
}

/* Store item it: its respondent, answers and choices. */
static int store_row(struct answers *a, const struct batch *b,
                     const struct item *it)
{
	impact *h = a->im.h;

	sqlite3_reset(a->resp);
	sqlite3_bind_int64(a->resp, 1, a->sv.id);
	sqlite3_bind_int64(a->resp, 2, a->im.import_id);
	sqlite3_bind_text(a->resp, 3, it->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(a->resp, 4, it->place);
	sqlite3_bind_int64(a->resp, 5, it->period);
	if (it->on[0])
		sqlite3_bind_text(a->resp, 6, it->on, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(a->resp, 6);
	sqlite3_bind_text(a->resp, 7, it->fp, -1, SQLITE_STATIC);
	if (sqlite3_step(a->resp) != SQLITE_DONE)
		return impact__db_error(h, "storing a respondent");
	return store_answers(a, b, it, sqlite3_last_insert_rowid(h->db));
}

/* A new item for the current record in b, or NULL when out of memory. */
static struct item *new_item(struct answers *a, struct batch *b)
{
	struct item *it;

	if (room(&b->it, b->n, &b->capit, sizeof(*b->it)) != 0)
		return NULL;
	it = &b->it[b->n];
	memset(it, 0, sizeof(*it));
	it->line = a->im.rec.line;
	it->reason = it->record = NO_TEXT;
	return it;
}

/* Make it a rejected record: column col, reason, field hide masked. */
static int stage_reject(struct answers *a, struct batch *b,
                        struct item *it, long col, long hide,
                        const char *mask, const char *reason)
{
	it->rejected = 1;
	it->col = col;
	if ((it->reason = arena_put(b, reason, strlen(reason))) == NO_TEXT
	    || stage_record(a, b, it, hide, mask) != 0)
		return -1;
	b->n++;
	return 0;
}

/* Read and check the current record into a new item of b (the reader's
 * part: nothing here touches the connection).  h receives errors.
 * Returns IMPACT_OK (row to store or rejected) or an error. */
static int check_row(struct answers *a, impact *h, struct batch *b)
{
	struct import *im = &a->im;
	char reason[MAX_REASON] = "", on[11];
	const char *onp = NULL;
	long long place = 0, period = im->opts->period;
	long bad = -1;
	struct item *it = new_item(a, b);
	size_t k;

	if (!it)
		goto nomem;
	if (!impact__check_width(im, reason, sizeof(reason))) {
		if (stage_reject(a, b, it, 0, MASK_WORDS, "(masked)", reason))
			goto nomem;
		return IMPACT_OK;
	}
	/* Answers first, so the fingerprint and key can use them.  Those
	 * after a bad one are not read: they are cleared, for nothing of the
	 * previous row (its text points into a reused buffer) to remain. */
	for (k = 0; k < a->sv.n; k++) {
		a->value[k] = NAN;
		a->choice[k] = 0;
		a->text[k] = NULL;
	}
	for (k = 0; k < a->sv.n && bad < 0; k++)
		bad = read_answer(a, k, reason, sizeof(reason));
	for (k = 0; k < a->sv.n && bad < 0; k++) {
		struct question *q = &a->sv.q[k];

		/* A required place is given by --place or only_place too. */
		if (q->required && !answered(a, k)
		    && !(q->role == R_PLACE && (im->opts->place
		                                || im->opts->only_place))) {
			bad = q->col >= 0 ? q->col : 0;
			snprintf(reason, sizeof(reason), "question \"%s\" is "
			         "required and has no answer", q->code);
		}
	}
	/* Place. */
	if (bad < 0) {
		long col = a->col_place;
		const char *s = im->opts->place;

		for (k = 0; k < a->sv.n && col < 0; k++)
			if (a->sv.q[k].role == R_PLACE)
				col = a->sv.q[k].col;
		if (!s && col >= 0)
			s = impact__trim(im->rec.fields[col]);
		if ((!s || !*s) && im->opts->only_place)
			s = im->opts->only_place;
		if (!s || !*s) {
			bad = col >= 0 ? col : 0;
			snprintf(reason, sizeof(reason), "no place: give the place "
			         "in a column or with --place CODE");
		} else if ((place = impact__places_find(&a->places, s)) <= 0) {
			bad = im->opts->place ? 0 : col;
			snprintf(reason, sizeof(reason), place < 0
			         ? "place name \"%.64s\" is shared by several "
			           "places: give its code"
			         : "unknown place \"%.64s\": check the code or "
			           "import it with 'impact import places'", s);
		} else if (a->only_place && place != a->only_place) {
			bad = col >= 0 ? col : 0;
			snprintf(reason, sizeof(reason), "place \"%.64s\" is not "
			         "\"%.64s\": this file may hold only the answers "
			         "of \"%.64s\"", s, im->opts->only_place,
			         im->opts->only_place);
		}
	}
	/* Submission date and period. */
	if (bad < 0) {
		long col = a->col_date;
		size_t dk = a->sv.n;

		for (k = 0; k < a->sv.n; k++)
			if (a->sv.q[k].role == R_DATE && a->sv.q[k].col >= 0) {
				dk = k;
				col = -1;
			}
		if (dk < a->sv.n && a->text[dk]) {
			onp = a->text[dk];
		} else if (col >= 0 && *impact__trim(im->rec.fields[col])) {
			impact__datetime d;

			if (!contradicts_forced_order(a, im->rec.fields[col])
			    && impact__date_parse(&d, im->rec.fields[col],
			                          a->date_order, NULL) == 0) {
				impact__date_iso(on, &d);
				onp = on;
			} else if (!period && a->col_period < 0) {
				bad = col;
				snprintf(reason, sizeof(reason), "invalid date "
				         "\"%.32s\": the period cannot be read from "
				         "it (give --period YYYY)",
				         im->rec.fields[col]);
			}
		}
	}
	if (bad < 0 && !period) {
		if (a->col_period >= 0) {
			const char *s = impact__trim(im->rec.fields[a->col_period]);

			if (!impact__parse_count(s, 9999, &period)
			    || strlen(s) != 4 || period < 1900) {
				bad = a->col_period;
				snprintf(reason, sizeof(reason), "invalid period "
				         "\"%.32s\": expected a year such as 2024", s);
			}
		} else if (onp) {
			period = atoi(onp);
		} else {
			bad = 0;
			snprintf(reason, sizeof(reason), "no period: give "
			         "--period YYYY, or a period or date column");
		}
	}
	fingerprint(a, it->fp);
	respondent_key(a, it->fp, it->key);
	if (bad >= 0) {
		if (stage_reject(a, b, it, bad, identifier_column(a), it->key,
		                 reason) != 0)
			goto nomem;
		return IMPACT_OK;
	}
	it->place = place;
	it->period = period;
	snprintf(it->on, sizeof(it->on), "%s", onp ? onp : "");
	/* A duplicate is found by the writer: kept aside as it would be. */
	it->dupcol = identifier_column(a);
	if (stage_record(a, b, it, it->dupcol, it->key) != 0
	    || stage_answers(a, b, it) != 0)
		goto nomem;
	if (it->dupcol < 0)
		it->dupcol = 0;
	b->n++;
	return IMPACT_OK;
nomem:
	return impact__error(h, IMPACT_ENOMEM, "out of memory");
}

/* Store one checked record (the writer's part).  Returns IMPACT_OK (row
 * stored, skipped or rejected) or an error. */
static int write_item(struct answers *a, const struct batch *b,
                      const struct item *it)
{
	struct import *im = &a->im;
	char reason[MAX_REASON];

	im->sum->rows_read++;
	if (it->rejected)
		return impact__reject_text(im, it->line, it->col,
		                           b->arena + it->reason,
		                           b->arena + it->record);
	/* Already stored? The same answers are skipped, others refused. */
	sqlite3_reset(a->dup);
	sqlite3_bind_int64(a->dup, 1, a->sv.id);
	sqlite3_bind_int64(a->dup, 2, it->period);
	sqlite3_bind_text(a->dup, 3, it->key, -1, SQLITE_STATIC);
	if (sqlite3_step(a->dup) == SQLITE_ROW) {
		const char *old = (const char *)sqlite3_column_text(a->dup, 0);

		if (old && strcmp(old, it->fp) == 0) {
			im->sum->rows_skipped++;
			return IMPACT_OK;
		}
		snprintf(reason, sizeof(reason), "this respondent already "
		         "answered this survey for %lld, with other answers: the "
		         "row is a duplicate", it->period);
		return impact__reject_text(im, it->line, it->dupcol, reason,
		                           b->arena + it->record);
	}
	if (store_row(a, b, it) != IMPACT_OK)
		return impact_errcode(im->h);
	im->sum->rows_loaded++;
	return IMPACT_OK;
}

/* The reader and the writer's meeting point. */
struct pipe {
	struct answers *a;
	impact rd;               /* the reader's handle: its own error */
	struct batch b[BATCHES];
	pthread_mutex_t lock;
	pthread_cond_t moved;    /* a batch was filled or given back */
	size_t filled, done;     /* batches handed over, and given back */
	int pending;             /* read_headers() left a record to check */
	int finished;            /* the reader stopped: end of file (rc 0)
	                            or error rc */
	int rc;
	int stop;                /* the writer failed: stop reading */
};

/* Fill batch b with the next rows (the reader's body for one batch).
 * Returns 1 when rows remain, 0 at the end of the file, or an error. */
static int fill(struct pipe *p, struct batch *b)
{
	struct answers *a = p->a;
	int rc = 1;

	b->n = b->nans = b->nticks = b->used = 0;
	while (b->n < BATCH_ROWS) {
		if (!p->pending) {
			rc = impact__csv_next(&p->rd, a->im.csv, &a->im.rec);
			if (rc <= 0)
				break;
		}
		p->pending = 0;
		if ((rc = check_row(a, &p->rd, b)) != IMPACT_OK)
			break;
		rc = 1;
	}
	impact__csv_position(a->im.csv, &b->done, &b->total);
	return rc;
}

/* The reader thread: batches until the end of the file, an error or
 * the writer's stop. */
static void *reader(void *arg)
{
	struct pipe *p = arg;
	int rc = 1;

	while (rc > 0) {
		struct batch *b;

		pthread_mutex_lock(&p->lock);
		while (p->filled - p->done == BATCHES && !p->stop)
			pthread_cond_wait(&p->moved, &p->lock);
		b = p->stop ? NULL : &p->b[p->filled % BATCHES];
		pthread_mutex_unlock(&p->lock);
		if (!b)
			break;
		rc = fill(p, b);
		pthread_mutex_lock(&p->lock);
		p->filled++;
		pthread_cond_signal(&p->moved);
		pthread_mutex_unlock(&p->lock);
	}
	pthread_mutex_lock(&p->lock);
	p->finished = 1;
	p->rc = rc < 0 ? rc : IMPACT_OK;
	pthread_cond_signal(&p->moved);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Store every batch's rows, in order. */
static int write_batch(struct pipe *p, const struct batch *b)
{
	size_t i;
	int rc = IMPACT_OK;

	for (i = 0; i < b->n && rc == IMPACT_OK; i++)
		rc = write_item(p->a, b, &b->it[i]);
	impact__progress(p->a->im.h, "answers", (size_t)b->done,
	                 (size_t)b->total);
	return rc;
}

/* The rows of the file after the header: read and checked on a thread
 * of their own while this one stores them (on this thread alone when
 * impact__threads() is 1 or no thread can start). */
static int import_rows(struct answers *a, int pending)
{
	impact *h = a->im.h;
	struct pipe p;
	pthread_t tid;
	int rc = IMPACT_OK, threaded = 0;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.a = a;
	p.rd = *h;
	p.rd.progress = NULL;
	p.pending = pending;
	if (impact__threads() > 1 && pthread_mutex_init(&p.lock, NULL) == 0) {
		if (pthread_cond_init(&p.moved, NULL) != 0)
			pthread_mutex_destroy(&p.lock);
		else if (pthread_create(&tid, NULL, reader, &p) == 0)
			threaded = 1;
		else {
			pthread_cond_destroy(&p.moved);
			pthread_mutex_destroy(&p.lock);
		}
	}
	if (!threaded) {
		int more = 1;

		while (more > 0 && rc == IMPACT_OK) {
			more = fill(&p, &p.b[0]);
			rc = write_batch(&p, &p.b[0]);
		}
		p.rc = more < 0 ? more : IMPACT_OK;
	} else {
		for (;;) {
			struct batch *b;

			pthread_mutex_lock(&p.lock);
			while (p.done == p.filled && !p.finished)
				pthread_cond_wait(&p.moved, &p.lock);
			b = p.done < p.filled && !(p.finished && p.rc < 0)
			    ? &p.b[p.done % BATCHES] : NULL;
			pthread_mutex_unlock(&p.lock);
			if (!b)
				break;
			rc = write_batch(&p, b);
			pthread_mutex_lock(&p.lock);
			p.done++;
			if (rc != IMPACT_OK)
				p.stop = 1;
			pthread_cond_signal(&p.moved);
			pthread_mutex_unlock(&p.lock);
			if (rc != IMPACT_OK)
				break;
		}
		pthread_join(tid, NULL);
		pthread_cond_destroy(&p.moved);
		pthread_mutex_destroy(&p.lock);
	}
	/* The writer's error first; else the reader's, with its message. */
	if (rc == IMPACT_OK && p.rc < 0)
		rc = impact__error(h, p.rc, "%s", p.rd.errmsg);
	for (i = 0; i < BATCHES; i++)
		batch_free(&p.b[i]);
	return rc;
}

/* ---------------------------------------------------------------- */

/* Read the database's secret for respondent keys. */
static int respondent_secret(impact *h, char *out, size_t size)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT value FROM meta"
	                          " WHERE key = 'respondent_secret';")) != 0)
		return rc;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return impact__error(h, IMPACT_EDB, "the database has no "
		                     "respondent secret: it is damaged");
	}
	snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return IMPACT_OK;
}

/* The id of place code `code` (exactly) into *out, for
 * opts->only_place; IMPACT_ENOTFOUND when there is none. */
static int only_place_id(impact *h, impact__place_index *ix,
                         const char *code, long long *out)
{
	*out = impact__places_find(ix, code);
	if (*out <= 0)
		return impact__error(h, IMPACT_ENOTFOUND, "unknown place \"%.64s\"",
		                     code);
	return IMPACT_OK;
}

/* Allocate the per-row arrays. */
static int row_arrays(struct answers *a)
{
	size_t k, n = a->sv.n;

	for (k = 0; k < n; k++)
		if (a->sv.q[k].nchoices > a->max_choices)
			a->max_choices = a->sv.q[k].nchoices;
	if (a->max_choices == 0)
		a->max_choices = 1;
	a->value = calloc(n, sizeof(*a->value));
	a->choice = calloc(n, sizeof(*a->choice));
	a->text = calloc(n, sizeof(*a->text));
	a->date_text = calloc(n, 11);
	a->picked = calloc(n, a->max_choices);
	a->ins = calloc(n + 1, sizeof(*a->ins));
	if (!a->value || !a->choice || !a->text || !a->date_text || !a->picked
	    || !a->ins)
		return impact__error(a->im.h, IMPACT_ENOMEM, "out of memory");
	return IMPACT_OK;
}

/* Finalize the answer inserts insert_n() prepared. */
static void inserts_free(struct answers *a)
{
	size_t k;

	for (k = 0; a->ins && k <= a->sv.n; k++)
		sqlite3_finalize(a->ins[k]);
	free(a->ins);
	a->ins = NULL;
}

/* Note what the user should know about the columns. */
static void note_columns(struct answers *a)
{
	char *notes = a->im.sum->notes, unbound[512] = "";
	size_t k, n = 0;

	for (k = 0; k < a->sv.n; k++) {
		const struct question *q = &a->sv.q[k];

		if (q->col >= 0 || q->has_option_cols || q->role == R_PLACE
		    || q->role == R_RESPONDENT || q->role == R_DATE)
			continue;
		if (n++ < 8)
			snprintf(unbound + strlen(unbound),
			         sizeof(unbound) - strlen(unbound), "%s%s",
			         n > 1 ? ", " : "", q->code);
	}
	if (n)
		snprintf(notes + strlen(notes), a->im.sum->notes
		         + sizeof(a->im.sum->notes) - notes - strlen(notes),
		         "%squestions without a column: %s%s",
		         *notes ? "; " : "", unbound, n > 8 ? ", ..." : "");
}

int impact_import_answers(impact *h, const char *path, const char *survey_code,
                          const impact_import_opts *opts,
                          impact_import_summary *out)
{
	struct answers a;
	impact_import_summary dummy;
	int rc, pending = 0;
	size_t k;

	assert(h && path && survey_code);
	impact__clear_error(h);
	memset(&a, 0, sizeof(a));
	a.col_respondent = a.col_place = a.col_period = -1;
	a.col_date = a.col_toolid = -1;
	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (opts && opts->place && !*opts->place)
		return impact__error(h, IMPACT_EUSAGE, "empty --place");
	if ((rc = survey_load(h, survey_code, &a.sv)) != IMPACT_OK)
		return rc;
	if ((rc = respondent_secret(h, a.secret, sizeof(a.secret))) != 0
	    || (rc = impact__places_init(h, &a.places)) != IMPACT_OK)
		goto done;
	if (opts && opts->only_place
	    && (rc = only_place_id(h, &a.places, opts->only_place,
	                           &a.only_place)) != IMPACT_OK)
		goto done;
	/* Every reference written is proven here: the respondent just
	 * inserted, this import, the survey's questions and choices, the
	 * place found in the places read above (no command deletes one). */
	a.im.trusted_refs = 1;
	rc = impact__import_begin(&a.im, h, path, "answers", a.sv.id, opts,
	                          out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	a.im.unknown_ok = 1;
	if ((rc = read_headers(&a, &pending)) != IMPACT_OK
	    || (rc = detect_tool(&a)) != IMPACT_OK)
		goto done;
	/* The effective names become the header the framework maps and
	 * frees; a.names keeps pointing at them (not owned) from here. */
	for (k = 0; k < a.im.nheader; k++)
		free(a.im.header[k]);
	free(a.im.header);
	a.im.header = a.names;
	a.im.nheader = a.nnames;
	a.names_owned = 0;
	if ((rc = impact__map_header(&a.im, NULL, 0, answers_column, &a)) != 0)
		goto done;
	if ((rc = decide_date_orders(&a, (size_t)out->header_rows)) != 0
	    || (rc = row_arrays(&a)) != IMPACT_OK)
		goto done;
	note_columns(&a);
	if ((rc = impact__prepare(h, &a.dup, "SELECT fingerprint FROM"
	                          " respondents WHERE survey_id = ?1 AND"
	                          " period = ?2 AND key = ?3;")) != 0
	    || (rc = impact__prepare(h, &a.resp, "INSERT INTO respondents"
	                             " (survey_id, import_id, key, place_id,"
	                             " period, submitted_on, fingerprint)"
	                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7);"))
	       != 0
	    || (rc = impact__prepare(h, &a.ansc, "INSERT INTO answer_choices"
	                             " (respondent_id, question_id, choice_id)"
	                             " VALUES (?1, ?2, ?3);")) != 0)
		goto done;
	rc = import_rows(&a, pending);
done:
	if (a.names_owned) {
		for (k = 0; k < a.nnames; k++)
			free(a.names[k]);
		free(a.names);
	}
	sqlite3_finalize(a.dup);
	sqlite3_finalize(a.resp);
	sqlite3_finalize(a.ansc);
	inserts_free(&a);
	free(a.value);
	free(a.choice);
	free(a.text);
	free(a.date_text);
	free(a.picked);
	impact__places_release(&a.places);
	rc = a.im.h ? impact__import_end(&a.im, rc) : rc;
	survey_release(&a.sv);
	return rc;
}

/* ---------------------------------------------------------------- */
/* One respondent typed in a form                                     */

/* The kind of error of a refused answer `s` to q, for a message in the
 * reader's language (the importer's reason says it in English). */
static int field_code(const struct question *q, const char *s)
{
	double v;

	switch (q->kind) {
	case K_SCALE:
	case K_RATING:
	case K_NUMBER:
		return read_number(s, &v) ? IMPACT_FIELD_RANGE
		                          : IMPACT_FIELD_NUMBER;
	case K_YESNO:
		return IMPACT_FIELD_YESNO;
	case K_SINGLE:
	case K_MULTIPLE:
		return IMPACT_FIELD_CHOICE;
	case K_DATE:
		return IMPACT_FIELD_DATE;
	case K_TEXT:
		break;
	}
	return IMPACT_FIELD_UNKNOWN;
}

/* The errors of one form, as impact_answers_add_one() returns them. */
struct form_errors {
	impact_field_error *e;  /* caller's array */
	size_t max;             /* its size */
	size_t n;               /* errors found (may exceed max) */
	char first[512];        /* the first reason, for the handle */
};

/* Record an error of question `code` (q, when known, gives its bounds). */
static void form_error(struct form_errors *fe, const char *code,
                       const struct question *q, int kind,
                       const char *reason)
{
	if (fe->n == 0)
		snprintf(fe->first, sizeof(fe->first), "%s", reason);
	if (fe->n < fe->max) {
		impact_field_error *e = &fe->e[fe->n];

		memset(e, 0, sizeof(*e));
		snprintf(e->question, sizeof(e->question), "%.64s", code);
		e->code = kind;
		if (q) {
			e->has_min = q->has_min;
			e->has_max = q->has_max;
			e->min = q->min;
			e->max = q->max;
		}
		snprintf(e->reason, sizeof(e->reason), "%s", reason);
	}
	fe->n++;
}

/* The `imports` row that holds the form entries of survey `survey_id`
 * (kind answers, sha256 and tool "form"), created when missing, into
 * *out.  Inside the caller's transaction. */
static int form_import(impact *h, long long survey_id, long long *out)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT id FROM imports WHERE kind ="
	                          " 'answers' AND sha256 = 'form' AND"
	                          " survey_id = ?1;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, survey_id);
	*out = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	st = NULL;
	if (*out)
		return IMPACT_OK;
	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &st, "INSERT INTO imports (kind, file_name,"
	                          " sha256, survey_id, rows_read, rows_loaded,"
	                          " rows_rejected, encoding, tool, notes,"
	                          " imported_at) VALUES ('answers', '(form)',"
	                          " 'form', ?1, 0, 0, 0, 'UTF-8', 'form',"
	                          " 'answers typed in a form (impact serve)',"
	                          " ?2);")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, survey_id);
	sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, "recording the form entries");
	else
		*out = sqlite3_last_insert_rowid(h->db);
	sqlite3_finalize(st);
	return rc;
}

/* Run `sql` binding ?1..?3 to integers a, b, c (unused ones ignored). */
static int form_exec(impact *h, const char *sql, long long a, long long b,
                     long long c, const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, c);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, what);
	sqlite3_finalize(st);
	return rc;
}

/*
 * The stored key of form entry `rid` of survey `sid` at place `pid` into
 * key (65 bytes).  IMPACT_ENOTFOUND when it is not such an entry.
 */
static int form_entry_key(impact *h, long long rid, long long sid,
                          long long pid, char key[65])
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, "SELECT r.key FROM respondents r"
	                          " JOIN form_entries f ON f.respondent_id ="
	                          " r.id WHERE r.id = ?1 AND r.survey_id = ?2"
	                          " AND r.place_id = ?3;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, rid);
	sqlite3_bind_int64(st, 2, sid);
	sqlite3_bind_int64(st, 3, pid);
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(key, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	else
		rc = impact__error(h, IMPACT_ENOTFOUND, "no form entry %lld of "
		                   "this place and survey", rid);
	sqlite3_finalize(st);
	return rc;
}

int impact_answers_add_one(impact *h, const impact_entry_opts *opts,
                           const impact_answer_field *fields, size_t nfields,
                           impact_field_error *errors, size_t max_errors,
                           size_t *out_nerrors, long long *out_respondent)
{
	struct answers a;
	struct form_errors fe;
	struct batch fb;
	struct item *it;
	impact_import_summary sum;
	char **cells = NULL, key[65] = "", fp[65], now[32];
	unsigned char *bad = NULL;
	const char *ident = NULL, *onp = NULL;
	long long place = 0, rid = 0, dup = 0;
	sqlite3_stmt *st = NULL;
	size_t i, k, n;
	int rc, in_tx = 0;

	assert(h && opts && opts->survey && opts->place);
	assert(fields || nfields == 0);
	assert(errors || max_errors == 0);
	impact__clear_error(h);
	memset(&a, 0, sizeof(a));
	memset(&fb, 0, sizeof(fb));
	memset(&fe, 0, sizeof(fe));
	memset(&sum, 0, sizeof(sum));
	fe.e = errors;
	fe.max = max_errors;
	a.col_respondent = a.col_place = a.col_period = -1;
	a.col_date = a.col_toolid = -1;
	if (out_nerrors)
		*out_nerrors = 0;
	if (out_respondent)
		*out_respondent = 0;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (!opts->dry_run && (opts->period < 1900 || opts->period > 9999))
		return impact__error(h, IMPACT_EUSAGE, "invalid period %d: "
		                     "expected a year from 1900 to 9999",
		                     opts->period);
	if ((rc = survey_load(h, opts->survey, &a.sv)) != IMPACT_OK)
		return rc;
	/* The row is read as the importer reads a record of a file whose
	 * column k holds question k, dates day first. */
	a.im.h = h;
	a.im.name = "(form)";
	a.im.kind = "answers";
	a.im.sum = &sum;
	a.im.defaults = (impact_import_opts)IMPACT_IMPORT_OPTS_INIT;
	a.im.opts = &a.im.defaults;
	a.date_order = IMPACT__DATE_ORDER_DMY;
	n = a.sv.n;
	if ((rc = respondent_secret(h, a.secret, sizeof(a.secret))) != 0
	    || (rc = impact__places_init(h, &a.places)) != IMPACT_OK
	    || (rc = only_place_id(h, &a.places, opts->place, &place)) != 0
	    || (rc = row_arrays(&a)) != IMPACT_OK)
		goto done;
	cells = calloc(n, sizeof(*cells));
	bad = calloc(n, 1);
	if (!cells || !bad)
		goto nomem;
	for (i = 0; i < nfields; i++) {
		const char *text = fields[i].text ? fields[i].text : "";
		const char *code = fields[i].question ? fields[i].question : "";
		size_t len = strlen(text);

		for (k = 0; k < n && strcmp(a.sv.q[k].code, code) != 0; k++)
			;
		if (k == n || cells[k] || a.sv.q[k].role == R_PLACE) {
			char reason[160];

			snprintf(reason, sizeof(reason), "%s question \"%.64s\" "
			         "in survey \"%.64s\"", k == n ? "no"
			         : "answer given twice to", code, opts->survey);
			form_error(&fe, code, NULL, IMPACT_FIELD_UNKNOWN, reason);
			if (k < n)
				bad[k] = 1;
			continue;
		}
		if (len > IMPACT_FIELD_MAX
		    || !impact__utf8_valid((const unsigned char *)text, len)) {
			char reason[160];
			int too_long = len > IMPACT_FIELD_MAX;

			snprintf(reason, sizeof(reason), "answer to question \"%s\""
			         " %s", a.sv.q[k].code, too_long
			         ? "too long (at most 2000 bytes)"
			         : "is not valid UTF-8 text");
			form_error(&fe, code, &a.sv.q[k], too_long
			           ? IMPACT_FIELD_TOO_LONG : IMPACT_FIELD_ENCODING,
			           reason);
			bad[k] = 1;
			text = "";
		}
		if (!(cells[k] = strdup(text)))
			goto nomem;
	}
	for (k = 0; k < n; k++) {
		struct question *q = &a.sv.q[k];

		q->col = (long)k;
		q->date_order = IMPACT__DATE_ORDER_DMY;
		if (!cells[k] && !(cells[k] = strdup(q->role == R_PLACE
		                                     ? opts->place : "")))
			goto nomem;
	}
	a.im.rec.fields = cells;
	a.im.rec.nfields = n;
	for (k = 0; k < n; k++) {
		char reason[MAX_REASON] = "";

		if (bad[k])
			continue;
		if (read_answer(&a, k, reason, sizeof(reason)) >= 0) {
			form_error(&fe, a.sv.q[k].code, &a.sv.q[k],
			           field_code(&a.sv.q[k], cells[k]), reason);
			bad[k] = 1;
		}
	}
	for (k = 0; k < n; k++) {
		char reason[MAX_REASON];

		if (bad[k] || !a.sv.q[k].required || answered(&a, k))
			continue;
		snprintf(reason, sizeof(reason), "question \"%s\" is required "
		         "and has no answer", a.sv.q[k].code);
		form_error(&fe, a.sv.q[k].code, &a.sv.q[k],
		           IMPACT_FIELD_REQUIRED, reason);
	}
	if (fe.n) {
		rc = impact__error(h, IMPACT_EDATA, "%s", fe.first);
		goto done;
	}
	if (opts->dry_run)
		goto done;
	for (k = 0; k < n; k++) {
		if (a.sv.q[k].role == R_RESPONDENT
		    && *impact__trim(cells[k]))
			ident = impact__trim(cells[k]);
		if (a.sv.q[k].role == R_DATE && a.text[k])
			onp = a.text[k];
	}
	fingerprint(&a, fp);
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	in_tx = 1;
	if (opts->respondent
	    && (rc = form_entry_key(h, opts->respondent, a.sv.id, place, key))
	       != IMPACT_OK)
		goto done;
	/* The importer's key for an identifier, so that the same person in a
	 * later file is recognised; else a random one (or, for a correction,
	 * the one stored). */
	if (ident || !opts->respondent) {
		char material[1024], nonce[33];
		unsigned char mac[32], r[16];

		if (ident) {
			snprintf(material, sizeof(material), "id:%s", ident);
		} else {
			if (impact__random_bytes(r, sizeof(r)) != 0) {
				rc = impact__error(h, IMPACT_EIO, "cannot read "
				                   "/dev/urandom");
				goto done;
			}
			impact__hex(nonce, r, sizeof(r));
			snprintf(material, sizeof(material), "form:%s", nonce);
		}
		impact__hmac_sha256(a.secret, strlen(a.secret), material,
		                    strlen(material), mac);
		impact__hex(key, mac, 32);
	}
	if ((rc = impact__prepare(h, &st, "SELECT id FROM respondents WHERE"
	                          " survey_id = ?1 AND period = ?2 AND key ="
	                          " ?3 AND id <> ?4;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_int64(st, 1, a.sv.id);
	sqlite3_bind_int64(st, 2, opts->period);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, opts->respondent);
	if (sqlite3_step(st) == SQLITE_ROW)
		dup = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (dup) {
		char reason[MAX_REASON];

		for (k = 0; k < n && a.sv.q[k].role != R_RESPONDENT; k++)
			;
		snprintf(reason, sizeof(reason), "this respondent already "
		         "answered this survey for %d", opts->period);
		form_error(&fe, k < n ? a.sv.q[k].code : "", k < n
		           ? &a.sv.q[k] : NULL, IMPACT_FIELD_DUPLICATE, reason);
		rc = impact__error(h, IMPACT_EDATA, "%s", reason);
		goto done;
	}
	if ((rc = form_import(h, a.sv.id, &a.im.import_id)) != IMPACT_OK
	    || (rc = impact__prepare(h, &a.ansc, "INSERT INTO answer_choices"
	                             " (respondent_id, question_id, choice_id)"
	                             " VALUES (?1, ?2, ?3);")) != IMPACT_OK)
		goto done;
	/* The entry as an import's checked row, stored the same way. */
	if (!(it = new_item(&a, &fb)) || stage_answers(&a, &fb, it) != 0) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	fb.n = 1;
	memcpy(it->key, key, sizeof(it->key));
	memcpy(it->fp, fp, sizeof(it->fp));
	snprintf(it->on, sizeof(it->on), "%s", onp ? onp : "");
	it->place = place;
	it->period = opts->period;
	impact__utc_now(now, sizeof(now));
	if (opts->respondent) {
		rid = opts->respondent;
		if ((rc = impact__prepare(h, &st, "UPDATE respondents SET key = ?1,"
		                          " period = ?2, submitted_on = ?3,"
		                          " fingerprint = ?4 WHERE id = ?5;"))
		    != IMPACT_OK)
			goto done;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, opts->period);
		if (onp)
			sqlite3_bind_text(st, 3, onp, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, fp, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, rid);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = impact__db_error(h, "correcting a respondent");
			goto done;
		}
		if ((rc = form_exec(h, "DELETE FROM answers WHERE respondent_id ="
		                    " ?1;", rid, 0, 0, "correcting answers")) != 0
		    || (rc = form_exec(h, "DELETE FROM answer_choices WHERE"
		                       " respondent_id = ?1;", rid, 0, 0,
		                       "correcting answers")) != IMPACT_OK
		    || (rc = store_answers(&a, &fb, it, rid)) != IMPACT_OK)
			goto done;
		sqlite3_finalize(st);
		if ((rc = impact__prepare(h, &st, "UPDATE form_entries SET"
		                          " changed_at = ?1 WHERE respondent_id ="
		                          " ?2;")) != IMPACT_OK)
			goto done;
		sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, rid);
	} else {
		if ((rc = impact__prepare(h, &a.resp, "INSERT INTO respondents"
		                          " (survey_id, import_id, key, place_id,"
		                          " period, submitted_on, fingerprint)"
		                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7);"))
		    != IMPACT_OK
		    || (rc = store_row(&a, &fb, it)) != IMPACT_OK)
			goto done;
		if ((rc = impact__prepare(h, &st, "INSERT INTO form_entries"
		                          " (respondent_id, entered_at) SELECT id,"
		                          " ?1 FROM respondents WHERE survey_id ="
		                          " ?3 AND period = ?4 AND key = ?5"
		                          " RETURNING respondent_id;"))
		    != IMPACT_OK)
			goto done;
		sqlite3_bind_int64(st, 3, a.sv.id);
		sqlite3_bind_int64(st, 4, opts->period);
		sqlite3_bind_text(st, 5, key, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			rc = impact__db_error(h, "recording a form entry");
			goto done;
		}
		rid = sqlite3_column_int64(st, 0);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "recording a form entry");
		goto done;
	}
	rc = form_exec(h, "UPDATE imports SET rows_read = (SELECT count(*) FROM"
	               " respondents WHERE import_id = ?1), rows_loaded ="
	               " (SELECT count(*) FROM respondents WHERE import_id ="
	               " ?1) WHERE id = ?1;", a.im.import_id, 0, 0,
	               "counting the form entries");
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(st);
	sqlite3_finalize(a.resp);
	sqlite3_finalize(a.ansc);
	inserts_free(&a);
	batch_free(&fb);
	if (in_tx)
		rc = impact__end_tx(h, rc);
	if (rc == IMPACT_OK && out_respondent)
		*out_respondent = rid;
	if (out_nerrors)
		*out_nerrors = fe.n;
	if (cells)
		for (k = 0; k < n; k++)
			free(cells[k]);
	free(cells);
	free(bad);
	free(a.value);
	free(a.choice);
	free(a.text);
	free(a.date_text);
	free(a.picked);
	impact__places_release(&a.places);
	survey_release(&a.sv);
	return rc;
}
