/*
 * engine/cli_serve_pages.c: the pages of `impact serve` (docs/serve.md):
 * signing in, the network (coordinators), a place with its counts, the
 * questionnaire form (new entry and correction), the list of form
 * entries and their deletion, file imports, results and the PDF
 * dashboard.  Each page reads the library (impact.h) and writes HTML
 * through cli_serve_html.c: every piece of data goes through h_text().
 * route() in cli_serve.c has already checked the session, the place and
 * the CSRF token of a POST when a page runs.
 *
 * The form is built from the questionnaire (impact_survey_questions_each)
 * into a `struct form`; answers typed are checked by the library with
 * the importer's rules (impact_answers_add_one), and a refused form comes
 * back with every answer as typed and each error beside its question.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_serve.h"

/* Sign-in failures allowed per minute (all places together). */
#define MAX_FAILURES_PER_MINUTE 20

/* ---------------------------------------------------------------- */
/* The register                                                       */

/* A place or territory found by code (copies). */
struct unit {
	char code[65];
	char name[256];
	char parent[65];      /* a place's territory, a territory's parent */
	int found;
};

static int find_unit_cb(void *payload, const impact_unit_info *u)
{
	struct unit *x = payload;

	if (strcmp(u->code, x->code) != 0)
		return 0;
	snprintf(x->name, sizeof(x->name), "%s", u->name ? u->name : "");
	snprintf(x->parent, sizeof(x->parent), "%s",
	         u->territory ? u->territory : "");
	x->found = 1;
	return 1;
}

/* Look place (or territory) `code` up into *u; 1 when found. */
static int find_unit(struct request *rq, const char *code, int territory,
                     struct unit *u)
{
	memset(u, 0, sizeof(*u));
	snprintf(u->code, sizeof(u->code), "%s", code);
	if (territory)
		impact_territories_each(rq->sv->h, find_unit_cb, u);
	else
		impact_places_each(rq->sv->h, find_unit_cb, u);
	return u->found;
}

int place_exists(struct request *rq, const char *code)
{
	struct unit u;

	return find_unit(rq, code, 0, &u);
}

int territory_exists(struct request *rq, const char *code)
{
	struct unit u;

	return find_unit(rq, code, 1, &u);
}

/* The title of survey `code` in the reader's language into out. */
struct survey_title {
	const char *code;
	int en;
	char title[256];
};

static int survey_title_cb(void *payload, const impact_survey_info *s)
{
	struct survey_title *t = payload;

	if (strcmp(s->code, t->code) != 0)
		return 0;
	snprintf(t->title, sizeof(t->title), "%s",
	         t->en && s->title_en ? s->title_en : s->title_fr);
	return 1;
}

static void survey_title(struct request *rq, const char *code, char *out,
                         size_t size)
{
	struct survey_title t;

	t.code = code;
	t.en = rq->en;
	snprintf(t.title, sizeof(t.title), "%s", code);
	impact_survey_each(rq->sv->h, survey_title_cb, &t);
	snprintf(out, size, "%s", t.title);
}

/* Is s a code: 1 to 64 of [A-Za-z0-9_.-]? */
static int is_code(const char *s)
{
	size_t n = 0;

	if (!s)
		return 0;
	for (; s[n]; n++)
		if (n >= 64 || !(isalnum((unsigned char)s[n]) || s[n] == '_'
		                 || s[n] == '.' || s[n] == '-'))
			return 0;
	return n > 0;
}

/* A year 1900-9999 written as four digits; 0 when s is not one. */
static int parse_year(const char *s)
{
	int i, v = 0;

	if (!s)
		return 0;
	while (*s == ' ')
		s++;
	for (i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	for (s += 4; *s == ' '; s++)
		;
	return !*s && v >= 1900 ? v : 0;
}

/* A flash message from a number in the query (?enregistre=12). */
static void flash(struct html *b, struct request *rq, const char *key,
                  const char *fr, const char *en)
{
	const char *v = query_value(rq, key);
	long long n = 0;

	if (!v || strlen(v) > 15)
		return;
	for (; *v; v++) {
		if (!isdigit((unsigned char)*v))
			return;
		n = n * 10 + (*v - '0');
	}
	h_raw(b, "<p class=\"flash\" role=\"status\">");
	h_text(b, T(rq, fr, en));
	h_fmt(b, " %lld.</p>\n", n);
}

/* The navigation of a place's pages; `current` is the page's name. */
static void place_nav(struct html *b, struct request *rq, const char *place,
                      const char *current)
{
	static const struct {
		const char *page;     /* "" for the place's home */
		const char *fr, *en;
	} items[] = {
		{ "", "Accueil du lieu", "Place home" },
		{ "saisies", "Saisies", "Entries" },
		{ "import", "Importer un fichier", "Import a file" },
		{ "resultats", "Résultats", "Results" },
	};
	size_t i;

	h_raw(b, "<nav class=\"sub\" aria-label=\"");
	h_text(b, T(rq, "Pages du lieu", "Place pages"));
	h_raw(b, "\"><ul>");
	if (rq->who.coordinator) {
		h_raw(b, "<li><a href=\"/reseau\">");
		h_text(b, T(rq, "Réseau", "Network"));
		h_raw(b, "</a></li>");
	}
	for (i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		h_raw(b, "<li><a href=\"/lieu/");
		h_url(b, place);
		if (*items[i].page) {
			h_raw(b, "/");
			h_raw(b, items[i].page);
		}
		h_raw(b, "\"");
		if (strcmp(current, items[i].page) == 0)
			h_raw(b, " aria-current=\"page\"");
		h_raw(b, ">");
		h_text(b, T(rq, items[i].fr, items[i].en));
		h_raw(b, "</a></li>");
	}
	h_raw(b, "</ul></nav>\n");
}

/* ---------------------------------------------------------------- */
/* Signing in                                                         */

struct login_list {
	struct html *b;
	const char *chosen;
};

static int login_option(void *payload, const impact_unit_info *u)
{
	struct login_list *l = payload;

	h_raw(l->b, "<option value=\"");
	h_text(l->b, u->code);
	h_raw(l->b, "\"");
	if (l->chosen && strcmp(l->chosen, u->code) == 0)
		h_raw(l->b, " selected");
	h_raw(l->b, ">");
	h_text(l->b, u->name);
	h_raw(l->b, " (");
	h_text(l->b, u->code);
	h_raw(l->b, ")</option>\n");
	return 0;
}

enum MHD_Result page_login(struct request *rq, const char *error,
                           unsigned status)
{
	struct html b = { NULL, 0, 0, 0 };
	struct login_list l;
	const char *chosen = rq->post ? form_value(rq, "lieu") : NULL;

	page_begin(&b, rq, T(rq, "Connexion", "Sign in"));
	h_raw(&b, "<h1>");
	h_text(&b, T(rq, "Connexion", "Sign in"));
	h_raw(&b, "</h1>\n<p>");
	h_text(&b, T(rq, "Choisissez votre tiers-lieu et tapez le code "
	             "d'accès que la coordination du réseau vous a donné.",
	             "Choose your third place and type the access code the "
	             "network's coordination gave you."));
	h_raw(&b, "</p>\n");
	if (error) {
		h_raw(&b, "<p class=\"alert\" role=\"alert\">");
		h_text(&b, error);
		h_raw(&b, "</p>\n");
	}
	h_raw(&b, "<form method=\"post\" action=\"/connexion\" "
	      "accept-charset=\"utf-8\">\n");
	h_csrf(&b, rq);
	h_raw(&b, "<div class=\"q\"><label for=\"lieu\">");
	h_text(&b, T(rq, "Tiers-lieu", "Third place"));
	h_raw(&b, "</label>\n<select id=\"lieu\" name=\"lieu\" required>\n"
	      "<option value=\"\">");
	h_text(&b, T(rq, "— choisir —", "— choose —"));
	h_raw(&b, "</option>\n<option value=\"*\"");
	if (chosen && strcmp(chosen, "*") == 0)
		h_raw(&b, " selected");
	h_raw(&b, ">");
	h_text(&b, T(rq, "Coordination du réseau", "Network coordination"));
	h_raw(&b, "</option>\n");
	l.b = &b;
	l.chosen = chosen;
	impact_places_each(rq->sv->h, login_option, &l);
	h_raw(&b, "</select></div>\n<div class=\"q\"><label for=\"code\">");
	h_text(&b, T(rq, "Code d'accès", "Access code"));
	h_raw(&b, "</label>\n<p class=\"hint\" id=\"code-hint\">");
	h_text(&b, T(rq, "16 lettres et chiffres, par exemple "
	             "ABCD-EFGH-JKLM-NPQR", "16 letters and digits, for "
	             "example ABCD-EFGH-JKLM-NPQR"));
	h_raw(&b, "</p>\n<input type=\"password\" id=\"code\" name=\"code\" "
	      "autocomplete=\"current-password\" autocapitalize=\"characters\" "
	      "spellcheck=\"false\" maxlength=\"64\" required "
	      "aria-describedby=\"code-hint\"></div>\n"
	      "<div class=\"actions\"><button type=\"submit\">");
	h_text(&b, T(rq, "Se connecter", "Sign in"));
	h_raw(&b, "</button></div>\n</form>\n");
	page_end(&b, rq);
	return send_page(rq, status, &b);
}

enum MHD_Result post_login(struct request *rq)
{
	const char *lieu = form_value(rq, "lieu");
	const char *code = form_value(rq, "code");
	char token[IMPACT_TOKEN_SIZE], cookie[200];
	impact_session who;
	time_t now = time(NULL);
	struct serve *sv = rq->sv;
	int rc;

	if (now - sv->fail_window >= 60) {
		sv->fail_window = now;
		sv->failures = 0;
	}
	if (sv->failures >= MAX_FAILURES_PER_MINUTE)
		return page_login(rq, T(rq, "Trop d'essais : attendez une "
		                        "minute.", "Too many attempts: wait a "
		                        "minute."), MHD_HTTP_TOO_MANY_REQUESTS);
	if (!lieu || !*lieu || !code || strlen(code) > 64
	    || (strcmp(lieu, "*") != 0 && !is_code(lieu)))
		rc = IMPACT_EDATA;
	else
		rc = impact_session_open(sv->h, strcmp(lieu, "*") == 0 ? NULL
		                         : lieu, code, token, sizeof(token),
		                         &who);
	if (rc != IMPACT_OK) {
		sv->failures++;
		return page_login(rq, rc == IMPACT_EDATA || rc == IMPACT_ENOTFOUND
		                  ? T(rq, "Ce code ne correspond pas à ce lieu.",
		                      "This code does not match this place.")
		                  : T(rq, "Erreur du serveur : réessayez.",
		                      "Server error: try again."),
		                  rc == IMPACT_EDATA || rc == IMPACT_ENOTFOUND
		                  ? MHD_HTTP_UNAUTHORIZED
		                  : MHD_HTTP_INTERNAL_SERVER_ERROR);
	}
	snprintf(cookie, sizeof(cookie), "impact_session=%s; Path=/; HttpOnly;"
	         " SameSite=Strict", token);
	add_cookie(rq, cookie);
	add_cookie(rq, "impact_login=; Path=/connexion; Max-Age=0; HttpOnly; "
	           "SameSite=Strict");
	return send_redirect(rq, "/");
}

/* ---------------------------------------------------------------- */
/* The network (coordinators)                                         */

struct count_sum {
	long long respondents, entries;
};

static int sum_counts(void *payload, const impact_place_count *c)
{
	struct count_sum *s = payload;

	s->respondents += c->respondents;
	s->entries += c->entries;
	return 0;
}

struct unit_rows {
	struct request *rq;
	struct html *b;
};

static int network_place_row(void *payload, const impact_unit_info *u)
{
	struct unit_rows *x = payload;
	struct count_sum s = { 0, 0 };

	impact_place_counts_each(x->rq->sv->h, u->code, sum_counts, &s);
	h_raw(x->b, "<tr><td><a href=\"/lieu/");
	h_url(x->b, u->code);
	h_raw(x->b, "\">");
	h_text(x->b, u->name);
	h_raw(x->b, "</a> <small>");
	h_text(x->b, u->code);
	h_raw(x->b, "</small></td><td>");
	h_text(x->b, u->territory);
	h_fmt(x->b, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld"
	      "</td></tr>\n", s.respondents, s.entries);
	return 0;
}

static int network_territory_row(void *payload, const impact_unit_info *u)
{
	struct unit_rows *x = payload;

	h_raw(x->b, "<tr><td>");
	h_text(x->b, u->name);
	h_raw(x->b, " <small>");
	h_text(x->b, u->code);
	h_raw(x->b, "</small></td><td><a href=\"/territoire/");
	h_url(x->b, u->code);
	h_raw(x->b, "/resultats\">");
	h_text(x->b, T(x->rq, "Résultats", "Results"));
	h_raw(x->b, "</a> · <a href=\"/territoire/");
	h_url(x->b, u->code);
	h_raw(x->b, "/tableau-de-bord.pdf\">");
	h_text(x->b, T(x->rq, "Tableau de bord (PDF)", "Dashboard (PDF)"));
	h_raw(x->b, "</a></td></tr>\n");
	return 0;
}

enum MHD_Result page_network(struct request *rq)
{
	struct html b = { NULL, 0, 0, 0 };
	struct unit_rows x;

	x.rq = rq;
	x.b = &b;
	page_begin(&b, rq, T(rq, "Réseau", "Network"));
	h_raw(&b, "<h1>");
	h_text(&b, T(rq, "Le réseau", "The network"));
	h_raw(&b, "</h1>\n");
	flash(&b, rq, "calcule", "Résultats recalculés pour", "Results "
	      "computed again for");
	h_raw(&b, "<h2>");
	h_text(&b, T(rq, "Les lieux", "Places"));
	h_raw(&b, "</h2>\n<div class=\"scroll\"><table><thead><tr><th>");
	h_text(&b, T(rq, "Lieu", "Place"));
	h_raw(&b, "</th><th>");
	h_text(&b, T(rq, "Territoire", "Territory"));
	h_raw(&b, "</th><th class=\"n\">");
	h_text(&b, T(rq, "Questionnaires", "Questionnaires"));
	h_raw(&b, "</th><th class=\"n\">");
	h_text(&b, T(rq, "dont saisis ici", "of which typed here"));
	h_raw(&b, "</th></tr></thead><tbody>\n");
	impact_places_each(rq->sv->h, network_place_row, &x);
	h_raw(&b, "</tbody></table></div>\n<h2>");
	h_text(&b, T(rq, "Les territoires", "Territories"));
	h_raw(&b, "</h2>\n<div class=\"scroll\"><table><tbody>\n");
	impact_territories_each(rq->sv->h, network_territory_row, &x);
	h_raw(&b, "</tbody></table></div>\n<div class=\"actions\">"
	      "<a class=\"button secondary\" href=\"/reseau/import\">");
	h_text(&b, T(rq, "Importer un fichier pour tout le réseau",
	             "Import a file for the whole network"));
	h_raw(&b, "</a>\n<form class=\"inline\" method=\"post\" "
	      "action=\"/reseau/calculer\">");
	h_csrf(&b, rq);
	h_raw(&b, "<button type=\"submit\">");
	h_text(&b, T(rq, "Recalculer les résultats", "Compute the results "
	             "again"));
	h_raw(&b, "</button></form></div>\n");
	page_end(&b, rq);
	return send_page(rq, MHD_HTTP_OK, &b);
}

/* ---------------------------------------------------------------- */
/* A place                                                            */

struct place_rows {
	struct request *rq;
	struct html *b;
	size_t n;
};

static int place_count_row(void *payload, const impact_place_count *c)
{
	struct place_rows *x = payload;

	x->n++;
	h_raw(x->b, "<tr><td>");
	h_text(x->b, x->rq->en && c->title_en ? c->title_en : c->title_fr);
	h_fmt(x->b, "</td><td>%d</td><td class=\"n\">%lld</td>"
	      "<td class=\"n\">%lld</td></tr>\n", c->period, c->respondents,
	      c->entries);
	return 0;
}

struct survey_links {
	struct request *rq;
	struct html *b;
	const char *place;
	size_t n;
};

static int survey_link(void *payload, const impact_survey_info *s)
{
	struct survey_links *x = payload;

	x->n++;
	h_raw(x->b, "<li><a class=\"button\" href=\"/lieu/");
	h_url(x->b, x->place);
	h_raw(x->b, "/saisie?questionnaire=");
	h_url(x->b, s->code);
	h_raw(x->b, "\">");
	h_text(x->b, T(x->rq, "Saisir un questionnaire : ",
	               "Type in a questionnaire: "));
	h_text(x->b, x->rq->en && s->title_en ? s->title_en : s->title_fr);
	h_raw(x->b, "</a></li>\n");
	return 0;
}

enum MHD_Result page_place(struct request *rq, const char *place)
{
	struct html b = { NULL, 0, 0, 0 };
	struct place_rows rows;
	struct survey_links links;
	struct unit u;

	find_unit(rq, place, 0, &u);
	page_begin(&b, rq, u.name);
	place_nav(&b, rq, place, "");
	h_raw(&b, "<h1>");
	h_text(&b, u.name);
	h_raw(&b, "</h1>\n");
	flash(&b, rq, "enregistre", "Questionnaire enregistré : saisie n°",
	      "Questionnaire saved: entry no.");
	flash(&b, rq, "corrige", "Correction enregistrée : saisie n°",
	      "Correction saved: entry no.");
	h_raw(&b, "<ul class=\"actions links\">\n");
	links.rq = rq;
	links.b = &b;
	links.place = place;
	links.n = 0;
	impact_survey_each(rq->sv->h, survey_link, &links);
	h_raw(&b, "</ul>\n");
	if (!links.n) {
		h_raw(&b, "<p>");
		h_text(&b, T(rq, "Aucun questionnaire n'est encore défini : la "
		             "coordination l'ajoute avec « impact survey add ».",
		             "No questionnaire is defined yet: the coordination "
		             "adds one with 'impact survey add'."));
		h_raw(&b, "</p>\n");
	}
	h_raw(&b, "<h2>");
	h_text(&b, T(rq, "Questionnaires enregistrés", "Questionnaires stored"));
	h_raw(&b, "</h2>\n<div class=\"scroll\"><table><thead><tr><th>");
	h_text(&b, T(rq, "Questionnaire", "Questionnaire"));
	h_raw(&b, "</th><th>");
	h_text(&b, T(rq, "Année", "Year"));
	h_raw(&b, "</th><th class=\"n\">");
	h_text(&b, T(rq, "Répondants", "Respondents"));
	h_raw(&b, "</th><th class=\"n\">");
	h_text(&b, T(rq, "dont saisis ici", "of which typed here"));
	h_raw(&b, "</th></tr></thead><tbody id=\"counts\">\n");
	rows.rq = rq;
	rows.b = &b;
	rows.n = 0;
	impact_place_counts_each(rq->sv->h, place, place_count_row, &rows);
	if (!rows.n) {
		h_raw(&b, "<tr><td colspan=\"4\">");
		h_text(&b, T(rq, "Aucun pour l'instant.", "None yet."));
		h_raw(&b, "</td></tr>\n");
	}
	h_raw(&b, "</tbody></table></div>\n");
	page_end(&b, rq);
	return send_page(rq, MHD_HTTP_OK, &b);
}

/* ---------------------------------------------------------------- */
/* The questionnaire form                                             */

struct fchoice {
	char *code;
	char *label;
};

struct fquestion {
	char *code;
	char *label;
	char kind[12];
	char role[20];
	int required;
	int has_min, has_max;
	double min, max;
	struct fchoice *ch;
	size_t nch;
};

struct form {
	char survey[65];
	char title[256];
	struct fquestion *q;
	size_t n;
	int en;
	int oom;
};

static int form_question(void *payload, const impact_question_info *q)
{
	struct form *f = payload;
	struct fquestion *x, *p;
	size_t i;

	p = realloc(f->q, (f->n + 1) * sizeof(*p));
	if (!p) {
		f->oom = 1;
		return 1;
	}
	f->q = p;
	x = &f->q[f->n++];
	memset(x, 0, sizeof(*x));
	x->code = strdup(q->code);
	x->label = strdup(f->en && q->label_en ? q->label_en : q->label_fr);
	snprintf(x->kind, sizeof(x->kind), "%s", q->kind);
	snprintf(x->role, sizeof(x->role), "%s", q->role ? q->role : "");
	x->required = q->required;
	x->has_min = q->has_min;
	x->has_max = q->has_max;
	x->min = q->min;
	x->max = q->max;
	x->ch = calloc(q->nchoices ? q->nchoices : 1, sizeof(*x->ch));
	if (!x->code || !x->label || !x->ch) {
		f->oom = 1;
		return 1;
	}
	for (i = 0; i < q->nchoices; i++) {
		const impact_choice_info *c = &q->choices[i];

		x->ch[i].code = strdup(c->code);
		x->ch[i].label = strdup(f->en && c->label_en ? c->label_en
		                                             : c->label_fr);
		x->nch = i + 1;
		if (!x->ch[i].code || !x->ch[i].label) {
			f->oom = 1;
			return 1;
		}
	}
	return 0;
}

static void form_release(struct form *f)
{
	size_t i, j;

	for (i = 0; i < f->n; i++) {
		for (j = 0; j < f->q[i].nch; j++) {
			free(f->q[i].ch[j].code);
			free(f->q[i].ch[j].label);
		}
		free(f->q[i].ch);
		free(f->q[i].code);
		free(f->q[i].label);
	}
	free(f->q);
	memset(f, 0, sizeof(*f));
}

/* Load survey `code`; IMPACT_OK, IMPACT_ENOTFOUND or another error. */
static int form_load(struct request *rq, const char *code, struct form *f)
{
	int rc;

	memset(f, 0, sizeof(*f));
	f->en = rq->en;
	snprintf(f->survey, sizeof(f->survey), "%s", code);
	rc = impact_survey_questions_each(rq->sv->h, code, form_question, f);
	if (f->oom)
		rc = IMPACT_ENOMEM;
	if (rc == IMPACT_OK)
		survey_title(rq, code, f->title, sizeof(f->title));
	return rc;
}

/* The answers shown in a form: question id and text (several choices
 * joined by ';'). */
struct answer {
	char *code;
	char *text;
};

struct answers {
	struct answer *a;
	size_t n;
	int oom;
};

/* Set (or, with join, extend) the answer of `code`. */
static void answers_put(struct answers *as, const char *code,
                        const char *text, int join)
{
	size_t i;
	struct answer *p;

	for (i = 0; i < as->n; i++) {
		char *t;
		size_t n1, n2;

		if (strcmp(as->a[i].code, code) != 0)
			continue;
		if (!join || !*text)
			return;
		n1 = strlen(as->a[i].text);
		n2 = strlen(text);
		if (!(t = realloc(as->a[i].text, n1 + n2 + 2))) {
			as->oom = 1;
			return;
		}
		if (n1)
			t[n1++] = ';';
		memcpy(t + n1, text, n2 + 1);
		as->a[i].text = t;
		return;
	}
	if (!(p = realloc(as->a, (as->n + 1) * sizeof(*p)))) {
		as->oom = 1;
		return;
	}
	as->a = p;
	p[as->n].code = strdup(code);
	p[as->n].text = strdup(text);
	if (!p[as->n].code || !p[as->n].text) {
		free(p[as->n].code);
		free(p[as->n].text);
		as->oom = 1;
		return;
	}
	as->n++;
}

static const char *answers_get(const struct answers *as, const char *code)
{
	size_t i;

	for (i = 0; i < as->n; i++)
		if (strcmp(as->a[i].code, code) == 0)
			return as->a[i].text;
	return "";
}

static void answers_release(struct answers *as)
{
	size_t i;

	for (i = 0; i < as->n; i++) {
		free(as->a[i].code);
		free(as->a[i].text);
	}
	free(as->a);
	memset(as, 0, sizeof(*as));
}

static int answers_from_entry(void *payload, const char *question,
                              const char *text)
{
	answers_put(payload, question, text, 0);
	return 0;
}

/* The "q.ID" fields of the POSTed form, several values of one question
 * joined by ';'. */
static void answers_from_post(const struct request *rq, struct answers *as)
{
	size_t i;

	for (i = 0; i < rq->nfields; i++)
		if (strncmp(rq->fields[i].key, "q.", 2) == 0)
			answers_put(as, rq->fields[i].key + 2,
			            rq->fields[i].value, 1);
}

/* Is choice `code` among the ';'-joined `list`? */
static int in_choices(const char *list, const char *code)
{
	size_t n = strlen(code);

	while (*list) {
		const char *semi = strchr(list, ';');
		size_t k = semi ? (size_t)(semi - list) : strlen(list);

		if (k == n && strncmp(list, code, n) == 0)
			return 1;
		if (!semi)
			break;
		list = semi + 1;
	}
	return 0;
}

/* The error message of one question, in the reader's language. */
static void field_message(const struct request *rq,
                          const impact_field_error *e, char *out,
                          size_t size)
{
	char lo[IMPACT_NUMBER_MAX], hi[IMPACT_NUMBER_MAX];
	const char *lang = rq->en ? "en" : "fr";

	impact_format_number(lo, sizeof(lo), e->min, e->min == floor(e->min)
	                     ? 0 : 2, lang);
	impact_format_number(hi, sizeof(hi), e->max, e->max == floor(e->max)
	                     ? 0 : 2, lang);
	switch (e->code) {
	case IMPACT_FIELD_NUMBER:
		snprintf(out, size, "%s", T(rq, "Écrivez un nombre, par "
		         "exemple 7 ou 7,5.", "Write a number, for example 7 or "
		         "7.5."));
		break;
	case IMPACT_FIELD_RANGE:
		if (e->has_min && e->has_max)
			snprintf(out, size, T(rq, "Écrivez un nombre de %s à %s.",
			         "Write a number from %s to %s."), lo, hi);
		else if (e->has_min)
			snprintf(out, size, T(rq, "Écrivez un nombre d'au moins %s.",
			         "Write a number of at least %s."), lo);
		else
			snprintf(out, size, T(rq, "Écrivez un nombre d'au plus %s.",
			         "Write a number of at most %s."), hi);
		break;
	case IMPACT_FIELD_YESNO:
		snprintf(out, size, "%s", T(rq, "Répondez oui ou non.",
		         "Answer yes or no."));
		break;
	case IMPACT_FIELD_CHOICE:
		snprintf(out, size, "%s", T(rq, "Choisissez parmi les réponses "
		         "proposées.", "Choose among the answers offered."));
		break;
	case IMPACT_FIELD_DATE:
		snprintf(out, size, "%s", T(rq, "Écrivez une date, par exemple "
		         "14/03/2025.", "Write a date, for example 14/03/2025 "
		         "(day first)."));
		break;
	case IMPACT_FIELD_REQUIRED:
		snprintf(out, size, "%s", T(rq, "Cette question est obligatoire.",
		         "This question must be answered."));
		break;
	case IMPACT_FIELD_TOO_LONG:
		snprintf(out, size, T(rq, "Réponse trop longue (%d caractères "
		         "au plus).", "Answer too long (%d characters at most)."),
		         IMPACT_FIELD_MAX);
		break;
	case IMPACT_FIELD_ENCODING:
		snprintf(out, size, "%s", T(rq, "Texte illisible.",
		         "Unreadable text."));
		break;
	case IMPACT_FIELD_DUPLICATE:
		snprintf(out, size, "%s", T(rq, "Ce numéro de questionnaire est "
		         "déjà enregistré pour cette année.", "This questionnaire "
		         "number is already stored for that year."));
		break;
	default:
		snprintf(out, size, "%s", T(rq, "Question inconnue de ce "
		         "questionnaire.", "No such question in this "
		         "questionnaire."));
	}
}

/* The errors of one form, by question id ("periode" for the year). */
struct form_state {
	struct form *f;
	struct answers *as;
	impact_field_error *errors;
	size_t nerrors;
	const char *period;       /* the year typed */
	int period_bad;           /* it is not a year */
	long long entry;          /* 0 for a new entry */
};

static const impact_field_error *error_of(const struct form_state *st,
                                          const char *code)
{
	size_t i;

	for (i = 0; i < st->nerrors; i++)
		if (strcmp(st->errors[i].question, code) == 0)
			return &st->errors[i];
	return NULL;
}

/* The hint under a question's label. */
static void question_hint(struct html *b, const struct request *rq,
                          const struct fquestion *q)
{
	char lo[IMPACT_NUMBER_MAX], hi[IMPACT_NUMBER_MAX];
	const char *lang = rq->en ? "en" : "fr";
	char text[200] = "";

	impact_format_number(lo, sizeof(lo), q->min, q->min == floor(q->min)
	                     ? 0 : 2, lang);
	impact_format_number(hi, sizeof(hi), q->max, q->max == floor(q->max)
	                     ? 0 : 2, lang);
	if (strcmp(q->role, "respondent") == 0)
		snprintf(text, sizeof(text), "%s", T(rq, "Facultatif. Il n'est "
		         "pas conservé, seule son empreinte l'est, pour reconnaître "
		         "ce questionnaire s'il revient dans un fichier.",
		         "Optional. It is not stored, only its fingerprint is, to "
		         "recognise this questionnaire if it comes back in a "
		         "file."));
	else if (strcmp(q->kind, "date") == 0)
		snprintf(text, sizeof(text), "%s", T(rq, "jj/mm/aaaa",
		         "dd/mm/yyyy"));
	else if (strcmp(q->kind, "multiple") == 0)
		snprintf(text, sizeof(text), "%s", T(rq, "Plusieurs réponses "
		         "possibles.", "Several answers possible."));
	else if ((strcmp(q->kind, "scale") == 0 || strcmp(q->kind, "rating") == 0
	          || strcmp(q->kind, "number") == 0)
	         && q->has_min && q->has_max)
		snprintf(text, sizeof(text), T(rq, "Un nombre de %s à %s.",
		         "A number from %s to %s."), lo, hi);
	else if (strcmp(q->kind, "number") == 0)
		snprintf(text, sizeof(text), "%s", T(rq, "Un nombre.",
		         "A number."));
	if (!*text)
		return;
	h_raw(b, "<p class=\"hint\" id=\"h-");
	h_text(b, q->code);
	h_raw(b, "\">");
	h_text(b, text);
	h_raw(b, "</p>\n");
}

/* One radio button or check box. */
static void choice_input(struct html *b, const char *type, const char *name,
                         const char *value, const char *label, int checked)
{
	h_raw(b, "<label class=\"choice\"><input type=\"");
	h_raw(b, type);
	h_raw(b, "\" name=\"");
	h_text(b, name);
	h_raw(b, "\" value=\"");
	h_text(b, value);
	h_raw(b, "\"");
	if (checked)
		h_raw(b, " checked");
	h_raw(b, "> ");
	h_text(b, label);
	h_raw(b, "</label>\n");
}

/* One question of the form, with its answer and its error. */
static void form_question_html(struct html *b, const struct request *rq,
                               const struct form_state *st,
                               const struct fquestion *q)
{
	const impact_field_error *e = error_of(st, q->code);
	const char *v = answers_get(st->as, q->code);
	int yesno = strcmp(q->kind, "yesno") == 0;
	int single = strcmp(q->kind, "single") == 0;
	int multiple = strcmp(q->kind, "multiple") == 0;
	char name[80], msg[300];
	size_t i;

	snprintf(name, sizeof(name), "q.%s", q->code);
	h_raw(b, yesno || single || multiple ? "<fieldset class=\"q"
	      : "<div class=\"q");
	h_raw(b, e ? " err\"" : "\"");
	h_raw(b, " id=\"q-");
	h_text(b, q->code);
	h_raw(b, "\">\n");
	h_raw(b, yesno || single || multiple ? "<legend>"
	      : "<label for=\"f-");
	if (!(yesno || single || multiple)) {
		h_text(b, q->code);
		h_raw(b, "\">");
	}
	h_text(b, q->label);
	if (q->required) {
		h_raw(b, " <abbr title=\"");
		h_text(b, T(rq, "obligatoire", "required"));
		h_raw(b, "\">*</abbr>");
	}
	h_raw(b, yesno || single || multiple ? "</legend>\n" : "</label>\n");
	question_hint(b, rq, q);
	if (e) {
		field_message(rq, e, msg, sizeof(msg));
		h_raw(b, "<p class=\"msg-err\" id=\"e-");
		h_text(b, q->code);
		h_raw(b, "\">");
		h_text(b, msg);
		h_raw(b, "</p>\n");
	}
	if (yesno || single) {
		int matched = !*v;

		if (yesno) {
			choice_input(b, "radio", name, "oui", T(rq, "Oui", "Yes"),
			             strcmp(v, "oui") == 0);
			choice_input(b, "radio", name, "non", T(rq, "Non", "No"),
			             strcmp(v, "non") == 0);
			matched |= !strcmp(v, "oui") || !strcmp(v, "non");
		}
		for (i = 0; i < q->nch; i++) {
			choice_input(b, "radio", name, q->ch[i].code, q->ch[i].label,
			             strcmp(v, q->ch[i].code) == 0);
			matched |= strcmp(v, q->ch[i].code) == 0;
		}
		if (!matched) {
			/* What was sent, kept so that nothing is lost. */
			char label[300];

			snprintf(label, sizeof(label), "« %.200s »", v);
			choice_input(b, "radio", name, v, label, 1);
		}
		choice_input(b, "radio", name, "", T(rq, "Sans réponse",
		             "No answer"), !*v);
	} else if (multiple) {
		char *copy = strdup(v), *tok, *save = NULL;

		for (i = 0; i < q->nch; i++)
			choice_input(b, "checkbox", name, q->ch[i].code,
			             q->ch[i].label, in_choices(v, q->ch[i].code));
		for (tok = copy ? strtok_r(copy, ";", &save) : NULL; tok;
		     tok = strtok_r(NULL, ";", &save)) {
			size_t k;

			for (k = 0; k < q->nch && strcmp(q->ch[k].code, tok); k++)
				;
			if (k == q->nch) {
				char label[300];

				snprintf(label, sizeof(label), "« %.200s »", tok);
				choice_input(b, "checkbox", name, tok, label, 1);
			}
		}
		free(copy);
	} else {
		int numeric = strcmp(q->kind, "text") && strcmp(q->kind, "date");

		h_raw(b, "<input type=\"text\" id=\"f-");
		h_text(b, q->code);
		h_raw(b, "\" name=\"");
		h_text(b, name);
		h_raw(b, "\" value=\"");
		h_text(b, v);
		h_fmt(b, "\" maxlength=\"%d\"", IMPACT_FIELD_MAX);
		if (numeric)
			h_raw(b, " class=\"short\" inputmode=\"decimal\"");
		if (strcmp(q->kind, "date") == 0)
			h_raw(b, " class=\"short\" placeholder=\"jj/mm/aaaa\"");
		if (e) {
			h_raw(b, " aria-invalid=\"true\" aria-describedby=\"e-");
			h_text(b, q->code);
			h_raw(b, "\"");
		}
		h_raw(b, ">\n");
	}
	h_raw(b, yesno || single || multiple ? "</fieldset>\n" : "</div>\n");
}

/* The whole form page; status 200, or 422 when it comes back refused. */
static enum MHD_Result form_page(struct request *rq, const char *place,
                                 const struct form_state *st, unsigned status)
{
	struct html b = { NULL, 0, 0, 0 };
	const struct form *f = st->f;
	char title[400], year[16];
	size_t i, shown = 0;

	if (st->entry)
		snprintf(title, sizeof(title), T(rq, "Correction de la saisie "
		         "n° %lld", "Correcting entry no. %lld"), st->entry);
	else
		snprintf(title, sizeof(title), "%s", f->title);
	page_begin(&b, rq, title);
	place_nav(&b, rq, place, st->entry ? "saisies" : "");
	h_raw(&b, "<h1>");
	h_text(&b, title);
	h_raw(&b, "</h1>\n");
	if (st->entry) {
		h_raw(&b, "<p>");
		h_text(&b, f->title);
		h_raw(&b, "</p>\n");
	}
	if (st->nerrors || st->period_bad) {
		size_t n = st->nerrors + (st->period_bad ? 1 : 0);

		h_raw(&b, "<div class=\"alert\" role=\"alert\"><p><strong>");
		if (n == 1)
			h_text(&b, T(rq, "Une réponse est à corriger : rien n'a "
			             "été enregistré.", "One answer needs "
			             "correcting: nothing was saved."));
		else
			h_fmt(&b, T(rq, "%zu réponses sont à corriger : rien n'a "
			            "été enregistré.", "%zu answers need "
			            "correcting: nothing was saved."), n);
		h_raw(&b, "</strong></p><ul>\n");
		if (st->period_bad) {
			h_raw(&b, "<li><a href=\"#q-periode\">");
			h_text(&b, T(rq, "Année de l'enquête", "Survey year"));
			h_raw(&b, "</a></li>\n");
		}
		for (i = 0; i < st->nerrors && shown < 50; i++, shown++) {
			const impact_field_error *e = &st->errors[i];
			const char *label = e->question;
			char msg[300];
			size_t k;

			for (k = 0; k < f->n; k++)
				if (strcmp(f->q[k].code, e->question) == 0)
					label = f->q[k].label;
			field_message(rq, e, msg, sizeof(msg));
			h_raw(&b, "<li><a href=\"#q-");
			h_text(&b, e->question);
			h_raw(&b, "\">");
			h_text(&b, label);
			h_raw(&b, "</a> : ");
			h_text(&b, msg);
			h_raw(&b, "</li>\n");
		}
		h_raw(&b, "</ul></div>\n");
	}
	h_raw(&b, "<form method=\"post\" accept-charset=\"utf-8\" action=\""
	      "/lieu/");
	h_url(&b, place);
	if (st->entry)
		h_fmt(&b, "/saisies/%lld\">\n", st->entry);
	else
		h_raw(&b, "/saisie\">\n");
	h_csrf(&b, rq);
	h_raw(&b, "<input type=\"hidden\" name=\"questionnaire\" value=\"");
	h_text(&b, f->survey);
	h_raw(&b, "\">\n<div class=\"q");
	h_raw(&b, st->period_bad ? " err\"" : "\"");
	h_raw(&b, " id=\"q-periode\"><label for=\"f-periode\">");
	h_text(&b, T(rq, "Année de l'enquête", "Survey year"));
	h_raw(&b, " <abbr title=\"");
	h_text(&b, T(rq, "obligatoire", "required"));
	h_raw(&b, "\">*</abbr></label>\n");
	if (st->period_bad) {
		h_raw(&b, "<p class=\"msg-err\" id=\"e-periode\">");
		h_text(&b, T(rq, "Écrivez une année, par exemple 2025.",
		             "Write a year, for example 2025."));
		h_raw(&b, "</p>\n");
	}
	{
		time_t now = time(NULL);
		struct tm *tm = localtime(&now);

		snprintf(year, sizeof(year), "%d", tm ? 1900 + tm->tm_year : 2025);
	}
	h_raw(&b, "<input type=\"text\" class=\"short\" inputmode=\"numeric\" "
	      "id=\"f-periode\" name=\"periode\" maxlength=\"8\" value=\"");
	h_text(&b, st->period ? st->period : year);
	h_raw(&b, "\"></div>\n");
	for (i = 0; i < f->n; i++)
		if (strcmp(f->q[i].role, "place") != 0)
			form_question_html(&b, rq, st, &f->q[i]);
	h_raw(&b, "<div class=\"actions\"><button type=\"submit\">");
	h_text(&b, T(rq, "Enregistrer", "Save"));
	h_raw(&b, "</button> <a href=\"/lieu/");
	h_url(&b, place);
	h_raw(&b, st->entry ? "/saisies\">" : "\">");
	h_text(&b, T(rq, "Annuler", "Cancel"));
	h_raw(&b, "</a></div>\n</form>\n");
	page_end(&b, rq);
	return send_page(rq, status, &b);
}

/* The message page of a library failure (status by its code). */
static enum MHD_Result library_error(struct request *rq)
{
	int code = impact_errcode(rq->sv->h);

	return send_message(rq, code == IMPACT_ENOTFOUND ? MHD_HTTP_NOT_FOUND
	                    : MHD_HTTP_INTERNAL_SERVER_ERROR,
	                    code == IMPACT_ENOTFOUND
	                    ? T(rq, "Introuvable", "Not found")
	                    : T(rq, "Erreur", "Error"),
	                    impact_errmsg(rq->sv->h));
}

enum MHD_Result page_form(struct request *rq, const char *place,
                          long long entry)
{
	struct form f;
	struct answers as = { NULL, 0, 0 };
	struct form_state st;
	impact_entry_info info;
	char period[16];
	const char *survey = query_value(rq, "questionnaire");
	enum MHD_Result ret;

	memset(&st, 0, sizeof(st));
	if (entry) {
		if (impact_entry_get(rq->sv->h, entry, place, &info,
		                     answers_from_entry, &as) != IMPACT_OK) {
			answers_release(&as);
			return library_error(rq);
		}
		survey = info.survey;
		snprintf(period, sizeof(period), "%d", info.period);
		st.period = period;
	}
	if (!is_code(survey)) {
		answers_release(&as);
		return send_message(rq, MHD_HTTP_NOT_FOUND, T(rq, "Questionnaire "
		                    "introuvable", "Questionnaire not found"),
		                    T(rq, "Choisissez un questionnaire depuis la "
		                      "page du lieu.", "Choose a questionnaire "
		                      "from the place's page."));
	}
	if (form_load(rq, survey, &f) != IMPACT_OK) {
		answers_release(&as);
		form_release(&f);
		return library_error(rq);
	}
	st.f = &f;
	st.as = &as;
	st.entry = entry;
	ret = form_page(rq, place, &st, MHD_HTTP_OK);
	answers_release(&as);
	form_release(&f);
	return ret;
}

enum MHD_Result post_form(struct request *rq, const char *place,
                          long long entry)
{
	impact_entry_opts opts = IMPACT_ENTRY_OPTS_INIT;
	impact_entry_info info;
	impact_answer_field *fields = NULL;
	impact_field_error *errors = NULL;
	struct answers as = { NULL, 0, 0 };
	struct form f;
	struct form_state st;
	const char *survey = form_value(rq, "questionnaire");
	size_t nerrors = 0, i, cap;
	long long rid = 0;
	enum MHD_Result ret;
	int rc, year;

	memset(&st, 0, sizeof(st));
	memset(&f, 0, sizeof(f));
	if (entry) {
		if (impact_entry_get(rq->sv->h, entry, place, &info, NULL, NULL)
		    != IMPACT_OK)
			return library_error(rq);
		survey = info.survey;
	}
	if (!is_code(survey))
		return send_message(rq, MHD_HTTP_NOT_FOUND, T(rq, "Questionnaire "
		                    "introuvable", "Questionnaire not found"),
		                    T(rq, "Choisissez un questionnaire depuis la "
		                      "page du lieu.", "Choose a questionnaire "
		                      "from the place's page."));
	if (form_load(rq, survey, &f) != IMPACT_OK) {
		form_release(&f);
		return library_error(rq);
	}
	answers_from_post(rq, &as);
	cap = f.n + as.n + 1;
	fields = calloc(as.n ? as.n : 1, sizeof(*fields));
	errors = calloc(cap, sizeof(*errors));
	if (as.oom || !fields || !errors) {
		ret = send_message(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Erreur",
		                   "out of memory");
		goto done;
	}
	for (i = 0; i < as.n; i++) {
		fields[i].question = as.a[i].code;
		fields[i].text = as.a[i].text;
	}
	st.period = form_value(rq, "periode");
	year = parse_year(st.period);
	st.period_bad = !year;
	opts.survey = survey;
	opts.place = place;
	opts.period = year;
	opts.respondent = entry;
	opts.dry_run = !year;
	rc = impact_answers_add_one(rq->sv->h, &opts, fields, as.n, errors, cap,
	                            &nerrors, &rid);
	if (rc == IMPACT_OK && year) {
		char to[160];

		snprintf(to, sizeof(to), "/lieu/%s?%s=%lld", place,
		         entry ? "corrige" : "enregistre", rid);
		ret = send_redirect(rq, to);
		goto done;
	}
	if (rc != IMPACT_OK && rc != IMPACT_EDATA) {
		ret = library_error(rq);
		goto done;
	}
	st.f = &f;
	st.as = &as;
	st.errors = errors;
	st.nerrors = nerrors < cap ? nerrors : cap;
	st.entry = entry;
	ret = form_page(rq, place, &st, MHD_HTTP_UNPROCESSABLE_CONTENT);
done:
	free(fields);
	free(errors);
	answers_release(&as);
	form_release(&f);
	return ret;
}

/* ---------------------------------------------------------------- */
/* Form entries: list, deletion                                       */

struct entry_rows {
	struct request *rq;
	struct html *b;
	const char *place;
	size_t n;
};

static int entry_row(void *payload, const impact_entry_info *e)
{
	struct entry_rows *x = payload;
	char title[256];

	x->n++;
	survey_title(x->rq, e->survey, title, sizeof(title));
	h_fmt(x->b, "<tr><td class=\"n\">%lld</td><td>", e->respondent);
	h_text(x->b, title);
	h_fmt(x->b, "</td><td>%d</td><td>", e->period);
	h_text(x->b, e->entered_at);
	h_raw(x->b, "</td><td>");
	h_text(x->b, e->changed_at);
	h_fmt(x->b, "</td><td class=\"n\">%lld</td><td><a href=\"/lieu/",
	      e->answers);
	h_url(x->b, x->place);
	h_fmt(x->b, "/saisies/%lld\">", e->respondent);
	h_text(x->b, T(x->rq, "Corriger", "Correct"));
	h_raw(x->b, "</a> · <a href=\"/lieu/");
	h_url(x->b, x->place);
	h_fmt(x->b, "/saisies/%lld/supprimer\">", e->respondent);
	h_text(x->b, T(x->rq, "Supprimer", "Delete"));
	h_raw(x->b, "</a></td></tr>\n");
	return 0;
}

enum MHD_Result page_entries(struct request *rq, const char *place)
{
	struct html b = { NULL, 0, 0, 0 };
	struct entry_rows x;
	static const char *const heads[][2] = {
		{ "N°", "No." }, { "Questionnaire", "Questionnaire" },
		{ "Année", "Year" }, { "Saisi le (UTC)", "Typed on (UTC)" },
		{ "Corrigé le (UTC)", "Corrected on (UTC)" },
		{ "Réponses", "Answers" }, { "", "" }
	};
	size_t i;

	page_begin(&b, rq, T(rq, "Saisies", "Entries"));
	place_nav(&b, rq, place, "saisies");
	h_raw(&b, "<h1>");
	h_text(&b, T(rq, "Questionnaires saisis ici", "Questionnaires typed "
	             "in here"));
	h_raw(&b, "</h1>\n");
	flash(&b, rq, "supprime", "Saisie supprimée : n°", "Entry deleted: "
	      "no.");
	h_raw(&b, "<p>");
	h_text(&b, T(rq, "Une saisie faite par erreur se corrige ou se "
	             "supprime ici. Les questionnaires importés d'un fichier "
	             "ne sont pas dans cette liste.", "An entry made in error "
	             "is corrected or deleted here. Questionnaires imported "
	             "from a file are not in this list."));
	h_raw(&b, "</p>\n<div class=\"scroll\"><table><thead><tr>");
	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		h_raw(&b, i == 0 || i == 5 ? "<th class=\"n\">" : "<th>");
		h_text(&b, T(rq, heads[i][0], heads[i][1]));
		h_raw(&b, "</th>");
	}
	h_raw(&b, "</tr></thead><tbody>\n");
	x.rq = rq;
	x.b = &b;
	x.place = place;
	x.n = 0;
	impact_entries_each(rq->sv->h, place, entry_row, &x);
	if (!x.n) {
		h_raw(&b, "<tr><td colspan=\"7\">");
		h_text(&b, T(rq, "Aucune saisie pour l'instant.",
		             "No entry yet."));
		h_raw(&b, "</td></tr>\n");
	}
	h_raw(&b, "</tbody></table></div>\n");
	page_end(&b, rq);
	return send_page(rq, MHD_HTTP_OK, &b);
}

enum MHD_Result page_delete(struct request *rq, const char *place,
                            long long entry)
{
	struct html b = { NULL, 0, 0, 0 };
	impact_entry_info e;
	char title[256];

	if (impact_entry_get(rq->sv->h, entry, place, &e, NULL, NULL) != 0)
		return library_error(rq);
	survey_title(rq, e.survey, title, sizeof(title));
	page_begin(&b, rq, T(rq, "Supprimer une saisie", "Delete an entry"));
	place_nav(&b, rq, place, "saisies");
	h_raw(&b, "<h1>");
	h_text(&b, T(rq, "Supprimer la saisie n°", "Delete entry no."));
	h_fmt(&b, " %lld ?</h1>\n<p>", entry);
	h_text(&b, title);
	h_fmt(&b, ", %d. ", e.period);
	h_text(&b, T(rq, "Ses réponses seront effacées ; les résultats "
	             "seront à recalculer.", "Its answers will be erased; the "
	             "results will need computing again."));
	h_raw(&b, "</p>\n<form method=\"post\" action=\"/lieu/");
	h_url(&b, place);
	h_fmt(&b, "/saisies/%lld/supprimer\">", entry);
	h_csrf(&b, rq);
	h_raw(&b, "<div class=\"actions\"><button class=\"danger\" "
	      "type=\"submit\">");
	h_text(&b, T(rq, "Supprimer", "Delete"));
	h_raw(&b, "</button> <a href=\"/lieu/");
	h_url(&b, place);
	h_raw(&b, "/saisies\">");
	h_text(&b, T(rq, "Annuler", "Cancel"));
	h_raw(&b, "</a></div></form>\n");
	page_end(&b, rq);
	return send_page(rq, MHD_HTTP_OK, &b);
}

enum MHD_Result post_delete(struct request *rq, const char *place,
                            long long entry)
{
	char to[160];

	if (impact_entry_delete(rq->sv->h, entry, place) != IMPACT_OK)
		return library_error(rq);
	snprintf(to, sizeof(to), "/lieu/%s/saisies?supprime=%lld", place,
	         entry);
	return send_redirect(rq, to);
}

/* ---------------------------------------------------------------- */
/* Importing a file                                                   */

struct survey_options {
	struct html *b;
	int en;
	const char *chosen;
};

static int survey_option(void *payload, const impact_survey_info *s)
{
	struct survey_options *x = payload;

	h_raw(x->b, "<option value=\"");
	h_text(x->b, s->code);
	h_raw(x->b, "\"");
	if (x->chosen && strcmp(x->chosen, s->code) == 0)
		h_raw(x->b, " selected");
	h_raw(x->b, ">");
	h_text(x->b, x->en && s->title_en ? s->title_en : s->title_fr);
	h_raw(x->b, "</option>\n");
	return 0;
}

/* The import form (into b), for place `place` or the network. */
static void import_form(struct html *b, struct request *rq,
                        const char *place)
{
	struct survey_options so;
	const char *kind = form_value(rq, "type");
	int activities = kind && strcmp(kind, "activites") == 0;

	h_raw(b, "<form method=\"post\" enctype=\"multipart/form-data\" "
	      "accept-charset=\"utf-8\" action=\"");
	if (place) {
		h_raw(b, "/lieu/");
		h_url(b, place);
		h_raw(b, "/import\">\n");
	} else {
		h_raw(b, "/reseau/import\">\n");
	}
	h_csrf(b, rq);
	h_raw(b, "<fieldset class=\"q\"><legend>");
	h_text(b, T(rq, "Ce fichier contient", "This file holds"));
	h_raw(b, "</legend>\n");
	choice_input(b, "radio", "type", "reponses", T(rq, "des réponses à un "
	             "questionnaire (export KoboToolbox, LimeSurvey, "
	             "Framaforms, Google Forms, tableur...)", "answers to a "
	             "questionnaire (KoboToolbox, LimeSurvey, Framaforms, "
	             "Google Forms export, spreadsheet...)"), !activities);
	choice_input(b, "radio", "type", "activites", T(rq, "le journal des "
	             "activités", "the activity log"), activities);
	h_raw(b, "</fieldset>\n<div class=\"q\"><label for=\"f-questionnaire\">");
	h_text(b, T(rq, "Questionnaire (pour des réponses)",
	            "Questionnaire (for answers)"));
	h_raw(b, "</label>\n<select id=\"f-questionnaire\" "
	      "name=\"questionnaire\">\n");
	so.b = b;
	so.en = rq->en;
	so.chosen = form_value(rq, "questionnaire");
	impact_survey_each(rq->sv->h, survey_option, &so);
	h_raw(b, "</select></div>\n<div class=\"q\"><label for=\"f-periode\">");
	h_text(b, T(rq, "Année (facultatif)", "Year (optional)"));
	h_raw(b, "</label>\n<p class=\"hint\">");
	h_text(b, T(rq, "Sinon, l'année vient de la date de chaque "
	            "questionnaire.", "Otherwise the year comes from each "
	            "questionnaire's date."));
	h_raw(b, "</p><input type=\"text\" class=\"short\" inputmode=\"numeric\""
	      " id=\"f-periode\" name=\"periode\" maxlength=\"8\" value=\"");
	h_text(b, form_value(rq, "periode"));
	h_raw(b, "\"></div>\n<div class=\"q\"><label for=\"f-fichier\">");
	h_text(b, T(rq, "Fichier", "File"));
	h_raw(b, "</label>\n<p class=\"hint\">");
	h_fmt(b, T(rq, "CSV ou texte tabulé, %zu Mo au plus.",
	           "CSV or tab-separated text, %zu MB at most."),
	      rq->sv->max_upload >> 20);
	h_raw(b, "</p><input type=\"file\" id=\"f-fichier\" name=\"fichier\" "
	      "accept=\".csv,.tsv,.txt,text/csv\" required></div>\n"
	      "<div class=\"actions\"><button type=\"submit\">");
	h_text(b, T(rq, "Importer", "Import"));
	h_raw(b, "</button></div>\n</form>\n");
}

/* The head of an import page. */
static void import_head(struct html *b, struct request *rq,
                        const char *place)
{
	page_begin(b, rq, T(rq, "Importer un fichier", "Import a file"));
	if (place)
		place_nav(b, rq, place, "import");
	h_raw(b, "<h1>");
	h_text(b, T(rq, "Importer un fichier", "Import a file"));
	h_raw(b, "</h1>\n<p>");
	if (place)
		h_text(b, T(rq, "Les lignes d'un autre lieu sont écartées ; une "
		            "ligne sans lieu est comptée pour ce lieu.",
		            "Rows of another place are kept aside; a row without "
		            "a place counts for this place."));
	else
		h_text(b, T(rq, "Pour tout le réseau : chaque ligne dit son lieu.",
		            "For the whole network: each row names its place."));
	h_raw(b, "</p>\n");
}

enum MHD_Result page_import(struct request *rq, const char *place)
{
	struct html b = { NULL, 0, 0, 0 };

	import_head(&b, rq, place);
	import_form(&b, rq, place);
	page_end(&b, rq);
	return send_page(rq, MHD_HTTP_OK, &b);
}

struct reject_rows {
	struct html *b;
	size_t n;
};

static int reject_row(void *payload, const impact_reject_info *r)
{
	struct reject_rows *x = payload;

	if (++x->n > 200)
		return 0;
	h_fmt(x->b, "<tr><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
	      "<td>", r->line, r->column);
	h_text(x->b, r->field);
	h_raw(x->b, "</td><td>");
	h_text(x->b, r->reason);
	h_raw(x->b, "</td></tr>\n");
	return 0;
}

enum MHD_Result post_import(struct request *rq, const char *place)
{
	struct html b = { NULL, 0, 0, 0 };
	impact_import_opts opts = IMPACT_IMPORT_OPTS_INIT;
	impact_import_summary sum;
	const char *kind = form_value(rq, "type");
	const char *survey = form_value(rq, "questionnaire");
	const char *period = form_value(rq, "periode");
	const char *problem = NULL;
	int answers = !kind || strcmp(kind, "activites") != 0;
	int rc = IMPACT_OK;
	unsigned status = MHD_HTTP_OK;

	memset(&sum, 0, sizeof(sum));
	if (kind && strcmp(kind, "reponses") && strcmp(kind, "activites"))
		problem = T(rq, "Choisissez ce que contient le fichier.",
		            "Choose what the file holds.");
	else if (!rq->upload_seen || !rq->upload_bytes)
		problem = T(rq, "Choisissez un fichier (non vide).",
		            "Choose a (non-empty) file.");
	else if (answers && !is_code(survey))
		problem = T(rq, "Choisissez le questionnaire.",
		            "Choose the questionnaire.");
	else if (period && *period && !parse_year(period))
		problem = T(rq, "L'année doit s'écrire comme 2025.",
		            "Write the year as 2025.");
	import_head(&b, rq, place);
	if (problem) {
		h_raw(&b, "<p class=\"alert\" role=\"alert\">");
		h_text(&b, problem);
		h_raw(&b, "</p>\n");
		import_form(&b, rq, place);
		page_end(&b, rq);
		return send_page(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, &b);
	}
	opts.only_place = place;
	if (answers) {
		opts.period = period && *period ? parse_year(period) : 0;
		rc = impact_import_answers(rq->sv->h, rq->upload_path, survey,
		                           &opts, &sum);
	} else {
		rc = impact_import_activities(rq->sv->h, rq->upload_path, &opts,
		                              &sum);
	}
	h_raw(&b, "<h2 id=\"summary\">");
	h_text(&b, rq->upload_name);
	h_raw(&b, "</h2>\n");
	if (rc != IMPACT_OK) {
		status = impact_errcode(rq->sv->h) == IMPACT_EDATA
		         || impact_errcode(rq->sv->h) == IMPACT_EUSAGE
		         || impact_errcode(rq->sv->h) == IMPACT_ENOTFOUND
		         ? MHD_HTTP_UNPROCESSABLE_CONTENT
		         : MHD_HTTP_INTERNAL_SERVER_ERROR;
		h_raw(&b, "<div class=\"alert\" role=\"alert\"><p>");
		h_text(&b, T(rq, "Le fichier est refusé, rien n'a été importé :",
		             "The file is refused, nothing was imported:"));
		h_raw(&b, "</p><p><code>");
		h_text(&b, impact_errmsg(rq->sv->h));
		h_raw(&b, "</code></p></div>\n");
	} else if (sum.already_imported) {
		h_raw(&b, "<p class=\"flash\" role=\"status\">");
		h_text(&b, T(rq, "Ce fichier a déjà été importé : rien n'a été "
		             "fait. Import n°", "This file was imported before: "
		             "nothing was done. Import no."));
		h_fmt(&b, " %lld.</p>\n", sum.import_id);
	} else {
		struct reject_rows x;

		h_raw(&b, "<div class=\"figures\" id=\"counts\">");
		h_fmt(&b, "<p class=\"figure\"><strong>%zu</strong>", sum.rows_read);
		h_text(&b, T(rq, "lignes lues", "rows read"));
		h_fmt(&b, "</p><p class=\"figure\"><strong>%zu</strong>",
		      sum.rows_loaded);
		h_text(&b, T(rq, "chargées", "loaded"));
		h_fmt(&b, "</p><p class=\"figure\"><strong>%zu</strong>",
		      sum.rows_rejected);
		h_text(&b, T(rq, "écartées", "kept aside"));
		h_raw(&b, "</p>");
		if (sum.rows_skipped) {
			h_fmt(&b, "<p class=\"figure\"><strong>%zu</strong>",
			      sum.rows_skipped);
			h_text(&b, T(rq, "déjà enregistrées", "already stored"));
			h_raw(&b, "</p>");
		}
		h_raw(&b, "</div>\n<p>");
		h_text(&b, T(rq, "Import n°", "Import no."));
		h_fmt(&b, " %lld", sum.import_id);
		if (*sum.tool) {
			h_raw(&b, " · ");
			h_text(&b, sum.tool);
		}
		h_raw(&b, " · ");
		h_text(&b, sum.encoding);
		h_raw(&b, "</p>\n");
		if (*sum.notes) {
			h_raw(&b, "<p class=\"hint\">");
			h_text(&b, sum.notes);
			h_raw(&b, "</p>\n");
		}
		if (sum.rows_rejected) {
			h_raw(&b, "<h2>");
			h_text(&b, T(rq, "Lignes écartées", "Rows kept aside"));
			h_raw(&b, "</h2>\n<p>");
			h_text(&b, T(rq, "Corrigez-les dans le fichier et importez "
			             "les lignes corrigées.", "Correct them in the "
			             "file and import the corrected rows."));
			h_raw(&b, "</p>\n<div class=\"scroll\"><table id=\"rejects\">"
			      "<thead><tr><th class=\"n\">");
			h_text(&b, T(rq, "Ligne", "Line"));
			h_raw(&b, "</th><th class=\"n\">");
			h_text(&b, T(rq, "Colonne", "Column"));
			h_raw(&b, "</th><th>");
			h_text(&b, T(rq, "Champ", "Field"));
			h_raw(&b, "</th><th>");
			h_text(&b, T(rq, "Raison", "Reason"));
			h_raw(&b, "</th></tr></thead><tbody>\n");
			x.b = &b;
			x.n = 0;
			impact_rejects_each(rq->sv->h, sum.import_id, reject_row,
			                    &x);
			h_raw(&b, "</tbody></table></div>\n");
			if (x.n > 200)
				h_fmt(&b, "<p>… %zu %s</p>\n", x.n - 200,
				      T(rq, "autres lignes (impact rejects)",
				        "more rows (impact rejects)"));
		}
	}
	h_raw(&b, "<h2>");
	h_text(&b, T(rq, "Importer un autre fichier", "Import another file"));
	h_raw(&b, "</h2>\n");
	import_form(&b, rq, place);
	page_end(&b, rq);
	return send_page(rq, status, &b);
}

/* ---------------------------------------------------------------- */
/* Results                                                            */

/* The periods with results of a unit, latest first. */
struct periods {
	int p[64];
	size_t n;
};

static int collect_period(void *payload, const impact_result *r)
{
	struct periods *x = payload;
	size_t i;

	for (i = 0; i < x->n; i++)
		if (x->p[i] == r->period)
			return 0;
	if (x->n < sizeof(x->p) / sizeof(x->p[0]))
		x->p[x->n++] = r->period;
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	return *(const int *)b - *(const int *)a;
}

/* Key figures of the results table. */
struct figures {
	struct request *rq;
	struct html *b;
};

static int figure_cb(void *payload, const impact_result *r)
{
	struct figures *x = payload;
	struct request *rq = x->rq;
	const char *label;
	int decimals = 0;

	if (strcmp(r->measure, IMPACT_MEASURE_RESPONDENTS) == 0)
		label = T(rq, "répondants", "respondents");
	else if (strcmp(r->measure, IMPACT_MEASURE_SCORE) == 0) {
		label = T(rq, "score de bien-être (0 à 100)",
		          "well-being score (0 to 100)");
		decimals = 1;
	} else if (strcmp(r->measure, IMPACT_MEASURE_ACTIVITIES) == 0)
		label = T(rq, "activités", "activities");
	else if (strcmp(r->measure, IMPACT_MEASURE_PARTICIPANTS) == 0)
		label = T(rq, "participations", "participants");
	else
		return 0;
	h_raw(x->b, "<p class=\"figure\"><strong>");
	if (r->suppressed && strcmp(r->measure, IMPACT_MEASURE_SCORE) == 0)
		h_text(x->b, T(rq, "non publié", "not published"));
	else
		h_num(x->b, rq, r->value, decimals);
	h_raw(x->b, "</strong>");
	h_text(x->b, label);
	if (r->has_ci && !r->suppressed) {
		h_raw(x->b, "<br><small>");
		h_text(x->b, T(rq, "IC 95 % ", "95% CI "));
		h_raw(x->b, "[");
		h_num(x->b, rq, r->ci_low, decimals);
		h_raw(x->b, " ; ");
		h_num(x->b, rq, r->ci_high, decimals);
		h_raw(x->b, "]</small>");
	}
	h_raw(x->b, "</p>\n");
	return 0;
}

static int indicator_row(void *payload, const impact_indicator_result *r)
{
	struct figures *x = payload;
	struct request *rq = x->rq;
	const char *unit = rq->en ? r->unit_en : r->unit_fr;

	h_raw(x->b, "<tr><td>");
	h_text(x->b, rq->en && r->label_en ? r->label_en : r->label_fr);
	h_raw(x->b, "</td><td class=\"n\">");
	if (r->suppressed || !r->has_value) {
		h_text(x->b, r->suppressed ? T(rq, "non publié", "not published")
		                           : "—");
		if (r->reason) {
			h_raw(x->b, " <small>(");
			h_text(x->b, r->reason);
			h_raw(x->b, ")</small>");
		}
	} else {
		h_num(x->b, rq, r->value, r->decimals);
		if (unit) {
			h_raw(x->b, " ");
			h_text(x->b, unit);
		}
	}
	h_raw(x->b, "</td><td class=\"n\">");
	if (r->has_ci && !r->suppressed) {
		h_raw(x->b, "[");
		h_num(x->b, rq, r->ci_low, r->decimals);
		h_raw(x->b, " ; ");
		h_num(x->b, rq, r->ci_high, r->decimals);
		h_raw(x->b, "]");
	}
	h_fmt(x->b, "</td><td class=\"n\">%lld</td><td class=\"n\">", r->n);
	if (r->has_previous && !r->suppressed && r->has_value) {
		if (r->change > 0)
			h_raw(x->b, "+");
		h_num(x->b, rq, r->change, r->decimals);
		if (r->significant == 1)
			h_raw(x->b, " <abbr title=\"significatif\">*</abbr>");
	}
	h_raw(x->b, "</td></tr>\n");
	return 0;
}

/* The gross-happiness index of the unit, computed from the stored
 * answers as `impact compute` does (not stored: a page only reads). */
static void index_section(struct html *b, struct request *rq,
                          const char *place, const char *territory,
                          int period)
{
	impact_index_opts io = IMPACT_INDEX_OPTS_INIT;
	char *text = NULL;
	json_t *j = NULL, *ci, *groups, *domains;
	size_t i;

	io.place = place;
	io.territory = territory;
	io.period = period;
	io.rake = IMPACT_RAKE_WHEN_MARGINS;
	io.robustness = 0;
	io.store = 0;
	h_raw(b, "<h2 id=\"index\">");
	h_text(b, T(rq, "Indice de bonheur local (BNB)",
	            "Local gross-happiness index (GNH)"));
	h_raw(b, "</h2>\n");
	if (impact_index_compute(rq->sv->h, &io, &text) != IMPACT_OK
	    || !(j = json_loads(text, 0, NULL))) {
		h_raw(b, "<p>");
		h_text(b, T(rq, "Pas d'indice pour cette année : ",
		            "No index for this year: "));
		h_text(b, impact_errmsg(rq->sv->h));
		h_raw(b, "</p>\n");
		free(text);
		return;
	}
	free(text);
	if (json_is_true(json_object_get(j, "suppressed"))) {
		h_raw(b, "<p>");
		h_text(b, T(rq, "Non publié : moins de 5 répondants.",
		            "Not published: fewer than 5 respondents."));
		h_raw(b, "</p>\n");
		json_decref(j);
		return;
	}
	ci = json_object_get(j, "ci");
	h_raw(b, "<div class=\"figures\">");
	{
		static const char *const keys[] = { "gnh", "h_n", "a_n" };
		static const char *const labels[][2] = {
			{ "BNB (0 à 1)", "GNH (0 to 1)" },
			{ "part de personnes pas encore heureuses",
			  "share not yet happy" },
			{ "leur insuffisance moyenne",
			  "their mean insufficiency" }
		};

		for (i = 0; i < 3; i++) {
			json_t *c = json_object_get(ci, keys[i]);

			h_raw(b, "<p class=\"figure\"><strong>");
			h_num(b, rq, json_number_value(json_object_get(j, keys[i])),
			      3);
			h_raw(b, "</strong>");
			h_text(b, T(rq, labels[i][0], labels[i][1]));
			if (json_array_size(c) == 2) {
				h_raw(b, "<br><small>");
				h_text(b, T(rq, "IC 95 % ", "95% CI "));
				h_raw(b, "[");
				h_num(b, rq, json_number_value(json_array_get(c, 0)), 3);
				h_raw(b, " ; ");
				h_num(b, rq, json_number_value(json_array_get(c, 1)), 3);
				h_raw(b, "]</small>");
			}
			h_raw(b, "</p>");
		}
	}
	h_raw(b, "</div>\n");
	groups = json_object_get(j, "groups");
	if (json_is_object(groups)) {
		static const char *const keys[] = { "deeply", "extensively",
		                                    "narrowly", "unhappy" };
		static const char *const labels[][2] = {
			{ "profondément heureux", "deeply happy" },
			{ "largement heureux", "extensively happy" },
			{ "à peine heureux", "narrowly happy" },
			{ "pas heureux", "unhappy" }
		};

		h_raw(b, "<p>");
		for (i = 0; i < 4; i++) {
			h_raw(b, i ? " · " : "");
			h_text(b, T(rq, labels[i][0], labels[i][1]));
			h_raw(b, " ");
			h_num(b, rq, 100 * json_number_value(json_object_get(groups,
			      keys[i])), 1);
			h_raw(b, " %");
		}
		h_raw(b, "</p>\n");
	}
	domains = json_object_get(j, "domains");
	if (json_array_size(domains)) {
		h_raw(b, "<div class=\"scroll\"><table><thead><tr><th>");
		h_text(b, T(rq, "Domaine", "Domain"));
		h_raw(b, "</th><th class=\"n\">");
		h_text(b, T(rq, "Poids", "Weight"));
		h_raw(b, "</th><th class=\"n\">");
		h_text(b, T(rq, "Contribution", "Contribution"));
		h_raw(b, "</th></tr></thead><tbody>\n");
		for (i = 0; i < json_array_size(domains); i++) {
			json_t *d = json_array_get(domains, i);
			json_t *label = json_object_get(d, "label");
			const char *name = json_is_string(label)
			                   ? json_string_value(label)
			                   : json_string_value(json_object_get(
			                     label, rq->en ? "en" : "fr"));

			if (!name && json_is_object(label))
				name = json_string_value(json_object_get(label, "fr"));
			if (!name)
				name = json_string_value(json_object_get(d, "id"));
			h_raw(b, "<tr><td>");
			h_text(b, name);
			h_raw(b, "</td><td class=\"n\">");
			h_num(b, rq, json_number_value(json_object_get(d, "weight")),
			      3);
			h_raw(b, "</td><td class=\"n\">");
			h_num(b, rq, 100 * json_number_value(json_object_get(d,
			      "share")), 1);
			h_raw(b, " %</td></tr>\n");
		}
		h_raw(b, "</tbody></table></div>\n");
	}
	json_decref(j);
}

enum MHD_Result page_results(struct request *rq, const char *place,
                             const char *territory)
{
	struct html b = { NULL, 0, 0, 0 };
	impact_result_filter flt = IMPACT_RESULT_FILTER_INIT;
	struct periods ps;
	struct figures x;
	struct unit u;
	const char *asked = query_value(rq, "periode");
	int period = 0;
	size_t i;

	find_unit(rq, place ? place : territory, !place, &u);
	memset(&ps, 0, sizeof(ps));
	flt.place = place;
	flt.territory = territory;
	impact_results_each(rq->sv->h, &flt, collect_period, &ps);
	qsort(ps.p, ps.n, sizeof(ps.p[0]), cmp_desc);
	if (asked)
		for (i = 0; i < ps.n; i++)
			if (ps.p[i] == parse_year(asked))
				period = ps.p[i];
	if (!period && ps.n)
		period = ps.p[0];
	page_begin(&b, rq, T(rq, "Résultats", "Results"));
	if (place)
		place_nav(&b, rq, place, "resultats");
	else {
		h_raw(&b, "<nav class=\"sub\"><ul><li><a href=\"/reseau\">");
		h_text(&b, T(rq, "Réseau", "Network"));
		h_raw(&b, "</a></li></ul></nav>\n");
	}
	h_raw(&b, "<h1>");
	h_text(&b, T(rq, "Résultats : ", "Results: "));
	h_text(&b, u.name);
	h_raw(&b, "</h1>\n");
	flash(&b, rq, "calcule", "Résultats recalculés pour", "Results "
	      "computed again for");
	if (!ps.n) {
		h_raw(&b, "<p>");
		h_text(&b, T(rq, "Pas encore de résultats : recalculez-les "
		             "ci-dessous une fois des questionnaires saisis.",
		             "No results yet: compute them below once "
		             "questionnaires are typed in."));
		h_raw(&b, "</p>\n");
	} else {
		h_raw(&b, "<nav class=\"sub\" aria-label=\"");
		h_text(&b, T(rq, "Années", "Years"));
		h_raw(&b, "\"><ul>");
		for (i = 0; i < ps.n; i++) {
			h_fmt(&b, "<li><a href=\"?periode=%d\"%s>%d</a></li>",
			      ps.p[i], ps.p[i] == period
			      ? " aria-current=\"page\"" : "", ps.p[i]);
		}
		h_raw(&b, "</ul></nav>\n<div class=\"figures\" id=\"figures\">");
		x.rq = rq;
		x.b = &b;
		flt.period = period;
		impact_results_each(rq->sv->h, &flt, figure_cb, &x);
		h_raw(&b, "</div>\n<h2>");
		h_text(&b, T(rq, "Effets utiles", "Useful effects"));
		h_raw(&b, "</h2>\n<div class=\"scroll\"><table id=\"indicators\">"
		      "<thead><tr><th>");
		h_text(&b, T(rq, "Indicateur", "Indicator"));
		h_raw(&b, "</th><th class=\"n\">");
		h_text(&b, T(rq, "Valeur", "Value"));
		h_raw(&b, "</th><th class=\"n\">");
		h_text(&b, T(rq, "IC 95 %", "95% CI"));
		h_raw(&b, "</th><th class=\"n\">n</th><th class=\"n\">");
		h_text(&b, T(rq, "Évolution", "Change"));
		h_raw(&b, "</th></tr></thead><tbody>\n");
		impact_indicator_results_each(rq->sv->h, &flt, indicator_row, &x);
		h_raw(&b, "</tbody></table></div>\n<p class=\"hint\">");
		h_text(&b, T(rq, "* évolution significative (5 %). « non publié » "
		             ": moins de 5 répondants, ou une valeur qui en "
		             "révélerait une autre.", "* significant change (5%). "
		             "'not published': fewer than 5 respondents, or a "
		             "value that would reveal another."));
		h_raw(&b, "</p>\n");
		index_section(&b, rq, place, territory, period);
		h_raw(&b, "<div class=\"actions\"><a class=\"button\" href=\"");
		h_raw(&b, place ? "/lieu/" : "/territoire/");
		h_url(&b, place ? place : territory);
		h_fmt(&b, "/tableau-de-bord.pdf?periode=%d\">", period);
		h_text(&b, T(rq, "Télécharger le tableau de bord (PDF)",
		             "Download the dashboard (PDF)"));
		h_raw(&b, "</a></div>\n");
	}
	h_raw(&b, "<form method=\"post\" action=\"");
	h_raw(&b, place ? "/lieu/" : "/reseau/calculer");
	if (place) {
		h_url(&b, place);
		h_raw(&b, "/calculer");
	}
	h_raw(&b, "\">");
	h_csrf(&b, rq);
	h_fmt(&b, "<input type=\"hidden\" name=\"periode\" value=\"%d\">",
	      period);
	h_raw(&b, "<p class=\"hint\">");
	h_text(&b, T(rq, "Les questionnaires saisis ou importés comptent dans "
	             "les résultats une fois ceux-ci recalculés (pour tout le "
	             "réseau).", "Questionnaires typed in or imported count in "
	             "the results once these are computed again (for the whole "
	             "network)."));
	h_raw(&b, "</p><button class=\"secondary\" type=\"submit\">");
	h_text(&b, T(rq, "Recalculer les résultats", "Compute the results "
	             "again"));
	h_raw(&b, "</button></form>\n");
	page_end(&b, rq);
	return send_page(rq, MHD_HTTP_OK, &b);
}

enum MHD_Result post_compute(struct request *rq, const char *place)
{
	impact_compute_opts co = IMPACT_COMPUTE_OPTS_INIT;
	impact_index_opts io = IMPACT_INDEX_OPTS_INIT;
	const char *period = form_value(rq, "periode");
	char to[160];
	int year = parse_year(period);

	co.period = io.period = year;
	io.rake = IMPACT_RAKE_WHEN_MARGINS;
	if (impact_compute(rq->sv->h, &co, NULL) != IMPACT_OK
	    || impact_index_compute_all(rq->sv->h, &io, NULL) != IMPACT_OK)
		return library_error(rq);
	if (place)
		snprintf(to, sizeof(to), "/lieu/%s/resultats?periode=%d&calcule="
		         "%d", place, year, year);
	else
		snprintf(to, sizeof(to), "/reseau?calcule=%d", year);
	return send_redirect(rq, to);
}

enum MHD_Result send_report(struct request *rq, const char *place,
                            const char *territory)
{
	impact_report_opts opts = IMPACT_REPORT_OPTS_INIT;
	char dir[320], path[400], name[128];
	const char *asked = query_value(rq, "periode");
	struct stat sb;
	int fd;

	opts.period = asked ? parse_year(asked) : 0;
	opts.place = place;
	opts.territory = territory;
	opts.lang = rq->en ? "en" : "fr";
	if (private_dir(rq, dir, sizeof(dir)) != 0)
		return send_message(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Erreur",
		                    strerror(errno));
	snprintf(path, sizeof(path), "%s/report.pdf", dir);
	opts.output = path;
	if (impact_report_write(rq->sv->h, &opts) != IMPACT_OK) {
		remove_dir(dir);
		return library_error(rq);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	remove_dir(dir);  /* the open descriptor keeps the file */
	if (fd < 0 || fstat(fd, &sb) != 0) {
		if (fd >= 0)
			close(fd);
		return send_message(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Erreur",
		                    strerror(errno));
	}
	/* place and territory are codes: [A-Za-z0-9_.-]. */
	if (opts.period)
		snprintf(name, sizeof(name), "tableau-de-bord-%s-%d.pdf",
		         place ? place : territory, opts.period);
	else
		snprintf(name, sizeof(name), "tableau-de-bord-%s.pdf",
		         place ? place : territory);
	return send_file(rq, fd, (size_t)sb.st_size, "application/pdf", name);
}
