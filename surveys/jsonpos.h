/*
 * surveys/jsonpos.h: where each value of a JSON text starts.  jansson
 * gives a line and column only for syntax errors; the questionnaire loader
 * (surveys/survey.c) also wants them for a value that parses but is wrong
 * ("min must be below max"), so it indexes the same text once with
 * impact__jsonpos_new() and looks values up by their JSON Pointer (RFC
 * 6901: "/questions/3/max", "" for the whole document).  Internal to the
 * library.
 */
#ifndef IMPACT_SURVEYS_JSONPOS_H
#define IMPACT_SURVEYS_JSONPOS_H

#include <stddef.h>

typedef struct impact_jsonpos impact_jsonpos;

/*
 * Index the JSON text text[0..len) (no byte-order mark).  Lines and
 * columns are 1-based; columns count characters, not bytes, as jansson's
 * json_error_t does.  On success *out owns the index (free it with
 * impact__jsonpos_free()).  Returns IMPACT_OK, IMPACT_ENOMEM, or
 * IMPACT_EDATA when the text is not JSON (the loader only indexes text
 * jansson accepted, so that means a bug); *out is then NULL.
 */
int impact__jsonpos_new(impact_jsonpos **out, const char *text, size_t len);

/*
 * Look up the value at JSON Pointer `path`.  With `key` non-zero and a
 * value that is an object member, the position is that of its key (where
 * an unknown key is reported); otherwise that of the value's first
 * character.  Returns 1 and sets *line and *column, or 0 when no value
 * has that path.
 */
int impact__jsonpos_get(const impact_jsonpos *p, const char *path, int key,
                        int *line, int *column);

/*
 * Write into out[0..size) the pointer of member `name` of the value at
 * `parent` (a pointer), escaping '~' and '/' as RFC 6901 requires.
 * Returns 0, or -1 when it does not fit (out then holds "").
 */
int impact__jsonpos_child(char *out, size_t size, const char *parent,
                          const char *name);

/* Free an index; accepts NULL. */
void impact__jsonpos_free(impact_jsonpos *p);

#endif
