/*
 * engine/access.c: access codes and sessions of the web entry
 * (include/impact/access.h, docs/serve.md).
 *
 * An access code is 16 symbols of a 32-letter alphabet without the
 * look-alikes 0/O and 1/I (80 random bits), printed in four groups.  What
 * is stored (`access_codes`) is a random 16-byte salt (as hex text, which
 * is the PBKDF2 salt), the iteration count, and PBKDF2-HMAC-SHA-256 of the
 * code's 16 symbols (RFC 8018), so that a copy of the database does not
 * give the codes away.  A session (`sessions`) is a 256-bit random token
 * kept by the browser; the database holds only its SHA-256, with the
 * times it was opened and last used.  A session's CSRF token is derived
 * from its token (HMAC), so it needs no storage.  Every lookup binds its
 * parameters; no SQL is built from text.  Read engine/store.c for the
 * tables (migration 3).
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "context.h"
#include "impact/access.h"
#include "sha256.h"

/* The 32 symbols of access codes: no 0, O, 1 or I. */
static const char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

#define CODE_SYMBOLS 16
#define SALT_BYTES 16
#define TOKEN_BYTES 32

/* Sessions kept per access code at most (the oldest go first). */
#define MAX_SESSIONS_PER_CODE 100

/* A session's last use is written again after this many seconds. */
#define TOUCH_SECONDS 60

void impact__pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt,
                           size_t saltlen, unsigned long iterations,
                           unsigned char *out, size_t dklen)
{
	unsigned char msg[IMPACT__PBKDF2_SALT_MAX + 4], u[32], t[32];
	unsigned long i;
	size_t block, k, n;

	assert(iterations >= 1 && saltlen <= IMPACT__PBKDF2_SALT_MAX);
	memcpy(msg, salt, saltlen);
	for (block = 1; dklen > 0; block++) {
		msg[saltlen] = (unsigned char)(block >> 24);
		msg[saltlen + 1] = (unsigned char)(block >> 16);
		msg[saltlen + 2] = (unsigned char)(block >> 8);
		msg[saltlen + 3] = (unsigned char)block;
		impact__hmac_sha256(pw, pwlen, msg, saltlen + 4, u);
		memcpy(t, u, 32);
		for (i = 1; i < iterations; i++) {
			impact__hmac_sha256(pw, pwlen, u, 32, u);
			for (k = 0; k < 32; k++)
				t[k] ^= u[k];
		}
		n = dklen < 32 ? dklen : 32;
		memcpy(out, t, n);
		out += n;
		dklen -= n;
	}
}

int impact__random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (n > 0) {
		ssize_t r = read(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			close(fd);
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	close(fd);
	return 0;
}

int impact_random_token(impact *h, char *out, size_t size)
{
	unsigned char b[TOKEN_BYTES];

	assert(h && out && size >= IMPACT_TOKEN_SIZE);
	if (impact__random_bytes(b, sizeof(b)) != 0)
		return impact__error(h, IMPACT_EIO, "cannot read /dev/urandom:"
		                     " %s", strerror(errno));
	impact__hex(out, b, sizeof(b));
	return IMPACT_OK;
}

int impact_token_equal(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), i;
	unsigned char diff = na != nb;

	for (i = 0; i < na && i < nb; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

void impact_session_csrf(const char *token, char *out, size_t size)
{
	static const char label[] = "impact serve csrf v1";
	unsigned char mac[32];

	assert(token && out && size >= IMPACT_TOKEN_SIZE);
	impact__hmac_sha256(token, strlen(token), label, sizeof(label) - 1,
	                    mac);
	impact__hex(out, mac, sizeof(mac));
}

/* Hex SHA-256 of text s into hex (65 bytes). */
static void sha256_hex(const char *s, char hex[65])
{
	impact_sha256 c;
	unsigned char d[32];

	impact__sha256_init(&c);
	impact__sha256_update(&c, s, strlen(s));
	impact__sha256_final(&c, d);
	impact__hex(hex, d, 32);
}

/* The code's symbols, upper case, without spaces and dashes, into out
 * (CODE_SYMBOLS + 1 bytes).  0, or -1 when it cannot be a code. */
static int normalize_code(const char *code, char out[CODE_SYMBOLS + 1])
{
	size_t n = 0;

	for (; *code; code++) {
		int c = (unsigned char)*code;

		if (c == ' ' || c == '-' || c == '\t')
			continue;
		c = toupper(c);
		if (!c || !strchr(alphabet, c) || n == CODE_SYMBOLS)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return n == CODE_SYMBOLS ? 0 : -1;
}

/* PBKDF2 of the normalized code under hex salt, as hex (65 bytes). */
static void code_hash(const char *symbols, const char *salt,
                      unsigned long iterations, char hex[65])
{
	unsigned char dk[32];

	impact__pbkdf2_sha256(symbols, strlen(symbols), salt, strlen(salt),
	                      iterations, dk, sizeof(dk));
	impact__hex(hex, dk, sizeof(dk));
}

/* The id of place `code` into *out (0 for NULL: the coordinators).
 * IMPACT_ENOTFOUND for an unknown place. */
static int place_id(impact *h, const char *code, long long *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*out = 0;
	if (!code)
		return IMPACT_OK;
	if ((rc = impact__prepare(h, &st, "SELECT id FROM places WHERE"
	                          " code = ?1;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*out = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		rc = impact__error(h, IMPACT_ENOTFOUND, "unknown place \"%.64s\""
		                   ": 'impact status' counts the places, the "
		                   "register is imported with 'impact import "
		                   "places'", code);
		break;
	default:
		rc = impact__db_error(h, "looking up a place");
	}
	sqlite3_finalize(st);
	return rc;
}

/* Bind place id `id` to parameter i: NULL for the coordinators (0). */
static void bind_place(sqlite3_stmt *st, int i, long long id)
{
	if (id)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

int impact_access_create(impact *h, const char *place, char *out,
                         size_t size)
{
	unsigned char r[CODE_SYMBOLS + SALT_BYTES];
	char symbols[CODE_SYMBOLS + 1], salt[2 * SALT_BYTES + 1], hash[65];
	char now[32];
	sqlite3_stmt *st = NULL;
	long long pid = 0;
	size_t i, k;
	int rc;

	assert(h && out && size >= IMPACT_ACCESS_CODE_SIZE);
	impact__clear_error(h);
	out[0] = '\0';
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (impact__random_bytes(r, sizeof(r)) != 0)
		return impact__error(h, IMPACT_EIO, "cannot read /dev/urandom:"
		                     " %s", strerror(errno));
	/* 256 is a multiple of 32: taking 5 bits of a byte is unbiased. */
	for (i = 0; i < CODE_SYMBOLS; i++)
		symbols[i] = alphabet[r[i] & 31];
	symbols[CODE_SYMBOLS] = '\0';
	impact__hex(salt, r + CODE_SYMBOLS, SALT_BYTES);
	code_hash(symbols, salt, IMPACT_ACCESS_ITERATIONS, hash);
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		return rc;
	if ((rc = place_id(h, place, &pid)) != IMPACT_OK)
		goto done;
	/* The old code goes, and its sessions with it (ON DELETE CASCADE). */
	if ((rc = impact__prepare(h, &st, "DELETE FROM access_codes WHERE"
	                          " place_id IS ?1;")) != IMPACT_OK)
		goto done;
	bind_place(st, 1, pid);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "replacing an access code");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	impact__utc_now(now, sizeof(now));
	if ((rc = impact__prepare(h, &st, "INSERT INTO access_codes (place_id,"
	                          " salt, iterations, hash, created_at) VALUES"
	                          " (?1, ?2, ?3, ?4, ?5);")) != IMPACT_OK)
		goto done;
	bind_place(st, 1, pid);
	sqlite3_bind_text(st, 2, salt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, IMPACT_ACCESS_ITERATIONS);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "storing an access code");
		goto done;
	}
	for (i = 0, k = 0; i < CODE_SYMBOLS; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = symbols[i];
	}
	out[k] = '\0';
done:
	sqlite3_finalize(st);
	rc = impact__end_tx(h, rc);
	if (rc != IMPACT_OK)
		out[0] = '\0';
	memset(symbols, 0, sizeof(symbols));
	return rc;
}

int impact_access_revoke(impact *h, const char *place)
{
	sqlite3_stmt *st = NULL;
	long long pid = 0;
	int rc;

	assert(h);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK
	    || (rc = place_id(h, place, &pid)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "DELETE FROM access_codes WHERE"
	                          " place_id IS ?1;")) != IMPACT_OK)
		return rc;
	bind_place(st, 1, pid);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, "removing an access code");
	else if (sqlite3_changes(h->db) == 0)
		rc = place ? impact__error(h, IMPACT_ENOTFOUND, "place \"%s\" "
		                           "has no access code", place)
		           : impact__error(h, IMPACT_ENOTFOUND, "there is no "
		                           "coordinator access code");
	sqlite3_finalize(st);
	return rc;
}

int impact_access_each(impact *h,
                       int (*cb)(void *payload, const impact_access_info *a),
                       void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	assert(h && cb);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT p.code, p.name, a.created_at,"
	                          " (SELECT count(*) FROM sessions s WHERE"
	                          " s.access_id = a.id) FROM access_codes a"
	                          " LEFT JOIN places p ON p.id = a.place_id"
	                          " ORDER BY a.place_id IS NOT NULL, p.code;"))
	    != IMPACT_OK)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		impact_access_info a;

		a.place = (const char *)sqlite3_column_text(st, 0);
		a.place_name = (const char *)sqlite3_column_text(st, 1);
		a.created_at = (const char *)sqlite3_column_text(st, 2);
		a.sessions = sqlite3_column_int64(st, 3);
		if ((rc = cb(payload, &a)) != 0)
			break;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = impact__db_error(h, "listing access codes");
	sqlite3_finalize(st);
	return rc;
}

/* Run one statement binding (?1 = integer a, ?2 = integer b). */
static int exec2(impact *h, const char *sql, long long a, long long b,
                 const char *what)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = impact__prepare(h, &st, sql)) != IMPACT_OK)
		return rc;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, what);
	sqlite3_finalize(st);
	return rc;
}

int impact_session_open(impact *h, const char *place, const char *code,
                        char *out_token, size_t size, impact_session *out)
{
	char symbols[CODE_SYMBOLS + 1], hash[65] = "", token[IMPACT_TOKEN_SIZE];
	char token_hash[65], salt[80] = "";
	sqlite3_stmt *st = NULL;
	long long pid = 0, aid = 0, now = (long long)time(NULL);
	unsigned long iterations = 0;
	int rc, found = 0, good = 0;

	assert(h && code && out_token && size >= IMPACT_TOKEN_SIZE);
	impact__clear_error(h);
	out_token[0] = '\0';
	if ((rc = impact__need_db(h)) != IMPACT_OK
	    || (rc = place_id(h, place, &pid)) != IMPACT_OK)
		return rc;
	if ((rc = impact__prepare(h, &st, "SELECT id, salt, iterations, hash"
	                          " FROM access_codes WHERE place_id IS ?1;"))
	    != IMPACT_OK)
		return rc;
	bind_place(st, 1, pid);
	if (sqlite3_step(st) == SQLITE_ROW) {
		found = 1;
		aid = sqlite3_column_int64(st, 0);
		snprintf(salt, sizeof(salt), "%s",
		         (const char *)sqlite3_column_text(st, 1));
		iterations = (unsigned long)sqlite3_column_int64(st, 2);
		snprintf(hash, sizeof(hash), "%s",
		         (const char *)sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	st = NULL;
	if (found && iterations >= 1 && normalize_code(code, symbols) == 0) {
		char mine[65];

		code_hash(symbols, salt, iterations, mine);
		good = impact_token_equal(mine, hash);
		memset(symbols, 0, sizeof(symbols));
	}
	if (!good)
		return found ? impact__error(h, IMPACT_EDATA, "wrong access code")
		       : impact__error(h, IMPACT_EDATA, "wrong access code (%s "
		                       "has none: create it with 'impact place "
		                       "access%s%s')", place ? place
		                       : "the network", place ? " " : "",
		                       place ? place : " --coordinator");
	if ((rc = impact_random_token(h, token, sizeof(token))) != IMPACT_OK)
		return rc;
	sha256_hex(token, token_hash);
	if ((rc = impact__exec(h, "BEGIN IMMEDIATE;")) != IMPACT_OK)
		return rc;
	if ((rc = exec2(h, "DELETE FROM sessions WHERE last_seen < ?1 OR"
	                " created_at < ?2;", now - IMPACT_SESSION_IDLE,
	                now - IMPACT_SESSION_MAX_AGE, "ending old sessions"))
	    != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &st, "INSERT INTO sessions (token_hash,"
	                          " access_id, created_at, last_seen) VALUES"
	                          " (?1, ?2, ?3, ?3);")) != IMPACT_OK)
		goto done;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, aid);
	sqlite3_bind_int64(st, 3, now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = impact__db_error(h, "opening a session");
		goto done;
	}
	rc = exec2(h, "DELETE FROM sessions WHERE access_id = ?1 AND token_hash"
	           " NOT IN (SELECT token_hash FROM sessions WHERE access_id ="
	           " ?1 ORDER BY last_seen DESC, created_at DESC LIMIT ?2);",
	           aid, MAX_SESSIONS_PER_CODE, "limiting sessions");
done:
	sqlite3_finalize(st);
	if ((rc = impact__end_tx(h, rc)) != IMPACT_OK)
		return rc;
	snprintf(out_token, size, "%s", token);
	if (out) {
		memset(out, 0, sizeof(*out));
		out->access_id = aid;
		out->coordinator = place == NULL;
		if (place)
			snprintf(out->place, sizeof(out->place), "%s", place);
	}
	return IMPACT_OK;
}

/* Is `token` 64 lower-case hex digits? */
static int token_well_formed(const char *token)
{
	size_t i;

	for (i = 0; token[i]; i++)
		if (i >= 64 || !strchr("0123456789abcdef", token[i]))
			return 0;
	return i == 64;
}

int impact_session_check(impact *h, const char *token, long long idle_seconds,
                         impact_session *out)
{
	sqlite3_stmt *st = NULL;
	char token_hash[65];
	long long now = (long long)time(NULL), created, seen;
	int rc, step, expired;

	assert(h && token && out);
	impact__clear_error(h);
	memset(out, 0, sizeof(*out));
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (idle_seconds <= 0)
		idle_seconds = IMPACT_SESSION_IDLE;
	if (!token_well_formed(token))
		return impact__error(h, IMPACT_ENOTFOUND, "no such session");
	sha256_hex(token, token_hash);
	if ((rc = impact__prepare(h, &st, "SELECT s.access_id, s.created_at,"
	                          " s.last_seen, a.place_id IS NULL, p.code"
	                          " FROM sessions s JOIN access_codes a ON"
	                          " a.id = s.access_id LEFT JOIN places p ON"
	                          " p.id = a.place_id WHERE s.token_hash ="
	                          " ?1;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = step == SQLITE_DONE
		     ? impact__error(h, IMPACT_ENOTFOUND, "no such session")
		     : impact__db_error(h, "reading a session");
		sqlite3_finalize(st);
		return rc;
	}
	out->access_id = sqlite3_column_int64(st, 0);
	created = sqlite3_column_int64(st, 1);
	seen = sqlite3_column_int64(st, 2);
	out->coordinator = sqlite3_column_int(st, 3);
	if (!out->coordinator)
		snprintf(out->place, sizeof(out->place), "%s",
		         (const char *)sqlite3_column_text(st, 4));
	sqlite3_finalize(st);
	st = NULL;
	expired = now - seen > idle_seconds
	          || now - created > IMPACT_SESSION_MAX_AGE;
	if (expired || now - seen >= TOUCH_SECONDS) {
		if ((rc = impact__prepare(h, &st, expired
		                          ? "DELETE FROM sessions WHERE"
		                            " token_hash = ?1;"
		                          : "UPDATE sessions SET last_seen = ?2"
		                            " WHERE token_hash = ?1;"))
		    != IMPACT_OK)
			return rc;
		sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
		if (!expired)
			sqlite3_bind_int64(st, 2, now);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = impact__db_error(h, "updating a session");
		sqlite3_finalize(st);
		if (rc != IMPACT_OK)
			return rc;
	}
	if (expired) {
		memset(out, 0, sizeof(*out));
		return impact__error(h, IMPACT_ENOTFOUND, "session expired");
	}
	return IMPACT_OK;
}

int impact_session_close(impact *h, const char *token)
{
	sqlite3_stmt *st = NULL;
	char token_hash[65];
	int rc;

	assert(h && token);
	impact__clear_error(h);
	if ((rc = impact__need_db(h)) != IMPACT_OK)
		return rc;
	if (!token_well_formed(token))
		return IMPACT_OK;
	sha256_hex(token, token_hash);
	if ((rc = impact__prepare(h, &st, "DELETE FROM sessions WHERE"
	                          " token_hash = ?1;")) != IMPACT_OK)
		return rc;
	sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = impact__db_error(h, "ending a session");
	sqlite3_finalize(st);
	return rc;
}
