/*
 * reports/profile.h: funder profiles (reports/profile.c).  Internal.
 */
#ifndef IMPACT_REPORTS_PROFILE_H
#define IMPACT_REPORTS_PROFILE_H

#include <stddef.h>

#include <cairo.h>
#include <jansson.h>

#include "../engine/context.h"

/* Most indicators a profile may list. */
#define IMPACT__PROFILE_MAX_INDICATORS 200

/* A loaded profile; every string is borrowed from `root`. */
typedef struct {
	char *text;                   /* the file's bytes */
	json_t *root;                 /* parsed JSON, owns the strings */
	const char *id;
	const char *title_fr, *title_en;       /* en may be NULL */
	const char *subtitle_fr, *subtitle_en; /* NULL when absent */
	char *logo;                   /* resolved logo path, or NULL */
	cairo_surface_t *logo_surface; /* the decoded logo, or NULL */
	const char **indicators;      /* ids in the funder's order */
	size_t n_indicators;
} impact__profile;

/* Load and check the profile at `path` into *p (zeroed first; release it
 * with impact__profile_release() whatever the result). */
int impact__profile_load(impact *h, const char *path, impact__profile *p);

void impact__profile_release(impact__profile *p);

#endif
