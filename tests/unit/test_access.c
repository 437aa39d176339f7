/*
 * Unit tests of engine/access.c: PBKDF2-HMAC-SHA-256 against the test
 * vectors of RFC 7914 section 11 (and the one every implementation
 * quotes, "password"/"salt"/4096), access codes (their form, their
 * storage as hashes, renewal and revocation), sessions (opening with the
 * right code only, who they are, idle and absolute expiry, closing, the
 * sessions of a renewed code), and the derived CSRF token.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "../../engine/access.h"
#include "../../engine/context.h"
#include "../../engine/sha256.h"
#include "helpers.h"
#include "impact.h"

static const char *dir;
static impact *h;

static void setup(void)
{
	impact_import_summary s;

	dir = t_tmpdir();
	h = t_open_new_db(dir);
	cr_assert_eq(impact_import_territories(h, t_write(dir, "t.csv",
	             "code,name,parent\nVDL,Val de Lière,\n"), NULL, &s), 0,
	             "%s", impact_errmsg(h));
	cr_assert_eq(impact_import_places(h, t_write(dir, "p.csv",
	             "code,name,territory\nFAB,La Fabrique,VDL\n"
	             "RUC,La Ruche,VDL\n"), NULL, &s), 0, "%s",
	             impact_errmsg(h));
}

static void teardown(void)
{
	impact_free(h);
	t_rmtree(dir);
}

/* The first column of the first row of `sql` as an integer. */
static long long qi(const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v = -1;

	cr_assert_eq(sqlite3_prepare_v2(h->db, sql, -1, &st, NULL), SQLITE_OK,
	             "%s: %s", sql, sqlite3_errmsg(h->db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void exec(const char *sql)
{
	cr_assert_eq(sqlite3_exec(h->db, sql, NULL, NULL, NULL), SQLITE_OK,
	             "%s: %s", sql, sqlite3_errmsg(h->db));
}

static void pbkdf2_hex(const char *pw, const char *salt, unsigned long c,
                       size_t dklen, char *hex)
{
	unsigned char dk[64];

	impact__pbkdf2_sha256(pw, strlen(pw), salt, strlen(salt), c, dk, dklen);
	impact__hex(hex, dk, dklen);
}

Test(access, pbkdf2_rfc7914_vectors)
{
	char hex[129];

	pbkdf2_hex("passwd", "salt", 1, 64, hex);
	cr_expect_str_eq(hex, "55ac046e56e3089fec1691c22544b605f94185216dde0465"
	                 "e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71"
	                 "b845b1e30bd509112041d3a19783");
	pbkdf2_hex("Password", "NaCl", 80000, 64, hex);
	cr_expect_str_eq(hex, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414"
	                 "aeff08876b34ab56a1d425a1225833549adb841b51c9b3176a27"
	                 "2bdebba1d078478f62b397f33c8d");
	pbkdf2_hex("password", "salt", 4096, 32, hex);
	cr_expect_str_eq(hex, "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11"
	                 "a4963873aa98134a");
}

Test(access, token_equal)
{
	cr_expect(impact_token_equal("abc", "abc"));
	cr_expect(!impact_token_equal("abc", "abd"));
	cr_expect(!impact_token_equal("abc", "abcd"));
	cr_expect(!impact_token_equal("", "a"));
	cr_expect(impact_token_equal("", ""));
}

Test(access, code_form_and_storage, .init = setup, .fini = teardown)
{
	char code[IMPACT_ACCESS_CODE_SIZE], again[IMPACT_ACCESS_CODE_SIZE];
	char sql[200], bare[17];
	size_t i, k = 0;

	cr_assert_eq(impact_access_create(h, "FAB", code, sizeof(code)), 0, "%s",
	             impact_errmsg(h));
	cr_assert_eq(strlen(code), 19);
	for (i = 0; i < 19; i++) {
		if (i % 5 == 4) {
			cr_expect_eq(code[i], '-', "%s", code);
			continue;
		}
		cr_expect(isupper((unsigned char)code[i])
		          || (code[i] >= '2' && code[i] <= '9'), "%s", code);
		cr_expect(!strchr("01OI", code[i]), "%s", code);
		bare[k++] = code[i];
	}
	bare[k] = '\0';
	/* Stored: a 32-hex salt, the iterations, a 64-hex hash that is
	 * PBKDF2 of the 16 symbols under the salt's text. */
	cr_expect_eq(qi("SELECT count(*) FROM access_codes WHERE place_id ="
	                " (SELECT id FROM places WHERE code = 'FAB') AND"
	                " length(salt) = 32 AND iterations = 20000 AND"
	                " length(hash) = 64;"), 1);
	{
		sqlite3_stmt *st = NULL;
		char want[65];

		cr_assert_eq(sqlite3_prepare_v2(h->db, "SELECT salt, hash FROM"
		             " access_codes;", -1, &st, NULL), SQLITE_OK);
		cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
		pbkdf2_hex(bare, (const char *)sqlite3_column_text(st, 0), 20000,
		           32, want);
		cr_expect_str_eq((const char *)sqlite3_column_text(st, 1), want);
		sqlite3_finalize(st);
	}
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM access_codes WHERE"
	         " hash LIKE '%%%s%%' OR salt LIKE '%%%s%%';", bare, bare);
	cr_expect_eq(qi(sql), 0);
	/* Renewing replaces: one row, another code. */
	cr_assert_eq(impact_access_create(h, "FAB", again, sizeof(again)), 0);
	cr_expect_str_neq(code, again);
	cr_expect_eq(qi("SELECT count(*) FROM access_codes;"), 1);
	/* The coordinators' code is one too. */
	cr_assert_eq(impact_access_create(h, NULL, code, sizeof(code)), 0);
	cr_assert_eq(impact_access_create(h, NULL, code, sizeof(code)), 0);
	cr_expect_eq(qi("SELECT count(*) FROM access_codes WHERE place_id IS"
	                " NULL;"), 1);
	cr_expect_eq(impact_access_create(h, "NOPE", code, sizeof(code)),
	             IMPACT_ENOTFOUND);
	cr_expect_str_eq(code, "");
}

Test(access, sessions, .init = setup, .fini = teardown)
{
	char fab[IMPACT_ACCESS_CODE_SIZE], ruc[IMPACT_ACCESS_CODE_SIZE];
	char coord[IMPACT_ACCESS_CODE_SIZE], tok[IMPACT_TOKEN_SIZE];
	char tok2[IMPACT_TOKEN_SIZE], lower[IMPACT_ACCESS_CODE_SIZE];
	char c1[IMPACT_TOKEN_SIZE], c2[IMPACT_TOKEN_SIZE];
	impact_session s;
	size_t i;

	cr_assert_eq(impact_access_create(h, "FAB", fab, sizeof(fab)), 0);
	cr_assert_eq(impact_access_create(h, "RUC", ruc, sizeof(ruc)), 0);
	cr_assert_eq(impact_access_create(h, NULL, coord, sizeof(coord)), 0);
	/* Wrong codes. */
	cr_expect_eq(impact_session_open(h, "FAB", ruc, tok, sizeof(tok), &s),
	             IMPACT_EDATA);
	cr_expect_eq(impact_session_open(h, NULL, fab, tok, sizeof(tok), &s),
	             IMPACT_EDATA);
	cr_expect_eq(impact_session_open(h, "FAB", "", tok, sizeof(tok), &s),
	             IMPACT_EDATA);
	cr_expect_eq(impact_session_open(h, "FAB", "AAAA-AAAA-AAAA-AAA!", tok,
	                                 sizeof(tok), &s), IMPACT_EDATA);
	cr_expect_eq(impact_session_open(h, "NOPE", fab, tok, sizeof(tok), &s),
	             IMPACT_ENOTFOUND);
	cr_expect_eq(qi("SELECT count(*) FROM sessions;"), 0);
	/* The right one, written in lower case without dashes. */
	for (i = 0; fab[i]; i++)
		lower[i] = fab[i] == '-' ? ' ' : (char)tolower(fab[i]);
	lower[i] = '\0';
	cr_assert_eq(impact_session_open(h, "FAB", lower, tok, sizeof(tok), &s),
	             0, "%s", impact_errmsg(h));
	cr_expect_eq(strlen(tok), 64);
	cr_expect_str_eq(s.place, "FAB");
	cr_expect_eq(s.coordinator, 0);
	memset(&s, 0xff, sizeof(s));
	cr_assert_eq(impact_session_check(h, tok, 0, &s), 0);
	cr_expect_str_eq(s.place, "FAB");
	cr_expect_eq(s.coordinator, 0);
	/* Only the token's SHA-256 is stored. */
	{
		impact_sha256 c;
		unsigned char d[32];
		char hex[65], sql[200];

		impact__sha256_init(&c);
		impact__sha256_update(&c, tok, 64);
		impact__sha256_final(&c, d);
		impact__hex(hex, d, 32);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE"
		         " token_hash = '%s';", hex);
		cr_expect_eq(qi(sql), 1);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE"
		         " token_hash = '%s';", tok);
		cr_expect_eq(qi(sql), 0);
	}
	/* The coordinators. */
	cr_assert_eq(impact_session_open(h, NULL, coord, tok2, sizeof(tok2),
	                                 NULL), 0);
	cr_assert_eq(impact_session_check(h, tok2, 0, &s), 0);
	cr_expect_eq(s.coordinator, 1);
	cr_expect_str_eq(s.place, "");
	/* CSRF tokens: fixed per session, different between sessions. */
	impact_session_csrf(tok, c1, sizeof(c1));
	impact_session_csrf(tok, c2, sizeof(c2));
	cr_expect_str_eq(c1, c2);
	cr_expect_eq(strlen(c1), 64);
	impact_session_csrf(tok2, c2, sizeof(c2));
	cr_expect_str_neq(c1, c2);
	cr_expect_str_neq(c1, tok);
	/* Malformed and unknown tokens. */
	cr_expect_eq(impact_session_check(h, "abc", 0, &s), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_session_check(h, c1, 0, &s), IMPACT_ENOTFOUND);
	/* Idle for more than the limit: ended and deleted. */
	exec("UPDATE sessions SET last_seen = last_seen - 8 * 3600 - 5;");
	cr_expect_eq(impact_session_check(h, tok, 0, &s), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_session_check(h, tok2, 0, &s), IMPACT_ENOTFOUND);
	cr_expect_eq(qi("SELECT count(*) FROM sessions;"), 0);
	/* A shorter idle limit given by the caller. */
	cr_assert_eq(impact_session_open(h, "FAB", fab, tok, sizeof(tok), NULL),
	             0);
	exec("UPDATE sessions SET last_seen = last_seen - 120;");
	cr_expect_eq(impact_session_check(h, tok, 3600, &s), 0);
	cr_expect_eq(qi("SELECT count(*) FROM sessions WHERE last_seen >="
	                " strftime('%s', 'now') - 5;"), 1);
	exec("UPDATE sessions SET last_seen = last_seen - 120;");
	cr_expect_eq(impact_session_check(h, tok, 60, &s), IMPACT_ENOTFOUND);
	/* Opened too long ago, however recently used. */
	cr_assert_eq(impact_session_open(h, "FAB", fab, tok, sizeof(tok), NULL),
	             0);
	exec("UPDATE sessions SET created_at = created_at - 24 * 3600 - 5;");
	cr_expect_eq(impact_session_check(h, tok, 0, &s), IMPACT_ENOTFOUND);
	/* Closing. */
	cr_assert_eq(impact_session_open(h, "FAB", fab, tok, sizeof(tok), NULL),
	             0);
	cr_expect_eq(impact_session_close(h, tok), 0);
	cr_expect_eq(impact_session_check(h, tok, 0, &s), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_session_close(h, "nonsense"), 0);
	/* Renewing a code ends its sessions, not the others'. */
	cr_assert_eq(impact_session_open(h, "FAB", fab, tok, sizeof(tok), NULL),
	             0);
	cr_assert_eq(impact_session_open(h, "RUC", ruc, tok2, sizeof(tok2),
	                                 NULL), 0);
	cr_assert_eq(impact_access_create(h, "FAB", fab, sizeof(fab)), 0);
	cr_expect_eq(impact_session_check(h, tok, 0, &s), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_session_check(h, tok2, 0, &s), 0);
	/* Revoking too. */
	cr_expect_eq(impact_access_revoke(h, "RUC"), 0);
	cr_expect_eq(impact_session_check(h, tok2, 0, &s), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_access_revoke(h, "RUC"), IMPACT_ENOTFOUND);
	cr_expect_eq(impact_session_open(h, "RUC", ruc, tok2, sizeof(tok2),
	                                 NULL), IMPACT_EDATA);
}

static int count_cb(void *payload, const impact_access_info *a)
{
	char *out = payload;

	snprintf(out + strlen(out), 200 - strlen(out), "%s:%lld;",
	         a->place ? a->place : "*", a->sessions);
	return 0;
}

Test(access, listing, .init = setup, .fini = teardown)
{
	char code[IMPACT_ACCESS_CODE_SIZE], tok[IMPACT_TOKEN_SIZE];
	char out[200] = "";

	cr_assert_eq(impact_access_create(h, "RUC", code, sizeof(code)), 0);
	cr_assert_eq(impact_session_open(h, "RUC", code, tok, sizeof(tok),
	                                 NULL), 0);
	cr_assert_eq(impact_access_create(h, "FAB", code, sizeof(code)), 0);
	cr_assert_eq(impact_access_create(h, NULL, code, sizeof(code)), 0);
	cr_assert_eq(impact_access_each(h, count_cb, out), 0);
	cr_expect_str_eq(out, "*:0;FAB:0;RUC:1;");
}

Test(access, random_tokens_differ)
{
	char a[IMPACT_TOKEN_SIZE], b[IMPACT_TOKEN_SIZE];
	impact *x = NULL;

	cr_assert_eq(impact_new(&x), 0);
	cr_assert_eq(impact_random_token(x, a, sizeof(a)), 0);
	cr_assert_eq(impact_random_token(x, b, sizeof(b)), 0);
	cr_expect_eq(strlen(a), 64);
	cr_expect_str_neq(a, b);
	impact_free(x);
}
