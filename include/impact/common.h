/*
 * impact/common.h: the library handle, error codes and version.
 *
 * Every fallible function of libimpact takes an `impact *` handle, returns
 * 0 on success or a negative IMPACT_E* code, and leaves a one-line message
 * in the handle, read with impact_errmsg() (as sqlite3_errmsg does).  The
 * library never prints, exits or aborts.
 */
#ifndef IMPACT_COMMON_H
#define IMPACT_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IMPACT_VERSION "0.1.0"

/* Error codes: 0 is success, every failure is negative. */
enum {
	IMPACT_OK = 0,
	IMPACT_ERROR = -1,     /* generic failure */
	IMPACT_ENOMEM = -2,    /* out of memory */
	IMPACT_EIO = -3,       /* a file could not be read or written */
	IMPACT_EDATA = -4,     /* bad input data: the message says where */
	IMPACT_ENOTFOUND = -5, /* a named thing (place, survey, file) is absent */
	IMPACT_EVERSION = -6,  /* database written by a newer impact */
	IMPACT_EDB = -7,       /* SQLite reported an error */
	IMPACT_EUSAGE = -8     /* invalid options given to a function */
};

/* Minimum number of respondents behind a published figure (disclosure
 * control, see docs/methods.md): figures with fewer are never printed. */
#define IMPACT_MIN_PUBLISHED_N 5

typedef struct impact impact;

/*
 * Progress callback for long work: `stage` is a short English label
 * (borrowed, valid during the call), `done` of `total` units processed
 * (`total` is 0 when unknown).  Called from the thread doing the work.
 */
typedef void (*impact_progress_cb)(void *payload, const char *stage,
                                   size_t done, size_t total);

/* Allocate a handle with no database open.  Returns IMPACT_OK and sets
 * *out, or IMPACT_ENOMEM.  Free with impact_free(). */
int impact_new(impact **out);

/* Close the database if open and free the handle.  Accepts NULL. */
void impact_free(impact *h);

/* The message of the last failure on `h` (borrowed; "" when none).  Valid
 * until the next call on `h`. */
const char *impact_errmsg(const impact *h);

/* The code of the last failure on `h` (IMPACT_OK when none). */
int impact_errcode(const impact *h);

/* Install (or remove, with cb NULL) a progress callback. */
void impact_set_progress(impact *h, impact_progress_cb cb, void *payload);

/* The library's version string, IMPACT_VERSION. */
const char *impact_version(void);

#ifdef __cplusplus
}
#endif
#endif
