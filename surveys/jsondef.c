/*
 * surveys/jsondef.c: checking a JSON definition (questionnaire, indicator
 * library, index) and saying where it is wrong.  jansson parses the file
 * and gives positions for syntax errors only; for a wrong value, the
 * position index of surveys/jsonpos.c (built on the first error) finds
 * the line and column of the value, or of its key, from its JSON Pointer,
 * and every message reads "FILE:LINE:COL: path.to[3].value: reason".  The
 * checks every definition shares (known keys, ids, French and English
 * labels) live here; surveys/survey.c, indicators/library.c and
 * indicators/index_def.c hold the rest.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "jsondef.h"

/* Read a whole file into a NUL-terminated buffer (caller frees). */
int impact__jd_slurp(impact *h, const char *path, const char *what,
                     char **out, size_t *len)
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
				                     "large for %s (16 MiB at most)",
				                     path, what);
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

/* Format a JSON Pointer into out (MAX_PTR bytes), truncated if longer:
 * a truncated pointer finds no value, and errors then fall back to the
 * enclosing value's position.  Returns out. */
char *impact__jd_ptrf(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, IMPACT__JD_MAX_PTR, fmt, ap);
	va_end(ap);
	return out;
}

/*
 * Write the pointer `ptr` ("/questions/3/max") as people read it
 * ("questions[3].max") into out; "" becomes "top level".
 */
static void show_path(char *out, size_t size, const char *ptr)
{
	size_t n = 0;

	out[0] = '\0';
	if (!*ptr) {
		snprintf(out, size, "top level");
		return;
	}
	while (*ptr == '/' && n + 1 < size) {
		const char *seg = ++ptr;
		size_t len = strcspn(seg, "/"), k;
		int digits = len > 0;

		for (k = 0; k < len; k++)
			if (seg[k] < '0' || seg[k] > '9')
				digits = 0;
		if (digits) {
			n += (size_t)snprintf(out + n, size - n, "[%.*s]",
			                      (int)len, seg);
		} else {
			if (n > 0)
				out[n++] = '.';
			for (k = 0; k < len && n + 1 < size; k++) {
				if (seg[k] == '~' && k + 1 < len) {
					out[n++] = seg[k + 1] == '1' ? '/' : '~';
					k++;
				} else {
					out[n++] = seg[k];
				}
			}
			out[n] = '\0';
		}
		if (n >= size) {
			out[size - 1] = '\0';
			return;
		}
		ptr = seg + len;
	}
}

/*
 * Record an IMPACT_EDATA error "FILE:LINE:COL: PATH: message", the
 * position being that of the value at pointer `pos_ptr` (of its key when
 * `at_key`), or of the nearest enclosing value found, and PATH the
 * readable form of `show_ptr`.  Returns IMPACT_EDATA.
 */
int impact__jd_bad_at(impact__jdef *c, const char *pos_ptr, int at_key,
                      const char *show_ptr, const char *fmt, ...)
{
	char msg[600], where[300], ptr[IMPACT__JD_MAX_PTR];
	int line = 1, col = 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	show_path(where, sizeof(where), show_ptr);
	if (!c->pos && impact__jsonpos_new(&c->pos, c->text, c->len) != 0)
		c->pos = NULL;
	impact__jd_ptrf(ptr, "%s", pos_ptr);
	while (!impact__jsonpos_get(c->pos, ptr, at_key, &line, &col)) {
		char *slash = strrchr(ptr, '/');

		if (!slash) {
			line = col = 1;
			break;
		}
		*slash = '\0';
		at_key = 0;
	}
	return impact__error(c->h, IMPACT_EDATA, "%s:%d:%d: %s: %s", c->file,
	                     line, col, where, msg);
}

/* impact__jd_bad_at() for the usual case: reported at and about the value `ptr`. */
int impact__jd_bad(impact__jdef *c, const char *ptr, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return impact__jd_bad_at(c, ptr, 0, ptr, "%s", msg);
}

/* impact__jd_bad_at() about key `key` of the object at `parent`: reported at the
 * key, and named "parent.key". */
int impact__jd_bad_key(impact__jdef *c, const char *parent, const char *key,
                       const char *fmt, ...)
{
	char msg[600], ptr[IMPACT__JD_MAX_PTR];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (impact__jsonpos_child(ptr, sizeof(ptr), parent, key) != 0)
		return impact__jd_bad_at(c, parent, 0, parent, "\"%s\": %s", key, msg);
	return impact__jd_bad_at(c, ptr, 1, ptr, "%s", msg);
}

/* Is `s` one of the NULL-terminated `list`? */
int impact__jd_in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/* Check that object `o` (at pointer `ptr`) has only keys from the
 * NULL-terminated `allowed`; an unknown key is reported at the key. */
int impact__jd_only_keys(impact__jdef *c, const char *ptr, json_t *o,
                         const char *const *allowed)
{
	char child[IMPACT__JD_MAX_PTR];
	const char *key;
	json_t *v;
	int at_key;

	json_object_foreach(o, key, v) {
		if (impact__jd_in_list(key, allowed))
			continue;
		/* A key too long for a pointer: report at its object. */
		at_key = impact__jsonpos_child(child, sizeof(child), ptr,
		                               key) == 0;
		if (!at_key)
			impact__jd_ptrf(child, "%s", ptr);
		return impact__jd_bad_at(c, child, at_key, ptr, "unknown key \"%s\" (see %s)",
		              key, c->doc);
	}
	(void)v;
	return IMPACT_OK;
}

/* Same rule as codes in CSV files: 1 to 64 of [A-Za-z0-9_.-]. */
int impact__jd_valid_id(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char ch = s[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
		      || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'
		      || ch == '.'))
			return 0;
	}
	return n > 0 && n <= 64;
}

/* Read a string value that must be an id (valid_id); `what` names the
 * expectation in the message ("a short word such as \"health\""). */
int impact__jd_id_value(impact__jdef *c, const char *ptr, json_t *v,
                        const char *what, const char **out)
{
	if (!json_is_string(v) || !impact__jd_valid_id(json_string_value(v)))
		return impact__jd_bad(c, ptr, "expected %s: 1 to 64 letters, digits, '-', "
		           "'_' or '.'", what);
	*out = json_string_value(v);
	return IMPACT_OK;
}

/* Read a {"fr": ..., "en": ...} label at pointer `ptr`; fr required and
 * non-empty, en optional. */
int impact__jd_label(impact__jdef *c, const char *ptr, json_t *o,
                     const char **fr, const char **en)
{
	static const char *const keys[] = { "fr", "en", NULL };
	char sub[IMPACT__JD_MAX_PTR];
	json_t *f, *e;
	int rc;

	if (!json_is_object(o))
		return impact__jd_bad(c, ptr, "expected an object {\"fr\": \"...\", "
		           "\"en\": \"...\"}");
	if ((rc = impact__jd_only_keys(c, ptr, o, keys)) != IMPACT_OK)
		return rc;
	f = json_object_get(o, "fr");
	e = json_object_get(o, "en");
	if (!f)
		return impact__jd_bad(c, ptr, "\"fr\" is required (the French text)");
	impact__jd_ptrf(sub, "%s/fr", ptr);
	if (!json_is_string(f) || json_string_length(f) == 0)
		return impact__jd_bad(c, sub, "expected a non-empty string");
	impact__jd_ptrf(sub, "%s/en", ptr);
	if (e && !json_is_string(e))
		return impact__jd_bad(c, sub, "expected a string");
	*fr = json_string_value(f);
	*en = e && json_string_length(e) > 0 ? json_string_value(e) : NULL;
	return IMPACT_OK;
}

int impact__jd_load(impact__jdef *c, impact *h, const char *path,
                    const char *what, const char *doc, char **text,
                    json_t **root)
{
	json_error_t jerr;
	size_t len = 0, skip;
	int rc;

	memset(c, 0, sizeof(*c));
	*root = NULL;
	if ((rc = impact__jd_slurp(h, path, what, text, &len)) != IMPACT_OK)
		return rc;
	/* A UTF-8 byte-order mark (Windows editors) is not part of the JSON:
	 * positions count from after it, as an editor shows them. */
	skip = len >= 3 && memcmp(*text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	c->h = h;
	c->file = path;
	c->doc = doc;
	c->text = *text + skip;
	c->len = len - skip;
	*root = json_loadb(c->text, c->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*root)
		return impact__error(h, IMPACT_EDATA, "%s:%d:%d: %s", path,
		                     jerr.line, jerr.column, jerr.text);
	return IMPACT_OK;
}

void impact__jd_release(impact__jdef *c)
{
	impact__jsonpos_free(c->pos);
	c->pos = NULL;
}

int impact__jd_head(impact__jdef *c, json_t *root,
                    const char *const *keys, const char *list,
                    const char *id_what, const char **code,
                    const char **fr, const char **en)
{
	json_t *v;
	int rc;

	if (!json_is_object(root))
		return impact__jd_bad(c, "", "expected a JSON object with id, "
		                      "title and %s", list);
	if ((rc = impact__jd_only_keys(c, "", root, keys)) != IMPACT_OK)
		return rc;
	if (!(v = json_object_get(root, "id")))
		return impact__jd_bad(c, "", "\"id\" is required");
	if ((rc = impact__jd_id_value(c, "/id", v, id_what, code)) != 0)
		return rc;
	if (!(v = json_object_get(root, "title")))
		return impact__jd_bad(c, "", "\"title\" is required");
	return impact__jd_label(c, "/title", v, fr, en);
}
