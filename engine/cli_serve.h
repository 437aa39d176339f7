/*
 * engine/cli_serve.h: what the three files of `impact serve` share (part
 * of the command, not of libimpact).
 *
 *   cli_serve.c        the commands (`impact serve`, `impact place
 *                      access`), the libmicrohttpd daemon, reading
 *                      requests (bounded), sessions, CSRF and routing
 *   cli_serve_html.c   HTML output: the buffer, the one escaping
 *                      function, the page layout, the style sheet and
 *                      the responses
 *   cli_serve_pages.c  the pages themselves
 *
 * One request is one `struct request`, from its first header to the last
 * byte sent; the daemon runs one thread, so the impact handle and the
 * database connection are used by one request at a time.  Docs:
 * docs/serve.md.
 */
#ifndef IMPACT_CLI_SERVE_H
#define IMPACT_CLI_SERVE_H

#include <stddef.h>
#include <time.h>

#include <microhttpd.h>

#include "impact.h"
#include "impact/access.h"

/* Bounds on what a client may send (docs/serve.md, "Limits"). */
#define SERVE_MAX_FORM_BYTES (256u * 1024u) /* a form's body, without files */
#define SERVE_MAX_FIELDS 400                /* fields in one form */
#define SERVE_MAX_KEY 80                    /* bytes of a field's name */
#define SERVE_MAX_VALUE 4000                /* bytes of a field's value */
#define SERVE_MAX_UPLOAD_MB 20              /* default upload bound */
#define SERVE_MAX_SEGMENTS 5                /* path segments of a route */

/* The server's settings, fixed at start. */
struct serve {
	impact *h;                /* the open database */
	int quiet;                /* no access log */
	int default_en;           /* pages in English unless asked otherwise */
	size_t max_upload;        /* bytes of an uploaded file at most */
	char tmpdir[256];         /* private folder for uploads and PDFs */
	unsigned long uploads;    /* uploads so far, to name their folders */
	time_t fail_window;       /* start of the minute failures count in */
	int failures;             /* sign-in failures in it */
};

/* One field of a POSTed form (its value NUL-terminated). */
struct field {
	char *key;
	char *value;
	size_t len;
};

/* One request. */
struct request {
	struct serve *sv;
	struct MHD_Connection *c;
	const char *method;       /* borrowed from the daemon */
	char path[512];           /* the URL path, as decoded by the daemon */
	char *seg[SERVE_MAX_SEGMENTS]; /* its segments (into segbuf) */
	size_t nseg;
	char segbuf[512];
	int post;                 /* a POST */
	int en;                   /* pages in English */
	int lang_asked;           /* ?lang= given: remember it in a cookie */
	int signed_in;            /* a valid session */
	impact_session who;       /* whose */
	char token[IMPACT_TOKEN_SIZE]; /* its token (from the cookie) */
	char csrf[IMPACT_TOKEN_SIZE];  /* the CSRF token forms must carry */
	/* the body of a POST */
	struct MHD_PostProcessor *pp;
	struct field *fields;
	size_t nfields;
	size_t form_bytes;        /* bytes of fields so far */
	int refused;              /* an HTTP status to answer with once the
	                             body is read (a bound was crossed) */
	int upload_fd;            /* the uploaded file being written, or -1 */
	char upload_dir[320];     /* its private folder ("" when none) */
	char upload_path[420];    /* its path */
	char upload_name[96];     /* its (cleaned) file name */
	size_t upload_bytes;
	int upload_seen;          /* a file field came */
	char cookie[2][200];      /* Set-Cookie headers to send */
	size_t ncookies;
	/* for the access log */
	unsigned status;
	size_t bytes;
	struct timespec start;
};

/* ---- cli_serve.c ---- */

/* The value of POSTed field `key` (the first one), or NULL. */
const char *form_value(const struct request *rq, const char *key);

/* Does the POSTed "csrf" field match the session's? */
int csrf_ok(const struct request *rq);

/* The value of query argument `key`, or NULL. */
const char *query_value(const struct request *rq, const char *key);

/* May this session see and change place `place`? */
int may_see_place(const struct request *rq, const char *place);

/* Send Set-Cookie `text` (a literal or built from a token) with the
 * response. */
void add_cookie(struct request *rq, const char *text);

/* Make the private folder of an upload or a report under the server's
 * temporary folder into `out`.  0, or -1. */
int private_dir(struct request *rq, char *out, size_t size);

/* Remove the files of folder `dir` and the folder (not recursive). */
void remove_dir(const char *dir);

/* ---- cli_serve_html.c ---- */

/* A growing text buffer; on out of memory it stops growing and sets oom
 * (the response becomes a 500). */
struct html {
	char *s;
	size_t n, cap;
	int oom;
};

/* Append trusted markup (a literal of this program) as it is. */
void h_raw(struct html *b, const char *s);

/* Append text escaped for HTML content and quoted attribute values: the
 * one escaping function every piece of data goes through. */
void h_text(struct html *b, const char *s);

/* Append printf-formatted markup: numbers and literals of this program
 * only, never data (data goes through h_text). */
void h_fmt(struct html *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Append s percent-encoded for a URL query value (then safe in an
 * attribute as it is). */
void h_url(struct html *b, const char *s);

/* Append a number as the reader's language writes it (impact's format:
 * "1 234,5" in French), `decimals` after the mark. */
void h_num(struct html *b, const struct request *rq, double v, int decimals);

/* The page's opening (doctype, head, header with navigation) and end
 * (footer with the language switch and signing out). */
void page_begin(struct html *b, const struct request *rq, const char *title);
void page_end(struct html *b, const struct request *rq);

/* Hidden CSRF field of the session's forms. */
void h_csrf(struct html *b, const struct request *rq);

/* Send page `b` (freed) with `status`. */
enum MHD_Result send_page(struct request *rq, unsigned status,
                          struct html *b);

/* Send a short page with a title and a message (both plain text). */
enum MHD_Result send_message(struct request *rq, unsigned status,
                             const char *title, const char *message);

/* 303 See Other to `location` (a path of this application). */
enum MHD_Result send_redirect(struct request *rq, const char *location);

/* The style sheet. */
enum MHD_Result send_css(struct request *rq);

/* Send the file open on fd (size bytes; the response closes it). */
enum MHD_Result send_file(struct request *rq, int fd, size_t size,
                          const char *type, const char *filename);

/* Set the headers every response carries (security, cache, language
 * cookie) and queue it; frees `r`. */
enum MHD_Result queue(struct request *rq, unsigned status,
                      struct MHD_Response *r);

/* The reader's language: T(rq, "français", "English"). */
#define T(rq, f, e) ((rq)->en ? (e) : (f))

/* ---- cli_serve_pages.c ---- */

enum MHD_Result page_login(struct request *rq, const char *error,
                           unsigned status);
enum MHD_Result post_login(struct request *rq);
enum MHD_Result page_network(struct request *rq);
enum MHD_Result page_place(struct request *rq, const char *place);
enum MHD_Result page_form(struct request *rq, const char *place,
                          long long entry);
enum MHD_Result post_form(struct request *rq, const char *place,
                          long long entry);
enum MHD_Result page_entries(struct request *rq, const char *place);
enum MHD_Result page_delete(struct request *rq, const char *place,
                            long long entry);
enum MHD_Result post_delete(struct request *rq, const char *place,
                            long long entry);
enum MHD_Result page_import(struct request *rq, const char *place);
enum MHD_Result post_import(struct request *rq, const char *place);
enum MHD_Result page_results(struct request *rq, const char *place,
                             const char *territory);
enum MHD_Result send_report(struct request *rq, const char *place,
                            const char *territory);
enum MHD_Result post_compute(struct request *rq, const char *place);

/* Does place / territory `code` exist? */
int place_exists(struct request *rq, const char *code);
int territory_exists(struct request *rq, const char *code);

#endif
