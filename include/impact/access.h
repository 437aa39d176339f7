/*
 * impact/access.h: who may use the web entry (`impact serve`,
 * docs/serve.md).
 *
 * Each place has at most one access code, and the network's coordinators
 * one; a code is 16 random characters (80 bits) shown once when it is
 * created and stored only as a salted PBKDF2-HMAC-SHA-256 hash.  Signing
 * in with a place's code (or the coordinators') opens a session: a random
 * 256-bit token the browser keeps in a cookie, stored only as its SHA-256,
 * that ends after IMPACT_SESSION_IDLE seconds without use or
 * IMPACT_SESSION_MAX_AGE seconds after it was opened.  A facilitator's
 * session reaches one place; a coordinator's every place and territory:
 * the server enforces it, this module says who the session is.
 */
#ifndef IMPACT_ACCESS_H
#define IMPACT_ACCESS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Size of a buffer for an access code: "ABCD-EFGH-JKLM-NPQR" and NUL. */
#define IMPACT_ACCESS_CODE_SIZE 20

/* Size of a buffer for a session token or a CSRF token: 64 hex digits
 * and NUL. */
#define IMPACT_TOKEN_SIZE 65

/* A session ends after this many seconds without a request (8 hours)... */
#define IMPACT_SESSION_IDLE (8LL * 3600)
/* ...and at the latest this long after it was opened (24 hours). */
#define IMPACT_SESSION_MAX_AGE (24LL * 3600)

/* PBKDF2 iterations of a new access code's hash (RFC 8018).  The codes
 * are random (80 bits), not chosen by people: the iterations are defence
 * in depth, not what makes guessing hopeless. */
#define IMPACT_ACCESS_ITERATIONS 20000

/*
 * Create the access code of place `place` (its code), or of the network's
 * coordinators when `place` is NULL, replacing the one it had: the old
 * code stops working and the sessions opened with it end.  The new code,
 * in clear, goes to `out` (`size` >= IMPACT_ACCESS_CODE_SIZE): it is never
 * stored, only its hash.  Errors: IMPACT_ENOTFOUND for an unknown place,
 * IMPACT_EIO when /dev/urandom cannot be read.
 */
int impact_access_create(impact *h, const char *place, char *out,
                         size_t size);

/* Remove the access code of `place` (NULL: the coordinators') and end its
 * sessions.  IMPACT_ENOTFOUND when there is none. */
int impact_access_revoke(impact *h, const char *place);

/* One access code as listed; strings borrowed for the callback. */
typedef struct {
	const char *place;       /* place code, NULL for the coordinators */
	const char *place_name;  /* its name, NULL for the coordinators */
	const char *created_at;  /* UTC, ISO 8601 */
	long long sessions;      /* sessions open with it now */
} impact_access_info;

/* Call `cb` for each access code, the coordinators' first, then by place
 * code.  A non-zero return from `cb` stops the walk and is returned. */
int impact_access_each(impact *h,
                       int (*cb)(void *payload, const impact_access_info *a),
                       void *payload);

/* Who a session is. */
typedef struct {
	long long access_id;   /* access_codes.id */
	int coordinator;       /* 1: every place and territory */
	char place[65];        /* the place's code; "" for a coordinator */
} impact_session;

/*
 * Sign in: check `code` (case, spaces and dashes ignored) against the
 * access code of `place` (NULL: the coordinators'), and on success open a
 * session, writing its token to `out_token` (`size` >=
 * IMPACT_TOKEN_SIZE) and who it is to *out (may be NULL).  Expired
 * sessions are purged on the way.  Errors: IMPACT_EDATA for a wrong code
 * (or a place without a code: the message says which, the caller should
 * not), IMPACT_ENOTFOUND for an unknown place.
 */
int impact_session_open(impact *h, const char *place, const char *code,
                        char *out_token, size_t size, impact_session *out);

/*
 * The session of `token`: fills *out and records the request's time.  A
 * session unused for more than `idle_seconds` (IMPACT_SESSION_IDLE when
 * 0), or opened more than IMPACT_SESSION_MAX_AGE ago, is ended.
 * IMPACT_ENOTFOUND when the token is unknown, malformed or expired.
 */
int impact_session_check(impact *h, const char *token, long long idle_seconds,
                         impact_session *out);

/* End the session of `token` (signing out).  An unknown token is not an
 * error. */
int impact_session_close(impact *h, const char *token);

/* The CSRF token of the session `token`: HMAC-SHA-256 of a fixed label
 * under the token, in hex, into `out` (`size` >= IMPACT_TOKEN_SIZE).  It
 * is derived, so nothing more is stored, and a page of another site cannot
 * know it without the cookie. */
void impact_session_csrf(const char *token, char *out, size_t size);

/* 32 random bytes from /dev/urandom as 64 hex digits into `out` (`size`
 * >= IMPACT_TOKEN_SIZE).  IMPACT_EIO when it cannot be read. */
int impact_random_token(impact *h, char *out, size_t size);

/* Compare two NUL-terminated strings in a time that does not depend on
 * where they differ (for tokens).  1 when equal. */
int impact_token_equal(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif
