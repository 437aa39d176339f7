/*
 * reports/report_text.c: the words of the dashboards and the formatting of
 * their numbers.
 *
 * Every string a dashboard prints that does not come from the database is
 * in one of the two tables below (French, English), so a translation is
 * one table to fill and nothing else to hunt for.  Numbers are turned into
 * text by impact__report_number() only: rounding half away from zero to a
 * fixed number of decimals, French decimal comma and narrow no-break space
 * between thousands, or English point and comma.  Read reports/report.c
 * next: it lays these strings out on the page.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "impact/common.h"
#include "impact/reports.h"
#include "report_text.h"

/* Two steps so that the macro's value, not its name, becomes a string. */
#define STR_(x) #x
#define STR(x) STR_(x)
#define MIN_N STR(IMPACT_MIN_PUBLISHED_N)

#define NNBSP "\xe2\x80\xaf" /* U+202F NARROW NO-BREAK SPACE */
#define NBHY "\xe2\x80\x91"  /* U+2011 NON-BREAKING HYPHEN */
#define EMDASH "\xe2\x80\x94"
#define ENDASH "\xe2\x80\x93"

/* French, the default language of the dashboards. */
static const impact__report_text text_fr = {
	"Tableau de bord",
	"Période",
	"produit le",
	"lieu",
	"lieux",
	"Chiffres clés",
	"Chiffres clés " EMDASH " tous les lieux du territoire réunis",
	"Répondants",
	"Score de bien" NBHY "être",
	"Activités",
	"Participants",
	"Heures-participants",
	"personnes ayant répondu",
	"enregistrées au journal",
	"présences cumulées",
	"participants × durée",
	"IC 95" NNBSP "%" NNBSP ":",
	"/100",
	"non publié (n < " MIN_N ")",
	"aucune donnée",
	"Réponses aux questions",
	"Moyenne des réponses sur l'échelle de chaque question, avec son "
	"intervalle de confiance à 95" NNBSP "%.",
	"Aucune réponse aux questions pour cette période.",
	"échelle",
	"minimum de l'échelle",
	"maximum",
	"Moyenne du lieu",
	"Moyenne du territoire",
	"Intervalle de confiance à 95" NNBSP "%",
	"Moyenne" NNBSP ":",
	"Score de bien-être par lieu",
	"Sur 100, du plus haut au plus bas.",
	"Score du lieu",
	"Score du territoire",
	"Méthode et sources",
	"Le score de bien-être est la moyenne des réponses aux questions de "
	"bien-être ramenées sur 0" ENDASH "100 (0 pour le bas de chaque "
	"échelle, 100 pour le haut). Les intervalles de confiance sont à "
	"95" NNBSP "%. Les chiffres d'un territoire regroupent les réponses "
	"de tous les lieux qui en font partie ; ce ne sont pas des moyennes de "
	"moyennes. Règle de diffusion : un chiffre qui repose sur moins de "
	MIN_N " répondants n'est jamais publié et apparaît comme "
	"« non publié (n < " MIN_N ") ». Les activités, participants et "
	"heures-participants viennent du journal d'activités et sont publiés "
	"quel que soit leur nombre. Source : impact " IMPACT_VERSION
	", à partir des résultats calculés par « impact compute ».",
	"Source" NNBSP ": impact " IMPACT_VERSION,
	"Page",
	"(suite)"
};

/* English, field for field. */
static const impact__report_text text_en = {
	"Dashboard",
	"Period",
	"produced on",
	"place",
	"places",
	"Key figures",
	"Key figures " EMDASH " all places of the territory pooled",
	"Respondents",
	"Well-being score",
	"Activities",
	"Participants",
	"Participant-hours",
	"people who answered",
	"in the activity log",
	"total attendance",
	"participants × duration",
	"95% CI:",
	"/100",
	"not published (n < " MIN_N ")",
	"no data",
	"Answers to the questions",
	"Mean answer on the scale of each question, with its 95% confidence "
	"interval.",
	"No answers to the questions for this period.",
	"scale",
	"scale minimum",
	"maximum",
	"Place mean",
	"Territory mean",
	"95% confidence interval",
	"Mean:",
	"Well-being score by place",
	"Out of 100, highest first.",
	"Place score",
	"Territory score",
	"Method and sources",
	"The well-being score is the mean of the answers to the well-being "
	"questions rescaled to 0" ENDASH "100 (0 for the bottom of each scale, "
	"100 for the top). Confidence intervals are at 95%. The figures of a "
	"territory pool the answers of all the places in it; they are not "
	"means of means. Disclosure rule: a figure resting on fewer than "
	MIN_N " respondents is never published and shows as "
	"\"not published (n < " MIN_N ")\". Activities, participants and "
	"participant-hours come from the activity log and are published "
	"whatever their number. Source: impact " IMPACT_VERSION
	", from the results computed by \"impact compute\".",
	"Source: impact " IMPACT_VERSION,
	"Page",
	"(continued)"
};

const impact__report_text *impact__report_text_get(impact__lang lang)
{
	return lang == IMPACT__LANG_EN ? &text_en : &text_fr;
}

int impact__report_lang(impact__lang *out, const char *code)
{
	assert(out);
	if (!code || strcmp(code, "fr") == 0) {
		*out = IMPACT__LANG_FR;
		return 0;
	}
	if (strcmp(code, "en") == 0) {
		*out = IMPACT__LANG_EN;
		return 0;
	}
	return -1;
}

/* Swap the C locale's '.' for `mark` in a number printf wrote (the
 * fallback for huge values, never grouped). */
static void localise_point(char *s, char mark)
{
	char *dot = strchr(s, '.');

	if (dot)
		*dot = mark;
}

/* The one rounding and layout rule behind impact__report_number() and
 * impact_format_number(): `group` between thousands ("" for none), `mark`
 * before the decimals. */
static char *format_number(char *out, size_t size, double value,
                           int decimals, const char *group, char mark)
{
	static const double scale[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6 };
	char digits[32];
	unsigned long long whole, frac, m, unit;
	double scaled;
	size_t len, i, pos = 0;

	assert(out && size >= IMPACT__NUMBER_MAX);
	assert(decimals >= 0 && decimals <= 6);
	if (!isfinite(value)) {
		snprintf(out, size, "%s", EMDASH);
		return out;
	}
	scaled = round(fabs(value) * scale[decimals]);
	if (scaled >= 1e15) {
		/* Beyond any count or mean a dashboard shows: no grouping. */
		snprintf(out, size, "%.*f", decimals, value);
		localise_point(out, mark);
		return out;
	}
	m = (unsigned long long)scaled;
	unit = (unsigned long long)scale[decimals];
	whole = m / unit;
	frac = m % unit;
	if (value < 0 && m != 0)
		out[pos++] = '-';
	snprintf(digits, sizeof(digits), "%llu", whole);
	len = strlen(digits);
	for (i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0) {
			memcpy(out + pos, group, strlen(group));
			pos += strlen(group);
		}
		out[pos++] = digits[i];
	}
	if (decimals > 0) {
		out[pos++] = mark;
		snprintf(out + pos, size - pos, "%0*llu", decimals, frac);
	} else {
		out[pos] = '\0';
	}
	return out;
}

char *impact__report_number(char *out, size_t size, double value,
                            int decimals, impact__lang lang)
{
	if (lang == IMPACT__LANG_EN)
		return format_number(out, size, value, decimals, ",", '.');
	return format_number(out, size, value, decimals, NNBSP, ',');
}

char *impact_format_number(char *out, size_t size, double value,
                           int decimals, const char *lang)
{
	impact__lang l;

	if (!lang || impact__report_lang(&l, lang) != 0)
		return format_number(out, size, value, decimals, "", '.');
	return impact__report_number(out, size, value, decimals, l);
}
