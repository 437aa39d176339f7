/*
 * engine/sample.c: the seeded generator of the bundled sample territory,
 * the data behind `make demo`, the tests and the benchmarks.
 *
 * The territory is fictional: the "Réseau des tiers-lieux du Val de Lière"
 * (`territories[]`), three intercommunalities, and ten places in eight
 * communes (`places[]`).  Each place carries its weight among respondents
 * and among activities, its effects on the latent well-being model (one
 * general effect and one per axis: social, local, learning, green), the
 * mix of activity categories that fits its profile and its yearly facts
 * (jobs, budget, surface, members).
 *
 * The respondents answer impact's default questionnaire
 * (surveys/questionnaires/default.json, id "impact-defaut"), which the
 * generator does not write: `questions[]` lists its question ids in order
 * with how each answer is drawn (enum draw).  An answer about well-being
 * is a latent value on 0-10, base mean + place effects + trend * wave +
 * respondent effects + item noise, then turned into the question's scale:
 * 0-10 for a rating, the choice codes 1..k for a valued single choice
 * (higher latent, higher value: the questionnaire's values already make
 * a higher value the better answer, negatively worded items included),
 * 0-30 days.  The other answers (importance, skills, distance, days a
 * month, transport, demographics) are drawn from the place's profile and
 * the respondent's.  About 3% of the answers are left empty (never the
 * number, the place or the date).
 *
 * Every draw comes from one GSL mt19937 generator seeded with opts->seed
 * and consumed in a fixed order (answers wave by wave, activities, facts),
 * so identical options give byte-identical files.  Each file is written
 * to "<name>.tmp" and renamed.  The formats are those of docs/formats.md;
 * read surveys/ next for the importers that load these files.
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
#define NCATEGORIES 9
#define NPUBLICS 6
#define NSKILLS 8

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
#define IMPORTANCE_SD 0.8      /* sd of a respondent's importance effect */
#define LIKERT_SPREAD 1.4      /* stretch of the latent for choice scales */
#define ACTIVITY_GROWTH 0.05   /* yearly growth of participants */
#define NEW_SHARE 0.30         /* share of new participants, first year */
#define NEW_DECAY 0.8          /* its yearly factor */
#define SAME_TERRITORY 0.7     /* a partner place is a neighbour */

/* Bounds of the places' yearly facts: small rural places. */
#define MIN_JOBS 0.5           /* full-time equivalents */
#define MAX_JOBS 4.0
#define MIN_BUDGET 20000.0     /* euros a year */
#define MAX_BUDGET 300000.0

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
	CAT_REUNION,
	CAT_CONCERT,
	CAT_EXPOSITION
};

/* How the answer to a question is drawn. */
enum draw {
	D_NUMBER,      /* the respondent's number, "RYYYY-0001" */
	D_PLACE,       /* the place code */
	D_DATE,        /* a date of the wave's year, dd/mm/yyyy */
	D_RATING,      /* latent, 0-10 */
	D_LIKERT,      /* latent, choice codes 1..levels */
	D_HEALTHY,     /* latent, 0-30 days */
	D_IMPORTANCE,  /* importance of a domain, 0-10 */
	D_SKILLS,      /* competences_acquises, 0-3 codes joined by ';' */
	D_INVOLVEMENT, /* engagement_local */
	D_DISTANCE,    /* distance_km, 0-40 */
	D_DAYS,        /* jours_par_mois, 1-20 */
	D_TRANSPORT,   /* mode_venue, from the distance */
	D_FIRST_YEAR,  /* premiere_annee, oui/non */
	D_PROJECT,     /* projet_lance, oui/non */
	D_AGE,         /* age band */
	D_SEX,         /* sexe */
	D_COMMUNE,     /* a commune of the sample */
	D_SITUATION    /* main situation, from the age band */
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
	double partner_rate;         /* share of co-organised activities */
	double jobs;                 /* full-time equivalents, first year */
	double budget;               /* euros, first year */
	double turnover_share;       /* own revenue, share of the budget */
	double growth;               /* yearly growth of the budget */
	int surface;                 /* square metres */
	int members;                 /* members, first year */
};

struct sample_question {
	const char *id;       /* question id of the default questionnaire */
	enum draw draw;       /* how its answer is drawn */
	int levels;           /* choices of a D_LIKERT question */
	double mean;          /* base latent mean on 0-10 (D_IMPORTANCE: the
	                         mean importance) */
	double trend;         /* latent points gained per wave */
	enum axis axis;       /* axis of the latent model */
};

struct sample_category {
	const char *name;         /* category word of activities.csv */
	double participants;      /* Poisson mean of participants */
	double volunteers;        /* Poisson mean of volunteers (capped at 6) */
	int min_half;             /* shortest duration, in half-hours */
	int max_half;             /* longest duration, in half-hours */
	double free;              /* probability of a free activity */
	double publics[NPUBLICS]; /* weights of publics[] */
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
 * reunion, concert, exposition.
 * then: partner rate; jobs, budget, turnover share, growth, surface,
 * members. */
static const struct sample_place places[NPLACES] = {
	{ "FAB-BOURG", "La Fabrique du Bourg", "CC-COTEAUX",
	  "Saint-Aubin-sur-Lière", 46.5120, 1.3840, 14, 14,
	  { 0.2, 0.3, 0.0, 0.9, 0.0 }, { 40, 10, 10, 15, 10, 0, 10, 0, 5 },
	  0.15, 2.5, 148000, 0.45, 0.06, 420, 160 },
	{ "ETABLI-MONTVAL", "L'Établi partagé", "CC-COTEAUX",
	  "Montval", 46.5483, 1.2712, 8, 9,
	  { 0.0, 0.4, 0.2, 0.6, 0.0 }, { 50, 10, 0, 15, 15, 0, 10, 0, 0 },
	  0.12, 0.8, 42000, 0.30, 0.04, 150, 55 },
	{ "GRENIER-NUM", "Le Grenier numérique", "CC-MARAIS",
	  "Bréhal-le-Marais", 46.3652, 1.7124, 10, 11,
	  { 0.1, -0.7, -0.4, 0.7, -0.2 }, { 10, 5, 40, 30, 0, 0, 10, 0, 5 },
	  0.10, 2.0, 121000, 0.55, 0.05, 260, 85 },
	{ "CUISINE-POSS", "La Cuisine des Possibles", "CC-MARAIS",
	  "Les Essarts-Blancs", 46.4217, 1.6351, 12, 10,
	  { 0.1, 1.4, 0.5, 0.1, 0.2 }, { 10, 15, 0, 5, 0, 55, 10, 5, 0 },
	  0.18, 1.6, 96000, 0.50, 0.07, 180, 120 },
	{ "REPAIR-TILLEULS", "Repair Café des Tilleuls", "CC-ORSANNE",
	  "Orsanne", 46.7021, 1.5533, 4, 6,
	  { 0.0, 0.8, 0.6, 0.3, 0.7 }, { 10, 5, 0, 0, 70, 0, 10, 0, 5 },
	  0.20, 0.5, 24000, 0.20, 0.03, 90, 70 },
	{ "HANGAR-PROJETS", "Le Hangar à Projets", "CC-COTEAUX",
	  "Rochebrune-sur-Lière", 46.4768, 1.1873, 9, 10,
	  { 0.2, 0.5, 0.9, 0.2, 0.0 }, { 25, 15, 15, 10, 0, 0, 15, 10, 10 },
	  0.32, 3.2, 220000, 0.40, 0.08, 650, 210 },
	{ "COWORK-GARE", "Coworking de la Gare", "CC-MARAIS",
	  "Vauclair", 46.4486, 1.8232, 13, 16,
	  { 0.3, -0.9, -0.6, 0.0, -0.3 }, { 0, 5, 70, 10, 0, 0, 10, 0, 5 },
	  0.06, 1.5, 112000, 0.70, 0.09, 340, 75 },
	{ "RUCHE-VERTE", "La Ruche Verte", "CC-ORSANNE",
	  "La Chapelle-Verte", 46.7534, 1.6876, 10, 8,
	  { 0.0, 0.6, 0.4, 0.3, 1.6 }, { 35, 15, 0, 10, 0, 10, 20, 5, 5 },
	  0.25, 1.2, 68000, 0.35, 0.05, 230, 140 },
	{ "ATELIER-2RIVES", "L'Atelier des Deux Rives", "CC-ORSANNE",
	  "Orsanne", 46.6953, 1.5612, 11, 8,
	  { -0.5, 0.2, 0.0, 1.1, 0.0 }, { 15, 5, 0, 60, 0, 0, 15, 0, 5 },
	  0.14, 3.3, 255000, 0.60, 0.04, 380, 65 },
	{ "FOURNIL", "Le Fournil Commun", "CC-COTEAUX",
	  "Saint-Aubin-sur-Lière", 46.5094, 1.3912, 9, 8,
	  { 0.1, 1.1, 0.8, 0.0, 0.3 }, { 5, 15, 0, 0, 0, 60, 10, 10, 0 },
	  0.16, 1.0, 58000, 0.55, 0.06, 120, 95 },
};

/* The default questionnaire's questions, in its order.  The latent items
 * of the local and community axes (and a few others) rise by about 0.3
 * a wave. */
static const struct sample_question questions[] = {
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

/* Choice codes of the default questionnaire's other questions, in its
 * order, with the weights the generator draws them by. */
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
/* Users of rural tiers-lieux: few minors, many in their working years
 * and young retirees. */
static const double age_weights[] = { 3, 12, 24, 25, 25, 11 };
static const char *const sexes[] = { "femme", "homme", "autre" };
static const double sex_weights[] = { 56, 42, 2 };
static const char *const situations[] = {
	"emploi", "independant", "demandeur_emploi", "etudiant", "retraite",
	"autre"
};
/* Situation weights per age band (rows: age_bands[]). */
static const double situation_weights[][6] = {
	{ 0, 0, 0, 95, 0, 5 },
	{ 40, 10, 18, 27, 0, 5 },
	{ 55, 20, 12, 5, 0, 8 },
	{ 55, 18, 12, 0, 5, 10 },
	{ 12, 8, 3, 0, 70, 7 },
	{ 0, 0, 0, 0, 95, 5 },
};

/* Skills learnt per activity category (rows: enum category, columns:
 * skills[]), added to a base weight of 2 each. */
static const double category_skills[NCATEGORIES][NSKILLS] = {
	{ 1, 3, 0, 0.5, 0, 0, 0.5, 0.5 },   /* atelier */
	{ 0, 0, 0, 0, 1, 0, 2, 0.5 },       /* evenement */
	{ 2, 0, 0, 0, 2, 0.5, 0.5, 0.5 },   /* coworking */
	{ 3, 0.5, 0, 0, 1, 1, 0.5, 0.5 },   /* formation */
	{ 0.5, 3, 0, 0, 0, 0, 0.5, 0.5 },   /* repair */
	{ 0, 0, 3, 1, 0, 0, 0.5, 0.5 },     /* cuisine */
	{ 0, 0, 0, 0, 2, 0, 1, 0 },         /* reunion */
	{ 0, 0, 0, 0, 0.5, 0, 2, 0.5 },     /* concert */
	{ 0, 0.5, 0, 0, 0.5, 0, 1, 1 },     /* exposition */
};

/* Months of the survey campaigns: spring and autumn. */
static const double survey_months[12] = {
	1, 2, 5, 6, 6, 5, 2, 0, 6, 6, 4, 1
};

static const char *const publics[NPUBLICS] = {
	"jeunes", "familles", "seniors", "demandeurs d'emploi",
	"professionnels", "habitants"
};

static const char *const titles_atelier[] = {
	"Initiation à la soudure", "Découpe laser : premiers pas",
	"Atelier couture", "Impression 3D pour débutants",
	"Atelier menuiserie", "Fabrication de nichoirs",
};
static const char *const titles_evenement[] = {
	"Soirée jeux de société", "Bal folk, buvette et crêpes",
	"Projection-débat", "Marché de producteurs", "Portes ouvertes",
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
static const char *const titles_concert[] = {
	"Concert dans la grange", "Scène ouverte", "Chorale du bourg",
	"Concert jazz manouche",
};
static const char *const titles_exposition[] = {
	"Exposition photo : le Marais Blanc", "Exposition des créations",
	"Vernissage des artistes locaux", "Exposition patrimoine",
};

#define TITLES(a) a, sizeof(a) / sizeof((a)[0])

/* In enum category order.  publics: jeunes, familles, seniors,
 * demandeurs d'emploi, professionnels, habitants. */
static const struct sample_category categories[NCATEGORIES] = {
	{ "atelier", 9, 1.5, 3, 6, 0.7, { 4, 2, 2, 1, 1, 4 },
	  TITLES(titles_atelier) },
	{ "evenement", 35, 4.0, 4, 12, 0.85, { 2, 5, 3, 0.5, 0.5, 6 },
	  TITLES(titles_evenement) },
	{ "coworking", 6, 0.3, 8, 16, 0.25, { 1, 0, 0, 2, 10, 0.5 },
	  TITLES(titles_coworking) },
	{ "formation", 8, 0.8, 6, 14, 0.8, { 3, 0.5, 3, 4, 2, 2 },
	  TITLES(titles_formation) },
	{ "repair", 14, 3.0, 6, 8, 0.95, { 1, 2, 4, 0.5, 0, 6 },
	  TITLES(titles_repair) },
	{ "cuisine", 12, 2.0, 4, 8, 0.6, { 2, 5, 3, 1, 0, 4 },
	  TITLES(titles_cuisine) },
	{ "reunion", 10, 0.5, 2, 6, 1.0, { 0.5, 0.5, 1, 0, 2, 6 },
	  TITLES(titles_reunion) },
	{ "concert", 45, 5.0, 4, 8, 0.5, { 4, 4, 2, 0, 0, 5 },
	  TITLES(titles_concert) },
	{ "exposition", 25, 1.5, 6, 16, 0.95, { 2, 4, 4, 0, 0.5, 5 },
	  TITLES(titles_exposition) },
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
	unsigned int new_participants; /* of whom new, <= participants */
	int half_hours;   /* duration in half-hours */
	unsigned int volunteers; /* volunteers, 0..6 */
	int volunteer_half_hours; /* their hours, in half-hours */
	unsigned int publics; /* bit i: publics[i] */
	int partner;      /* index in places[] of a co-organiser, or -1 */
	int free;         /* 1 free, 0 paid */
	size_t seq;       /* draw order, the last sort key */
};

/* One respondent's draws that later answers depend on. */
struct respondent {
	double u[AXIS_N];  /* latent effects, points on 0-10 */
	double importance; /* shift of every importance rating */
	size_t age;        /* index in age_bands[] */
	int km;            /* distance_km drawn */
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
 * quote or a line end, followed by `end` unless it is 0; returns 0 or
 * -1. */
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
	return end && putc(end, f) == EOF ? -1 : 0;
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

/* An index drawn from weights w[0..n) (non-negative, one at least
 * positive) with one uniform draw; never an index of weight 0. */
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

/* A set of k distinct indices drawn from weights w[0..n) (n <= 32),
 * without replacement, as a bit mask; k is capped at the number of
 * positive weights. */
static unsigned int pick_set(gsl_rng *rng, const double *w, size_t n,
                             size_t k)
{
	double left[32];
	unsigned int set = 0;
	size_t i, positive = 0;

	assert(n <= 32);
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

/* Write into buf (size bytes) the items of `names` whose bit is set in
 * `set`, joined by ';', in their order. */
static void join_set(char *buf, size_t size, const char *const *names,
                     size_t n, unsigned int set)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		if (!(set & (1u << i)))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		                         used ? ";" : "", names[i]);
	}
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

/* Days in `month` (1..12) of `year`, Gregorian calendar. */
static int month_days(int year, int month)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return days[month - 1] + (month == 2 && leap);
}

/* The latent value, on 0-10 before clamping, of question `q` for a
 * respondent of place `p` with effects `u`. */
static double latent(struct gen *g, size_t p, const struct sample_question *q,
                     const double *u)
{
	const struct sample_place *pl = &places[p];
	double x = q->mean + q->trend * g->wave + pl->effect[AXIS_GENERAL] +
	           u[AXIS_GENERAL];

	if (q->axis != AXIS_GENERAL)
		x += pl->effect[q->axis] + u[q->axis];
	return x + gsl_ran_gaussian(g->rng, ITEM_SD);
}

/* x rounded and clamped to lo..hi. */
static int clamp_round(double x, int lo, int hi)
{
	if (x < lo)
		return lo;
	if (x > hi)
		return hi;
	return (int)floor(x + 0.5);
}

/* Share of a place's activities (by its category weights) that teach
 * making or skills: ateliers, trainings, repair cafés. */
static double learning_share(const struct sample_place *pl)
{
	double all = 0;
	size_t c;

	for (c = 0; c < NCATEGORIES; c++)
		all += pl->category[c];
	return (pl->category[CAT_ATELIER] + pl->category[CAT_FORMATION] +
	        pl->category[CAT_REPAIR]) / all;
}

/* Share of a place's activities that are coworking days. */
static double coworking_share(const struct sample_place *pl)
{
	double all = 0;
	size_t c;

	for (c = 0; c < NCATEGORIES; c++)
		all += pl->category[c];
	return pl->category[CAT_COWORKING] / all;
}

/* Draw the skills of a respondent of place `p` into buf: 0 to 3 codes
 * joined by ';' ("aucune" for none), more at places that teach. */
static void draw_skills(char *buf, size_t size, struct gen *g, size_t p,
                        const double *u)
{
	const struct sample_place *pl = &places[p];
	double w[NSKILLS], mean;
	unsigned int k;
	size_t s, c;

	for (s = 0; s < NSKILLS; s++) {
		w[s] = 2;
		for (c = 0; c < NCATEGORIES; c++)
			w[s] += pl->category[c] / 100.0 *
			        category_skills[c][s] * 10;
	}
	mean = (0.5 + 2.0 * learning_share(pl)) *
	       exp(0.15 * (pl->effect[AXIS_LEARN] + u[AXIS_LEARN]));
	k = gsl_ran_poisson(g->rng, mean);
	if (k > 3)
		k = 3;
	if (k == 0)
		snprintf(buf, size, "aucune");
	else
		join_set(buf, size, skills, NSKILLS,
		         pick_set(g->rng, w, NSKILLS, k));
}

/* The main involvement in local life: more for respondents with a
 * higher local latent value. */
static const char *draw_involvement(struct gen *g, size_t p, const double *u)
{
	double l = places[p].effect[AXIS_LOCAL] + u[AXIS_LOCAL] +
	           0.3 * g->wave;
	double w[6];
	size_t k;

	w[0] = 40 - 10 * l;
	w[1] = 25;
	w[2] = 20 + 6 * l;
	w[3] = 8 + 3 * l;
	w[4] = 3;
	w[5] = 4;
	for (k = 0; k < 6; k++)
		if (w[k] < 1)
			w[k] = 1;
	return involvement[pick(g->rng, w, 6)];
}

/* How the respondent comes, from the distance: on foot or by bike when
 * close, by car (often alone) when far. */
static const char *draw_transport(struct gen *g, int km)
{
	static const double near[6] = { 70, 25, 5, 0, 0, 0 };
	static const double mid[6] = { 10, 30, 40, 10, 5, 5 };
	static const double far[6] = { 0, 3, 65, 20, 8, 4 };

	return transport[pick(g->rng, km <= 1 ? near : km <= 4 ? mid : far,
	                      6)];
}

/* Probability that a respondent launched a project thanks to the place:
 * a logistic function of the learning axis. */
static double project_rate(size_t p, const double *u)
{
	return 1.0 / (1.0 + exp(1.8 - 0.5 * (places[p].effect[AXIS_LEARN] +
	                                     u[AXIS_LEARN])));
}

/*
 * Draw the answer of respondent number `i` (r, at place `p`) to question
 * `q` into buf (size bytes), as written in the file.
 */
static void draw_answer(char *buf, size_t size, struct gen *g, size_t i,
                        size_t p, const struct sample_question *q,
                        struct respondent *r)
{
	const struct sample_place *pl = &places[p];
	int year = g->opts->first_year + g->wave;
	int width = 4, month, day, v;
	char digits[24];
	const char *word = NULL;
	double x, mean;
	size_t m;

	buf[0] = '\0';
	switch (q->draw) {
	case D_NUMBER:
		/* As many digits as the wave's size needs, 4 at least (8
		 * at most: MAX_RESPONDENTS). */
		for (m = g->opts->respondents_per_wave; m >= 10000 && width < 8;
		     m /= 10)
			width++;
		v = snprintf(digits, sizeof(digits), "%zu", i + 1);
		snprintf(buf, size, "R%d-%.*s%s", year,
		         width > v ? width - v : 0, "00000000", digits);
		break;
	case D_PLACE:
		word = pl->code;
		break;
	case D_DATE:
		month = 1 + (int)pick(g->rng, survey_months, 12);
		day = 1 + (int)gsl_rng_uniform_int(
			g->rng, (unsigned long)month_days(year, month));
		snprintf(buf, size, "%02d/%02d/%04d", day, month, year);
		break;
	case D_RATING:
		snprintf(buf, size, "%d",
		         clamp_round(latent(g, p, q, r->u), 0, 10));
		break;
	case D_LIKERT:
		/* Stretched around the middle of 0-10: people use the
		 * ends of a short scale more than rounding would give. */
		x = 5 + LIKERT_SPREAD * (latent(g, p, q, r->u) - 5);
		snprintf(buf, size, "%d", clamp_round(1 + x / 10 *
		                                      (q->levels - 1), 1,
		                                      q->levels));
		break;
	case D_HEALTHY:
		snprintf(buf, size, "%d",
		         clamp_round(3 * latent(g, p, q, r->u), 0, 30));
		break;
	case D_IMPORTANCE:
		x = q->mean + r->importance + gsl_ran_gaussian(g->rng, ITEM_SD);
		snprintf(buf, size, "%d", clamp_round(x, 0, 10));
		break;
	case D_SKILLS:
		draw_skills(buf, size, g, p, r->u);
		break;
	case D_INVOLVEMENT:
		word = draw_involvement(g, p, r->u);
		break;
	case D_DISTANCE:
		/* Log-normal around 6 km (up to 12 at coworking places,
		 * whose users come from further), at most 40: rural
		 * France. */
		mean = 6 + 6 * coworking_share(pl);
		r->km = clamp_round(exp(log(mean) + gsl_ran_gaussian(g->rng,
		                                                     0.7)),
		                    0, 40);
		snprintf(buf, size, "%d", r->km);
		break;
	case D_DAYS:
		mean = 3 + 14 * coworking_share(pl);
		v = 1 + (int)gsl_ran_poisson(g->rng, mean);
		snprintf(buf, size, "%d", v > 20 ? 20 : v);
		break;
	case D_TRANSPORT:
		word = draw_transport(g, r->km);
		break;
	case D_FIRST_YEAR:
		word = gsl_rng_uniform(g->rng) <
		       NEW_SHARE * pow(NEW_DECAY, g->wave) + 0.05 ? "oui"
		                                                 : "non";
		break;
	case D_PROJECT:
		word = gsl_rng_uniform(g->rng) < project_rate(p, r->u) ? "oui"
		                                                       : "non";
		break;
	case D_AGE:
		r->age = pick(g->rng, age_weights, 6);
		word = age_bands[r->age];
		break;
	case D_SEX:
		word = sexes[pick(g->rng, sex_weights, 3)];
		break;
	case D_COMMUNE:
		/* Two in three live in the place's commune. */
		m = gsl_rng_uniform(g->rng) < 2.0 / 3 ? p
		    : gsl_rng_uniform_int(g->rng, NPLACES);
		word = places[m].commune;
		break;
	case D_SITUATION: {
		double w[6];

		memcpy(w, situation_weights[r->age], sizeof(w));
		w[1] *= 1 + 3 * coworking_share(pl);
		word = situations[pick(g->rng, w, 6)];
		break;
	}
	}
	if (word)
		snprintf(buf, size, "%s", word);
}

/* answers-YYYY.csv for wave g->wave: the default questionnaire's ids as
 * the header, one row per respondent numbered "RYYYY-0001" in row order.
 * Every answer after the number, the place and the date is left empty
 * MISSING_RATE of the time; it is drawn all the same, so that the
 * stream of draws does not depend on which answers are missing. */
static int fill_answers(FILE *f, struct gen *g)
{
	size_t n = g->opts->respondents_per_wave;
	size_t i, q;
	char buf[256];

	for (q = 0; q < NQUESTIONS; q++)
		if (fprintf(f, "%s%s", q ? "," : "", questions[q].id) < 0)
			return -1;
	if (putc('\n', f) == EOF)
		return -1;
	assign_places(g);
	for (i = 0; i < n; i++) {
		size_t p = g->assign[i];
		struct respondent r;
		int a;

		memset(&r, 0, sizeof(r));
		r.u[AXIS_GENERAL] = gsl_ran_gaussian(g->rng, RESPONDENT_SD);
		for (a = AXIS_GENERAL + 1; a < AXIS_N; a++)
			r.u[a] = gsl_ran_gaussian(g->rng, RESPONDENT_AXIS_SD);
		r.importance = gsl_ran_gaussian(g->rng, IMPORTANCE_SD);
		for (q = 0; q < NQUESTIONS; q++) {
			const struct sample_question *qu = &questions[q];
			int missing;

			draw_answer(buf, sizeof(buf), g, i, p, qu, &r);
			missing = qu->draw > D_DATE &&
			          gsl_rng_uniform(g->rng) < MISSING_RATE;
			if (q && putc(',', f) == EOF)
				return -1;
			if (!missing && csv_put(f, buf, 0))
				return -1;
		}
		if (putc('\n', f) == EOF)
			return -1;
	}
	return 0;
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

/* A place co-organising an activity of place `p`: SAME_TERRITORY of the
 * time one of its intercommunality, else any other place. */
static int draw_partner(struct gen *g, int p)
{
	int same = gsl_rng_uniform(g->rng) < SAME_TERRITORY;
	double w[NPLACES];
	int i;

	for (i = 0; i < NPLACES; i++)
		w[i] = i != p && (!same || strcmp(places[i].territory,
		                                  places[p].territory) == 0);
	return (int)pick(g->rng, w, NPLACES);
}

/* Draw the activities_per_year activities of wave `wave` into g->acts,
 * participants growing by ACTIVITY_GROWTH a year while the share of
 * newcomers shrinks, and sort them. */
static void draw_activities(struct gen *g, int wave)
{
	size_t n = g->opts->activities_per_year;
	int year = g->opts->first_year + wave;
	double growth = 1.0 + ACTIVITY_GROWTH * wave;
	double new_share = NEW_SHARE * pow(NEW_DECAY, wave);
	size_t i;

	for (i = 0; i < n; i++) {
		struct activity *a = &g->acts[i];
		const struct sample_category *c;
		double u;
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
		a->new_participants = gsl_ran_binomial(g->rng, new_share,
		                                       a->participants);
		/* Each volunteer is there for the activity and an hour of
		 * preparation. */
		a->volunteer_half_hours = (int)a->volunteers *
		                          (a->half_hours + 2);
		u = gsl_rng_uniform(g->rng);
		a->publics = pick_set(g->rng, c->publics, NPUBLICS,
		                      u < 0.45 ? 1 : u < 0.85 ? 2 : 3);
		a->partner = gsl_rng_uniform(g->rng) <
		             places[a->place].partner_rate
		             ? draw_partner(g, a->place) : -1;
		a->free = gsl_rng_uniform(g->rng) < c->free;
		a->seq = i;
	}
	qsort(g->acts, n, sizeof(g->acts[0]), activity_cmp);
}

/* activities.csv: every year of the sample, sorted by date then place.
 * Durations in hours with ".5" for half-hours; publics joined by ';'. */
static int fill_activities(FILE *f, struct gen *g)
{
	size_t n = g->opts->activities_per_year;
	char list[256];
	int wave;
	size_t i;

	if (fputs("place,date,category,title,participants,hours,volunteers,"
	          "new_participants,volunteer_hours,publics,partners,free\n",
	          f) == EOF)
		return -1;
	for (wave = 0; wave < g->opts->waves; wave++) {
		int year = g->opts->first_year + wave;

		draw_activities(g, wave);
		for (i = 0; i < n; i++) {
			const struct activity *a = &g->acts[i];
			const struct sample_category *c =
				&categories[a->category];

			join_set(list, sizeof(list), publics, NPUBLICS,
			         a->publics);
			if (fprintf(f, "%s,%04d-%02d-%02d,%s,",
			            places[a->place].code, year, a->month,
			            a->day, c->name) < 0 ||
			    csv_put(f, c->titles[a->title], ',') ||
			    fprintf(f, "%u,%d%s,%u,%u,%d%s,", a->participants,
			            a->half_hours / 2,
			            a->half_hours % 2 ? ".5" : "",
			            a->volunteers, a->new_participants,
			            a->volunteer_half_hours / 2,
			            a->volunteer_half_hours % 2 ? ".5" : "") < 0 ||
			    csv_put(f, list, ',') ||
			    csv_put(f, a->partner >= 0
			               ? places[a->partner].code : "", ',') ||
			    fputs(a->free ? "oui\n" : "non\n", f) == EOF)
				return -1;
		}
	}
	return 0;
}

/* facts.csv: one row per place and year: jobs (full-time equivalents,
 * one decimal, MIN_JOBS to MAX_JOBS), budget (MIN_BUDGET to MAX_BUDGET)
 * and own revenue (euros, to the hundred), surface (fixed), members;
 * growing each year, with a little noise. */
static int fill_facts(FILE *f, struct gen *g)
{
	int wave;
	size_t i;

	if (fputs("place,period,emplois_etp,budget_eur,chiffre_affaires_eur,"
	          "surface_m2,adherents\n", f) == EOF)
		return -1;
	for (i = 0; i < NPLACES; i++) {
		const struct sample_place *p = &places[i];

		for (wave = 0; wave < g->opts->waves; wave++) {
			double jobs = p->jobs * (1 + 0.08 * wave) +
			              gsl_ran_gaussian(g->rng, 0.1);
			double budget = p->budget * pow(1 + p->growth, wave) *
			                (1 + gsl_ran_gaussian(g->rng, 0.03));
			double turnover, members;

			budget = budget < MIN_BUDGET ? MIN_BUDGET
			         : budget > MAX_BUDGET ? MAX_BUDGET : budget;
			turnover = budget * p->turnover_share *
			           (1 + gsl_ran_gaussian(g->rng, 0.05));
			members = p->members * (1 + 0.1 * wave) +
			          gsl_ran_gaussian(g->rng, 3);
			jobs = jobs < MIN_JOBS ? MIN_JOBS
			       : jobs > MAX_JOBS ? MAX_JOBS : jobs;
			if (fprintf(f, "%s,%d,%.1f,%.0f,%.0f,%d,%d\n", p->code,
			            g->opts->first_year + wave, jobs,
			            100 * floor(budget / 100 + 0.5),
			            100 * floor(turnover / 100 + 0.5),
			            p->surface,
			            clamp_round(members, 0, 1000000)) < 0)
				return -1;
		}
	}
	return 0;
}

/* margins.csv: the network's population by sex and age band, as INSEE
 * tables give them for a rural area of 38,400 inhabitants (more elderly
 * people and children than among the places' users), for raking the
 * respondents (docs/index.md).  The levels are the default
 * questionnaire's choice codes. */
static int fill_margins(FILE *f, struct gen *g)
{
	static const int ages[6] = { 7300, 4600, 6500, 7900, 7800, 4300 };
	size_t i;

	(void)g;
	if (fputs("territory,variable,level,total\n", f) == EOF
	    || fprintf(f, "%s,sex,femme,19700\n%s,sex,homme,18700\n",
	               territories[0].code, territories[0].code) < 0)
		return -1;
	for (i = 0; i < 6; i++)
		if (fprintf(f, "%s,age_band,%s,%d\n", territories[0].code,
		            age_bands[i], ages[i]) < 0)
			return -1;
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
	total_files = 5 + (size_t)g.opts->waves;
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
	rc = write_file(h, dir, "facts.csv", fill_facts, &g);
	if (rc)
		goto done;
	impact__progress(h, "sample", ++done_files, total_files);
	rc = write_file(h, dir, "margins.csv", fill_margins, &g);
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
