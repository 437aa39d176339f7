/*
 * surveys/csv.h: a streaming CSV reader over libcsv that knows, for every
 * record, the physical line where it starts, so that every error can say
 * file:line:column.  Internal to the library.
 */
#ifndef IMPACT_SURVEYS_CSV_H
#define IMPACT_SURVEYS_CSV_H

#include <stddef.h>

#include "impact/common.h"

/* Limits that keep memory bounded whatever the input. */
#define IMPACT__CSV_MAX_FIELDS 4096
#define IMPACT__CSV_MAX_RECORD (16u * 1024u * 1024u)

typedef struct impact_csv impact_csv;

/* One record: fields are NUL-terminated and owned by the reader, valid
 * until the next impact__csv_next() or impact__csv_close(). */
typedef struct {
	char **fields;      /* nfields strings */
	size_t *lens;       /* their lengths in bytes */
	size_t nfields;
	long long line;     /* physical line where the record starts (1-based) */
} impact_csv_record;

/*
 * Open `path` for reading as UTF-8 whatever its encoding (surveys/decode.h:
 * `encoding` is IMPACT_ENCODING_AUTO or forced) and with the delimiter
 * `delimiter` (',', ';' or '\t'), or, when it is 0, the one that occurs
 * most often outside quotes on the first line.  `name` (borrowed, must
 * outlive the reader) is the file name used in messages.  When `sha256`
 * is not NULL it receives the hex SHA-256 of the file's raw bytes.
 */
int impact__csv_open(impact *h, impact_csv **out, const char *path,
                     const char *name, int encoding, char delimiter,
                     char *sha256);

/* Progress: raw bytes of the file read so far, of its total size. */
void impact__csv_position(const impact_csv *r, long long *done,
                          long long *total);

/* The encoding the file is read in (IMPACT_ENCODING_*). */
int impact__csv_encoding(const impact_csv *r);

/* Read the next non-blank record into *rec.  Returns 1 when a record was
 * read, 0 at the end of the file, or a negative IMPACT_E* code. */
int impact__csv_next(impact *h, impact_csv *r, impact_csv_record *rec);

/* The detected delimiter. */
char impact__csv_delimiter(const impact_csv *r);

/* Close and free; accepts NULL. */
void impact__csv_close(impact_csv *r);


#endif
