/*
 * engine/cli_serve.c: `impact serve`, the web entry for facilitators and
 * coordinators, and `impact place access`, which makes the codes they sign
 * in with (docs/serve.md).
 *
 * The server is GNU libmicrohttpd with one internal thread: requests are
 * handled one at a time, each by the same impact handle.  A request is a
 * `struct request` (cli_serve.h) made at its first header and freed when
 * the daemon is done with it (on_completed(), which also writes the
 * access log line).  Before reading a POST's body the route, the session
 * and the place are checked, so a refused request costs nothing; the
 * body then goes through libmicrohttpd's form parser into bounded fields
 * and at most one uploaded file, written to a private folder.  route()
 * is the table of pages; the pages are in cli_serve_pages.c, the HTML in
 * cli_serve_html.c.  The only files ever sent are the PDF reports written
 * for the request: no URL reaches the file system.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cli_serve.h"

/* ---------------------------------------------------------------- */
/* impact place access                                                */

static int print_access(void *payload, const impact_access_info *a)
{
	(void)payload;
	printf("%-20s created %s  %lld session%s open\n",
	       a->place ? a->place : "(coordinators)", a->created_at,
	       a->sessions, a->sessions == 1 ? "" : "s");
	return 0;
}

int cmd_place(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "coordinator", no_argument, NULL, 'c' },
		{ "list", no_argument, NULL, 'l' },
		{ "revoke", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	char code[IMPACT_ACCESS_CODE_SIZE];
	const char *place = NULL;
	int c, r, coordinator = 0, list = 0, revoke = 0;

	optind = 0;
	while ((c = next_option(argc, argv, "clr", longopts)) != -1) {
		if (c == 'c')
			coordinator = 1;
		else if (c == 'l')
			list = 1;
		else if (c == 'r')
			revoke = 1;
		else if ((r = common_option("place", c)) != 0)
			return r == -1 ? EXIT_USAGE : r & 255;
	}
	if (optind >= argc || strcmp(argv[optind], "access") != 0)
		return usage_error("place", "place needs the verb access: "
		                   "impact place access CODE");
	optind++;
	if (optind < argc)
		place = argv[optind++];
	if (optind != argc)
		return usage_error("place", "place access takes one place code");
	if (list) {
		if (place || coordinator || revoke)
			return usage_error("place", "--list takes nothing else");
		if (open_db(h) != IMPACT_OK
		    || impact_access_each(h, print_access, NULL) != IMPACT_OK)
			return fail(h);
		return 0;
	}
	if (!!place == coordinator)
		return usage_error("place", "give a place code or "
		                   "--coordinator, not both");
	if (open_db(h) != IMPACT_OK)
		return fail(h);
	if (revoke) {
		if (impact_access_revoke(h, place) != IMPACT_OK)
			return fail(h);
		if (!G.quiet)
			fprintf(stderr, "impact: the access code of %s%s no "
			        "longer works; its sessions are closed\n",
			        place ? "place " : "the coordinators",
			        place ? place : "");
		return 0;
	}
	if (impact_access_create(h, place, code, sizeof(code)) != IMPACT_OK)
		return fail(h);
	printf("%s\n", code);
	if (!G.quiet)
		fprintf(stderr, "impact: new access code of %s%s (above); any "
		        "previous one no longer works.  It is shown only this "
		        "once and stored hashed: give it to %s, who sign in at "
		        "the address 'impact serve' prints\n",
		        place ? "place " : "the network's coordinators",
		        place ? place : "", place ? "the place's facilitators"
		        : "the coordinators");
	return 0;
}

/* ---------------------------------------------------------------- */
/* Reading a request                                                  */

const char *form_value(const struct request *rq, const char *key)
{
	size_t i;

	for (i = 0; i < rq->nfields; i++)
		if (strcmp(rq->fields[i].key, key) == 0)
			return rq->fields[i].value;
	return NULL;
}

const char *query_value(const struct request *rq, const char *key)
{
	return MHD_lookup_connection_value(rq->c, MHD_GET_ARGUMENT_KIND, key);
}

int csrf_ok(const struct request *rq)
{
	const char *v = form_value(rq, "csrf");

	return v && rq->csrf[0] && impact_token_equal(v, rq->csrf);
}

int may_see_place(const struct request *rq, const char *place)
{
	return rq->signed_in && (rq->who.coordinator
	                         || strcmp(rq->who.place, place) == 0);
}

void add_cookie(struct request *rq, const char *text)
{
	if (rq->ncookies < sizeof(rq->cookie) / sizeof(rq->cookie[0]))
		snprintf(rq->cookie[rq->ncookies++], sizeof(rq->cookie[0]),
		         "%s", text);
}

int private_dir(struct request *rq, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/r%lu", rq->sv->tmpdir,
	                 ++rq->sv->uploads);

	if (n < 0 || (size_t)n >= size || mkdir(out, 0700) != 0) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

void remove_dir(const char *dir)
{
	DIR *d;
	struct dirent *e;

	if (!dir || !*dir || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char p[600];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* Is s a code of the register: 1 to 64 of [A-Za-z0-9_.-]? */
static int valid_code(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (n >= 64 || !(isalnum((unsigned char)s[n]) || s[n] == '_'
		                 || s[n] == '.' || s[n] == '-'))
			return 0;
	return n > 0;
}

/* Split rq->path into segments; 0, or -1 for a path no route has. */
static int split_path(struct request *rq)
{
	char *p, *slash;
	size_t n = strlen(rq->path);

	if (rq->path[0] != '/' || n >= sizeof(rq->segbuf))
		return -1;
	memcpy(rq->segbuf, rq->path + 1, n);
	p = rq->segbuf;
	rq->nseg = 0;
	while (*p) {
		if (rq->nseg == SERVE_MAX_SEGMENTS)
			return -1;
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		if (!*p)
			return -1;  /* "//" */
		rq->seg[rq->nseg++] = p;
		if (!slash)
			break;
		p = slash + 1;
	}
	return 0;
}

/* Parse a positive entry number. */
static long long entry_number(const char *s)
{
	long long v = 0;

	if (!*s || strlen(s) > 15)
		return 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* The login form's CSRF token, from its cookie, or a new one. */
static void login_token(struct request *rq)
{
	const char *v = MHD_lookup_connection_value(rq->c, MHD_COOKIE_KIND,
	                                            "impact_login");
	char cookie[160];
	size_t i;

	if (v && strlen(v) == 64) {
		for (i = 0; i < 64 && strchr("0123456789abcdef", v[i]); i++)
			;
		if (i == 64) {
			snprintf(rq->csrf, sizeof(rq->csrf), "%s", v);
			return;
		}
	}
	if (impact_random_token(rq->sv->h, rq->csrf, sizeof(rq->csrf)) != 0) {
		rq->csrf[0] = '\0';
		return;
	}
	snprintf(cookie, sizeof(cookie), "impact_login=%s; Path=/connexion; "
	         "HttpOnly; SameSite=Strict", rq->csrf);
	add_cookie(rq, cookie);
}

static enum MHD_Result not_found(struct request *rq)
{
	return send_message(rq, MHD_HTTP_NOT_FOUND,
	                    T(rq, "Page introuvable", "Page not found"),
	                    T(rq, "Cette adresse ne correspond à aucune page "
	                      "d'impact.", "This address is not a page of "
	                      "impact."));
}

static enum MHD_Result forbidden(struct request *rq)
{
	return send_message(rq, MHD_HTTP_FORBIDDEN,
	                    T(rq, "Accès refusé", "Access denied"),
	                    T(rq, "Votre code d'accès ne donne pas accès à "
	                      "cette page.", "Your access code does not give "
	                      "access to this page."));
}

static enum MHD_Result method_not_allowed(struct request *rq)
{
	struct MHD_Response *r;
	static const char text[] = "405 method not allowed\n";

	r = MHD_create_response_from_buffer(sizeof(text) - 1, (void *)text,
	                                    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Allow", "GET, HEAD, POST");
	MHD_add_response_header(r, "Content-Type", "text/plain; charset=utf-8");
	rq->bytes = sizeof(text) - 1;
	return queue(rq, MHD_HTTP_METHOD_NOT_ALLOWED, r);
}

/* What route() decides for a request. */
enum verdict {
	V_SENT,       /* a response is queued (*ret) */
	V_READ_BODY   /* dry run of a POST: allowed, read its body */
};

/* Queue `ret` and say so. */
#define SEND(expr) do { *ret = (expr); return V_SENT; } while (0)

/*
 * The table of pages.  With `dry` (a POST whose body is not read yet),
 * everything is checked (route, method, session, place) but the page is
 * not run: V_READ_BODY says to read the body.  Without, the page runs
 * (the CSRF token of a POST is checked first).
 */
static enum verdict route(struct request *rq, int dry, enum MHD_Result *ret)
{
	const char *s0, *place;
	int get = !rq->post;
	long long n;

	if (split_path(rq) != 0)
		SEND(not_found(rq));
	s0 = rq->nseg ? rq->seg[0] : "";
	/* Public pages. */
	if (rq->nseg == 0) {
		if (!get)
			SEND(method_not_allowed(rq));
		if (!rq->signed_in)
			SEND(send_redirect(rq, "/connexion"));
		if (rq->who.coordinator)
			SEND(send_redirect(rq, "/reseau"));
		{
			char to[96];

			snprintf(to, sizeof(to), "/lieu/%s", rq->who.place);
			SEND(send_redirect(rq, to));
		}
	}
	if (rq->nseg == 1 && strcmp(s0, "style.css") == 0) {
		if (!get)
			SEND(method_not_allowed(rq));
		SEND(send_css(rq));
	}
	if (rq->nseg == 1 && strcmp(s0, "connexion") == 0) {
		if (dry)
			return V_READ_BODY;
		login_token(rq);
		if (get)
			SEND(page_login(rq, NULL, MHD_HTTP_OK));
		if (!csrf_ok(rq))
			SEND(page_login(rq, T(rq, "Le formulaire a expiré : "
			                      "recommencez.", "The form expired: "
			                      "try again."), MHD_HTTP_FORBIDDEN));
		SEND(post_login(rq));
	}
	if (rq->nseg == 1 && strcmp(s0, "deconnexion") == 0) {
		if (get)
			SEND(method_not_allowed(rq));
		if (dry)
			return V_READ_BODY;
		if (rq->signed_in) {
			if (!csrf_ok(rq))
				SEND(forbidden(rq));
			impact_session_close(rq->sv->h, rq->token);
		}
		add_cookie(rq, "impact_session=; Path=/; Max-Age=0; HttpOnly; "
		           "SameSite=Strict");
		SEND(send_redirect(rq, "/connexion"));
	}
	if (strcmp(s0, "reseau") && strcmp(s0, "lieu")
	    && strcmp(s0, "territoire"))
		SEND(not_found(rq));
	/* Everything else needs a session; a POST its CSRF token. */
	if (!rq->signed_in)
		SEND(send_redirect(rq, "/connexion"));
	if (!dry && !get && !csrf_ok(rq))
		SEND(send_message(rq, MHD_HTTP_FORBIDDEN,
		                  T(rq, "Formulaire refusé", "Form refused"),
		                  T(rq, "Ce formulaire ne vient pas de cette "
		                    "session (jeton CSRF absent ou faux) : "
		                    "rechargez la page et recommencez.",
		                    "This form does not come from this session "
		                    "(missing or wrong CSRF token): reload the "
		                    "page and try again.")));
	if (strcmp(s0, "reseau") == 0) {
		if (!rq->who.coordinator)
			SEND(forbidden(rq));
		if (rq->nseg == 1) {
			if (!get)
				SEND(method_not_allowed(rq));
			SEND(page_network(rq));
		}
		if (rq->nseg == 2 && strcmp(rq->seg[1], "import") == 0) {
			if (dry)
				return V_READ_BODY;
			SEND(get ? page_import(rq, NULL) : post_import(rq, NULL));
		}
		if (rq->nseg == 2 && strcmp(rq->seg[1], "calculer") == 0) {
			if (get)
				SEND(method_not_allowed(rq));
			if (dry)
				return V_READ_BODY;
			SEND(post_compute(rq, NULL));
		}
		SEND(not_found(rq));
	}
	if (strcmp(s0, "territoire") == 0) {
		if (!rq->who.coordinator)
			SEND(forbidden(rq));
		if (rq->nseg != 3 || !valid_code(rq->seg[1])
		    || !territory_exists(rq, rq->seg[1]))
			SEND(not_found(rq));
		if (!get)
			SEND(method_not_allowed(rq));
		if (strcmp(rq->seg[2], "resultats") == 0)
			SEND(page_results(rq, NULL, rq->seg[1]));
		if (strcmp(rq->seg[2], "tableau-de-bord.pdf") == 0)
			SEND(send_report(rq, NULL, rq->seg[1]));
		SEND(not_found(rq));
	}
	/* /lieu/CODE/... */
	if (rq->nseg < 2 || !valid_code(rq->seg[1]))
		SEND(not_found(rq));
	place = rq->seg[1];
	if (!may_see_place(rq, place))
		SEND(forbidden(rq));
	if (!place_exists(rq, place))
		SEND(not_found(rq));
	if (rq->nseg == 2) {
		if (!get)
			SEND(method_not_allowed(rq));
		SEND(page_place(rq, place));
	}
	if (rq->nseg == 3 && strcmp(rq->seg[2], "saisie") == 0) {
		if (dry)
			return V_READ_BODY;
		SEND(get ? page_form(rq, place, 0) : post_form(rq, place, 0));
	}
	if (rq->nseg == 3 && strcmp(rq->seg[2], "saisies") == 0) {
		if (!get)
			SEND(method_not_allowed(rq));
		SEND(page_entries(rq, place));
	}
	if (rq->nseg >= 4 && strcmp(rq->seg[2], "saisies") == 0
	    && (n = entry_number(rq->seg[3])) > 0) {
		if (rq->nseg == 4) {
			if (dry)
				return V_READ_BODY;
			SEND(get ? page_form(rq, place, n)
			         : post_form(rq, place, n));
		}
		if (rq->nseg == 5 && strcmp(rq->seg[4], "supprimer") == 0) {
			if (dry)
				return V_READ_BODY;
			SEND(get ? page_delete(rq, place, n)
			         : post_delete(rq, place, n));
		}
		SEND(not_found(rq));
	}
	if (rq->nseg == 3 && strcmp(rq->seg[2], "import") == 0) {
		if (dry)
			return V_READ_BODY;
		SEND(get ? page_import(rq, place) : post_import(rq, place));
	}
	if (rq->nseg == 3 && strcmp(rq->seg[2], "resultats") == 0) {
		if (!get)
			SEND(method_not_allowed(rq));
		SEND(page_results(rq, place, NULL));
	}
	if (rq->nseg == 3 && strcmp(rq->seg[2], "tableau-de-bord.pdf") == 0) {
		if (!get)
			SEND(method_not_allowed(rq));
		SEND(send_report(rq, place, NULL));
	}
	if (rq->nseg == 3 && strcmp(rq->seg[2], "calculer") == 0) {
		if (get)
			SEND(method_not_allowed(rq));
		if (dry)
			return V_READ_BODY;
		SEND(post_compute(rq, place));
	}
	SEND(not_found(rq));
}

#undef SEND

/* Keep the uploaded file's name readable and harmless: its last path
 * component, [A-Za-z0-9._-] kept and the rest as '_', not starting with
 * a dot, at most 80 bytes. */
static void clean_name(const char *in, char *out, size_t size)
{
	const char *base = in, *p;
	size_t n = 0;

	for (p = in; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (*base == '.' || !*base) {
		n = (size_t)snprintf(out, size, "fichier");
	}
	for (p = base; *p && n + 1 < size && n < 80; p++) {
		unsigned char c = (unsigned char)*p;

		if ((c & 0xc0) == 0x80)
			continue;  /* one '_' per non-ASCII character */
		out[n++] = isalnum(c) || c == '.' || c == '-' || c == '_'
		           ? (char)c : '_';
	}
	out[n] = '\0';
}

/* libmicrohttpd's form parser calls this with each piece of each field. */
static enum MHD_Result on_field(void *cls, enum MHD_ValueKind kind,
                                const char *key, const char *filename,
                                const char *content_type,
                                const char *transfer_encoding,
                                const char *data, uint64_t off, size_t size)
{
	struct request *rq = cls;
	struct field *f;
	size_t klen = strlen(key);

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (rq->refused)
		return MHD_NO;
	if (filename) {
		if (!*filename && rq->upload_fd < 0 && !rq->upload_seen)
			return MHD_YES;  /* no file chosen */
		if (strcmp(key, "fichier") != 0
		    || (off == 0 && rq->upload_seen)) {
			rq->refused = MHD_HTTP_BAD_REQUEST;
			return MHD_NO;
		}
		if (off == 0) {
			rq->upload_seen = 1;
			clean_name(filename, rq->upload_name,
			           sizeof(rq->upload_name));
			if (private_dir(rq, rq->upload_dir,
			                sizeof(rq->upload_dir)) != 0) {
				rq->refused = MHD_HTTP_INTERNAL_SERVER_ERROR;
				return MHD_NO;
			}
			snprintf(rq->upload_path, sizeof(rq->upload_path), "%s/%s",
			         rq->upload_dir, rq->upload_name);
			rq->upload_fd = open(rq->upload_path, O_WRONLY | O_CREAT
			                     | O_EXCL | O_CLOEXEC, 0600);
			if (rq->upload_fd < 0) {
				rq->refused = MHD_HTTP_INTERNAL_SERVER_ERROR;
				return MHD_NO;
			}
		}
		if (rq->upload_fd < 0 || size > rq->sv->max_upload
		    || rq->upload_bytes > rq->sv->max_upload - size) {
			rq->refused = rq->upload_fd < 0 ? MHD_HTTP_BAD_REQUEST
			              : MHD_HTTP_CONTENT_TOO_LARGE;
			return MHD_NO;
		}
		while (size > 0) {
			ssize_t w = write(rq->upload_fd, data, size);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				rq->refused = MHD_HTTP_INTERNAL_SERVER_ERROR;
				return MHD_NO;
			}
			data += w;
			size -= (size_t)w;
			rq->upload_bytes += (size_t)w;
		}
		return MHD_YES;
	}
	if (klen > SERVE_MAX_KEY || memchr(data, '\0', size)) {
		rq->refused = klen > SERVE_MAX_KEY ? MHD_HTTP_CONTENT_TOO_LARGE
		              : MHD_HTTP_BAD_REQUEST;
		return MHD_NO;
	}
	if (off == 0) {
		struct field *p;

		if (rq->nfields == SERVE_MAX_FIELDS) {
			rq->refused = MHD_HTTP_CONTENT_TOO_LARGE;
			return MHD_NO;
		}
		p = realloc(rq->fields, (rq->nfields + 1) * sizeof(*p));
		if (!p) {
			rq->refused = MHD_HTTP_INTERNAL_SERVER_ERROR;
			return MHD_NO;
		}
		rq->fields = p;
		f = &rq->fields[rq->nfields];
		f->key = strdup(key);
		f->value = calloc(1, 1);
		f->len = 0;
		if (!f->key || !f->value) {
			free(f->key);
			free(f->value);
			rq->refused = MHD_HTTP_INTERNAL_SERVER_ERROR;
			return MHD_NO;
		}
		rq->nfields++;
		rq->form_bytes += klen;
	} else if (!rq->nfields
	           || strcmp(rq->fields[rq->nfields - 1].key, key) != 0) {
		rq->refused = MHD_HTTP_BAD_REQUEST;
		return MHD_NO;
	}
	f = &rq->fields[rq->nfields - 1];
	rq->form_bytes += size;
	if (f->len + size > SERVE_MAX_VALUE
	    || rq->form_bytes > SERVE_MAX_FORM_BYTES) {
		rq->refused = MHD_HTTP_CONTENT_TOO_LARGE;
		return MHD_NO;
	}
	if (size) {
		char *v = realloc(f->value, f->len + size + 1);

		if (!v) {
			rq->refused = MHD_HTTP_INTERNAL_SERVER_ERROR;
			return MHD_NO;
		}
		memcpy(v + f->len, data, size);
		f->len += size;
		v[f->len] = '\0';
		f->value = v;
	}
	return MHD_YES;
}

/* The page for a request refused by a bound (status 400, 413, 415...). */
static enum MHD_Result send_refused(struct request *rq, unsigned status)
{
	char msg[200];

	if (status == MHD_HTTP_CONTENT_TOO_LARGE)
		snprintf(msg, sizeof(msg), T(rq, "Envoi trop gros : un fichier "
		         "de %zu Mo au plus, des formulaires de taille normale.",
		         "Too large: files of %zu MB at most, forms of a normal "
		         "size."), rq->sv->max_upload >> 20);
	else if (status == MHD_HTTP_UNSUPPORTED_MEDIA_TYPE)
		snprintf(msg, sizeof(msg), "%s", T(rq, "Envoi illisible : "
		         "formulaire attendu.", "Unreadable request: a form was "
		         "expected."));
	else if (status == MHD_HTTP_FORBIDDEN)
		snprintf(msg, sizeof(msg), "%s", T(rq, "Formulaire envoyé depuis"
		         " un autre site : refusé.", "Form sent from another "
		         "site: refused."));
	else if (status == MHD_HTTP_BAD_REQUEST)
		snprintf(msg, sizeof(msg), "%s", T(rq, "Envoi illisible.",
		         "Unreadable request."));
	else
		snprintf(msg, sizeof(msg), "%s", T(rq, "Erreur du serveur.",
		         "Server error."));
	return send_message(rq, status, T(rq, "Envoi refusé",
	                                  "Request refused"), msg);
}

/* An Origin header, when there is one, must be this server's (a page of
 * another site is refused before its form is read). */
static int origin_ok(struct request *rq)
{
	const char *origin = MHD_lookup_connection_value(rq->c,
	                                                 MHD_HEADER_KIND,
	                                                 "Origin");
	const char *host = MHD_lookup_connection_value(rq->c, MHD_HEADER_KIND,
	                                               "Host");

	if (!origin)
		return 1;
	if (!host || strncmp(origin, "http://", 7) != 0)
		return 0;
	return strcmp(origin + 7, host) == 0;
}

/* Language, session and CSRF token of a new request. */
static void identify(struct request *rq)
{
	const char *lang = query_value(rq, "lang");
	const char *tok = MHD_lookup_connection_value(rq->c, MHD_COOKIE_KIND,
	                                              "impact_session");

	if (lang && (strcmp(lang, "en") == 0 || strcmp(lang, "fr") == 0)) {
		rq->en = strcmp(lang, "en") == 0;
		rq->lang_asked = 1;
	} else {
		lang = MHD_lookup_connection_value(rq->c, MHD_COOKIE_KIND,
		                                   "impact_lang");
		rq->en = lang ? strcmp(lang, "en") == 0 : rq->sv->default_en;
	}
	if (!tok)
		return;
	if (strlen(tok) < sizeof(rq->token)
	    && impact_session_check(rq->sv->h, tok, 0, &rq->who) == 0) {
		rq->signed_in = 1;
		snprintf(rq->token, sizeof(rq->token), "%s", tok);
		impact_session_csrf(rq->token, rq->csrf, sizeof(rq->csrf));
	} else {
		/* Expired or unknown: the browser forgets it. */
		add_cookie(rq, "impact_session=; Path=/; Max-Age=0; HttpOnly; "
		           "SameSite=Strict");
	}
}

/*
 * libmicrohttpd's handler, called at a request's first header (make the
 * request, answer a GET, or check a POST before its body), with each
 * piece of a POST's body (parse it into bounded fields and the upload),
 * and once the body is read (run the page).  Returns MHD_NO to close the
 * connection.
 */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version,
                                  const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct serve *sv = cls;
	struct request *rq = *con_cls;
	enum MHD_Result ret = MHD_NO;

	(void)version;
	if (!rq) {
		const char *len;

		if (!(rq = calloc(1, sizeof(*rq))))
			return MHD_NO;
		*con_cls = rq;
		rq->sv = sv;
		rq->c = c;
		rq->method = method;
		rq->upload_fd = -1;
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		if (strlen(url) >= sizeof(rq->path))
			snprintf(rq->path, sizeof(rq->path), "/(long)");
		else
			snprintf(rq->path, sizeof(rq->path), "%s", url);
		identify(rq);
		rq->post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
		if (!rq->post && strcmp(method, MHD_HTTP_METHOD_GET) != 0
		    && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return method_not_allowed(rq);
		if (!rq->post) {
			route(rq, 0, &ret);
			return ret;
		}
		len = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		                                  MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (len && strtoull(len, NULL, 10)
		           > sv->max_upload + SERVE_MAX_FORM_BYTES)
			return send_refused(rq, MHD_HTTP_CONTENT_TOO_LARGE);
		if (!origin_ok(rq))
			return send_refused(rq, MHD_HTTP_FORBIDDEN);
		if (route(rq, 1, &ret) == V_SENT)
			return ret;
		rq->pp = MHD_create_post_processor(c, 16 * 1024, on_field, rq);
		if (!rq->pp)
			return send_refused(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE);
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t total = rq->form_bytes + rq->upload_bytes;

		/* A body without Content-Length that goes on too long. */
		if (total > sv->max_upload + 2 * SERVE_MAX_FORM_BYTES)
			return MHD_NO;
		if (!rq->refused && rq->pp
		    && MHD_post_process(rq->pp, upload_data, *upload_data_size)
		       != MHD_YES && !rq->refused)
			rq->refused = MHD_HTTP_BAD_REQUEST;
		rq->form_bytes += rq->refused ? *upload_data_size : 0;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->pp) {
		MHD_destroy_post_processor(rq->pp);
		rq->pp = NULL;
	}
	if (rq->upload_fd >= 0) {
		if (close(rq->upload_fd) != 0 && !rq->refused)
			rq->refused = MHD_HTTP_INTERNAL_SERVER_ERROR;
		rq->upload_fd = -1;
	}
	if (rq->refused)
		ret = send_refused(rq, (unsigned)rq->refused);
	else
		route(rq, 0, &ret);
	/* The page has used the uploaded file, if any: it goes now. */
	remove_dir(rq->upload_dir);
	rq->upload_dir[0] = '\0';
	return ret;
}

/* Write `s` to stderr with control characters as '?'. */
static void log_text(const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s,
		      stderr);
}

/* The request is over (answered, or the client went away): write its
 * access log line and free it. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct serve *sv = cls;
	struct request *rq = *con_cls;
	size_t i;

	(void)c;
	(void)toe;
	if (!rq)
		return;
	if (!sv->quiet) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
			rq->c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		char host[INET6_ADDRSTRLEN + 1] = "-";
		struct timespec now;
		long ms;

		if (ci && ci->client_addr)
			getnameinfo(ci->client_addr,
			            ci->client_addr->sa_family == AF_INET6
			            ? sizeof(struct sockaddr_in6)
			            : sizeof(struct sockaddr_in), host,
			            sizeof(host), NULL, 0, NI_NUMERICHOST);
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (long)(now.tv_sec - rq->start.tv_sec) * 1000
		     + (now.tv_nsec - rq->start.tv_nsec) / 1000000;
		fprintf(stderr, "%s ", host);
		log_text(rq->method);
		fputc(' ', stderr);
		log_text(rq->path);
		if (rq->status)
			fprintf(stderr, " %u %zu %ldms\n", rq->status, rq->bytes,
			        ms);
		else
			fprintf(stderr, " - 0 %ldms\n", ms);
	}
	if (rq->pp)
		MHD_destroy_post_processor(rq->pp);
	if (rq->upload_fd >= 0)
		close(rq->upload_fd);
	remove_dir(rq->upload_dir);
	for (i = 0; i < rq->nfields; i++) {
		free(rq->fields[i].key);
		free(rq->fields[i].value);
	}
	free(rq->fields);
	free(rq);
	*con_cls = NULL;
}

/* libmicrohttpd's own messages (only when built with them): to stderr
 * unless --quiet. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct serve *sv = cls;

	if (sv->quiet)
		return;
	fputs("impact: libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---------------------------------------------------------------- */
/* impact serve                                                       */

/* Open a listening socket on addr:port into *out, its port into *bound.
 * On failure print why and return 1. */
static int listen_on(const char *addr, long port, int *out, long *bound)
{
	struct addrinfo hints, *ai = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char service[16];
	int fd, one = 1, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	snprintf(service, sizeof(service), "%ld", port);
	if ((e = getaddrinfo(addr, service, &hints, &ai)) != 0) {
		fprintf(stderr, "impact: invalid --bind \"%s\": expected an IP "
		        "address such as 127.0.0.1 or ::1 (%s) (see 'impact "
		        "serve --help')\n", addr, gai_strerror(e));
		return EXIT_USAGE;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	                         sizeof(one)) != 0
	    || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0
	    || listen(fd, 64) != 0
	    || getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		fprintf(stderr, "impact: error: cannot listen on %s port %ld: "
		        "%s\n", addr, port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return 1;
	}
	freeaddrinfo(ai);
	*bound = ss.ss_family == AF_INET6
	         ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
	         : ntohs(((struct sockaddr_in *)&ss)->sin_port);
	*out = fd;
	return 0;
}

static int count_access(void *payload, const impact_access_info *a)
{
	(void)a;
	++*(long *)payload;
	return 0;
}

int cmd_serve(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "port", required_argument, NULL, 'p' },
		{ "bind", required_argument, NULL, 'b' },
		{ "max-upload", required_argument, NULL, 'm' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct serve sv;
	struct MHD_Daemon *d = NULL;
	const char *addr = "127.0.0.1", *tmp = getenv("TMPDIR");
	long port = 8080, v, bound = 0, codes = 0;
	int c, r, fd = -1, sig = 0, rc = 1;
	sigset_t set;

	memset(&sv, 0, sizeof(sv));
	sv.max_upload = (size_t)SERVE_MAX_UPLOAD_MB << 20;
	optind = 0;
	while ((c = next_option(argc, argv, "p:b:m:l:", longopts)) != -1) {
		switch (c) {
		case 'p':
			if (parse_int(optarg, 0, 65535, &port))
				return usage_error("serve", "invalid --port \"%s\": "
				                   "expected 0 to 65535", optarg);
			break;
		case 'b':
			addr = optarg;
			break;
		case 'm':
			if (parse_int(optarg, 1, 1024, &v))
				return usage_error("serve", "invalid --max-upload "
				                   "\"%s\": expected 1 to 1024 (MB)",
				                   optarg);
			sv.max_upload = (size_t)v << 20;
			break;
		case 'l':
			if (strcmp(optarg, "fr") && strcmp(optarg, "en"))
				return usage_error("serve", "invalid --lang \"%s\": "
				                   "expected fr or en", optarg);
			sv.default_en = strcmp(optarg, "en") == 0;
			break;
		default:
			if ((r = common_option("serve", c)) != 0)
				return r == -1 ? EXIT_USAGE : r & 255;
		}
	}
	if (optind != argc)
		return usage_error("serve", "serve takes no operand");
	sv.quiet = G.quiet;
	sv.h = h;
	if (open_db(h) != IMPACT_OK)
		return fail(h);
	impact_set_progress(h, NULL, NULL);
	if ((r = listen_on(addr, port, &fd, &bound)) != 0)
		return r;
	snprintf(sv.tmpdir, sizeof(sv.tmpdir), "%s/impact-serve-XXXXXX",
	         tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
	if (!mkdtemp(sv.tmpdir)) {
		fprintf(stderr, "impact: error: cannot make a temporary folder "
		        "in %s: %s\n", tmp && *tmp ? tmp : "/tmp",
		        strerror(errno));
		close(fd);
		return 1;
	}
	/* The daemon's thread inherits this mask: only the main thread
	 * takes SIGINT and SIGTERM, in sigwait(). */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	d = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD,
	                     0, NULL, NULL, on_request, &sv,
	                     MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, &sv,
	                     MHD_OPTION_LISTEN_SOCKET, fd,
	                     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv,
	                     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
	                     MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	                     (unsigned int)32,
	                     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
	                     MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                     (size_t)64 * 1024,
	                     MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "impact: error: cannot start the web server\n");
		close(fd);
		goto done;
	}
	if (impact_access_each(h, count_access, &codes) != IMPACT_OK) {
		rc = fail(h);
		goto done;
	}
	printf("serving %s at http://%s%s%s:%ld/ (Ctrl-C stops)\n", G.db,
	       strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "",
	       bound);
	fflush(stdout);
	if (!G.quiet && strcmp(addr, "127.0.0.1") && strcmp(addr, "::1"))
		fprintf(stderr, "impact: warning: listening on %s, not only on "
		        "this computer: the pages travel unencrypted; put a "
		        "server with HTTPS in front\n", addr);
	if (!G.quiet && codes == 0)
		fprintf(stderr, "impact: note: no access code yet: create one "
		        "with 'impact place access PLACE' or 'impact place "
		        "access --coordinator'\n");
	while (sigwait(&set, &sig) != 0 || (sig != SIGINT && sig != SIGTERM))
		;
	if (!G.quiet)
		fprintf(stderr, "impact: stopping (%s)\n",
		        sig == SIGINT ? "SIGINT" : "SIGTERM");
	rc = 0;
done:
	if (d)
		MHD_stop_daemon(d);  /* closes the listening socket */
	rmdir(sv.tmpdir);
	return rc;
}
