/*
 * surveys/activities.c: the importer of activity logs (docs/formats.md):
 * one row per workshop, event or coworking day; each bad row is kept in
 * `rejects`.  Built on the shared machinery of surveys/import.h.
 */
#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../engine/context.h"
#include "../engine/sha256.h"
#include "import.h"


/* Is s a valid date YYYY-MM-DD?  Sets *year. */
static int parse_date(const char *s, long long *year)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	                             30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 0;
	*year = y;
	return 1;
}

int impact_import_activities(impact *h, const char *path,
                             const impact_import_opts *opts,
                             impact_import_summary *out)
{
	struct import im = { 0 };
	impact_import_summary dummy;
	column cols[] = { { "place", 1, -1 }, { "date", 1, -1 },
	                  { "category", 1, -1 }, { "title", 0, -1 },
	                  { "participants", 1, -1 }, { "hours", 1, -1 },
	                  { "volunteers", 0, -1 } };
	sqlite3_stmt *find = NULL, *ins = NULL;
	int rc;

	assert(h && path);
	impact__clear_error(h);
	if (!out)
		out = &dummy;
	rc = impact__import_begin(&im, h, path, "activities", 0, opts, out);
	if (rc != IMPACT_OK || out->already_imported)
		goto done;
	if ((rc = impact__map_header(&im, cols, 7, NULL, NULL)) != IMPACT_OK)
		goto done;
	if ((rc = impact__prepare(h, &find, "SELECT id FROM places"
	                          " WHERE code = ?1;")) != 0
	    || (rc = impact__prepare(h, &ins, "INSERT INTO activities"
	                             " (import_id, place_id, date, period,"
	                             " category, title, participants, hours,"
	                             " volunteers) VALUES (?1, ?2, ?3, ?4, ?5,"
	                             " ?6, ?7, ?8, ?9);")) != 0)
		goto done;
	while ((rc = impact__csv_next(h, im.csv, &im.rec)) == 1) {
		char reason[MAX_REASON], *place, *date, *cat, *people, *hours_s,
		     *vol;
		long long pid = 0, year = 0, npeople = 0, nvol = 0;
		double hours = 0;
		long bad = -1;
		char *c;

		out->rows_read++;
		place = impact__field(&im, &cols[0]);
		date = impact__field(&im, &cols[1]);
		cat = impact__field(&im, &cols[2]);
		people = impact__field(&im, &cols[4]);
		hours_s = impact__field(&im, &cols[5]);
		vol = impact__field(&im, &cols[6]);
		for (c = cat; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		if (!impact__check_width(&im, reason, sizeof(reason))) {
			bad = 0;
		} else if ((rc = impact__lookup_id(h, find, place, &pid)) != 0) {
			goto done;
		} else if (!pid) {
			bad = cols[0].index;
			snprintf(reason, sizeof(reason), "unknown place \"%.64s\": "
			         "check the code or import it with 'impact import "
			         "places'", place);
		} else if (!parse_date(date, &year)) {
			bad = cols[1].index;
			snprintf(reason, sizeof(reason), "invalid date \"%.32s\": "
			         "expected YYYY-MM-DD, such as 2024-03-14", date);
		} else if (!impact__valid_code(cat)) {
			bad = cols[2].index;
			snprintf(reason, sizeof(reason), "invalid category "
			         "\"%.64s\": one short word such as atelier, "
			         "evenement, coworking", cat);
		} else if (!impact__parse_count(people, 1000000000, &npeople)) {
			bad = cols[4].index;
			snprintf(reason, sizeof(reason), "invalid participants "
			         "\"%.32s\": expected a whole number, 0 or more",
			         people);
		} else if (!impact__parse_number(hours_s, &hours) || hours < 0
		           || hours > 24 * 366) {
			bad = cols[5].index;
			snprintf(reason, sizeof(reason), "invalid hours \"%.32s\": "
			         "expected a duration in hours, 0 or more", hours_s);
		} else if (*vol && !impact__parse_count(vol, 1000000000, &nvol)) {
			bad = cols[6].index;
			snprintf(reason, sizeof(reason), "invalid volunteers "
			         "\"%.32s\": expected a whole number, 0 or more",
			         vol);
		}
		if (bad >= 0) {
			if ((rc = impact__reject(&im, bad, MASK_NONE, NULL, reason)) != 0)
				goto done;
			continue;
		}
		sqlite3_reset(ins);
		sqlite3_bind_int64(ins, 1, im.import_id);
		sqlite3_bind_int64(ins, 2, pid);
		sqlite3_bind_text(ins, 3, date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, year);
		sqlite3_bind_text(ins, 5, cat, -1, SQLITE_TRANSIENT);
		if (*impact__field(&im, &cols[3]))
			sqlite3_bind_text(ins, 6, impact__field(&im, &cols[3]), -1,
			                  SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(ins, 6);
		sqlite3_bind_int64(ins, 7, npeople);
		sqlite3_bind_double(ins, 8, hours);
		sqlite3_bind_int64(ins, 9, nvol);
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = impact__db_error(h, "storing an activity");
			goto done;
		}
		out->rows_loaded++;
		if (out->rows_read % 1000 == 0)
			impact__progress(h, "activities", out->rows_read, 0);
	}
	if (rc > 0)
		rc = IMPACT_OK;
done:
	sqlite3_finalize(find);
	sqlite3_finalize(ins);
	return impact__import_end(&im, rc);
}

