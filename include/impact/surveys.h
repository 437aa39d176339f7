/*
 * impact/surveys.h: questionnaire definitions and the importers of
 * territories, places, survey answers and activity logs.
 *
 * The file formats are documented in docs/formats.md.  Reference data
 * (territories, places, questionnaires) is all or nothing: one bad row and
 * the file is refused, the database unchanged.  Observations (answers,
 * activities) load the good rows and keep each bad row in the `rejects`
 * table with its line, column and reason (or, with opts->strict, refuse
 * the whole file).  `opts` may be NULL: everything is detected.  A file already imported (same
 * kind, same SHA-256) is not imported twice.
 */
#ifndef IMPACT_SURVEYS_H
#define IMPACT_SURVEYS_H

#include <stdio.h>

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

/* Day and month order of dates like 03/04/2024. */
enum {
	IMPACT_DATES_AUTO = 0,  /* from the column (a value above 12), else the
	                           file's locale (French files: day first) */
	IMPACT_DATES_DMY = 1,   /* day first */
	IMPACT_DATES_MDY = 2    /* month first */
};

/* How to read a file; every field left at its _INIT value is detected. */
typedef struct {
	int encoding;       /* IMPACT_ENCODING_*: AUTO detects */
	char delimiter;     /* ',', ';' or '\t'; 0 detects */
	int header_rows;    /* 1 to 3; 0 detects */
	const char *tool;   /* exporting tool (docs/formats.md); NULL detects */
	const char *place;  /* place code of every row (answers), or NULL */
	int period;         /* year of every row (answers); 0: from the data */
	int date_order;     /* IMPACT_DATES_* */
	int strict;         /* 1: one bad row refuses the whole file */
	const char *only_place; /* answers and activities: the file may hold
	                           only this place's rows (a facilitator's
	                           upload): a row naming another place is
	                           kept aside, a row naming none is this
	                           place's; NULL: any place */
} impact_import_opts;

#define IMPACT_IMPORT_OPTS_INIT { 0, 0, 0, NULL, NULL, 0, 0, 0, NULL }

/* What an import did. */
typedef struct {
	long long import_id;   /* row of the `imports` table (0 if none made) */
	size_t rows_read;      /* data records read (header excluded) */
	size_t rows_loaded;    /* records stored */
	size_t rows_rejected;  /* records kept aside in `rejects` */
	size_t rows_skipped;   /* records already stored, identical (a tool's
	                          cumulative export imported again) */
	int already_imported;  /* 1: this file was imported before, nothing done */
	char sha256[65];       /* hex digest of the file's bytes */
	char encoding[24];     /* encoding read, e.g. "Windows-1252" */
	char delimiter;        /* delimiter read */
	int header_rows;       /* header rows read */
	char tool[24];         /* tool recognised, e.g. "kobotoolbox" */
	int date_order;        /* IMPACT_DATES_* used for ambiguous dates */
	char notes[1024];      /* one line for the user: columns ignored,
	                          choices made ("" when none) */
} impact_import_summary;

/* Import a territories CSV (code,name,parent).  Existing codes are
 * updated.  All or nothing. */
int impact_import_territories(impact *h, const char *path,
                              const impact_import_opts *opts,
                              impact_import_summary *out);

/* Import a register of places (code, name, territory, commune, latitude,
 * longitude, with French names accepted), which may also create the
 * territories it names (territory_name, parent_territory,
 * parent_territory_name).  Existing place codes are updated.  All or
 * nothing; unknown columns are an error. */
int impact_import_places(impact *h, const char *path,
                         const impact_import_opts *opts,
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

/* Options of impact_survey_template(). */
typedef struct {
	int excel;          /* 1: French Excel (Windows-1252, ';'); 0: UTF-8 */
	const char *lang;   /* hints in "fr" (default, NULL) or "en" */
} impact_template_opts;

#define IMPACT_TEMPLATE_OPTS_INIT { 0, NULL }

/*
 * Write to `out` a spreadsheet-ready CSV template for typing in the paper
 * questionnaires of survey `survey_code`: line 1 the column names
 * (`respondent`, `place`, `period` first when no question has role
 * respondent, place, date respectively, then every question id in order),
 * line 2 one hint per column, its first field starting with "# " (the
 * answers importer skips such a line).  UTF-8 with BOM, ',' and CRLF; with
 * opts->excel, Windows-1252 (a character outside it becomes '?'), ';' and
 * CRLF.  `opts` may be NULL (the defaults).  Errors: IMPACT_ENOTFOUND for
 * an unknown survey, IMPACT_EUSAGE for another lang, IMPACT_EIO when
 * writing fails (`out` is flushed before returning).
 */
int impact_survey_template(impact *h, const char *survey_code,
                           const impact_template_opts *opts, FILE *out);

/* Import survey answers of questionnaire `survey_code` as a survey tool
 * or a spreadsheet exported them (docs/formats.md, "Answers files"): the
 * encoding, delimiter, header rows, tool, columns and date order are
 * detected unless forced in `opts`; unknown columns are noted in
 * out->notes and never stored. */
int impact_import_answers(impact *h, const char *path, const char *survey_code,
                          const impact_import_opts *opts,
                          impact_import_summary *out);

/* Import an activity log (docs/formats.md, "activities CSV"): place,
 * date, category, title, hours, participants, new participants,
 * volunteers, volunteer hours, publics, co-organising places, free or
 * paid, by English or French names in any order.  Unknown columns are
 * noted in out->notes; out->date_order says how slash dates were read. */
int impact_import_activities(impact *h, const char *path,
                             const impact_import_opts *opts,
                             impact_import_summary *out);

/* Import places' yearly facts (docs/formats.md, "facts CSV"): one row per
 * place and year, a column per fact (jobs, budget, surface...), numbers
 * as spreadsheets write them.  A fact given again for the same place and
 * year replaces the stored one.  Bad rows are kept in `rejects`. */
int impact_import_facts(impact *h, const char *path,
                        const impact_import_opts *opts,
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

/* ---- One respondent typed in a form (`impact serve`) ---- */

/* One answer as a person typed it. */
typedef struct {
	const char *question;  /* question id */
	const char *text;      /* the raw text, read as the importer reads a
	                          cell; NULL or "" for no answer; a multiple
	                          choice as codes joined by ';' */
} impact_answer_field;

/* Longest text of one answer, in bytes. */
#define IMPACT_FIELD_MAX 2000

/* Why an answer was refused (impact_field_error.code). */
enum {
	IMPACT_FIELD_NUMBER = 1,    /* not a number */
	IMPACT_FIELD_RANGE = 2,     /* a number outside min..max */
	IMPACT_FIELD_YESNO = 3,     /* neither yes nor no */
	IMPACT_FIELD_CHOICE = 4,    /* not one of the question's choices */
	IMPACT_FIELD_DATE = 5,      /* not a date */
	IMPACT_FIELD_REQUIRED = 6,  /* a required question left unanswered */
	IMPACT_FIELD_TOO_LONG = 7,  /* longer than IMPACT_FIELD_MAX bytes */
	IMPACT_FIELD_ENCODING = 8,  /* not valid UTF-8 */
	IMPACT_FIELD_UNKNOWN = 9,   /* no such question, or given twice */
	IMPACT_FIELD_DUPLICATE = 10 /* this identifier already answered the
	                               survey that period */
};

/* One refused answer. */
typedef struct {
	char question[65];  /* question id, as given */
	int code;           /* IMPACT_FIELD_* */
	int has_min, has_max; /* bounds of the question, for the message */
	double min, max;
	char reason[512];   /* the importer's message for it, in English */
} impact_field_error;

/* Which respondent impact_answers_add_one() stores. */
typedef struct {
	const char *survey;     /* questionnaire id */
	const char *place;      /* place code: the respondent's place */
	int period;             /* year, 1900 to 9999 */
	long long respondent;   /* 0: a new respondent; else a form entry of
	                           the same place and survey to replace (a
	                           correction) */
	int dry_run;            /* 1: check the answers only (period not
	                           needed), store nothing */
} impact_entry_opts;

#define IMPACT_ENTRY_OPTS_INIT { NULL, NULL, 0, 0, 0 }

/*
 * Validate and store one respondent's answers typed in a form, with the
 * rules `impact import answers` applies to a row (each text is read as a
 * cell of a file; dates day first), all in one transaction.  Questions
 * with role place take opts->place; the respondent identifier (the
 * question with role respondent), when given, is replaced by its keyed
 * hash exactly as the importer does, so the same person is recognised in
 * a later file; without one the key is random.  Every refused answer is
 * reported: the first `max_errors` go to `errors`, their number to
 * *out_nerrors (may be NULL), and the call returns IMPACT_EDATA with
 * nothing stored.  On success *out_respondent (may be NULL) is the
 * respondent's id, listed by impact_entries_each().  For a correction an
 * empty identifier keeps the stored key.  Errors besides: IMPACT_ENOTFOUND
 * for an unknown survey or place, or a respondent that is not a form
 * entry of that place and survey; IMPACT_EUSAGE for a period out of range.
 * With opts->dry_run the answers are checked and nothing else is done
 * (the identifier is not looked up): IMPACT_OK or IMPACT_EDATA.
 */
int impact_answers_add_one(impact *h, const impact_entry_opts *opts,
                           const impact_answer_field *fields, size_t nfields,
                           impact_field_error *errors, size_t max_errors,
                           size_t *out_nerrors, long long *out_respondent);

/* One choice of a question; strings borrowed. */
typedef struct {
	const char *code;
	const char *label_fr;
	const char *label_en;     /* NULL when the definition has none */
	int has_value;
	double value;
} impact_choice_info;

/* One question as a form shows it; strings and choices borrowed for the
 * duration of the callback. */
typedef struct {
	const char *code;         /* question id */
	int position;             /* 1-based */
	const char *label_fr;
	const char *label_en;     /* NULL when the definition has none */
	const char *kind;         /* "scale", "rating", "yesno", "single",
	                             "multiple", "number", "date", "text" */
	const char *role;         /* "place", "respondent", ..., or NULL */
	int required;
	int has_min, has_max;
	double min, max;
	const impact_choice_info *choices;
	size_t nchoices;
} impact_question_info;

/* Call `cb` for each question of survey `survey`, in order.
 * IMPACT_ENOTFOUND for an unknown survey. */
int impact_survey_questions_each(impact *h, const char *survey,
                                 int (*cb)(void *payload,
                                           const impact_question_info *q),
                                 void *payload);

/* A form entry as listed. */
typedef struct {
	long long respondent;     /* respondents.id */
	char survey[65];          /* questionnaire id */
	char place[65];           /* place code */
	int period;
	char submitted_on[11];    /* "YYYY-MM-DD" or "" */
	char entered_at[24];      /* UTC, ISO 8601 */
	char changed_at[24];      /* "" when never corrected */
	long long answers;        /* questions answered */
} impact_entry_info;

/* Call `cb` for each form entry of place `place` (NULL: every place), the
 * latest first. */
int impact_entries_each(impact *h, const char *place,
                        int (*cb)(void *payload, const impact_entry_info *e),
                        void *payload);

/*
 * Read back form entry `respondent` of place `place` (NULL: any place)
 * into *out, and call `cb` (may be NULL) with each answer as a form shows
 * it: numbers as "7" or "7.5", yes/no as "oui"/"non", choices as their
 * codes (several joined by ';'), dates as YYYY-MM-DD, text as typed.  The
 * respondent identifier is never stored, so never given back.
 * IMPACT_ENOTFOUND when it is not a form entry of that place.
 */
int impact_entry_get(impact *h, long long respondent, const char *place,
                     impact_entry_info *out,
                     int (*cb)(void *payload, const char *question,
                               const char *text),
                     void *payload);

/* Delete form entry `respondent` of place `place` (NULL: any place) with
 * its answers.  IMPACT_ENOTFOUND when it is not a form entry of that
 * place: imported respondents are never deleted here. */
int impact_entry_delete(impact *h, long long respondent, const char *place);

/* Respondents of one place for one survey and period. */
typedef struct {
	const char *survey;       /* questionnaire id */
	const char *title_fr, *title_en;
	int period;
	long long respondents;    /* all of them */
	long long entries;        /* of which typed in a form */
} impact_place_count;

/* Call `cb` for each survey and period with respondents at place `place`,
 * the latest period first; straight from the stored respondents, so an
 * entry counts as soon as it is stored. */
int impact_place_counts_each(impact *h, const char *place,
                             int (*cb)(void *payload,
                                       const impact_place_count *c),
                             void *payload);

/* A place or a territory of the register; strings borrowed. */
typedef struct {
	const char *code;
	const char *name;
	const char *territory;    /* a place's territory, a territory's
	                             parent (NULL for a root) */
	const char *territory_name;
} impact_unit_info;

/* Call `cb` for each place, by code. */
int impact_places_each(impact *h,
                       int (*cb)(void *payload, const impact_unit_info *u),
                       void *payload);

/* Call `cb` for each territory, by code. */
int impact_territories_each(impact *h,
                            int (*cb)(void *payload,
                                      const impact_unit_info *u),
                            void *payload);

#ifdef __cplusplus
}
#endif
#endif
