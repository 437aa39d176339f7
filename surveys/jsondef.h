/*
 * surveys/jsondef.h: checking JSON definitions with positioned errors
 * (surveys/jsondef.c).  Internal to the library.
 */
#ifndef IMPACT_SURVEYS_JSONDEF_H
#define IMPACT_SURVEYS_JSONDEF_H

#include <stddef.h>

#include <jansson.h>

#include "../engine/context.h"
#include "jsonpos.h"

/* Longest JSON Pointer a checker builds ("/questions/3/choices/2/code"). */
#define IMPACT__JD_MAX_PTR 256

/* The definition being checked. */
typedef struct {
	impact *h;
	const char *file;       /* path, for messages */
	const char *text;       /* JSON text (BOM skipped) */
	size_t len;
	impact_jsonpos *pos;    /* built on the first error, or NULL */
	const char *doc;        /* where the format is described, for
	                           unknown keys: "docs/index.md" */
} impact__jdef;

/* Read the file at `path` (at most 16 MiB; `what` names it in messages:
 * "a questionnaire") into *out, NUL-terminated, owned by the caller. */
int impact__jd_slurp(impact *h, const char *path, const char *what,
                     char **out, size_t *len);

/*
 * Read the definition at `path` and parse it (duplicate keys refused):
 * sets up *c (`what` names the file in messages, `doc` where its format
 * is described), *text (the file's bytes, owned by the caller, which c
 * points into) and *root (owned by the caller).  A syntax error is
 * IMPACT_EDATA "FILE:LINE:COL: jansson's message".  Release c with
 * impact__jd_release().
 */
int impact__jd_load(impact__jdef *c, impact *h, const char *path,
                    const char *what, const char *doc, char **text,
                    json_t **root);

/*
 * Check the head every definition shares: an object with only the keys
 * `keys`, an "id" (`id_what` names it in messages: "the index's id") and a
 * "title" label; `list` names the definition's main array in the message
 * for a non-object ("questions").  Sets *code, *fr, *en (borrowed).
 */
int impact__jd_head(impact__jdef *c, json_t *root,
                    const char *const *keys, const char *list,
                    const char *id_what, const char **code,
                    const char **fr, const char **en);

/* Free what the checker built (the position index). */
void impact__jd_release(impact__jdef *c);

/* Format a JSON Pointer into out (IMPACT__JD_MAX_PTR bytes); returns out. */
char *impact__jd_ptrf(char *out, const char *fmt, ...) IMPACT__PRINTF(2, 3);

/* Record IMPACT_EDATA "FILE:LINE:COL: PATH: message" at the value at
 * `pos_ptr` (its key when `at_key`), PATH the readable `show_ptr`. */
int impact__jd_bad_at(impact__jdef *c, const char *pos_ptr, int at_key,
                      const char *show_ptr, const char *fmt, ...)
	IMPACT__PRINTF(5, 6);

/* impact__jd_bad_at() at and about the value `ptr`. */
int impact__jd_bad(impact__jdef *c, const char *ptr, const char *fmt, ...)
	IMPACT__PRINTF(3, 4);

/* An error about key `key` of the object at `parent`, at the key. */
int impact__jd_bad_key(impact__jdef *c, const char *parent, const char *key,
                       const char *fmt, ...) IMPACT__PRINTF(4, 5);

/* Is `s` one of the NULL-terminated `list`? */
int impact__jd_in_list(const char *s, const char *const *list);

/* Object `o` at `ptr` has only keys of `allowed` (NULL-terminated). */
int impact__jd_only_keys(impact__jdef *c, const char *ptr, json_t *o,
                         const char *const *allowed);

/* 1 to 64 of [A-Za-z0-9_.-]? */
int impact__jd_valid_id(const char *s);

/* A string value that must be an id; `what` names the expectation. */
int impact__jd_id_value(impact__jdef *c, const char *ptr, json_t *v,
                        const char *what, const char **out);

/* A {"fr", "en"} label: fr required and non-empty, en optional. */
int impact__jd_label(impact__jdef *c, const char *ptr, json_t *o,
                     const char **fr, const char **en);

#endif
