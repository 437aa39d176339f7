/*
 * tests/unit/helpers.c: see helpers.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "helpers.h"

const char *t_tmpdir(void)
{
	static char dir[64];

	snprintf(dir, sizeof(dir), "/tmp/impact-unit.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	return dir;
}

const char *t_write_bytes(const char *dir, const char *name, const void *p,
                          size_t n)
{
	static char paths[8][512];
	static int next;
	char *path = paths[next++ % 8];
	FILE *fp;

	snprintf(path, 512, "%s/%s", dir, name);
	fp = fopen(path, "wb");
	cr_assert_not_null(fp, "cannot write %s", path);
	cr_assert_eq(fwrite(p, 1, n, fp), n);
	cr_assert_eq(fclose(fp), 0);
	return path;
}

const char *t_write(const char *dir, const char *name, const char *text)
{
	return t_write_bytes(dir, name, text, strlen(text));
}

impact *t_open_new_db(const char *dir)
{
	char path[512];
	impact *h = NULL;

	snprintf(path, sizeof(path), "%s/impact.db", dir);
	cr_assert_eq(impact_new(&h), IMPACT_OK);
	cr_assert_eq(impact_db_init(h, path, NULL, NULL), IMPACT_OK, "%s",
	             impact_errmsg(h));
	return h;
}

void t_rmtree(const char *dir)
{
	char cmd[600];

	if (!dir || strncmp(dir, "/tmp/", 5) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}
