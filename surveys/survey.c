/*
 * surveys/survey.c: questionnaire definitions (JSON, docs/formats.md).
 *
 * impact_survey_add() parses the file with jansson, checks every key and
 * value, and stores the survey and its questions in one transaction; the
 * JSON text itself is kept in surveys.definition so the definition a
 * result was computed from can always be read back.  Errors name the file
 * and, for syntax errors, the line and column jansson reports; for a wrong
 * value, the path of the key (questions[2].max).
 */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../engine/context.h"
#include "impact/surveys.h"

/* Read a whole file into a NUL-terminated buffer (caller frees). */
static int slurp(impact *h, const char *path, char **out, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	*out = NULL;
	if (!fp)
		return impact__error(h, errno == ENOENT ? IMPACT_ENOTFOUND
		                                        : IMPACT_EIO,
		                     "cannot open '%s': %s", path, strerror(errno));
	do {
		if (cap - n < 4096) {
			char *p;

			cap = cap ? 2 * cap : 8192;
			if (cap > 16u * 1024 * 1024) {
				free(buf);
				fclose(fp);
				return impact__error(h, IMPACT_EDATA, "%s: file too "
				                     "large for a questionnaire (16 MiB "
				                     "at most)", path);
			}
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(fp);
				return impact__error(h, IMPACT_ENOMEM, "out of memory");
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp)) {
		free(buf);
		fclose(fp);
		return impact__error(h, IMPACT_EIO, "cannot read '%s'", path);
	}
	fclose(fp);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return IMPACT_OK;
}

/* Check that object `o` has only keys from the NULL-terminated `allowed`. */
static int only_keys(impact *h, const char *file, const char *where,
                     json_t *o, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		const char *const *a;

		for (a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				break;
		if (!*a)
			return impact__error(h, IMPACT_EDATA, "%s: %s: unknown key "
			                     "\"%s\" (see docs/formats.md)", file,
			                     where, key);
	}
	(void)v;
	return IMPACT_OK;
}

/* Read a {"fr": ..., "en": ...} label; fr required. */
static int label(impact *h, const char *file, const char *where, json_t *o,
                 const char **fr, const char **en)
{
	static const char *const keys[] = { "fr", "en", NULL };
	json_t *f, *e;
	int rc;

	if (!json_is_object(o))
		return impact__error(h, IMPACT_EDATA, "%s: %s: expected an object "
		                     "{\"fr\": \"...\", \"en\": \"...\"}", file,
		                     where);
	if ((rc = only_keys(h, file, where, o, keys)) != IMPACT_OK)
		return rc;
	f = json_object_get(o, "fr");
	e = json_object_get(o, "en");
	if (!json_is_string(f) || json_string_length(f) == 0)
		return impact__error(h, IMPACT_EDATA, "%s: %s.fr: a French text "
		                     "is required", file, where);
	if (e && !json_is_string(e))
		return impact__error(h, IMPACT_EDATA, "%s: %s.en: expected a "
		                     "string", file, where);
	*fr = json_string_value(f);
	*en = e ? json_string_value(e) : NULL;
	return IMPACT_OK;
}

/* Same rule as codes in CSV files. */
static int valid_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		      || (c >= '0' && c <= '9') || c == '-' || c == '_'
		      || c == '.'))
			return 0;
	}
	return n > 0 && n <= 64;
}

int impact_survey_add(impact *h, const char *path, char **out_code,
                      int *out_existed)
{
	static const char *const top_keys[] = { "id", "title", "questions",
	                                        NULL };
	static const char *const q_keys[] = { "id", "label", "type", "min",
	                                      "max", "domain", NULL };
	sqlite3_stmt *st = NULL;
	json_error_t jerr;
	json_t *root = NULL, *qs, *id;
	const char *code, *title_fr = NULL, *title_en = NULL;
	char *text = NULL, now[32], where[64];
	size_t len = 0, i, j;
	long long sid;
	int rc, in_tx = 0;

	assert(h && path);
	impact__clear_error(h);
	if (out_code)
		*out_code = NULL;
	if (out_existed)
		*out_existed = 0;
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = slurp(h, path, &text, &len)) != IMPACT_OK)
		return rc;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		rc = impact__error(h, IMPACT_EDATA, "%s:%d:%d: %s", path,
		                   jerr.line, jerr.column, jerr.text);
		goto done;
	}
	if (!json_is_object(root)) {
		rc = impact__error(h, IMPACT_EDATA, "%s:1:1: expected a JSON "
		                   "object with id, title and questions", path);
		goto done;
	}
	if ((rc = only_keys(h, path, "top level", root, top_keys)) != 0)
		goto done;
	id = json_object_get(root, "id");
	if (!json_is_string(id) || !valid_id(json_string_value(id))) {
		rc = impact__error(h, IMPACT_EDATA, "%s: id: expected 1 to 64 "
		                   "letters, digits, '-', '_' or '.'", path);
		goto done;
	}
	code = json_string_value(id);
	if ((rc = label(h, path, "title", json_object_get(root, "title"),
	                &title_fr, &title_en)) != IMPACT_OK)
		goto done;
	qs = json_object_get(root, "questions");
	if (!json_is_array(qs) || json_array_size(qs) == 0) {
		rc = impact__error(h, IMPACT_EDATA, "%s: questions: expected a "
		                   "non-empty array", path);
		goto done;
	}
	for (i = 0; i < json_array_size(qs); i++) {
		json_t *q = json_array_get(qs, i), *v, *mn, *mx, *dom;
		const char *fr, *en;

		snprintf(where, sizeof(where), "questions[%zu]", i);
		if (!json_is_object(q)) {
			rc = impact__error(h, IMPACT_EDATA, "%s: %s: expected an "
			                   "object", path, where);
			goto done;
		}
		if ((rc = only_keys(h, path, where, q, q_keys)) != 0)
			goto done;
		v = json_object_get(q, "id");
		if (!json_is_string(v) || !valid_id(json_string_value(v))) {
			rc = impact__error(h, IMPACT_EDATA, "%s: %s.id: expected 1 "
			                   "to 64 letters, digits, '-', '_' or '.'",
			                   path, where);
			goto done;
		}
		for (j = 0; j < i; j++) {
			json_t *o = json_object_get(json_array_get(qs, j), "id");

			if (strcmp(json_string_value(o), json_string_value(v)) == 0) {
				rc = impact__error(h, IMPACT_EDATA, "%s: %s.id: \"%s\" "
				                   "is already questions[%zu].id", path,
				                   where, json_string_value(v), j);
				goto done;
			}
		}
		snprintf(where, sizeof(where), "questions[%zu].label", i);
		if ((rc = label(h, path, where, json_object_get(q, "label"), &fr,
		                &en)) != IMPACT_OK)
			goto done;
		snprintf(where, sizeof(where), "questions[%zu]", i);
		v = json_object_get(q, "type");
		if (!json_is_string(v) || strcmp(json_string_value(v), "scale")) {
			rc = impact__error(h, IMPACT_EDATA, "%s: %s.type: expected "
			                   "\"scale\" (the only type of this version)",
			                   path, where);
			goto done;
		}
		mn = json_object_get(q, "min");
		mx = json_object_get(q, "max");
		if (!json_is_number(mn) || !json_is_number(mx)
		    || json_number_value(mn) >= json_number_value(mx)) {
			rc = impact__error(h, IMPACT_EDATA, "%s: %s: \"min\" and "
			                   "\"max\" must be numbers with min < max",
			                   path, where);
			goto done;
		}
		dom = json_object_get(q, "domain");
		if (dom && (!json_is_string(dom) || !valid_id(json_string_value(dom)))) {
			rc = impact__error(h, IMPACT_EDATA, "%s: %s.domain: expected "
			                   "a short word such as \"health\"", path,
			                   where);
			goto done;
		}
	}
	/* Valid: store it, unless it is already there. */
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		goto done;
	in_tx = 1;
	if ((rc = impact__prepare(h, &st, "SELECT definition FROM surveys"
	                          " WHERE code = ?1;")) != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *old = (const char *)sqlite3_column_text(st, 0);

		if (strcmp(old, text) != 0) {
			rc = impact__error(h, IMPACT_EDATA, "%s: survey \"%s\" "
			                   "already exists with another definition: "
			                   "give this one a new id", path, code);
			goto done;
		}
		if (out_existed)
			*out_existed = 1;
		goto store_code;
	}
	sqlite3_finalize(st);
	st = NULL;
	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &st, "INSERT INTO surveys (code, title_fr,"
	                          " title_en, definition, added_at)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5);")) != 0)
		goto done;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title_fr, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, title_en, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "storing the survey");
		goto done;
	}
	sid = sqlite3_last_insert_rowid(h->db);
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = impact__prepare(h, &st, "INSERT INTO questions (survey_id,"
	                          " code, position, label_fr, label_en, kind,"
	                          " min, max, domain)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9);"))
	    != IMPACT_OK)
		goto done;
	for (i = 0; i < json_array_size(qs); i++) {
		json_t *q = json_array_get(qs, i), *lab = json_object_get(q, "label");
		json_t *en = json_object_get(lab, "en");

		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, sid);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(q, "id")),
		                  -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (long long)i + 1);
		sqlite3_bind_text(st, 4,
		                  json_string_value(json_object_get(lab, "fr")), -1,
		                  SQLITE_STATIC);
		if (en)
			sqlite3_bind_text(st, 5, json_string_value(en), -1,
			                  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 5);
		sqlite3_bind_text(st, 6, "scale", -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 7,
		                    json_number_value(json_object_get(q, "min")));
		sqlite3_bind_double(st, 8,
		                    json_number_value(json_object_get(q, "max")));
		if (json_object_get(q, "domain"))
			sqlite3_bind_text(st, 9, json_string_value(
			                  json_object_get(q, "domain")), -1,
			                  SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 9);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing a question");
			goto done;
		}
	}
store_code:
	if (out_code && !(*out_code = strdup(code))) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	rc = IMPACT_OK;
done:
	sqlite3_finalize(st);
	if (in_tx)
		rc = impact__end_tx(h, rc);
	if (rc != IMPACT_OK && out_code) {
		free(*out_code);
		*out_code = NULL;
	}
	json_decref(root);
	free(text);
	return rc;
}

int impact_survey_each(impact *h,
                       int (*cb)(void *payload, const impact_survey_info *s),
                       void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT s.code, s.title_fr,"
	                          " s.title_en,"
	                          " (SELECT count(*) FROM questions q"
	                          "  WHERE q.survey_id = s.id),"
	                          " (SELECT count(*) FROM respondents r"
	                          "  WHERE r.survey_id = s.id)"
	                          " FROM surveys s ORDER BY s.id;")) != 0)
		return rc;
	rc = IMPACT_OK;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_survey_info s;

		s.code = (const char *)sqlite3_column_text(st, 0);
		s.title_fr = (const char *)sqlite3_column_text(st, 1);
		s.title_en = (const char *)sqlite3_column_text(st, 2);
		s.questions = sqlite3_column_int64(st, 3);
		s.respondents = sqlite3_column_int64(st, 4);
		if ((rc = cb(payload, &s)) != 0)
			break;
	}
	if (rc == IMPACT_OK && step != SQLITE_DONE)
		rc = impact__db_error(h, "listing surveys");
	sqlite3_finalize(st);
	return rc;
}
