/*
 * surveys/places.c: the register of territories and places (formats in
 * docs/formats.md, "territories.csv" and "places.csv").  Reference data is
 * all or nothing: the first bad row refuses the file and the database is
 * unchanged; an unknown column is an error too, so that a misspelt one is
 * never silently ignored.  Columns are matched by name or French alias.
 * A places register may carry the territory tree in its own columns
 * (territory_name, parent_territory, parent_territory_name): a territory
 * it names that the database lacks is created from them, so one
 * spreadsheet can hold the whole register.  The state of a places import
 * is struct reg; built on the shared machinery of surveys/import.h.
 * surveys/activities.c reads the places stored here.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../engine/context.h"
#include "import.h"
#include "text.h"

/* Reference-data error: refuse the whole file at line:column. */
#define REFUSE(im, ...) \
	impact__error((im)->h, IMPACT_EDATA, __VA_ARGS__)

/* ---------------------------------------------------------------- */
/* Territories                                                       */

/*
 * Import the territory tree (code, name, parent), in two passes so that a
 * parent may come on a later line; existing codes are updated; cycles are
 * refused.  All or nothing.
 */
int impact_import_territories(impact *h, const char *path,
                              const impact_import_opts *opts,
                              impact_import_summary *out)
{
	struct import im = { 0 };
	impact_import_summary dummy;
	column cols[] = {
		{ "code", 1, -1, "code territoire|territory code" },
		{ "name", 1, -1, "nom|nom du territoire|territory name" },
		{ "parent", 0, -1, "territoire parent|parent territory|"
		                   "code parent" }
	};
	sqlite3_stmt *upsert = NULL, *find = NULL, *setp = NULL, *cyc = NULL;
	char **parents = NULL;
	long long *lines = NULL, *ids = NULL;
	size_t n = 0, cap = 0, i;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	rc = impact__import_begin(&im, h, path, "territories", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = impact__map_header(&im, cols, 3, NULL, NULL)) != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &upsert, "INSERT INTO territories (code,"
	                          " name) VALUES (?1, ?2) ON CONFLICT(code) DO"
	                          " UPDATE SET name = excluded.name"
	                          " RETURNING id;")) != 0
	    || (rc = impact__prepare(h, &find, "SELECT id FROM territories"
	                             " WHERE code = ?1;")) != 0
	    || (rc = impact__prepare(h, &setp, "UPDATE territories SET"
	                             " parent_id = ?1 WHERE id = ?2;")) != 0)
		goto done;
	/* First pass: every code exists, so parents may come later. */
	while ((rc = impact__csv_next(h, im.csv, &im.rec)) == 1) {
		char reason[MAX_REASON], *code, *name;

		out->rows_read++;
		if (!impact__check_width(&im, reason, sizeof(reason))) {
			rc = REFUSE(&im, "%s:%lld:1: %s", im.name, im.rec.line,
			            reason);
			goto done;
		}
		code = impact__field(&im, &cols[0]);
		name = impact__field(&im, &cols[1]);
		if (!impact__valid_code(code)) {
			rc = REFUSE(&im, "%s:%lld:%ld: invalid territory code "
			            "\"%s\": use 1 to 64 letters, digits, '-', '_' "
			            "or '.'", im.name, im.rec.line,
			            cols[0].index + 1, code);
			goto done;
		}
		if (!*name) {
			rc = REFUSE(&im, "%s:%lld:%ld: territory \"%s\" has no "
			            "name", im.name, im.rec.line,
			            cols[1].index + 1, code);
			goto done;
		}
		if (n == cap) {
			size_t c2 = cap ? 2 * cap : 16;
			char **p2 = realloc(parents, c2 * sizeof(*p2));
			long long *l2, *i2;

			if (!p2)
				goto nomem;
			parents = p2;
			if (!(l2 = realloc(lines, c2 * sizeof(*l2))))
				goto nomem;
			lines = l2;
			if (!(i2 = realloc(ids, c2 * sizeof(*i2))))
				goto nomem;
			ids = i2;
			cap = c2;
		}
		parents[n] = strdup(impact__field(&im, &cols[2]));
		if (!parents[n])
			goto nomem;
		lines[n] = im.rec.line;
		sqlite3_reset(upsert);
		sqlite3_bind_text(upsert, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(upsert, 2, name, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(upsert) != SQLITE_ROW) {
			n++;
			rc = impact__db_error(h, "storing a territory");
			goto done;
		}
		ids[n++] = sqlite3_column_int64(upsert, 0);
		out->rows_loaded++;
	}
	if (rc < 0)
		goto done;
	/* Second pass: link parents. */
	for (i = 0; i < n; i++) {
		long long pid = 0;

		if (*parents[i]) {
			if ((rc = impact__lookup_id(h, find, parents[i], &pid)) != 0)
				goto done;
			if (!pid || pid == ids[i]) {
				rc = REFUSE(&im, "%s:%lld:%ld: %s \"%s\": it must "
				            "be another territory of this file or of "
				            "the database", im.name, lines[i],
				            cols[2].index + 1,
				            pid ? "a territory cannot be its own parent"
				                : "unknown parent territory",
				            parents[i]);
				goto done;
			}
		}
		sqlite3_reset(setp);
		if (pid)
			sqlite3_bind_int64(setp, 1, pid);
		else
			sqlite3_bind_null(setp, 1);
		sqlite3_bind_int64(setp, 2, ids[i]);
		if (sqlite3_step(setp) != SQLITE_DONE) {
			rc = impact__db_error(h, "linking territories");
			goto done;
		}
	}
	/* No cycles: walking up from any territory must reach a root. */
	if ((rc = impact__prepare(h, &cyc, "WITH RECURSIVE up(start, id, depth)"
	                          " AS (SELECT id, parent_id, 1 FROM territories"
	                          " UNION ALL SELECT up.start, t.parent_id,"
	                          " depth + 1 FROM up JOIN territories t"
	                          " ON t.id = up.id WHERE depth < 1000)"
	                          " SELECT t.code FROM up JOIN territories t"
	                          " ON t.id = up.start WHERE up.id = up.start"
	                          " LIMIT 1;")) != 0)
		goto done;
	if (sqlite3_step(cyc) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(cyc, 0);

		rc = REFUSE(&im, "%s: territory \"%s\" would be its own "
		            "ancestor: the parents form a cycle", im.name,
		            code ? code : "?");
		goto done;
	}
	rc = IMPACT_OK;
	goto done;
nomem:
	rc = impact__error(h, IMPACT_ENOMEM, "out of memory");
done:
	sqlite3_finalize(upsert);
	sqlite3_finalize(find);
	sqlite3_finalize(setp);
	sqlite3_finalize(cyc);
	for (i = 0; i < n; i++)
		free(parents[i]);
	free(parents);
	free(lines);
	free(ids);
	return impact__import_end(&im, rc);
}

/* ---------------------------------------------------------------- */
/* Places                                                            */

/* The columns of a places register, in the order of cols[] in
 * impact_import_places(). */
enum {
	P_CODE, P_NAME, P_TERRITORY, P_COMMUNE, P_LATITUDE, P_LONGITUDE,
	P_TERRITORY_NAME, P_PARENT, P_PARENT_NAME, NPCOLS
};

/* The state of one places import. */
struct reg {
	struct import im;
	column *cols;            /* NPCOLS columns */
	sqlite3_stmt *find;      /* a territory, its name and parent's code */
	sqlite3_stmt *add;       /* INSERT INTO territories */
	size_t created;          /* territories created from the file */
};

/* The trimmed field of column k of the current record. */
static char *pfield(struct reg *rg, int k)
{
	return impact__field(&rg->im, &rg->cols[k]);
}

/* Do two names match ignoring case, accents and spacing? */
static int same_name(const char *a, const char *b)
{
	char fa[256], fb[256];

	return strcmp(impact__fold(fa, sizeof(fa), a),
	              impact__fold(fb, sizeof(fb), b)) == 0;
}

/*
 * Find territory `code`: *id (0 when absent), and when present its name
 * and its parent's code copied into name[256] and parent[MAX_CODE + 1]
 * ("" for a root).
 */
static int find_territory(struct reg *rg, const char *code, long long *id,
                          char *name, char *parent)
{
	sqlite3_stmt *st = rg->find;
	int step;

	*id = 0;
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 1);
		const char *p = (const char *)sqlite3_column_text(st, 2);

		*id = sqlite3_column_int64(st, 0);
		snprintf(name, 256, "%s", n ? n : "");
		snprintf(parent, MAX_CODE + 1, "%s", p ? p : "");
		return IMPACT_OK;
	}
	if (step != SQLITE_DONE)
		return impact__db_error(rg->im.h, "looking up a territory");
	return IMPACT_OK;
}

/* Create territory code/name under parent_id (0: a root); *id its id. */
static int add_territory(struct reg *rg, const char *code, const char *name,
                         long long parent_id, long long *id)
{
	sqlite3_stmt *st = rg->add;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
	if (parent_id)
		sqlite3_bind_int64(st, 3, parent_id);
	else
		sqlite3_bind_null(st, 3);
	if (sqlite3_step(st) != SQLITE_DONE)
		return impact__db_error(rg->im.h, "storing a territory");
	*id = sqlite3_last_insert_rowid(rg->im.h->db);
	rg->created++;
	return IMPACT_OK;
}

/* Refuse the file when name `given` (column k) contradicts the `stored`
 * name of territory `code`. */
static int check_name(struct reg *rg, int k, const char *code,
                      const char *given, const char *stored)
{
	if (!*given || same_name(given, stored))
		return IMPACT_OK;
	return REFUSE(&rg->im, "%s:%lld:%ld: territory \"%s\" is already "
	              "named \"%s\", not \"%s\": give it the same name on "
	              "every line, or rename it with 'impact import "
	              "territories'", rg->im.name, rg->im.rec.line,
	              rg->cols[k].index + 1, code, stored, given);
}

/* Refuse the file when `code` is not a valid code of column k. */
static int check_code(struct reg *rg, int k, const char *code)
{
	if (impact__valid_code(code))
		return IMPACT_OK;
	return REFUSE(&rg->im, "%s:%lld:%ld: invalid territory code \"%s\":"
	              " use 1 to 64 letters, digits, '-', '_' or '.'",
	              rg->im.name, rg->im.rec.line, rg->cols[k].index + 1,
	              code);
}

/*
 * The parent territory given on the current row, for a territory about
 * to be created: *id is 0 when the row gives none; an unknown parent is
 * created, a root, from parent_territory_name.  Refuses the file when it
 * can be neither found nor created.
 */
static int row_parent(struct reg *rg, const char *terr, long long *id)
{
	const char *code = pfield(rg, P_PARENT);
	const char *name = pfield(rg, P_PARENT_NAME);
	char stored[256], grand[MAX_CODE + 1];
	int rc;

	*id = 0;
	if (!*code)
		return IMPACT_OK;
	if ((rc = check_code(rg, P_PARENT, code)) != IMPACT_OK)
		return rc;
	if (strcmp(code, terr) == 0)
		return REFUSE(&rg->im, "%s:%lld:%ld: territory \"%s\" cannot be "
		              "its own parent", rg->im.name, rg->im.rec.line,
		              rg->cols[P_PARENT].index + 1, code);
	if ((rc = find_territory(rg, code, id, stored, grand)) != IMPACT_OK)
		return rc;
	if (*id)
		return check_name(rg, P_PARENT_NAME, code, name, stored);
	if (!*name)
		return REFUSE(&rg->im, "%s:%lld:%ld: unknown parent territory "
		              "\"%s\": import it first with 'impact import "
		              "territories', or give its name in a column "
		              "\"parent_territory_name\"", rg->im.name,
		              rg->im.rec.line, rg->cols[P_PARENT].index + 1,
		              code);
	return add_territory(rg, code, name, 0, id);
}

/*
 * The territory of the current row into *id: found in the database (or
 * created by an earlier row), else created from the row's territory_name
 * under its parent_territory.  What the row says of a territory that
 * exists (its name, its parent) must agree with the database.  Refuses
 * the file otherwise, at the column at fault.
 */
static int row_territory(struct reg *rg, long long *id)
{
	const char *code = pfield(rg, P_TERRITORY);
	const char *name = pfield(rg, P_TERRITORY_NAME);
	const char *parent = pfield(rg, P_PARENT);
	char stored[256], stored_parent[MAX_CODE + 1];
	long long pid;
	int rc;

	if (*pfield(rg, P_PARENT_NAME) && !*parent)
		return REFUSE(&rg->im, "%s:%lld:%ld: a parent territory name "
		              "without its code: give the code in a column "
		              "\"parent_territory\"", rg->im.name,
		              rg->im.rec.line,
		              rg->cols[P_PARENT_NAME].index + 1);
	if ((rc = find_territory(rg, code, id, stored, stored_parent)) != 0)
		return rc;
	if (*id) {
		char pname[256], unused[MAX_CODE + 1];

		if ((rc = check_name(rg, P_TERRITORY_NAME, code, name,
		                     stored)) != IMPACT_OK)
			return rc;
		if (!*parent)
			return IMPACT_OK;
		if (strcmp(parent, stored_parent) != 0)
			return REFUSE(&rg->im, "%s:%lld:%ld: territory \"%s\" is "
			              "already under %s%s%s, not under \"%s\": give "
			              "it the same parent on every line, or change "
			              "it with 'impact import territories'",
			              rg->im.name, rg->im.rec.line,
			              rg->cols[P_PARENT].index + 1, code,
			              *stored_parent ? "\"" : "no territory",
			              stored_parent, *stored_parent ? "\"" : "",
			              parent);
		if ((rc = find_territory(rg, parent, &pid, pname, unused)) != 0)
			return rc;
		return check_name(rg, P_PARENT_NAME, parent,
		                  pfield(rg, P_PARENT_NAME), pname);
	}
	if (!*name) {
		long nc = rg->cols[P_TERRITORY_NAME].index;

		if (nc < 0)
			return REFUSE(&rg->im, "%s:%lld:%ld: unknown territory "
			              "\"%s\": import it first with 'impact import "
			              "territories', or give its name in a column "
			              "\"territory_name\"", rg->im.name,
			              rg->im.rec.line,
			              rg->cols[P_TERRITORY].index + 1, code);
		return REFUSE(&rg->im, "%s:%lld:%ld: unknown territory \"%s\" "
		              "without a name: give its name in column \"%s\" "
		              "(column %ld), or import it first with 'impact "
		              "import territories'", rg->im.name,
		              rg->im.rec.line, rg->cols[P_TERRITORY].index + 1,
		              code, rg->im.header[nc], nc + 1);
	}
	if ((rc = check_code(rg, P_TERRITORY, code)) != IMPACT_OK
	    || (rc = row_parent(rg, code, &pid)) != IMPACT_OK)
		return rc;
	return add_territory(rg, code, name, pid, id);
}

/*
 * Import a places register: one place per row, and, in the same file, the
 * territories it needs (territory_name, parent_territory,
 * parent_territory_name).  Existing place codes are updated; territories
 * are only created, never changed.  All or nothing: the first bad row
 * refuses the file at file:line:column.
 */
int impact_import_places(impact *h, const char *path,
                         const impact_import_opts *opts,
                         impact_import_summary *out)
{
	struct reg rg;
	impact_import_summary dummy;
	column cols[NPCOLS] = {
		[P_CODE] = { "code", 1, -1, "code lieu|code du lieu|place code|"
		             "identifiant" },
		[P_NAME] = { "name", 1, -1, "nom|nom du lieu|place name|"
		             "tiers-lieu|lieu" },
		[P_TERRITORY] = { "territory", 1, -1, "territoire|"
		                  "code territoire|code du territoire|"
		                  "territory code" },
		[P_COMMUNE] = { "commune", 0, -1, "ville|municipality|town" },
		[P_LATITUDE] = { "latitude", 0, -1, "lat" },
		[P_LONGITUDE] = { "longitude", 0, -1, "lon|lng|long" },
		[P_TERRITORY_NAME] = { "territory_name", 0, -1,
		                       "nom du territoire|nom territoire" },
		[P_PARENT] = { "parent_territory", 0, -1, "territoire parent|"
		               "code territoire parent|"
		               "code du territoire parent|"
		               "parent territory code" },
		[P_PARENT_NAME] = { "parent_territory_name", 0, -1,
		                    "nom du territoire parent|"
		                    "nom territoire parent" }
	};
	sqlite3_stmt *upsert = NULL;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	memset(&rg, 0, sizeof(rg));
	rg.cols = cols;
	if (!out)
		out = &dummy;
	rc = impact__import_begin(&rg.im, h, path, "places", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = impact__map_header(&rg.im, cols, NPCOLS, NULL, NULL)) != 0)
		goto done;
	if ((rc = impact__prepare(h, &upsert, "INSERT INTO places (code, name,"
	                          " territory_id, commune, latitude, longitude)"
	                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
	                          " ON CONFLICT(code) DO UPDATE SET"
	                          " name = excluded.name,"
	                          " territory_id = excluded.territory_id,"
	                          " commune = excluded.commune,"
	                          " latitude = excluded.latitude,"
	                          " longitude = excluded.longitude;")) != 0
	    || (rc = impact__prepare(h, &rg.find, "SELECT t.id, t.name,"
	                             " p.code FROM territories t"
	                             " LEFT JOIN territories p"
	                             " ON p.id = t.parent_id"
	                             " WHERE t.code = ?1;")) != 0
	    || (rc = impact__prepare(h, &rg.add, "INSERT INTO territories (code,"
	                             " name, parent_id) VALUES (?1, ?2, ?3);"))
	       != 0)
		goto done;
	while ((rc = impact__csv_next(h, rg.im.csv, &rg.im.rec)) == 1) {
		char reason[MAX_REASON], *code, *name, *commune;
		double coord[2];
		long long tid;
		int k;

		out->rows_read++;
		if (!impact__check_width(&rg.im, reason, sizeof(reason))) {
			rc = REFUSE(&rg.im, "%s:%lld:1: %s", rg.im.name,
			            rg.im.rec.line, reason);
			goto done;
		}
		code = pfield(&rg, P_CODE);
		name = pfield(&rg, P_NAME);
		commune = pfield(&rg, P_COMMUNE);
		if (!impact__valid_code(code)) {
			rc = REFUSE(&rg.im, "%s:%lld:%ld: invalid place code "
			            "\"%s\": use 1 to 64 letters, digits, '-', '_' "
			            "or '.'", rg.im.name, rg.im.rec.line,
			            cols[P_CODE].index + 1, code);
			goto done;
		}
		if (!*name) {
			rc = REFUSE(&rg.im, "%s:%lld:%ld: place \"%s\" has no name",
			            rg.im.name, rg.im.rec.line,
			            cols[P_NAME].index + 1, code);
			goto done;
		}
		if ((rc = row_territory(&rg, &tid)) != IMPACT_OK)
			goto done;
		for (k = 0; k < 2; k++) {
			const column *c = &cols[P_LATITUDE + k];
			const char *s = impact__field(&rg.im, c);
			double lim = k == 0 ? 90 : 180;

			coord[k] = NAN;
			if (!*s)
				continue;
			if (!impact__parse_number(s, &coord[k]) || coord[k] < -lim
			    || coord[k] > lim) {
				rc = REFUSE(&rg.im, "%s:%lld:%ld: invalid %s \"%s\":"
				            " expected decimal degrees between %g "
				            "and %g, such as 46,512 or 46.512",
				            rg.im.name, rg.im.rec.line, c->index + 1,
				            c->name, s, -lim, lim);
				goto done;
			}
		}
		sqlite3_reset(upsert);
		sqlite3_bind_text(upsert, 1, code, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(upsert, 2, name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upsert, 3, tid);
		if (*commune)
			sqlite3_bind_text(upsert, 4, commune, -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(upsert, 4);
		for (k = 0; k < 2; k++) {
			if (isnan(coord[k]))
				sqlite3_bind_null(upsert, 5 + k);
			else
				sqlite3_bind_double(upsert, 5 + k, coord[k]);
		}
		if (sqlite3_step(upsert) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing a place");
			goto done;
		}
		out->rows_loaded++;
	}
	if (rc > 0)
		rc = IMPACT_OK;
	if (rc == IMPACT_OK && rg.created) {
		size_t used = strlen(out->notes);

		snprintf(out->notes + used, sizeof(out->notes) - used,
		         "%s%zu territor%s created from the file", used ? "; " : "",
		         rg.created, rg.created == 1 ? "y" : "ies");
	}
done:
	sqlite3_finalize(upsert);
	sqlite3_finalize(rg.find);
	sqlite3_finalize(rg.add);
	return impact__import_end(&rg.im, rc);
}
