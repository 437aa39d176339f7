/*
 * engine/sample.c: the seeded generator of the bundled sample territory,
 * the data behind `make demo`, the tests and the benchmarks.
 *
 * The territory is fictional: the "Réseau des tiers-lieux du Val de Lière"
 * (`territories[]`), three intercommunalities, and ten places in eight
 * communes (`places[]`).  Each place carries its weight among respondents
 * and among activities, its effects on the latent well-being model (one
 * general effect and one per axis: social, local, learning, green) and the
 * mix of activity categories that fits its profile.  The questionnaire is
 * `questions[]`: eleven 0-10 scales, each with a base mean, a yearly trend
 * and the axis it belongs to; `categories[]` describes the activities.
 *
 * An answer is base mean + place effects + trend * wave + respondent
 * effects + item noise, rounded and clamped to 0..10, missing 3% of the
 * time.  Every draw comes from one GSL mt19937 generator seeded with
 * opts->seed and consumed in a fixed order, so identical options give
 * byte-identical files.  Each file is written to "<name>.tmp" and renamed.
 * The formats are those of docs/formats.md; read surveys/ next for the
 * importers that load these files.
 */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "context.h"
#include "impact/sample.h"

#define NPLACES 10
#define NQUESTIONS 11
#define NCATEGORIES 7

#define MAX_WAVES 20
#define MIN_YEAR 1990
#define MAX_YEAR 2100
#define MAX_RESPONDENTS 10000000
#define MAX_ACTIVITIES 1000000

/* Respondents every place gets in each wave before the rest is drawn by
 * weight (fewer when a wave is too small for it). */
#define MIN_PER_PLACE 15

#define MISSING_RATE 0.03      /* share of answers left empty */
#define RESPONDENT_SD 1.0      /* sd of a respondent's general effect */
#define RESPONDENT_AXIS_SD 0.7 /* sd of a respondent's effect on one axis */
#define ITEM_SD 1.3            /* sd of the noise of one answer */
#define ACTIVITY_GROWTH 0.05   /* yearly growth of participants */

/* Axes of the latent model: AXIS_GENERAL moves every question, the others
 * only the questions that belong to them. */
enum axis {
	AXIS_GENERAL,
	AXIS_SOCIAL,
	AXIS_LOCAL,
	AXIS_LEARN,
	AXIS_GREEN,
	AXIS_N
};

enum category {
	CAT_ATELIER,
	CAT_EVENEMENT,
	CAT_COWORKING,
	CAT_FORMATION,
	CAT_REPAIR,
	CAT_CUISINE,
	CAT_REUNION
};

struct sample_territory {
	const char *code;   /* territory code */
	const char *name;   /* name shown in reports */
	const char *parent; /* parent code, "" for the root */
};

struct sample_place {
	const char *code;            /* place code */
	const char *name;            /* name of the place */
	const char *territory;       /* code of its intercommunality */
	const char *commune;         /* commune name */
	double latitude;             /* WGS 84 degrees north */
	double longitude;            /* WGS 84 degrees east */
	double weight;               /* relative share of respondents */
	double activity_weight;      /* relative share of activities */
	double effect[AXIS_N];       /* latent effects, points on 0-10 */
	double category[NCATEGORIES]; /* weights of enum category */
};

struct sample_question {
	const char *id;       /* question id, the answers' column name */
	const char *label_fr; /* French label */
	const char *label_en; /* English label */
	const char *domain;   /* well-being domain */
	double mean;          /* base mean on 0-10 */
	double trend;         /* points gained per wave */
	enum axis axis;       /* axis of the latent model */
};

struct sample_category {
	const char *name;         /* category word of activities.csv */
	double participants;      /* Poisson mean of participants */
	double volunteers;        /* Poisson mean of volunteers (capped at 6) */
	int min_half;             /* shortest duration, in half-hours */
	int max_half;             /* longest duration, in half-hours */
	const char *const *titles; /* French titles to pick from */
	size_t ntitles;           /* entries of titles */
};

static const struct sample_territory territories[] = {
	{ "VDL", "Réseau des tiers-lieux du Val de Lière", "" },
	{ "CC-COTEAUX", "CC des Coteaux de Lière", "VDL" },
	{ "CC-MARAIS", "CC du Marais Blanc", "VDL" },
	{ "CC-ORSANNE", "CC de la Forêt d'Orsanne", "VDL" },
};

/* effect: general, social, local, learn, green.
 * category: atelier, evenement, coworking, formation, repair, cuisine,
 * reunion. */
static const struct sample_place places[NPLACES] = {
	{ "FAB-BOURG", "La Fabrique du Bourg", "CC-COTEAUX",
	  "Saint-Aubin-sur-Lière", 46.5120, 1.3840, 14, 14,
	  { 0.2, 0.3, 0.0, 0.9, 0.0 }, { 40, 15, 10, 15, 10, 0, 10 } },
	{ "ETABLI-MONTVAL", "L'Établi partagé", "CC-COTEAUX",
	  "Montval", 46.5483, 1.2712, 8, 9,
	  { 0.0, 0.4, 0.2, 0.6, 0.0 }, { 50, 10, 0, 15, 15, 0, 10 } },
	{ "GRENIER-NUM", "Le Grenier numérique", "CC-MARAIS",
	  "Bréhal-le-Marais", 46.3652, 1.7124, 10, 11,
	  { 0.1, -0.7, -0.4, 0.7, -0.2 }, { 10, 10, 40, 30, 0, 0, 10 } },
	{ "CUISINE-POSS", "La Cuisine des Possibles", "CC-MARAIS",
	  "Les Essarts-Blancs", 46.4217, 1.6351, 12, 10,
	  { 0.1, 1.4, 0.5, 0.1, 0.2 }, { 10, 20, 0, 5, 0, 55, 10 } },
	{ "REPAIR-TILLEULS", "Repair Café des Tilleuls", "CC-ORSANNE",
	  "Orsanne", 46.7021, 1.5533, 4, 6,
	  { 0.0, 0.8, 0.6, 0.3, 0.7 }, { 10, 10, 0, 0, 70, 0, 10 } },
	{ "HANGAR-PROJETS", "Le Hangar à Projets", "CC-COTEAUX",
	  "Rochebrune-sur-Lière", 46.4768, 1.1873, 9, 10,
	  { 0.2, 0.5, 0.9, 0.2, 0.0 }, { 25, 35, 15, 10, 0, 0, 15 } },
	{ "COWORK-GARE", "Coworking de la Gare", "CC-MARAIS",
	  "Vauclair", 46.4486, 1.8232, 13, 16,
	  { 0.3, -0.9, -0.6, 0.0, -0.3 }, { 0, 10, 70, 10, 0, 0, 10 } },
	{ "RUCHE-VERTE", "La Ruche Verte", "CC-ORSANNE",
	  "La Chapelle-Verte", 46.7534, 1.6876, 10, 8,
	  { 0.0, 0.6, 0.4, 0.3, 1.6 }, { 35, 25, 0, 10, 0, 10, 20 } },
	{ "ATELIER-2RIVES", "L'Atelier des Deux Rives", "CC-ORSANNE",
	  "Orsanne", 46.6953, 1.5612, 11, 8,
	  { -0.5, 0.2, 0.0, 1.1, 0.0 }, { 15, 10, 0, 60, 0, 0, 15 } },
	{ "FOURNIL", "Le Fournil Commun", "CC-COTEAUX",
	  "Saint-Aubin-sur-Lière", 46.5094, 1.3912, 9, 8,
	  { 0.1, 1.1, 0.8, 0.0, 0.3 }, { 5, 25, 0, 0, 0, 60, 10 } },
};

static const struct sample_question questions[NQUESTIONS] = {
	{ "sat_vie",
	  "Dans l'ensemble, êtes-vous satisfait(e) de votre vie ?",
	  "Overall, how satisfied are you with your life?",
	  "psychological", 6.7, 0.1, AXIS_GENERAL },
	{ "sante",
	  "Comment jugez-vous votre état de santé ?",
	  "How would you rate your health?",
	  "health", 6.9, 0.0, AXIS_GENERAL },
	{ "temps",
	  "Êtes-vous satisfait(e) de l'équilibre entre votre travail et "
	  "votre temps libre ?",
	  "Are you satisfied with the balance between your work and your "
	  "free time?",
	  "time_use", 6.0, 0.0, AXIS_GENERAL },
	{ "apprendre",
	  "Avez-vous appris des choses nouvelles ces derniers mois ?",
	  "Have you learned new things in recent months?",
	  "education", 6.0, 0.25, AXIS_LEARN },
	{ "culture",
	  "Participez-vous à la vie culturelle locale ?",
	  "Do you take part in local cultural life?",
	  "culture", 5.2, 0.2, AXIS_LEARN },
	{ "decisions",
	  "Avez-vous le sentiment de pouvoir peser sur les décisions "
	  "locales ?",
	  "Do you feel able to weigh on local decisions?",
	  "governance", 4.1, 0.25, AXIS_LOCAL },
	{ "lien_social",
	  "Vous sentez-vous entouré(e), en lien avec les autres ?",
	  "Do you feel surrounded by and connected to others?",
	  "community", 6.0, 0.35, AXIS_SOCIAL },
	{ "environnement",
	  "Êtes-vous satisfait(e) de la qualité de l'environnement naturel "
	  "autour de vous ?",
	  "Are you satisfied with the quality of the natural environment "
	  "around you?",
	  "ecology", 7.3, 0.0, AXIS_GREEN },
	{ "niveau_vie",
	  "Vos revenus vous permettent-ils de vivre correctement ?",
	  "Does your income let you live decently?",
	  "living_standards", 5.8, 0.0, AXIS_GENERAL },
	{ "attachement",
	  "Vous sentez-vous attaché(e) à votre territoire ?",
	  "Do you feel attached to your territory?",
	  "local", 6.8, 0.3, AXIS_LOCAL },
	{ "moins_isole",
	  "Depuis que vous venez au tiers-lieu, vous sentez-vous moins "
	  "isolé(e) ?",
	  "Since you started coming to the third place, do you feel less "
	  "isolated?",
	  "local", 5.8, 0.4, AXIS_SOCIAL },
};

static const char *const titles_atelier[] = {
	"Initiation à la soudure", "Découpe laser : premiers pas",
	"Atelier couture", "Impression 3D pour débutants",
	"Atelier menuiserie", "Fabrication de nichoirs",
};
static const char *const titles_evenement[] = {
	"Concert dans la grange", "Soirée jeux de société",
	"Bal folk, buvette et crêpes", "Projection-débat",
	"Marché de producteurs", "Portes ouvertes",
};
static const char *const titles_coworking[] = {
	"Journée coworking", "Coworking et café partagé",
	"Permanence coworking",
};
static const char *const titles_formation[] = {
	"Formation bureautique", "Accompagnement aux démarches en ligne",
	"Formation premiers secours", "Créer son site web",
	"Initiation au tableur",
};
static const char *const titles_repair[] = {
	"Repair café du samedi", "Réparation de vélos",
	"Diagnostic petit électroménager", "Repair café spécial informatique",
};
static const char *const titles_cuisine[] = {
	"Atelier pain au levain", "Cuisine anti-gaspi", "Repas partagé",
	"Atelier conserves et bocaux", "Fournée du vendredi",
};
static const char *const titles_reunion[] = {
	"Conseil d'administration", "Assemblée générale",
	"Réunion des bénévoles", "Comité de programmation",
};

#define TITLES(a) a, sizeof(a) / sizeof((a)[0])

/* In enum category order. */
static const struct sample_category categories[NCATEGORIES] = {
	{ "atelier", 9, 1.5, 3, 6, TITLES(titles_atelier) },
	{ "evenement", 35, 4.0, 4, 12, TITLES(titles_evenement) },
	{ "coworking", 6, 0.3, 8, 16, TITLES(titles_coworking) },
	{ "formation", 8, 0.8, 6, 14, TITLES(titles_formation) },
	{ "repair", 14, 3.0, 6, 8, TITLES(titles_repair) },
	{ "cuisine", 12, 2.0, 4, 8, TITLES(titles_cuisine) },
	{ "reunion", 10, 0.5, 2, 6, TITLES(titles_reunion) },
};

/* Relative number of activities per month: quieter in summer and at
 * Christmas, as in the activity reports of real tiers-lieux. */
static const double month_weights[12] = {
	8, 8, 10, 9, 9, 10, 6, 3, 10, 10, 9, 6
};

/* One drawn activity, kept until the year is sorted and written. */
struct activity {
	int month;        /* 1..12 */
	int day;          /* 1..31, valid for the month */
	int place;        /* index in places[] */
	int category;     /* enum category */
	size_t title;     /* index in the category's titles */
	unsigned int participants; /* participants */
	int half_hours;   /* duration in half-hours */
	unsigned int volunteers; /* volunteers, 0..6 */
	size_t seq;       /* draw order, the last sort key */
};

/* State of one call of impact_sample_write(). */
struct gen {
	const impact_sample_opts *opts;  /* validated options */
	gsl_rng *rng;                    /* the only source of randomness */
	gsl_ran_discrete_t *respondent_place; /* place of a respondent */
	gsl_ran_discrete_t *activity_place;   /* place of an activity */
	gsl_ran_discrete_t *month;            /* month of an activity */
	gsl_ran_discrete_t *category[NPLACES]; /* category, per place */
	unsigned char *assign;   /* place of each respondent of a wave */
	struct activity *acts;   /* activities of one year */
	int wave;                /* wave being written, 0 for the first */
};

/* Writes the content of one file to `f`; returns 0, or -1 with errno set
 * after the first failed write. */
typedef int (*fill_fn)(FILE *f, struct gen *g);

/* Check `opts` against the documented bounds; returns IMPACT_OK or
 * IMPACT_EUSAGE with a message naming the option. */
static int check_opts(impact *h, const impact_sample_opts *opts)
{
	if (opts->waves < 1 || opts->waves > MAX_WAVES)
		return impact__error(h, IMPACT_EUSAGE, "invalid sample option: "
			"waves must be 1 to %d (got %d)", MAX_WAVES,
			opts->waves);
	if (opts->first_year < MIN_YEAR || opts->first_year > MAX_YEAR)
		return impact__error(h, IMPACT_EUSAGE, "invalid sample option: "
			"first_year must be %d to %d (got %d)", MIN_YEAR,
			MAX_YEAR, opts->first_year);
	if (opts->respondents_per_wave < 1 ||
	    opts->respondents_per_wave > MAX_RESPONDENTS)
		return impact__error(h, IMPACT_EUSAGE, "invalid sample option: "
			"respondents_per_wave must be 1 to %d (got %zu)",
			MAX_RESPONDENTS, opts->respondents_per_wave);
	if (opts->activities_per_year < 1 ||
	    opts->activities_per_year > MAX_ACTIVITIES)
		return impact__error(h, IMPACT_EUSAGE, "invalid sample option: "
			"activities_per_year must be 1 to %d (got %zu)",
			MAX_ACTIVITIES, opts->activities_per_year);
	return IMPACT_OK;
}

/* Create directory `dir` (one level) unless it already exists as a
 * directory; returns IMPACT_OK or IMPACT_EIO. */
static int make_dir(impact *h, const char *dir)
{
	struct stat st;
	int err;

	if (mkdir(dir, 0755) == 0)
		return IMPACT_OK;
	err = errno;
	if (err == EEXIST) {
		if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
			return IMPACT_OK;
		err = ENOTDIR;
	}
	return impact__error(h, IMPACT_EIO, "cannot create directory '%s': %s",
	                     dir, strerror(err));
}

/* Write `s` as one CSV field, quoted as RFC 4180 when it holds a comma, a
 * quote or a line end, followed by `end`; returns 0 or -1. */
static int csv_put(FILE *f, const char *s, int end)
{
	if (!strpbrk(s, ",\"\r\n")) {
		if (fputs(s, f) == EOF)
			return -1;
	} else {
		if (putc('"', f) == EOF)
			return -1;
		for (; *s; s++) {
			if (*s == '"' && putc('"', f) == EOF)
				return -1;
			if (putc(*s, f) == EOF)
				return -1;
		}
		if (putc('"', f) == EOF)
			return -1;
	}
	return putc(end, f) == EOF ? -1 : 0;
}

/* Write `s` as a JSON string (quotes and escapes included); returns 0 or
 * -1.  UTF-8 passes through unchanged, as jansson writes it. */
static int json_put(FILE *f, const char *s)
{
	if (putc('"', f) == EOF)
		return -1;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int rc;

		if (c == '"' || c == '\\')
			rc = fprintf(f, "\\%c", c);
		else if (c < 0x20)
			rc = fprintf(f, "\\u%04x", c);
		else
			rc = putc(c, f) == EOF ? -1 : 0;
		if (rc < 0)
			return -1;
	}
	return putc('"', f) == EOF ? -1 : 0;
}

/* territories.csv: the root first, then its children. */
static int fill_territories(FILE *f, struct gen *g)
{
	size_t i;

	(void)g;
	if (fputs("code,name,parent\n", f) == EOF)
		return -1;
	for (i = 0; i < sizeof(territories) / sizeof(territories[0]); i++) {
		const struct sample_territory *t = &territories[i];

		if (csv_put(f, t->code, ',') || csv_put(f, t->name, ',') ||
		    csv_put(f, t->parent, '\n'))
			return -1;
	}
	return 0;
}

/* places.csv: the ten places, coordinates with 4 decimals. */
static int fill_places(FILE *f, struct gen *g)
{
	size_t i;

	(void)g;
	if (fputs("code,name,territory,commune,latitude,longitude\n", f) == EOF)
		return -1;
	for (i = 0; i < NPLACES; i++) {
		const struct sample_place *p = &places[i];

		if (csv_put(f, p->code, ',') || csv_put(f, p->name, ',') ||
		    csv_put(f, p->territory, ',') ||
		    csv_put(f, p->commune, ',') ||
		    fprintf(f, "%.4f,%.4f\n", p->latitude, p->longitude) < 0)
			return -1;
	}
	return 0;
}

/* survey.json: the questionnaire, indented by two spaces in the layout of
 * jansson's JSON_INDENT(2). */
static int fill_survey(FILE *f, struct gen *g)
{
	size_t i;

	(void)g;
	if (fputs("{\n  \"id\": \"vdl-bien-etre\",\n  \"title\": {\n"
	          "    \"fr\": ", f) == EOF ||
	    json_put(f, "Bien-être et tiers-lieux — Val de Lière") ||
	    fputs(",\n    \"en\": ", f) == EOF ||
	    json_put(f, "Well-being and third places — Val de Lière") ||
	    fputs("\n  },\n  \"questions\": [\n", f) == EOF)
		return -1;
	for (i = 0; i < NQUESTIONS; i++) {
		const struct sample_question *q = &questions[i];

		if (fputs("    {\n      \"id\": ", f) == EOF ||
		    json_put(f, q->id) ||
		    fputs(",\n      \"label\": {\n"
		          "        \"fr\": ", f) == EOF ||
		    json_put(f, q->label_fr) ||
		    fputs(",\n        \"en\": ", f) == EOF ||
		    json_put(f, q->label_en) ||
		    fputs("\n      },\n      \"type\": \"scale\",\n"
		          "      \"min\": 0,\n      \"max\": 10,\n"
		          "      \"domain\": ", f) == EOF ||
		    json_put(f, q->domain) ||
		    fputs(i + 1 < NQUESTIONS ? "\n    },\n" : "\n    }\n",
		          f) == EOF)
			return -1;
	}
	return fputs("  ]\n}\n", f) == EOF ? -1 : 0;
}

/* Spread the wave's respondents over the places into g->assign: each
 * place first gets MIN_PER_PLACE (or an equal share of a small wave), the
 * rest is drawn by place weight, then the order is shuffled. */
static void assign_places(struct gen *g)
{
	size_t n = g->opts->respondents_per_wave;
	size_t base = n / NPLACES < MIN_PER_PLACE ? n / NPLACES
	                                          : MIN_PER_PLACE;
	size_t i, k = 0;

	for (i = 0; i < NPLACES; i++) {
		size_t j;

		for (j = 0; j < base; j++)
			g->assign[k++] = (unsigned char)i;
	}
	for (; k < n; k++)
		g->assign[k] = (unsigned char)gsl_ran_discrete(
			g->rng, g->respondent_place);
	gsl_ran_shuffle(g->rng, g->assign, n, sizeof(g->assign[0]));
}

/* Draw one answer of a respondent at place `p` to question `q`, given the
 * respondent's effects `u`; returns 0..10, or -1 for a missing answer. */
static int draw_answer(struct gen *g, size_t p, size_t q, const double *u)
{
	const struct sample_question *qu = &questions[q];
	const struct sample_place *pl = &places[p];
	double x = qu->mean + qu->trend * g->wave + pl->effect[AXIS_GENERAL] +
	           u[AXIS_GENERAL];
	int missing;

	if (qu->axis != AXIS_GENERAL)
		x += pl->effect[qu->axis] + u[qu->axis];
	x += gsl_ran_gaussian(g->rng, ITEM_SD);
	missing = gsl_rng_uniform(g->rng) < MISSING_RATE;
	if (missing)
		return -1;
	if (x < 0)
		x = 0;
	if (x > 10)
		x = 10;
	return (int)floor(x + 0.5);
}

/* answers-YYYY.csv for wave g->wave: one row per respondent, ids
 * "RYYYY-0001" numbered in row order. */
static int fill_answers(FILE *f, struct gen *g)
{
	size_t n = g->opts->respondents_per_wave;
	int year = g->opts->first_year + g->wave;
	int width = 4;
	size_t i, q, m;

	for (m = n; m >= 10000; m /= 10)
		width++;
	if (fputs("respondent,place,period", f) == EOF)
		return -1;
	for (q = 0; q < NQUESTIONS; q++)
		if (fprintf(f, ",%s", questions[q].id) < 0)
			return -1;
	if (putc('\n', f) == EOF)
		return -1;
	assign_places(g);
	for (i = 0; i < n; i++) {
		size_t p = g->assign[i];
		double u[AXIS_N];
		int a;

		u[AXIS_GENERAL] = gsl_ran_gaussian(g->rng, RESPONDENT_SD);
		for (a = AXIS_GENERAL + 1; a < AXIS_N; a++)
			u[a] = gsl_ran_gaussian(g->rng, RESPONDENT_AXIS_SD);
		if (fprintf(f, "R%d-%0*zu,%s,%d", year, width, i + 1,
		            places[p].code, year) < 0)
			return -1;
		for (q = 0; q < NQUESTIONS; q++) {
			int v = draw_answer(g, p, q, u);
			int rc = v < 0 ? fputs(",", f) : fprintf(f, ",%d", v);

			if (rc < 0)
				return -1;
		}
		if (putc('\n', f) == EOF)
			return -1;
	}
	return 0;
}

/* Days in `month` (1..12) of `year`, Gregorian calendar. */
static int month_days(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[month - 1] + (month == 2 && leap);
}

/* qsort order of activities: date, then place code, then draw order. */
static int activity_cmp(const void *pa, const void *pb)
{
	const struct activity *a = pa, *b = pb;
	int c;

	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	c = strcmp(places[a->place].code, places[b->place].code);
	if (c)
		return c;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Draw the activities_per_year activities of wave `wave` into g->acts,
 * participants growing by ACTIVITY_GROWTH a year, and sort them. */
static void draw_activities(struct gen *g, int wave)
{
	size_t n = g->opts->activities_per_year;
	int year = g->opts->first_year + wave;
	double growth = 1.0 + ACTIVITY_GROWTH * wave;
	size_t i;

	for (i = 0; i < n; i++) {
		struct activity *a = &g->acts[i];
		const struct sample_category *c;
		unsigned int v;

		a->place = (int)gsl_ran_discrete(g->rng, g->activity_place);
		a->category = (int)gsl_ran_discrete(g->rng,
		                                    g->category[a->place]);
		c = &categories[a->category];
		a->month = 1 + (int)gsl_ran_discrete(g->rng, g->month);
		a->day = 1 + (int)gsl_rng_uniform_int(
			g->rng, (unsigned long)month_days(year, a->month));
		a->title = gsl_rng_uniform_int(g->rng, c->ntitles);
		a->participants = gsl_ran_poisson(g->rng,
		                                  c->participants * growth);
		if (a->participants < 1)
			a->participants = 1;
		a->half_hours = c->min_half + (int)gsl_rng_uniform_int(
			g->rng, (unsigned long)(c->max_half - c->min_half + 1));
		v = gsl_ran_poisson(g->rng, c->volunteers * growth);
		a->volunteers = v > 6 ? 6 : v;
		a->seq = i;
	}
	qsort(g->acts, n, sizeof(g->acts[0]), activity_cmp);
}

/* activities.csv: every year of the sample, sorted by date then place. */
static int fill_activities(FILE *f, struct gen *g)
{
	size_t n = g->opts->activities_per_year;
	int wave;
	size_t i;

	if (fputs("place,date,category,title,participants,hours,volunteers\n",
	          f) == EOF)
		return -1;
	for (wave = 0; wave < g->opts->waves; wave++) {
		int year = g->opts->first_year + wave;

		draw_activities(g, wave);
		for (i = 0; i < n; i++) {
			const struct activity *a = &g->acts[i];
			const struct sample_category *c =
				&categories[a->category];

			if (fprintf(f, "%s,%04d-%02d-%02d,%s,",
			            places[a->place].code, year, a->month,
			            a->day, c->name) < 0 ||
			    csv_put(f, c->titles[a->title], ',') ||
			    fprintf(f, "%u,%d%s,%u\n", a->participants,
			            a->half_hours / 2,
			            a->half_hours % 2 ? ".5" : "",
			            a->volunteers) < 0)
				return -1;
		}
	}
	return 0;
}

/* Write file `name` in `dir` through `fill`: to "<path>.tmp", then
 * renamed over <path>.  Returns IMPACT_OK, IMPACT_ENOMEM or IMPACT_EIO
 * ("cannot write '<path>': <strerror>"), the temporary file removed. */
static int write_file(impact *h, const char *dir, const char *name,
                      fill_fn fill, struct gen *g)
{
	size_t len = strlen(dir);
	const char *sep = len > 0 && dir[len - 1] == '/' ? "" : "/";
	size_t size = len + strlen(name) + sizeof("/.tmp");
	char *path = NULL;
	char *tmp = NULL;
	FILE *f = NULL;
	int rc = IMPACT_OK;
	int err = 0;

	path = malloc(size);
	tmp = malloc(size);
	if (!path || !tmp) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	snprintf(path, size, "%s%s%s", dir, sep, name);
	snprintf(tmp, size, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		err = errno;
		goto done;
	}
	errno = 0;
	if (fill(f, g) != 0 || fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	if (fclose(f) != 0 && !err)
		err = errno ? errno : EIO;
	f = NULL;
	if (!err && rename(tmp, path) != 0)
		err = errno;

done:
	if (f)
		fclose(f);
	if (err) {
		rc = impact__error(h, IMPACT_EIO, "cannot write '%s': %s", path,
		                   strerror(err));
		remove(tmp);
	}
	free(path);
	free(tmp);
	return rc;
}

int impact_sample_write(impact *h, const char *dir,
                        const impact_sample_opts *opts)
{
	static const impact_sample_opts defaults = IMPACT_SAMPLE_OPTS_INIT;
	double weights[NPLACES];
	struct gen g;
	size_t done_files = 0, total_files;
	size_t i;
	int rc;
	int wave;

	assert(h);
	assert(dir);
	impact__clear_error(h);
	memset(&g, 0, sizeof(g));
	g.opts = opts ? opts : &defaults;
	rc = check_opts(h, g.opts);
	if (rc)
		goto done;
	total_files = 4 + (size_t)g.opts->waves;
	rc = make_dir(h, dir);
	if (rc)
		goto done;

	g.rng = gsl_rng_alloc(gsl_rng_mt19937);
	g.assign = malloc(g.opts->respondents_per_wave);
	g.acts = malloc(g.opts->activities_per_year * sizeof(g.acts[0]));
	for (i = 0; i < NPLACES; i++)
		weights[i] = places[i].weight;
	g.respondent_place = gsl_ran_discrete_preproc(NPLACES, weights);
	for (i = 0; i < NPLACES; i++)
		weights[i] = places[i].activity_weight;
	g.activity_place = gsl_ran_discrete_preproc(NPLACES, weights);
	g.month = gsl_ran_discrete_preproc(12, month_weights);
	rc = g.rng && g.assign && g.acts && g.respondent_place &&
	     g.activity_place && g.month ? IMPACT_OK : IMPACT_ENOMEM;
	for (i = 0; i < NPLACES; i++) {
		g.category[i] = gsl_ran_discrete_preproc(NCATEGORIES,
		                                         places[i].category);
		if (!g.category[i])
			rc = IMPACT_ENOMEM;
	}
	if (rc) {
		rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
		goto done;
	}
	gsl_rng_set(g.rng, g.opts->seed);

	rc = write_file(h, dir, "territories.csv", fill_territories, &g);
	if (rc)
		goto done;
	impact__progress(h, "sample", ++done_files, total_files);
	rc = write_file(h, dir, "places.csv", fill_places, &g);
	if (rc)
		goto done;
	impact__progress(h, "sample", ++done_files, total_files);
	rc = write_file(h, dir, "survey.json", fill_survey, &g);
	if (rc)
		goto done;
	impact__progress(h, "sample", ++done_files, total_files);
	for (wave = 0; wave < g.opts->waves; wave++) {
		char name[32];

		snprintf(name, sizeof(name), "answers-%04d.csv",
		         g.opts->first_year + wave);
		g.wave = wave;
		rc = write_file(h, dir, name, fill_answers, &g);
		if (rc)
			goto done;
		impact__progress(h, "sample", ++done_files, total_files);
	}
	rc = write_file(h, dir, "activities.csv", fill_activities, &g);
	if (rc)
		goto done;
	impact__progress(h, "sample", ++done_files, total_files);

done:
	for (i = 0; i < NPLACES; i++)
		gsl_ran_discrete_free(g.category[i]);
	gsl_ran_discrete_free(g.month);
	gsl_ran_discrete_free(g.activity_place);
	gsl_ran_discrete_free(g.respondent_place);
	free(g.acts);
	free(g.assign);
	gsl_rng_free(g.rng);
	return rc;
}
