/*
 * impact/surveys.h: questionnaire definitions and the importers of
 * territories, places, survey answers and activity logs.
 *
 * The file formats are documented in docs/formats.md.  Reference data
 * (territories, places, questionnaires) is all or nothing: one bad row and
 * the file is refused, the database unchanged.  Observations (answers,
 * activities) load the good rows and keep each bad row in the `rejects`
 * table with its line, column and reason.  A file already imported (same
 * kind, same SHA-256) is not imported twice.
 */
#ifndef IMPACT_SURVEYS_H
#define IMPACT_SURVEYS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Text encodings of imported files (see docs/formats.md). */
enum {
	IMPACT_ENCODING_AUTO = 0,     /* detect: BOM, else UTF-8, else 1252 */
	IMPACT_ENCODING_UTF8 = 1,     /* UTF-8 without BOM */
	IMPACT_ENCODING_UTF8_BOM = 2, /* UTF-8 with BOM */
	IMPACT_ENCODING_UTF16LE = 3,  /* UTF-16 little-endian (with BOM) */
	IMPACT_ENCODING_UTF16BE = 4,  /* UTF-16 big-endian (with BOM) */
	IMPACT_ENCODING_CP1252 = 5    /* Windows-1252 (French Excel) */
};

/* What an import did. */
typedef struct {
	long long import_id;   /* row of the `imports` table (0 if none made) */
	size_t rows_read;      /* data records read (header excluded) */
	size_t rows_loaded;    /* records stored */
	size_t rows_rejected;  /* records kept aside in `rejects` */
	int already_imported;  /* 1: this file was imported before, nothing done */
	char sha256[65];       /* hex digest of the file's bytes */
} impact_import_summary;

/* Import a territories CSV (code,name,parent).  Existing codes are
 * updated.  All or nothing. */
int impact_import_territories(impact *h, const char *path,
                              impact_import_summary *out);

/* Import a places CSV (code,name,territory,commune,latitude,longitude).
 * Existing codes are updated.  All or nothing. */
int impact_import_places(impact *h, const char *path,
                         impact_import_summary *out);

/*
 * Add a questionnaire definition (JSON, docs/formats.md).  On success
 * *out_code (may be NULL) receives the survey's id, owned by the caller
 * (free with free()).  A survey whose id exists is refused unless its
 * definition is byte-identical, which is a no-op (*out_existed set to 1;
 * may be NULL).
 */
int impact_survey_add(impact *h, const char *path, char **out_code,
                      int *out_existed);

/* One questionnaire as listed by impact_survey_each(); strings borrowed for
 * the duration of the callback. */
typedef struct {
	const char *code;
	const char *title_fr;
	const char *title_en;
	long long questions;
	long long respondents;
} impact_survey_info;

/* Call `cb` for each questionnaire, ordered by id.  A non-zero return from
 * `cb` stops the walk and is returned. */
int impact_survey_each(impact *h,
                       int (*cb)(void *payload, const impact_survey_info *s),
                       void *payload);

/* Import survey answers in the simple wide format: one row per respondent,
 * columns respondent,place,period then one column per question id of
 * survey `survey_code`. */
int impact_import_answers(impact *h, const char *path, const char *survey_code,
                          impact_import_summary *out);

/* Import an activity log:
 * place,date,category,title,participants,hours,volunteers. */
int impact_import_activities(impact *h, const char *path,
                             impact_import_summary *out);

/* One rejected record; strings borrowed for the duration of the callback. */
typedef struct {
	long long import_id;
	const char *file_name;
	long long line;        /* 1-based physical line where the record starts */
	long long column;      /* 1-based field number */
	const char *field;     /* column name from the header, or "" */
	const char *reason;
} impact_reject_info;

/* Call `cb` for each rejected record, of import `import_id` or of all
 * imports when it is 0, in file order. */
int impact_rejects_each(impact *h, long long import_id,
                        int (*cb)(void *payload, const impact_reject_info *r),
                        void *payload);

#ifdef __cplusplus
}
#endif
#endif
