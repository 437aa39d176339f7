/*
 * surveys/decode.h: reading a text file in whatever encoding a survey tool
 * or a spreadsheet wrote it, as UTF-8.  Internal to the library.
 *
 * Detection (shared/reference/survey-exports.md): a byte-order mark first
 * (UTF-8 EF BB BF, UTF-16LE FF FE, UTF-16BE FE FF); else the whole file is
 * checked as strict UTF-8; else it is Windows-1252 (French Excel's "CSV
 * (point-virgule)").  NUL bytes are dropped in every encoding (legacy
 * SurveyMonkey writes some).  The BOM is not part of the output.  Memory
 * does not depend on the file's size.
 */
#ifndef IMPACT_SURVEYS_DECODE_H
#define IMPACT_SURVEYS_DECODE_H

#include <stddef.h>

#include "impact/common.h"
#include "impact/surveys.h"

typedef struct impact_decoder impact_decoder;

/*
 * Open `path` (`name` is used in messages; borrowed, must outlive the
 * decoder).  `encoding` is IMPACT_ENCODING_AUTO to detect, or one of
 * IMPACT_ENCODING_* to force (a forced UTF-16 still skips its BOM; a forced
 * UTF-8 file that is not valid UTF-8 fails on read with the position of
 * the first bad byte).  On success, when `sha256` is not NULL, it receives
 * the hex SHA-256 of the file's raw bytes (65 bytes).  Detection and the
 * hash come from one pass over the file.  Errors: IMPACT_ENOTFOUND for a
 * missing file, IMPACT_EIO for a read error (message "cannot open 'path':
 * strerror" or "cannot read ..."), IMPACT_EDATA for an odd-length UTF-16
 * file ("name: UTF-16 file with an odd number of bytes").
 */
int impact__decoder_open(impact *h, impact_decoder **out, const char *path,
                         const char *name, int encoding, char *sha256);

/*
 * Read up to `size` (>= 8) bytes of UTF-8 into buf, never splitting a
 * character across two reads.  Returns the number of bytes (0 at the end
 * of the file) or a negative IMPACT_E* code: IMPACT_EDATA for bytes that
 * are invalid in the file's encoding (invalid UTF-8 when UTF-8 was forced,
 * an unpaired UTF-16 surrogate), with message
 * "name: byte N: not valid UTF-8 (...)" where N is the 1-based offset in
 * the file.
 */
long impact__decoder_read(impact *h, impact_decoder *d, unsigned char *buf,
                          size_t size);

/* The encoding in use (IMPACT_ENCODING_UTF8, ..._UTF8_BOM, ..._UTF16LE,
 * ..._UTF16BE or ..._CP1252). */
int impact__decoder_encoding(const impact_decoder *d);

/* A short English name of an encoding: "UTF-8", "UTF-8 with BOM",
 * "UTF-16LE", "UTF-16BE", "Windows-1252", "auto". */
const char *impact__encoding_name(int encoding);

/* How far reading has gone: *done raw bytes of the file's *total
 * (read ahead by the decoder's buffer, so an estimate for progress). */
void impact__decoder_position(const impact_decoder *d, long long *done,
                              long long *total);

/* Close and free; accepts NULL. */
void impact__decoder_close(impact_decoder *d);

#endif
