/*
 * tests/unit/helpers.h: small helpers shared by the unit tests: a fresh
 * temporary folder per test, writing a file in it, and an open database.
 */
#ifndef IMPACT_TESTS_HELPERS_H
#define IMPACT_TESTS_HELPERS_H

#include <stddef.h>

#include "impact.h"

/* Create a fresh temporary folder; returns its path (static buffer). */
const char *t_tmpdir(void);

/* Write `text` to dir/name; returns the full path (static ring buffer of
 * 8 entries, so a test can hold several). */
const char *t_write(const char *dir, const char *name, const char *text);

/* Write `n` bytes. */
const char *t_write_bytes(const char *dir, const char *name, const void *p,
                          size_t n);

/* A handle with a new database dir/impact.db open. */
impact *t_open_new_db(const char *dir);

/* Remove a folder and everything in it. */
void t_rmtree(const char *dir);

#endif
