/*
 * bench/gen.c: the seeded generator of the national-scale benchmark
 * dataset (`make bench`, bench/README section of the top README).
 *
 * It writes, as the CSV files impact imports (docs/formats.md), a
 * fictional national network of tiers-lieux: a root network above a
 * three-level territory tree (regions > départements >
 * intercommunalités), places spread over the intercommunalities, survey
 * answers to the default questionnaire (surveys/questionnaires/
 * default.json) over several yearly periods, the activity log, the
 * places' yearly facts and the population margins of the root and the
 * regions.  Beside each answers file it writes the same answers in the
 * long form impact stores (one row per answer: respondent, question,
 * value), the input of the reference `sqlite3 .import`; and `manifest`,
 * the row counts it promises, which bench/run.c checks against the
 * database.
 *
 * The model is engine/sample.c's, scaled: each place takes one of the ten
 * sample places as its profile (effects on the latent well-being axes,
 * mix of activity categories, facts), plus a random effect of its own; a
 * respondent's answer about well-being is a latent value on 0-10 (base
 * mean + place effects + trend * wave + respondent effects + item noise)
 * turned into the question's scale.  Every draw comes from one GSL
 * mt19937 generator seeded with --seed and consumed in a fixed order, so
 * the same options give byte-identical files.  Memory is a few arrays per
 * place: answers and activities are written as they are drawn.
 *
 *   bench-gen --out DIR [--seed N] [--places N] [--respondents N]
 *             [--activities N] [--periods N] [--first-year YYYY]
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#define NPROFILES 10
#define NCATEGORIES 9
#define NPUBLICS 6
#define NSKILLS 8

#define MISSING_RATE 0.03      /* share of answers left empty */
#define PLACE_SD 0.4           /* sd of a place's own general effect */
#define RESPONDENT_SD 1.0      /* sd of a respondent's general effect */
#define RESPONDENT_AXIS_SD 0.7 /* sd of a respondent's effect on one axis */
#define ITEM_SD 1.3            /* sd of the noise of one answer */
#define IMPORTANCE_SD 0.8      /* sd of a respondent's importance effect */
#define LIKERT_SPREAD 1.4      /* stretch of the latent for choice scales */
#define ACTIVITY_GROWTH 0.05   /* yearly growth of participants */
#define NEW_SHARE 0.30         /* share of new participants, first year */
#define NEW_DECAY 0.8          /* its yearly factor */
#define SAME_TERRITORY 0.7     /* a partner place is a neighbour */

enum axis { AXIS_GENERAL, AXIS_SOCIAL, AXIS_LOCAL, AXIS_LEARN, AXIS_GREEN,
            AXIS_N };

enum cat { CAT_ATELIER, CAT_EVENEMENT, CAT_COWORKING, CAT_FORMATION,
                CAT_REPAIR, CAT_CUISINE, CAT_REUNION, CAT_CONCERT,
                CAT_EXPOSITION };

/* How the answer to a question is drawn (engine/sample.c's enum draw). */
enum draw { D_NUMBER, D_PLACE, D_DATE, D_RATING, D_LIKERT, D_HEALTHY,
            D_IMPORTANCE, D_SKILLS, D_INVOLVEMENT, D_DISTANCE, D_DAYS,
            D_TRANSPORT, D_FIRST_YEAR, D_PROJECT, D_AGE, D_SEX, D_COMMUNE,
            D_SITUATION };

/* A profile: one of the sample's ten places (engine/sample.c). */
struct profile {
	double effect[AXIS_N];        /* latent effects, points on 0-10 */
	double category[NCATEGORIES]; /* weights of enum category */
	double partner_rate;          /* share of co-organised activities */
	double jobs;                  /* full-time equivalents, first year */
	double budget;                /* euros, first year */
	int surface;                  /* square metres */
	int members;                  /* members, first year */
};

struct question {
	const char *id;       /* question id of the default questionnaire */
	enum draw draw;       /* how its answer is drawn */
	int levels;           /* choices of a D_LIKERT question */
	double mean;          /* base latent mean on 0-10 */
	double trend;         /* latent points gained per wave */
	enum axis axis;       /* axis of the latent model */
};

struct category {
	const char *name;         /* category word of activities.csv */
	double participants;      /* Poisson mean of participants */
	double volunteers;        /* Poisson mean of volunteers (capped at 6) */
	int min_half, max_half;   /* duration bounds, in half-hours */
	double free;              /* probability of a free activity */
	double publics[NPUBLICS]; /* weights of publics[] */
	const char *title;        /* a title */
};

/* One place of the generated network. */
struct place {
	int profile;              /* index in profiles[] */
	size_t epci;              /* index of its intercommunality */
	double effect[AXIS_N];    /* profile effects + its own */
	double weight;            /* relative share of respondents */
	double activity_weight;   /* relative share of activities */
};

/* The generator's options and state. */
struct gen {
	const char *out;          /* output directory */
	unsigned long seed;       /* seed of mt19937 */
	size_t nplaces, respondents, activities;
	int periods, first_year;
	size_t nregions, ndeps, nepcis;
	gsl_rng *rng;             /* the only source of randomness */
	struct place *places;     /* nplaces */
	gsl_ran_discrete_t *respondent_place;
	gsl_ran_discrete_t *activity_place;
	gsl_ran_discrete_t *month;
	gsl_ran_discrete_t *category[NPROFILES];
	size_t *epci_first;       /* first place of each epci (places are
	                             numbered epci by epci) */
	size_t *epci_count;       /* places of each epci */
	int wave;                 /* wave being drawn */
	/* What the manifest promises. */
	unsigned long long n_answers, n_choices, n_publics, n_partners;
};

/* effect: general, social, local, learn, green; categories: atelier,
 * evenement, coworking, formation, repair, cuisine, reunion, concert,
 * exposition; partner rate, jobs, budget, surface, members. */
static const struct profile profiles[NPROFILES] = {
	{ { 0.2, 0.3, 0.0, 0.9, 0.0 }, { 40, 10, 10, 15, 10, 0, 10, 0, 5 },
	  0.15, 2.5, 148000, 420, 160 },
	{ { 0.0, 0.4, 0.2, 0.6, 0.0 }, { 50, 10, 0, 15, 15, 0, 10, 0, 0 },
	  0.12, 0.8, 42000, 150, 55 },
	{ { 0.1, -0.7, -0.4, 0.7, -0.2 }, { 10, 5, 40, 30, 0, 0, 10, 0, 5 },
	  0.10, 2.0, 121000, 260, 85 },
	{ { 0.1, 1.4, 0.5, 0.1, 0.2 }, { 10, 15, 0, 5, 0, 55, 10, 5, 0 },
	  0.18, 1.6, 96000, 180, 120 },
	{ { 0.0, 0.8, 0.6, 0.3, 0.7 }, { 10, 5, 0, 0, 70, 0, 10, 0, 5 },
	  0.20, 0.5, 24000, 90, 70 },
	{ { 0.2, 0.5, 0.9, 0.2, 0.0 }, { 25, 15, 15, 10, 0, 0, 15, 10, 10 },
	  0.32, 3.2, 220000, 650, 210 },
	{ { 0.3, -0.9, -0.6, 0.0, -0.3 }, { 0, 5, 70, 10, 0, 0, 10, 0, 5 },
	  0.06, 1.5, 112000, 340, 75 },
	{ { 0.0, 0.6, 0.4, 0.3, 1.6 }, { 35, 15, 0, 10, 0, 10, 20, 5, 5 },
	  0.25, 1.2, 68000, 230, 140 },
	{ { -0.5, 0.2, 0.0, 1.1, 0.0 }, { 15, 5, 0, 60, 0, 0, 15, 0, 5 },
	  0.14, 3.3, 255000, 380, 65 },
	{ { 0.1, 1.1, 0.8, 0.0, 0.3 }, { 5, 15, 0, 0, 0, 60, 10, 10, 0 },
	  0.16, 1.0, 58000, 120, 95 },
};

/* The default questionnaire's questions, in its order. */
static const struct question questions[] = {
	{ "numero", D_NUMBER, 0, 0, 0, AXIS_GENERAL },
	{ "lieu", D_PLACE, 0, 0, 0, AXIS_GENERAL },
	{ "date_saisie", D_DATE, 0, 0, 0, AXIS_GENERAL },
	{ "sat_vie", D_RATING, 0, 6.8, 0.1, AXIS_GENERAL },
	{ "emotions_positives", D_RATING, 0, 6.6, 0.0, AXIS_GENERAL },
	{ "emotions_negatives", D_LIKERT, 4, 5.4, 0.0, AXIS_GENERAL },
	{ "sante_percue", D_LIKERT, 5, 6.6, 0.0, AXIS_GENERAL },
	{ "jours_bonne_sante", D_HEALTHY, 0, 7.0, 0.0, AXIS_GENERAL },
	{ "equilibre_temps", D_RATING, 0, 6.0, 0.0, AXIS_GENERAL },
	{ "temps_pour_soi", D_LIKERT, 4, 5.6, 0.0, AXIS_GENERAL },
	{ "apprentissage", D_LIKERT, 4, 5.8, 0.25, AXIS_LEARN },
	{ "aisance_numerique", D_RATING, 0, 6.2, 0.15, AXIS_LEARN },
	{ "vie_culturelle", D_LIKERT, 4, 5.0, 0.2, AXIS_LEARN },
	{ "offre_culturelle", D_RATING, 0, 5.2, 0.1, AXIS_LEARN },
	{ "peser_decisions", D_LIKERT, 4, 4.2, 0.3, AXIS_LOCAL },
	{ "confiance_institutions", D_RATING, 0, 5.4, 0.1, AXIS_LOCAL },
	{ "entoure", D_LIKERT, 4, 6.0, 0.3, AXIS_SOCIAL },
	{ "compter_sur", D_LIKERT, 4, 6.6, 0.3, AXIS_SOCIAL },
	{ "entraide", D_RATING, 0, 6.0, 0.3, AXIS_SOCIAL },
	{ "sat_environnement", D_RATING, 0, 7.3, 0.0, AXIS_GREEN },
	{ "acces_nature", D_LIKERT, 4, 7.0, 0.0, AXIS_GREEN },
	{ "revenu_suffisant", D_LIKERT, 4, 5.8, 0.0, AXIS_GENERAL },
	{ "logement", D_RATING, 0, 7.2, 0.0, AXIS_GENERAL },
	{ "attachement_territoire", D_RATING, 0, 6.8, 0.3, AXIS_LOCAL },
	{ "attachement_lieu", D_RATING, 0, 6.2, 0.3, AXIS_LOCAL },
	{ "nouvelles_relations", D_LIKERT, 4, 3.4, 0.3, AXIS_SOCIAL },
	{ "moins_isole", D_LIKERT, 4, 5.6, 0.4, AXIS_SOCIAL },
	{ "imp_bien_etre", D_IMPORTANCE, 0, 8.3, 0, AXIS_GENERAL },
	{ "imp_sante", D_IMPORTANCE, 0, 8.8, 0, AXIS_GENERAL },
	{ "imp_temps", D_IMPORTANCE, 0, 7.8, 0, AXIS_GENERAL },
	{ "imp_education", D_IMPORTANCE, 0, 6.8, 0, AXIS_GENERAL },
	{ "imp_culture", D_IMPORTANCE, 0, 6.2, 0, AXIS_GENERAL },
	{ "imp_gouvernance", D_IMPORTANCE, 0, 6.0, 0, AXIS_GENERAL },
	{ "imp_communaute", D_IMPORTANCE, 0, 7.5, 0, AXIS_GENERAL },
	{ "imp_ecologie", D_IMPORTANCE, 0, 7.6, 0, AXIS_GENERAL },
	{ "imp_niveau_vie", D_IMPORTANCE, 0, 8.0, 0, AXIS_GENERAL },
	{ "imp_local", D_IMPORTANCE, 0, 7.0, 0, AXIS_GENERAL },
	{ "competences_acquises", D_SKILLS, 0, 0, 0, AXIS_LEARN },
	{ "engagement_local", D_INVOLVEMENT, 0, 0, 0, AXIS_LOCAL },
	{ "distance_km", D_DISTANCE, 0, 0, 0, AXIS_GENERAL },
	{ "jours_par_mois", D_DAYS, 0, 0, 0, AXIS_GENERAL },
	{ "mode_venue", D_TRANSPORT, 0, 0, 0, AXIS_GENERAL },
	{ "premiere_annee", D_FIRST_YEAR, 0, 0, 0, AXIS_GENERAL },
	{ "projet_lance", D_PROJECT, 0, 0, 0, AXIS_LEARN },
	{ "age", D_AGE, 0, 0, 0, AXIS_GENERAL },
	{ "sexe", D_SEX, 0, 0, 0, AXIS_GENERAL },
	{ "commune", D_COMMUNE, 0, 0, 0, AXIS_GENERAL },
	{ "situation", D_SITUATION, 0, 0, 0, AXIS_GENERAL },
};

#define NQUESTIONS (sizeof(questions) / sizeof(questions[0]))

static const char *const skills[NSKILLS] = {
	"numerique", "fabrication", "cuisine", "jardinage", "gestion_projet",
	"langues", "animation", "autre"
};
static const char *const involvement[] = {
	"aucun", "benevolat", "association", "collectif", "elu", "autre"
};
static const char *const transport[] = {
	"pied", "velo", "voiture_seul", "covoiturage", "transports", "autre"
};
static const char *const age_bands[] = {
	"moins_18", "18-29", "30-44", "45-59", "60-74", "75_plus"
};
static const double age_weights[] = { 3, 12, 24, 25, 25, 11 };
static const char *const sexes[] = { "femme", "homme", "autre" };
static const double sex_weights[] = { 56, 42, 2 };
static const char *const situations[] = {
	"emploi", "independant", "demandeur_emploi", "etudiant", "retraite",
	"autre"
};
static const double situation_weights[][6] = {
	{ 0, 0, 0, 95, 0, 5 },
	{ 40, 10, 18, 27, 0, 5 },
	{ 55, 20, 12, 5, 0, 8 },
	{ 55, 18, 12, 0, 5, 10 },
	{ 12, 8, 3, 0, 70, 7 },
	{ 0, 0, 0, 0, 95, 5 },
};
static const double survey_months[12] = {
	1, 2, 5, 6, 6, 5, 2, 0, 6, 6, 4, 1
};
static const double month_weights[12] = {
	8, 8, 10, 9, 9, 10, 6, 3, 10, 10, 9, 6
};
static const char *const publics[NPUBLICS] = {
	"jeunes", "familles", "seniors", "demandeurs d'emploi",
	"professionnels", "habitants"
};
static const struct category categories[NCATEGORIES] = {
	{ "atelier", 9, 1.5, 3, 6, 0.7, { 4, 2, 2, 1, 1, 4 },
	  "Atelier fabrication" },
	{ "evenement", 35, 4.0, 4, 12, 0.85, { 2, 5, 3, 0.5, 0.5, 6 },
	  "Soirée jeux de société" },
	{ "coworking", 6, 0.3, 8, 16, 0.25, { 1, 0, 0, 2, 10, 0.5 },
	  "Journée coworking" },
	{ "formation", 8, 0.8, 6, 14, 0.8, { 3, 0.5, 3, 4, 2, 2 },
	  "Formation bureautique" },
	{ "repair", 14, 3.0, 6, 8, 0.95, { 1, 2, 4, 0.5, 0, 6 },
	  "Repair café du samedi" },
	{ "cuisine", 12, 2.0, 4, 8, 0.6, { 2, 5, 3, 1, 0, 4 },
	  "Cuisine anti-gaspi" },
	{ "reunion", 10, 0.5, 2, 6, 1.0, { 0.5, 0.5, 1, 0, 2, 6 },
	  "Réunion des bénévoles" },
	{ "concert", 45, 5.0, 4, 8, 0.5, { 4, 4, 2, 0, 0, 5 },
	  "Scène ouverte" },
	{ "exposition", 25, 1.5, 6, 16, 0.95, { 2, 4, 4, 0, 0.5, 5 },
	  "Exposition des créations" },
};

/* Names of the generated territories and communes are built from these. */
static const char *const region_names[] = {
	"Val de Lière", "Hautes-Brandes", "Marches de l'Orsanne",
	"Côtes d'Argence", "Plateau du Serre", "Pays de Vaudrel",
	"Monts d'Aubrac-Lière", "Basse-Marne-Blanche", "Vallées du Tarn-Vert",
	"Landes de Garrigue", "Comté de Belvène", "Rives de la Saône-Noire",
	"Terres de Cérou",
};
static const char *const commune_first[] = {
	"Saint-Aubin", "Montval", "Bréhal", "Les Essarts", "Orsanne",
	"Rochebrune", "Vauclair", "La Chapelle", "Sainte-Croix", "Villeneuve",
	"Beaulieu", "Fontaine", "Champagnac", "Le Mesnil", "Belleville",
	"Mareuil",
};
static const char *const commune_second[] = {
	"sur-Lière", "le-Marais", "les-Bois", "en-Vallée", "du-Plateau",
	"la-Forêt", "sur-Orsanne", "les-Vignes",
};
static const char *const place_names[] = {
	"La Fabrique", "L'Établi", "Le Grenier numérique", "La Cuisine",
	"Repair Café", "Le Hangar", "Coworking", "La Ruche", "L'Atelier",
	"Le Fournil",
};

/* mkdir -p: every missing folder of `path`; -1 with errno set. */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++)
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			buf[i] = c;
		}
	return 0;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-gen: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Open DIR/name for writing, with a large buffer. */
static FILE *open_out(const struct gen *g, const char *name, char **path)
{
	size_t n = strlen(g->out) + strlen(name) + 2;
	FILE *f;

	*path = malloc(n);
	if (!*path)
		die("out of memory");
	snprintf(*path, n, "%s/%s", g->out, name);
	f = fopen(*path, "w");
	if (!f)
		die("cannot write '%s': %s", *path, strerror(errno));
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void close_out(FILE *f, char *path)
{
	if (ferror(f) || fclose(f) != 0)
		die("cannot write '%s': %s", path, strerror(errno));
	free(path);
}

/* An index drawn from weights w[0..n) (engine/sample.c's pick). */
static size_t pick(gsl_rng *rng, const double *w, size_t n)
{
	double total = 0, x;
	size_t i, last = 0;

	for (i = 0; i < n; i++)
		total += w[i];
	x = gsl_rng_uniform(rng) * total;
	for (i = 0; i < n; i++) {
		if (w[i] <= 0)
			continue;
		if (x < w[i])
			return i;
		x -= w[i];
		last = i;
	}
	return last;
}

/* k distinct indices drawn from weights w[0..n), as a bit mask. */
static unsigned int pick_set(gsl_rng *rng, const double *w, size_t n,
                             size_t k)
{
	double left[32];
	unsigned int set = 0;
	size_t i, positive = 0;

	for (i = 0; i < n; i++) {
		left[i] = w[i];
		positive += w[i] > 0;
	}
	if (k > positive)
		k = positive;
	for (; k > 0; k--) {
		i = pick(rng, left, n);
		set |= 1u << i;
		left[i] = 0;
	}
	return set;
}

/* The names whose bit is set in `set`, joined by ';'; returns how many. */
static unsigned join_set(char *buf, size_t size, const char *const *names,
                         size_t n, unsigned int set)
{
	size_t i, used = 0;
	unsigned k = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		if (!(set & (1u << i)))
			continue;
		k++;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		                         used ? ";" : "", names[i]);
	}
	return k;
}

static int month_days(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[month - 1] + (month == 2 && leap);
}

static int clamp_round(double x, int lo, int hi)
{
	if (x < lo)
		return lo;
	if (x > hi)
		return hi;
	return (int)floor(x + 0.5);
}

static double share_of(const struct profile *p, int c0, int c1, int c2)
{
	double all = 0, part = 0;
	int c;

	for (c = 0; c < NCATEGORIES; c++) {
		all += p->category[c];
		if (c == c0 || c == c1 || c == c2)
			part += p->category[c];
	}
	return part / all;
}

/* Territory codes: FR, then R01.., D001.., EPCI0001... */
static void region_code(char *b, size_t n, size_t i)
{
	snprintf(b, n, "R%02zu", i + 1);
}

static void dep_code(char *b, size_t n, size_t i)
{
	snprintf(b, n, "D%03zu", i + 1);
}

static void epci_code(char *b, size_t n, size_t i)
{
	snprintf(b, n, "EPCI%04zu", i + 1);
}

static void place_code(char *b, size_t n, size_t i)
{
	snprintf(b, n, "TL%05zu", i + 1);
}

/* The commune of place i: one of a few per intercommunality. */
static void commune_name(char *b, size_t n, const struct gen *g, size_t i)
{
	size_t e = g->places[i].epci;
	size_t k = (i - g->epci_first[e]) % 3;

	snprintf(b, n, "%s-%s %zu",
	         commune_first[(e + k) % (sizeof(commune_first)
	                                  / sizeof(commune_first[0]))],
	         commune_second[(e / 16 + k) % (sizeof(commune_second)
	                                        / sizeof(commune_second[0]))],
	         e + 1);
}

/* The tree's sizes from the number of places: about 4 places per
 * intercommunality, 12 intercommunalities per département, 8 départements
 * per region, at most 13 regions (France's). */
static void tree_sizes(struct gen *g)
{
	g->nepcis = g->nplaces / 4 ? g->nplaces / 4 : 1;
	g->ndeps = g->nepcis / 12 ? g->nepcis / 12 : 1;
	g->nregions = g->ndeps / 8 ? g->ndeps / 8 : 1;
	if (g->nregions > 13)
		g->nregions = 13;
	if (g->nregions < 2 && g->ndeps >= 2)
		g->nregions = 2;
}

static void write_territories(struct gen *g)
{
	char *path, code[32], parent[32];
	FILE *f = open_out(g, "territories.csv", &path);
	size_t i;

	fputs("code,name,parent\n", f);
	fputs("FR,Réseau national des tiers-lieux,\n", f);
	for (i = 0; i < g->nregions; i++) {
		region_code(code, sizeof(code), i);
		fprintf(f, "%s,\"Région %s%s\",FR\n", code,
		        region_names[i % 13], i >= 13 ? " bis" : "");
	}
	for (i = 0; i < g->ndeps; i++) {
		dep_code(code, sizeof(code), i);
		region_code(parent, sizeof(parent), i % g->nregions);
		fprintf(f, "%s,Département %zu,%s\n", code, i + 1, parent);
	}
	for (i = 0; i < g->nepcis; i++) {
		epci_code(code, sizeof(code), i);
		dep_code(parent, sizeof(parent), i % g->ndeps);
		fprintf(f, "%s,\"CC %s\",%s\n", code,
		        commune_first[i % 16], parent);
	}
	close_out(f, path);
}

/* Places are numbered intercommunality by intercommunality, so that the
 * places of one are consecutive; each draws its profile and effects. */
static void draw_places(struct gen *g)
{
	double *w;
	size_t i, e, k = 0;
	int a;

	g->places = calloc(g->nplaces, sizeof(*g->places));
	g->epci_first = calloc(g->nepcis, sizeof(size_t));
	g->epci_count = calloc(g->nepcis, sizeof(size_t));
	w = calloc(g->nplaces, sizeof(*w));
	if (!g->places || !g->epci_first || !g->epci_count || !w)
		die("out of memory");
	for (e = 0; e < g->nepcis; e++) {
		size_t n = g->nplaces / g->nepcis
		           + (e < g->nplaces % g->nepcis);

		g->epci_first[e] = k;
		g->epci_count[e] = n;
		for (i = 0; i < n; i++, k++)
			g->places[k].epci = e;
	}
	for (i = 0; i < g->nplaces; i++) {
		struct place *p = &g->places[i];
		const struct profile *pr;

		p->profile = (int)gsl_rng_uniform_int(g->rng, NPROFILES);
		pr = &profiles[p->profile];
		for (a = 0; a < AXIS_N; a++)
			p->effect[a] = pr->effect[a] + gsl_ran_gaussian(
				g->rng, a == AXIS_GENERAL ? PLACE_SD
				                          : PLACE_SD / 2);
		p->weight = 0.5 + gsl_rng_uniform(g->rng);
		p->activity_weight = 0.5 + gsl_rng_uniform(g->rng);
	}
	for (i = 0; i < g->nplaces; i++)
		w[i] = g->places[i].weight;
	g->respondent_place = gsl_ran_discrete_preproc(g->nplaces, w);
	for (i = 0; i < g->nplaces; i++)
		w[i] = g->places[i].activity_weight;
	g->activity_place = gsl_ran_discrete_preproc(g->nplaces, w);
	free(w);
	g->month = gsl_ran_discrete_preproc(12, month_weights);
	for (i = 0; i < NPROFILES; i++)
		g->category[i] = gsl_ran_discrete_preproc(NCATEGORIES,
		                                          profiles[i].category);
	if (!g->respondent_place || !g->activity_place || !g->month)
		die("out of memory");
}

static void write_places(struct gen *g)
{
	char *path, code[32], terr[32], commune[96];
	FILE *f = open_out(g, "places.csv", &path);
	size_t i;

	fputs("code,name,territory,commune,latitude,longitude\n", f);
	for (i = 0; i < g->nplaces; i++) {
		const struct place *p = &g->places[i];

		place_code(code, sizeof(code), i);
		epci_code(terr, sizeof(terr), p->epci);
		commune_name(commune, sizeof(commune), g, i);
		fprintf(f, "%s,\"%s %zu\",%s,\"%s\",%.4f,%.4f\n", code,
		        place_names[p->profile], i + 1, terr, commune,
		        42.5 + 8.5 * (double)(i % 997) / 997.0,
		        -4.5 + 12.5 * (double)((i * 7) % 991) / 991.0);
	}
	close_out(f, path);
}

/* One respondent's draws that later answers depend on. */
struct respondent {
	double u[AXIS_N];
	double importance;
	size_t age;
	int km;
};

static double latent(struct gen *g, const struct place *pl,
                     const struct question *q, const double *u)
{
	double x = q->mean + q->trend * g->wave + pl->effect[AXIS_GENERAL]
	           + u[AXIS_GENERAL];

	if (q->axis != AXIS_GENERAL)
		x += pl->effect[q->axis] + u[q->axis];
	return x + gsl_ran_gaussian(g->rng, ITEM_SD);
}

/* Draw the answer of respondent `id` of place `pi` to question q into
 * buf; *nchoices receives the options of a multiple choice. */
static void draw_answer(char *buf, size_t size, struct gen *g,
                        const char *id, size_t pi, const struct question *q,
                        struct respondent *r, unsigned *nchoices)
{
	const struct place *pl = &g->places[pi];
	const struct profile *pr = &profiles[pl->profile];
	int year = g->first_year + g->wave;
	const char *word = NULL;
	double x, mean, w[NSKILLS];
	int month, day, v;
	size_t s, c;
	unsigned k;

	buf[0] = '\0';
	*nchoices = 0;
	switch (q->draw) {
	case D_NUMBER:
		word = id;
		break;
	case D_PLACE:
		place_code(buf, size, pi);
		break;
	case D_DATE:
		month = 1 + (int)pick(g->rng, survey_months, 12);
		day = 1 + (int)gsl_rng_uniform_int(
			g->rng, (unsigned long)month_days(year, month));
		snprintf(buf, size, "%02d/%02d/%04d", day, month, year);
		break;
	case D_RATING:
		snprintf(buf, size, "%d",
		         clamp_round(latent(g, pl, q, r->u), 0, 10));
		break;
	case D_LIKERT:
		x = 5 + LIKERT_SPREAD * (latent(g, pl, q, r->u) - 5);
		snprintf(buf, size, "%d", clamp_round(1 + x / 10 *
		                                      (q->levels - 1), 1,
		                                      q->levels));
		break;
	case D_HEALTHY:
		snprintf(buf, size, "%d",
		         clamp_round(3 * latent(g, pl, q, r->u), 0, 30));
		break;
	case D_IMPORTANCE:
		x = q->mean + r->importance + gsl_ran_gaussian(g->rng, ITEM_SD);
		snprintf(buf, size, "%d", clamp_round(x, 0, 10));
		break;
	case D_SKILLS:
		for (s = 0; s < NSKILLS; s++)
			w[s] = 2 + (s == (size_t)pl->profile % NSKILLS ? 6 : 0);
		mean = (0.5 + 2.0 * share_of(pr, CAT_ATELIER, CAT_FORMATION,
		                             CAT_REPAIR))
		       * exp(0.15 * (pl->effect[AXIS_LEARN] + r->u[AXIS_LEARN]));
		k = gsl_ran_poisson(g->rng, mean);
		if (k > 3)
			k = 3;
		if (k == 0) {
			word = "aucune";
			*nchoices = 1;
		} else {
			*nchoices = join_set(buf, size, skills, NSKILLS,
			                     pick_set(g->rng, w, NSKILLS, k));
		}
		break;
	case D_INVOLVEMENT: {
		double l = pl->effect[AXIS_LOCAL] + r->u[AXIS_LOCAL]
		           + 0.3 * g->wave;
		double iw[6] = { 40 - 10 * l, 25, 20 + 6 * l, 8 + 3 * l, 3, 4 };

		for (c = 0; c < 6; c++)
			if (iw[c] < 1)
				iw[c] = 1;
		word = involvement[pick(g->rng, iw, 6)];
		break;
	}
	case D_DISTANCE:
		mean = 6 + 6 * share_of(pr, CAT_COWORKING, -1, -1);
		r->km = clamp_round(exp(log(mean)
		                        + gsl_ran_gaussian(g->rng, 0.7)), 0, 40);
		snprintf(buf, size, "%d", r->km);
		break;
	case D_DAYS:
		mean = 3 + 14 * share_of(pr, CAT_COWORKING, -1, -1);
		v = 1 + (int)gsl_ran_poisson(g->rng, mean);
		snprintf(buf, size, "%d", v > 20 ? 20 : v);
		break;
	case D_TRANSPORT: {
		static const double near[6] = { 70, 25, 5, 0, 0, 0 };
		static const double mid[6] = { 10, 30, 40, 10, 5, 5 };
		static const double far[6] = { 0, 3, 65, 20, 8, 4 };

		word = transport[pick(g->rng, r->km <= 1 ? near
		                      : r->km <= 4 ? mid : far, 6)];
		break;
	}
	case D_FIRST_YEAR:
		word = gsl_rng_uniform(g->rng)
		       < NEW_SHARE * pow(NEW_DECAY, g->wave) + 0.05 ? "oui"
		                                                   : "non";
		break;
	case D_PROJECT:
		word = gsl_rng_uniform(g->rng)
		       < 1.0 / (1.0 + exp(1.8 - 0.5 * (pl->effect[AXIS_LEARN]
		                                       + r->u[AXIS_LEARN])))
		       ? "oui" : "non";
		break;
	case D_AGE:
		r->age = pick(g->rng, age_weights, 6);
		word = age_bands[r->age];
		break;
	case D_SEX:
		word = sexes[pick(g->rng, sex_weights, 3)];
		break;
	case D_COMMUNE: {
		/* Two in three live in the place's commune, the others in
		 * another commune of its intercommunality. */
		size_t e = pl->epci, other = pi;

		if (gsl_rng_uniform(g->rng) >= 2.0 / 3)
			other = g->epci_first[e] + gsl_rng_uniform_int(
				g->rng, g->epci_count[e]);
		commune_name(buf, size, g, other);
		break;
	}
	case D_SITUATION: {
		double sw[6];

		memcpy(sw, situation_weights[r->age], sizeof(sw));
		sw[1] *= 1 + 3 * share_of(pr, CAT_COWORKING, -1, -1);
		word = situations[pick(g->rng, sw, 6)];
		break;
	}
	}
	if (word)
		snprintf(buf, size, "%s", word);
}

/* Write s as a CSV field (quoted when needed). */
static void csv_put(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

/* answers-YYYY.csv and answers-long-YYYY.csv of wave g->wave, n
 * respondents numbered from 1. */
static void write_answers(struct gen *g, size_t n)
{
	char name[64], *path, *lpath, buf[256], id[32];
	FILE *f, *lf;
	size_t i, q;
	int year = g->first_year + g->wave;

	snprintf(name, sizeof(name), "answers-%04d.csv", year);
	f = open_out(g, name, &path);
	snprintf(name, sizeof(name), "answers-long-%04d.csv", year);
	lf = open_out(g, name, &lpath);
	for (q = 0; q < NQUESTIONS; q++)
		fprintf(f, "%s%s", q ? "," : "", questions[q].id);
	putc('\n', f);
	fputs("respondent,question,value\n", lf);
	for (i = 0; i < n; i++) {
		size_t p = gsl_ran_discrete(g->rng, g->respondent_place);
		struct respondent r;
		int a;

		snprintf(id, sizeof(id), "R%d-%06zu", year, i + 1);
		memset(&r, 0, sizeof(r));
		r.u[AXIS_GENERAL] = gsl_ran_gaussian(g->rng, RESPONDENT_SD);
		for (a = AXIS_GENERAL + 1; a < AXIS_N; a++)
			r.u[a] = gsl_ran_gaussian(g->rng, RESPONDENT_AXIS_SD);
		r.importance = gsl_ran_gaussian(g->rng, IMPORTANCE_SD);
		for (q = 0; q < NQUESTIONS; q++) {
			const struct question *qu = &questions[q];
			unsigned nch;
			int missing;

			draw_answer(buf, sizeof(buf), g, id, p, qu, &r, &nch);
			missing = qu->draw > D_DATE
			          && gsl_rng_uniform(g->rng) < MISSING_RATE;
			if (q)
				putc(',', f);
			if (missing)
				continue;
			csv_put(f, buf);
			/* The number and the place are not stored as
			 * answers (docs/schema.md). */
			if (qu->draw == D_NUMBER || qu->draw == D_PLACE)
				continue;
			fprintf(lf, "%s,%s,", id, qu->id);
			csv_put(lf, buf);
			putc('\n', lf);
			g->n_answers++;
			g->n_choices += nch;
		}
		putc('\n', f);
	}
	close_out(f, path);
	close_out(lf, lpath);
}

/* activities.csv: every year, written as drawn. */
static void write_activities(struct gen *g)
{
	char *path, list[256], code[32], partner[32];
	FILE *f = open_out(g, "activities.csv", &path);
	int wave;
	size_t i;

	fputs("place,date,category,title,participants,hours,volunteers,"
	      "new_participants,volunteer_hours,publics,partners,free\n", f);
	for (wave = 0; wave < g->periods; wave++) {
		size_t n = g->activities / (size_t)g->periods
		           + ((size_t)wave < g->activities % (size_t)g->periods);
		int year = g->first_year + wave;
		double growth = 1.0 + ACTIVITY_GROWTH * wave;
		double new_share = NEW_SHARE * pow(NEW_DECAY, wave);

		for (i = 0; i < n; i++) {
			size_t p = gsl_ran_discrete(g->rng, g->activity_place);
			const struct place *pl = &g->places[p];
			int cat = (int)gsl_ran_discrete(g->rng,
			                                g->category[pl->profile]);
			const struct category *c = &categories[cat];
			int month = 1 + (int)gsl_ran_discrete(g->rng, g->month);
			int day = 1 + (int)gsl_rng_uniform_int(
				g->rng, (unsigned long)month_days(year, month));
			unsigned part, vol, newp, pub;
			int half, vhalf, free_;
			double u;

			part = gsl_ran_poisson(g->rng, c->participants * growth);
			if (part < 1)
				part = 1;
			half = c->min_half + (int)gsl_rng_uniform_int(
				g->rng, (unsigned long)(c->max_half - c->min_half
				                        + 1));
			vol = gsl_ran_poisson(g->rng, c->volunteers * growth);
			if (vol > 6)
				vol = 6;
			newp = gsl_ran_binomial(g->rng, new_share, part);
			vhalf = (int)vol * (half + 2);
			u = gsl_rng_uniform(g->rng);
			pub = pick_set(g->rng, c->publics, NPUBLICS,
			               u < 0.45 ? 1 : u < 0.85 ? 2 : 3);
			g->n_publics += join_set(list, sizeof(list), publics,
			                         NPUBLICS, pub);
			partner[0] = '\0';
			if (gsl_rng_uniform(g->rng)
			    < profiles[pl->profile].partner_rate) {
				size_t e = pl->epci, q = p;

				if (gsl_rng_uniform(g->rng) < SAME_TERRITORY
				    && g->epci_count[e] > 1) {
					while (q == p)
						q = g->epci_first[e]
						    + gsl_rng_uniform_int(
							g->rng, g->epci_count[e]);
				} else {
					while (q == p && g->nplaces > 1)
						q = gsl_rng_uniform_int(
							g->rng, g->nplaces);
				}
				if (q != p) {
					place_code(partner, sizeof(partner), q);
					g->n_partners++;
				}
			}
			free_ = gsl_rng_uniform(g->rng) < c->free;
			place_code(code, sizeof(code), p);
			fprintf(f, "%s,%04d-%02d-%02d,%s,%s,%u,%d%s,%u,%u,%d%s,",
			        code, year, month, day, c->name, c->title, part,
			        half / 2, half % 2 ? ".5" : "", vol, newp,
			        vhalf / 2, vhalf % 2 ? ".5" : "");
			csv_put(f, list);
			fprintf(f, ",%s,%s\n", partner, free_ ? "oui" : "non");
		}
	}
	close_out(f, path);
}

/* facts.csv: one row per place and year. */
static void write_facts(struct gen *g)
{
	char *path, code[32];
	FILE *f = open_out(g, "facts.csv", &path);
	size_t i;
	int wave;

	fputs("place,period,emplois_etp,budget_eur,chiffre_affaires_eur,"
	      "surface_m2,adherents\n", f);
	for (i = 0; i < g->nplaces; i++) {
		const struct profile *p = &profiles[g->places[i].profile];
		double scale = 0.6 + 0.8 * gsl_rng_uniform(g->rng);

		place_code(code, sizeof(code), i);
		for (wave = 0; wave < g->periods; wave++) {
			double jobs = p->jobs * scale * (1 + 0.08 * wave)
			              + gsl_ran_gaussian(g->rng, 0.1);
			double budget = p->budget * scale * pow(1.05, wave)
			                * (1 + gsl_ran_gaussian(g->rng, 0.03));
			double turnover = budget * 0.45
			                  * (1 + gsl_ran_gaussian(g->rng, 0.05));
			double members = p->members * scale * (1 + 0.1 * wave)
			                 + gsl_ran_gaussian(g->rng, 3);

			fprintf(f, "%s,%d,%.1f,%.0f,%.0f,%d,%d\n", code,
			        g->first_year + wave, jobs < 0.5 ? 0.5 : jobs,
			        100 * floor(budget / 100 + 0.5),
			        100 * floor(turnover / 100 + 0.5),
			        (int)(p->surface * scale),
			        clamp_round(members, 0, 1000000));
		}
	}
	close_out(f, path);
}

/* margins.csv: sex and age band of the root and of every region,
 * populations proportional to their places (about 2,000 inhabitants a
 * place), with the sample's age structure. */
static void write_margins(struct gen *g)
{
	static const double ages[6] = { 0.19, 0.12, 0.17, 0.205, 0.20, 0.115 };
	char *path, code[32];
	FILE *f = open_out(g, "margins.csv", &path);
	size_t r, i;

	fputs("territory,variable,level,total\n", f);
	for (r = 0; r <= g->nregions; r++) {
		double pop = 0;

		if (r == 0) {
			snprintf(code, sizeof(code), "FR");
			pop = 2000.0 * (double)g->nplaces;
		} else {
			region_code(code, sizeof(code), r - 1);
			for (i = 0; i < g->nplaces; i++) {
				size_t dep = g->places[i].epci % g->ndeps;

				if (dep % g->nregions == r - 1)
					pop += 2000.0;
			}
		}
		if (pop <= 0)
			continue;
		fprintf(f, "%s,sex,femme,%.0f\n%s,sex,homme,%.0f\n", code,
		        pop * 0.513, code, pop * 0.487);
		for (i = 0; i < 6; i++)
			fprintf(f, "%s,age_band,%s,%.0f\n", code, age_bands[i],
			        pop * ages[i]);
	}
	close_out(f, path);
}

static void write_manifest(struct gen *g)
{
	char *path;
	FILE *f = open_out(g, "manifest", &path);

	fprintf(f, "seed %lu\nperiods %d\nfirst_year %d\nterritories %zu\n"
	        "regions %zu\ndepartements %zu\nintercommunalites %zu\n"
	        "places %zu\nrespondents %zu\nanswers %llu\n"
	        "answer_choices %llu\nactivities %zu\nactivity_publics %llu\n"
	        "activity_partners %llu\nfacts %zu\nroot FR\n",
	        g->seed, g->periods, g->first_year,
	        1 + g->nregions + g->ndeps + g->nepcis, g->nregions, g->ndeps,
	        g->nepcis, g->nplaces, g->respondents, g->n_answers,
	        g->n_choices, g->activities, g->n_publics, g->n_partners,
	        g->nplaces * (size_t)g->periods * 5);
	close_out(f, path);
}

static size_t parse_size(const char *opt, const char *s, size_t lo,
                         size_t hi)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "bench-gen: invalid %s \"%s\": expected %zu to "
		        "%zu\n", opt, s, lo, hi);
		exit(2);
	}
	return (size_t)v;
}

static void usage(FILE *f)
{
	fputs("Usage: bench-gen --out DIR [--seed N] [--places N]"
	      " [--respondents N]\n"
	      "                 [--activities N] [--periods N]"
	      " [--first-year YYYY]\n\n"
	      "Write the national-scale benchmark dataset into DIR (created"
	      " if missing):\n"
	      "territories.csv, places.csv, answers-YYYY.csv and"
	      " answers-long-YYYY.csv\nper period, activities.csv, facts.csv,"
	      " margins.csv and manifest (the row\ncounts promised)."
	      "  Defaults: 5000 places, 250000 respondents,\n2000000 activity"
	      " rows, 3 periods from 2023, seed 42.\n", f);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "places", required_argument, NULL, 'p' },
		{ "respondents", required_argument, NULL, 'r' },
		{ "activities", required_argument, NULL, 'a' },
		{ "periods", required_argument, NULL, 'n' },
		{ "first-year", required_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen g;
	size_t i;
	int c;

	memset(&g, 0, sizeof(g));
	g.seed = 42;
	g.nplaces = 5000;
	g.respondents = 250000;
	g.activities = 2000000;
	g.periods = 3;
	g.first_year = 2023;
	while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': g.out = optarg; break;
		case 's': g.seed = parse_size("--seed", optarg, 0, 4294967295UL);
			break;
		case 'p': g.nplaces = parse_size("--places", optarg, 2, 99999);
			break;
		case 'r': g.respondents = parse_size("--respondents", optarg, 1,
		                                     99999999); break;
		case 'a': g.activities = parse_size("--activities", optarg, 1,
		                                    999999999); break;
		case 'n': g.periods = (int)parse_size("--periods", optarg, 1, 20);
			break;
		case 'y': g.first_year = (int)parse_size("--first-year", optarg,
		                                         1990, 2100); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!g.out || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (g.respondents < (size_t)g.periods) {
		fprintf(stderr, "bench-gen: --respondents must be at least "
		        "--periods\n");
		return 2;
	}
	if (make_dirs(g.out) != 0)
		die("cannot create '%s': %s", g.out, strerror(errno));
	g.rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!g.rng)
		die("out of memory");
	gsl_rng_set(g.rng, g.seed);
	tree_sizes(&g);
	draw_places(&g);
	write_territories(&g);
	write_places(&g);
	for (g.wave = 0; g.wave < g.periods; g.wave++)
		write_answers(&g, g.respondents / (size_t)g.periods
		                  + ((size_t)g.wave
		                     < g.respondents % (size_t)g.periods));
	write_activities(&g);
	write_facts(&g);
	write_margins(&g);
	write_manifest(&g);
	printf("bench-gen: %zu places in %zu territories, %zu respondents "
	       "(%llu answers), %zu activities over %d periods in %s\n",
	       g.nplaces, 1 + g.nregions + g.ndeps + g.nepcis, g.respondents,
	       g.n_answers, g.activities, g.periods, g.out);
	for (i = 0; i < NPROFILES; i++)
		gsl_ran_discrete_free(g.category[i]);
	gsl_ran_discrete_free(g.month);
	gsl_ran_discrete_free(g.respondent_place);
	gsl_ran_discrete_free(g.activity_place);
	gsl_rng_free(g.rng);
	free(g.places);
	free(g.epci_first);
	free(g.epci_count);
	return 0;
}
