/*
 * engine/cli_serve_html.c: the HTML side of `impact serve`: a growing
 * buffer (`struct html`), h_text(), the one function that escapes data
 * for HTML, the layout every page shares, the style sheet, and the
 * responses with the headers every one of them carries.
 *
 * Pages are plain HTML and one style sheet: no script, no image, no
 * font download, so they work without JavaScript and the Content
 * Security Policy can forbid everything else.  The layout is one column
 * that fits a phone and widens to 48 em on a desk.  Read
 * engine/cli_serve_pages.c for the pages, engine/cli_serve.c for the
 * requests.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_serve.h"

/* Make room for n more bytes (and a NUL).  0, or -1 (b->oom set). */
static int grow(struct html *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return -1;
	if (b->n + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->n + n + 1)
		cap *= 2;
	if (!(p = realloc(b->s, cap))) {
		b->oom = 1;
		return -1;
	}
	b->s = p;
	b->cap = cap;
	return 0;
}

static void put(struct html *b, const char *s, size_t n)
{
	if (grow(b, n) != 0)
		return;
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void h_raw(struct html *b, const char *s)
{
	put(b, s, strlen(s));
}

void h_text(struct html *b, const char *s)
{
	const char *run = s;

	if (!s)
		return;
	for (; *s; s++) {
		const char *e;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: continue;
		}
		put(b, run, (size_t)(s - run));
		h_raw(b, e);
		run = s + 1;
	}
	put(b, run, (size_t)(s - run));
}

void h_fmt(struct html *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || grow(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)n;
}

void h_url(struct html *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		char e[4];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		    || (c >= '0' && c <= '9') || c == '-' || c == '_'
		    || c == '.' || c == '~') {
			put(b, (const char *)&c, 1);
			continue;
		}
		e[0] = '%';
		e[1] = hex[c >> 4];
		e[2] = hex[c & 15];
		e[3] = '\0';
		h_raw(b, e);
	}
}

void h_num(struct html *b, const struct request *rq, double v, int decimals)
{
	char buf[IMPACT_NUMBER_MAX];

	h_text(b, impact_format_number(buf, sizeof(buf), v, decimals,
	                               rq->en ? "en" : "fr"));
}

void h_csrf(struct html *b, const struct request *rq)
{
	h_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	h_text(b, rq->csrf);
	h_raw(b, "\">");
}

void page_begin(struct html *b, const struct request *rq, const char *title)
{
	h_fmt(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n"
	      "<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, "
	      "initial-scale=1\">\n"
	      "<link rel=\"stylesheet\" href=\"/style.css\">\n<title>",
	      rq->en ? "en" : "fr");
	h_text(b, title);
	h_raw(b, " · impact</title>\n</head>\n<body>\n<header><a class=\"brand\""
	      " href=\"/\">impact</a>");
	if (rq->signed_in) {
		h_raw(b, " <span class=\"who\">");
		if (rq->who.coordinator)
			h_text(b, T(rq, "coordination du réseau",
			            "network coordination"));
		else
			h_text(b, rq->who.place);
		h_raw(b, "</span>");
	}
	h_raw(b, "</header>\n<main>\n");
}

void page_end(struct html *b, const struct request *rq)
{
	h_raw(b, "</main>\n<footer>");
	if (rq->en)
		h_raw(b, "<a href=\"?lang=fr\" lang=\"fr\" hreflang=\"fr\">"
		      "Français</a>");
	else
		h_raw(b, "<a href=\"?lang=en\" lang=\"en\" hreflang=\"en\">"
		      "English</a>");
	if (rq->signed_in) {
		h_raw(b, "<form class=\"inline\" method=\"post\" "
		      "action=\"/deconnexion\">");
		h_csrf(b, rq);
		h_raw(b, "<button class=\"secondary\" type=\"submit\">");
		h_text(b, T(rq, "Se déconnecter", "Sign out"));
		h_raw(b, "</button></form>");
	}
	h_raw(b, "</footer>\n</body>\n</html>\n");
}

enum MHD_Result queue(struct request *rq, unsigned status,
                      struct MHD_Response *r)
{
	enum MHD_Result ret;
	size_t i;

	if (!r)
		return MHD_NO;
	for (i = 0; i < rq->ncookies; i++)
		MHD_add_response_header(r, "Set-Cookie", rq->cookie[i]);
	MHD_add_response_header(r, "Content-Security-Policy",
	                        "default-src 'none'; style-src 'self'; "
	                        "img-src 'self'; form-action 'self'; "
	                        "frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Referrer-Policy", "same-origin");
	if (!MHD_get_response_header(r, "Cache-Control"))
		MHD_add_response_header(r, "Cache-Control", "no-store");
	if (rq->lang_asked)
		MHD_add_response_header(r, "Set-Cookie", rq->en
		                        ? "impact_lang=en; Path=/; Max-Age="
		                          "31536000; HttpOnly; SameSite=Strict"
		                        : "impact_lang=fr; Path=/; Max-Age="
		                          "31536000; HttpOnly; SameSite=Strict");
	rq->status = status;
	ret = MHD_queue_response(rq->c, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result send_page(struct request *rq, unsigned status,
                          struct html *b)
{
	struct MHD_Response *r;

	if (b->oom) {
		free(b->s);
		memset(b, 0, sizeof(*b));
		r = MHD_create_response_from_buffer(strlen("out of memory\n"),
		                                    (void *)"out of memory\n",
		                                    MHD_RESPMEM_PERSISTENT);
		if (r)
			MHD_add_response_header(r, "Content-Type",
			                        "text/plain; charset=utf-8");
		rq->bytes = strlen("out of memory\n");
		return queue(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, r);
	}
	rq->bytes = b->n;
	r = MHD_create_response_from_buffer(b->n, b->s, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(b->s);
		memset(b, 0, sizeof(*b));
		return MHD_NO;
	}
	memset(b, 0, sizeof(*b));  /* the response owns the text now */
	MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
	return queue(rq, status, r);
}

enum MHD_Result send_message(struct request *rq, unsigned status,
                             const char *title, const char *message)
{
	struct html b = { NULL, 0, 0, 0 };

	page_begin(&b, rq, title);
	h_raw(&b, "<h1>");
	h_text(&b, title);
	h_raw(&b, "</h1>\n<p>");
	h_text(&b, message);
	h_raw(&b, "</p>\n<p><a href=\"/\">");
	h_text(&b, T(rq, "Retour à l'accueil", "Back to the start page"));
	h_raw(&b, "</a></p>\n");
	page_end(&b, rq);
	return send_page(rq, status, &b);
}

enum MHD_Result send_redirect(struct request *rq, const char *location)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(0, (void *)"",
	                                    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Location", location);
	rq->bytes = 0;
	return queue(rq, MHD_HTTP_SEE_OTHER, r);
}

enum MHD_Result send_file(struct request *rq, int fd, size_t size,
                          const char *type, const char *filename)
{
	struct MHD_Response *r;
	char disposition[200];

	r = MHD_create_response_from_fd(size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	/* filename is built from a code: [A-Za-z0-9_.-] only. */
	snprintf(disposition, sizeof(disposition),
	         "attachment; filename=\"%s\"", filename);
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Disposition", disposition);
	rq->bytes = size;
	return queue(rq, MHD_HTTP_OK, r);
}

/* The style sheet: one column for phones, wider on a desk, large targets,
 * visible focus, errors marked by more than colour. */
static const char css[] =
	"*{box-sizing:border-box}\n"
	"html{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"\"DejaVu Sans\",sans-serif;line-height:1.5;color:#1d2430;"
	"background:#f4f5f2;-webkit-text-size-adjust:100%}\n"
	"body{margin:0}\n"
	"header{background:#25523b;color:#fff;padding:.7rem 1rem;display:flex;"
	"flex-wrap:wrap;gap:.2rem 1rem;align-items:baseline}\n"
	"header a{color:#fff}\n"
	".brand{font-weight:700;font-size:1.15rem;text-decoration:none}\n"
	".who{opacity:.9}\n"
	"main{max-width:48rem;margin:0 auto;padding:1rem}\n"
	"h1{font-size:1.45rem;line-height:1.25;margin:.5rem 0 1rem}\n"
	"h2{font-size:1.2rem;margin:1.6rem 0 .6rem}\n"
	"a{color:#1f5c99}\n"
	"a:focus,button:focus,input:focus,select:focus,textarea:focus"
	"{outline:3px solid #e0a100;outline-offset:2px}\n"
	"nav.sub ul{list-style:none;margin:0 0 1rem;padding:0;display:flex;"
	"flex-wrap:wrap;gap:.4rem}\n"
	"nav.sub a{display:inline-block;padding:.4rem .7rem;background:#fff;"
	"border:1px solid #cfd5cc;border-radius:.3rem;text-decoration:none}\n"
	"nav.sub a[aria-current]{background:#25523b;color:#fff}\n"
	".q,.box{background:#fff;border:1px solid #cfd5cc;border-radius:.4rem;"
	"padding:.8rem;margin:0 0 1rem}\n"
	"fieldset.q{min-width:0}\n"
	".q.err{border:2px solid #b3261e}\n"
	"label,legend{font-weight:600;display:block;margin-bottom:.3rem}\n"
	"legend{float:left;width:100%;padding:0}\n"
	"legend+*{clear:both}\n"
	".hint{color:#4d554d;font-size:.92rem;font-weight:400;margin:.1rem 0 "
	".4rem}\n"
	".msg-err{color:#b3261e;font-weight:600;margin:.2rem 0 .4rem}\n"
	".msg-err::before{content:\"\\26A0\\FE0E  \"}\n"
	"input[type=text],input[type=password],input[type=file],select,"
	"textarea{width:100%;max-width:100%;font:inherit;padding:.55rem;"
	"border:1px solid #7d877d;border-radius:.3rem;background:#fff}\n"
	".q.err input[type=text]{border-color:#b3261e}\n"
	"input.short{max-width:9rem}\n"
	".choice{display:flex;align-items:center;gap:.6rem;min-height:2.6rem;"
	"font-weight:400;margin:0}\n"
	".choice input{width:1.3rem;height:1.3rem;flex:none;margin:0}\n"
	"button,.button{font:inherit;padding:.65rem 1.2rem;border-radius:.3rem;"
	"border:0;background:#25523b;color:#fff;cursor:pointer;"
	"text-decoration:none;display:inline-block}\n"
	"button.secondary,.button.secondary{background:#e4e8e1;color:#1d2430;"
	"border:1px solid #b9c1b6}\n"
	"button.danger{background:#b3261e}\n"
	".actions{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;"
	"margin:1rem 0}\n"
	".scroll{overflow-x:auto;margin:0 0 1rem}\n"
	"table{border-collapse:collapse;width:100%;background:#fff}\n"
	"th,td{padding:.45rem .55rem;border-bottom:1px solid #d9ddd5;"
	"text-align:left;vertical-align:top}\n"
	"th{background:#e9ece6}\n"
	"td.n,th.n{text-align:right}\n"
	"td.n{white-space:nowrap}\n"
	".flash{background:#e3f1e6;border-left:5px solid #25523b;"
	"padding:.6rem .8rem;margin:0 0 1rem}\n"
	".alert{background:#fbe9e7;border-left:5px solid #b3261e;"
	"padding:.6rem .8rem;margin:0 0 1rem}\n"
	".alert ul{margin:.3rem 0 0;padding-left:1.2rem}\n"
	".figures{display:grid;grid-template-columns:repeat(auto-fit,"
	"minmax(10rem,1fr));gap:.6rem;margin:0 0 1rem}\n"
	".figure{background:#fff;border:1px solid #cfd5cc;border-radius:.4rem;"
	"padding:.6rem}\n"
	".figure strong{display:block;font-size:1.5rem}\n"
	"footer{max-width:48rem;margin:1rem auto 2rem;padding:0 1rem;"
	"color:#4d554d;display:flex;flex-wrap:wrap;gap:1rem;"
	"align-items:center}\n"
	"ul.links{list-style:none;padding:0}\n"
	"form.inline{display:inline}\n"
	"code{font-size:.95em}\n";

enum MHD_Result send_css(struct request *rq)
{
	struct MHD_Response *r;

	r = MHD_create_response_from_buffer(sizeof(css) - 1, (void *)css,
	                                    MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "text/css; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "max-age=3600");
	rq->bytes = sizeof(css) - 1;
	return queue(rq, MHD_HTTP_OK, r);
}
