/*
 * reports/profile.c: funder profiles (docs/reports.md, "Funder profiles").
 *
 * A profile is a JSON file a network writes once per funder: the title
 * of that funder's dashboards, an optional subtitle, an optional logo
 * (PNG, path relative to the profile) and the effets utiles the funder
 * follows, in the order it wants them.  Every key and value is checked
 * with positioned errors (surveys/jsondef.c); the logo is opened and
 * decoded here, so that a wrong logo is refused before any page is drawn.
 * Indicator ids are checked against the stored libraries by the report.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "../surveys/jsondef.h"
#include "profile.h"

/* Logos above this size (pixels, either side) are refused. */
#define LOGO_MAX_PX 4096

/* The profile's folder joined to `rel` (or `rel` itself if absolute). */
static char *beside(const char *profile, const char *rel)
{
	const char *slash = strrchr(profile, '/');
	size_t dir = slash ? (size_t)(slash - profile) + 1 : 0;
	char *out;

	if (rel[0] == '/')
		dir = 0;
	out = malloc(dir + strlen(rel) + 1);
	if (!out)
		return NULL;
	memcpy(out, profile, dir);
	strcpy(out + dir, rel);
	return out;
}

static int check_logo(impact__jdef *c, impact__profile *p, json_t *v)
{
	cairo_surface_t *s;
	cairo_status_t st;
	const char *rel;
	int w, hgt;

	if (!json_is_string(v) || !*(rel = json_string_value(v)))
		return impact__jd_bad(c, "/logo", "expected the path of a PNG "
		                      "file, relative to the profile");
	if (!(p->logo = beside(c->file, rel)))
		return impact__error(c->h, IMPACT_ENOMEM, "out of memory");
	s = cairo_image_surface_create_from_png(p->logo);
	st = cairo_surface_status(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return impact__jd_bad(c, "/logo", "cannot read logo '%s': %s "
		                      "(a PNG file is expected)", p->logo,
		                      st == CAIRO_STATUS_FILE_NOT_FOUND
		                      ? "no such file"
		                      : st == CAIRO_STATUS_READ_ERROR
		                      ? "not a readable PNG"
		                      : cairo_status_to_string(st));
	}
	w = cairo_image_surface_get_width(s);
	hgt = cairo_image_surface_get_height(s);
	if (w < 1 || hgt < 1 || w > LOGO_MAX_PX || hgt > LOGO_MAX_PX) {
		cairo_surface_destroy(s);
		return impact__jd_bad(c, "/logo", "logo '%s' is %d x %d pixels: "
		                      "at most %d on each side", p->logo, w, hgt,
		                      LOGO_MAX_PX);
	}
	p->logo_surface = s;
	return IMPACT_OK;
}

static int check_indicators(impact__jdef *c, impact__profile *p, json_t *v)
{
	char ptr[IMPACT__JD_MAX_PTR];
	size_t i, k, n;
	int rc;

	if (!json_is_array(v) || !(n = json_array_size(v)))
		return impact__jd_bad(c, "/indicators", "expected a non-empty "
		                      "array of indicator ids");
	if (n > IMPACT__PROFILE_MAX_INDICATORS)
		return impact__jd_bad(c, "/indicators", "%zu indicators: at most "
		                      "%d", n, IMPACT__PROFILE_MAX_INDICATORS);
	p->indicators = calloc(n, sizeof(char *));
	if (!p->indicators)
		return impact__error(c->h, IMPACT_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		impact__jd_ptrf(ptr, "/indicators/%zu", i);
		if ((rc = impact__jd_id_value(c, ptr, json_array_get(v, i),
		                              "an indicator id",
		                              &p->indicators[i])) != IMPACT_OK)
			return rc;
		for (k = 0; k < i; k++)
			if (strcmp(p->indicators[k], p->indicators[i]) == 0)
				return impact__jd_bad(c, ptr, "\"%s\" is already "
				                      "given at /indicators/%zu",
				                      p->indicators[i], k);
		p->n_indicators++;
	}
	return IMPACT_OK;
}

int impact__profile_load(impact *h, const char *path, impact__profile *p)
{
	static const char *const keys[] = { "id", "title", "subtitle", "logo",
	                                    "indicators", NULL };
	impact__jdef c;
	json_t *v;
	int rc;

	assert(h && path && p);
	memset(p, 0, sizeof(*p));
	rc = impact__jd_load(&c, h, path, "a funder profile", "docs/reports.md",
	                     &p->text, &p->root);
	if (rc != IMPACT_OK)
		goto done;
	if ((rc = impact__jd_head(&c, p->root, keys, "indicators",
	                          "the profile's id", &p->id, &p->title_fr,
	                          &p->title_en)) != IMPACT_OK)
		goto done;
	if ((v = json_object_get(p->root, "subtitle"))
	    && (rc = impact__jd_label(&c, "/subtitle", v, &p->subtitle_fr,
	                              &p->subtitle_en)) != IMPACT_OK)
		goto done;
	if ((v = json_object_get(p->root, "logo"))
	    && (rc = check_logo(&c, p, v)) != IMPACT_OK)
		goto done;
	if (!(v = json_object_get(p->root, "indicators"))) {
		rc = impact__jd_bad(&c, "", "\"indicators\" is required: the "
		                    "ids of the effets utiles to show, in order");
		goto done;
	}
	rc = check_indicators(&c, p, v);
done:
	impact__jd_release(&c);
	if (rc != IMPACT_OK)
		impact__profile_release(p);
	return rc;
}

void impact__profile_release(impact__profile *p)
{
	if (!p)
		return;
	if (p->logo_surface)
		cairo_surface_destroy(p->logo_surface);
	free(p->indicators);
	free(p->logo);
	json_decref(p->root);
	free(p->text);
	memset(p, 0, sizeof(*p));
}
