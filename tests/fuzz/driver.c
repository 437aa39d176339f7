/*
 * tests/fuzz/driver.c: replay a fuzz target's corpus without libFuzzer,
 * the way libgit2's tests/fuzz/standalone_driver.c and SQLite's fuzzcheck
 * do, so that `make check` runs every saved input (seeds and every crash
 * ever found) under ASan and UBSan with the ordinary compiler.
 *
 *   fuzz-replay-TARGET DIR-OR-FILE...
 *
 * Every regular file of each directory (in name order, not descending)
 * and every file named is given to LLVMFuzzerTestOneInput() once.  The
 * result is one TAP line: "ok - fuzz TARGET: N inputs replayed", or
 * "not ok - fuzz TARGET: ..." when an argument cannot be read, no input
 * was found, or a sanitizer stops the process (the line then names the
 * input being replayed; the exit status is the sanitizer's).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_HAVE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_HAVE_SANITIZER 1
#endif
#endif

#ifdef FUZZ_HAVE_SANITIZER
/* sanitizer/common_interface_defs.h: called when a sanitizer ends the
 * process. */
void __sanitizer_set_death_callback(void (*callback)(void));
/* sanitizer/lsan_interface.h: check for leaks now; a leak ends the
 * process (no-op when ASAN_OPTIONS has detect_leaks=0). */
void __lsan_do_leak_check(void);
#endif

static char current[4096];   /* the input being replayed, "" between */
static int leak_check;       /* 1 during the final leak check */

/* Sanitizer death callback: say which input killed the process. */
static void on_death(void)
{
	if (current[0])
		printf("not ok - fuzz %s: sanitizer report replaying '%s'\n",
		       fuzz_target_name, current);
	else if (leak_check)
		printf("not ok - fuzz %s: memory leaked (LeakSanitizer's "
		       "report above)\n", fuzz_target_name);
	else
		printf("not ok - fuzz %s: sanitizer report\n",
		       fuzz_target_name);
	fflush(stdout);
}

/* Replay the file `path`: 1 when given to the target, 0 when skipped (not
 * a regular file), -1 on a read error (message on stderr). */
static int replay_file(const char *path)
{
	struct stat sb;
	FILE *fp;
	unsigned char *buf;
	size_t n;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(sb.st_mode))
		return 0;
	if (!(fp = fopen(path, "rb"))) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	/* One byte more than the file, so that an empty file is a valid
	 * buffer too. */
	if (!(buf = malloc((size_t)sb.st_size + 1))) {
		fclose(fp);
		fprintf(stderr, "%s: out of memory\n", path);
		return -1;
	}
	n = fread(buf, 1, (size_t)sb.st_size, fp);
	if (ferror(fp) || n != (size_t)sb.st_size) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	snprintf(current, sizeof(current), "%s", path);
	LLVMFuzzerTestOneInput(buf, n);
	current[0] = '\0';
	free(buf);
	return 1;
}

/* qsort() comparison of two strings. */
static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay every regular file of directory `dir` in name order; adds to
 * *count.  Returns 0, or -1 on an error (message on stderr). */
static int replay_dir(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	int rc = 0, r;

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **p;

			cap = cap ? 2 * cap : 64;
			if (!(p = realloc(names, cap * sizeof(*names)))) {
				fprintf(stderr, "%s: out of memory\n", dir);
				rc = -1;
				break;
			}
			names = p;
		}
		if (!(names[n] = strdup(e->d_name))) {
			fprintf(stderr, "%s: out of memory\n", dir);
			rc = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; rc == 0 && i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((r = replay_file(path)) < 0)
			rc = -1;
		else
			*count += (size_t)r;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int i, bad = 0;
	struct stat sb;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS-DIR-OR-FILE...\n", argv[0]);
		return 2;
	}
#ifdef FUZZ_HAVE_SANITIZER
	__sanitizer_set_death_callback(on_death);
#else
	(void)on_death;
#endif
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			bad = 1;
		} else if (S_ISDIR(sb.st_mode)) {
			bad |= replay_dir(argv[i], &count) != 0;
		} else {
			int r = replay_file(argv[i]);

			bad |= r < 0;
			count += r > 0 ? (size_t)r : 0;
		}
	}
#ifdef FUZZ_HAVE_SANITIZER
	/* Leaks of the code under test show before the verdict, so that a
	 * leaking run prints "not ok" only. */
	leak_check = 1;
	fflush(stdout);
	__lsan_do_leak_check();
	leak_check = 0;
#endif
	if (bad)
		printf("not ok - fuzz %s: %zu inputs replayed, some could not "
		       "be read\n", fuzz_target_name, count);
	else if (count == 0)
		printf("not ok - fuzz %s: no input to replay\n",
		       fuzz_target_name);
	else
		printf("ok - fuzz %s: %zu inputs replayed\n", fuzz_target_name,
		       count);
	return bad || count == 0;
}
