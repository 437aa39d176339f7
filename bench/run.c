/*
 * bench/run.c: the benchmark harness of `make bench`.
 *
 * It runs the `impact` command on the dataset bench/gen.c wrote, stage by
 * stage, as a network's coordinator would: set-up (territories, places,
 * questionnaire, indicator library, index, facts, margins), import of the
 * answers, import of the activities, compute (results, indicators, and
 * the index of every place and territory with its bootstrap), the
 * territory report of the root network, and every dashboard
 * (`impact report --all`).  As the reference, the `sqlite3` shell's
 * `.import` of the same answers in the long form impact stores (one row
 * per answer) and of the same activities, into plain tables.
 *
 * Each command is a child process: its wall-clock time is measured with
 * CLOCK_MONOTONIC around fork and wait4(), its peak resident memory is
 * the ru_maxrss wait4() returns for it.  A stage's time is the sum of its
 * commands', its memory the largest.  The database's row counts are then
 * checked against the promises of the generator's manifest, and
 * everything is printed as a table and written as JSON (`--json`); the
 * process exits 1 when a command fails or a count differs, 0 otherwise
 * (missed targets are reported, not failures: this is a measurement).
 *
 *   bench-run --impact BIN --data DIR --work DIR [--json FILE]
 *             [--top DIR] [--sqlite3 BIN] [--skip STAGE[,STAGE...]]
 */
#define _DEFAULT_SOURCE /* wait4() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define MAX_ARGS 16

/* Targets of issue 8 (README "Performance"). */
#define TARGET_IMPORT_RATIO 1.2   /* answers import / sqlite3 .import */
#define TARGET_COMPUTE_S 10.0     /* compute + index, seconds */
#define TARGET_TERRITORY_S 2.0    /* one territory report, seconds */
#define TARGET_DASHBOARDS 40.0    /* dashboards per second */
#define TARGET_RSS_MB 200.0       /* peak memory of any command */

enum stage_id {
	S_SETUP, S_ANSWERS, S_ACTIVITIES, S_COMPUTE, S_TERRITORY, S_ALL,
	S_REF_ANSWERS, S_REF_ACTIVITIES, S_N
};

struct stage {
	const char *name;      /* key in the JSON and for --skip */
	const char *label;     /* in the table */
	int skipped;
	int ran;
	double seconds;        /* sum over its commands */
	long max_rss_kb;       /* largest ru_maxrss of its commands */
	long long rows;        /* rows it loaded or files it wrote */
	const char *rows_of;   /* what `rows` counts */
};

static struct stage stages[S_N] = {
	{ "setup", "set-up (register, definitions)", 0, 0, 0, 0, 0, "places" },
	{ "import_answers", "import answers", 0, 0, 0, 0, 0, "answers" },
	{ "import_activities", "import activities", 0, 0, 0, 0, 0,
	  "activities" },
	{ "compute", "compute + index (1,000 replicates)", 0, 0, 0, 0, 0,
	  "units" },
	{ "report_territory", "territory report", 0, 0, 0, 0, 0, "files" },
	{ "report_all", "every dashboard (--all)", 0, 0, 0, 0, 0, "files" },
	{ "reference_answers", "sqlite3 .import answers (long)", 0, 0, 0, 0,
	  0, "answers" },
	{ "reference_activities", "sqlite3 .import activities", 0, 0, 0, 0,
	  0, "activities" },
};

/* Options. */
static const char *impact_bin, *data_dir, *work_dir, *json_path;
static const char *top_dir = ".", *sqlite3_bin = "sqlite3";
static char log_path[4096];

/* The generator's manifest: "key value" lines. */
struct manifest {
	char key[32][32];
	char value[32][64];
	size_t n;
};
static struct manifest mf;

/* Checks of row counts, for the JSON. */
struct check {
	char what[64];
	long long expected, actual;
};
static struct check checks[32];
static size_t nchecks;
static int failures;

/* mkdir -p: every missing folder of `path`; -1 with errno set. */
static int make_dirs(const char *path)
{
	char buf[4096];
	size_t i, n = strlen(path);

	if (n == 0 || n >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++)
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, 0755) != 0 && errno != EEXIST)
				return -1;
			buf[i] = c;
		}
	return 0;
}

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench-run: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *path_of(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		die("out of memory");
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* Run argv (NULL-terminated) as a child, stdout and stderr appended to
 * the log; add its time and peak memory to stage s.  Exit status 0 is
 * success; anything else is a failure of the benchmark. */
static void run(enum stage_id s, char *const argv[])
{
	struct rusage ru;
	double t0, t1;
	pid_t pid;
	int status, fd, i;

	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		die("cannot write '%s': %s", log_path, strerror(errno));
	dprintf(fd, "$");
	for (i = 0; argv[i]; i++)
		dprintf(fd, " %s", argv[i]);
	dprintf(fd, "\n");
	fflush(NULL);
	t0 = now_s();
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run '%s': %s\n", argv[0],
		        strerror(errno));
		_exit(127);
	}
	close(fd);
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4: %s", strerror(errno));
	t1 = now_s();
	stages[s].ran = 1;
	stages[s].seconds += t1 - t0;
	if (ru.ru_maxrss > stages[s].max_rss_kb)
		stages[s].max_rss_kb = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-run: '%s %s' failed (%s %d): see %s\n",
		        argv[0], argv[1] ? argv[1] : "",
		        WIFEXITED(status) ? "exit status" : "signal",
		        WIFEXITED(status) ? WEXITSTATUS(status)
		                          : WTERMSIG(status), log_path);
		failures++;
	}
}

/* Run `impact --quiet ARGS...` in stage s. */
static void impact_cmd(enum stage_id s, ...)
{
	char *argv[MAX_ARGS];
	va_list ap;
	int n = 0;

	argv[n++] = (char *)impact_bin;
	argv[n++] = "--quiet";
	va_start(ap, s);
	while (n < MAX_ARGS - 1 && (argv[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	run(s, argv);
}

static void manifest_load(void)
{
	char *p = path_of(data_dir, "manifest");
	FILE *f = fopen(p, "r");

	if (!f)
		die("cannot read '%s': %s (run bench-gen first)", p,
		    strerror(errno));
	while (mf.n < 32 && fscanf(f, "%31s %63s", mf.key[mf.n],
	                           mf.value[mf.n]) == 2)
		mf.n++;
	fclose(f);
	free(p);
}

static const char *manifest_get(const char *key)
{
	size_t i;

	for (i = 0; i < mf.n; i++)
		if (strcmp(mf.key[i], key) == 0)
			return mf.value[i];
	die("the manifest has no \"%s\"", key);
	return NULL;
}

static long long manifest_ll(const char *key)
{
	return atoll(manifest_get(key));
}

/* The count of `sql` in database `db`. */
static long long count(const char *db, const char *sql)
{
	sqlite3 *conn = NULL;
	sqlite3_stmt *st = NULL;
	long long n = -1;

	if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL)
	    == SQLITE_OK
	    && sqlite3_prepare_v2(conn, sql, -1, &st, NULL) == SQLITE_OK
	    && sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(conn);
	return n;
}

/* Record a check that `what` has the expected count. */
static long long check(const char *what, long long expected,
                       long long actual)
{
	struct check *c;

	if (nchecks < sizeof(checks) / sizeof(checks[0])) {
		c = &checks[nchecks++];
		snprintf(c->what, sizeof(c->what), "%s", what);
		c->expected = expected;
		c->actual = actual;
	}
	if (expected != actual) {
		fprintf(stderr, "bench-run: %s: %lld rows, expected %lld\n",
		        what, actual, expected);
		failures++;
	}
	return actual;
}

/* Count the files of dir whose name starts with prefix and ends with
 * ".pdf". */
static long long count_files(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	long long n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 && len > 4
		    && strcmp(e->d_name + len - 4, ".pdf") == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* Remove path (a file) if it exists. */
static void remove_file(const char *dir, const char *name)
{
	char *p = path_of(dir, name);

	if (unlink(p) != 0 && errno != ENOENT)
		die("cannot remove '%s': %s", p, strerror(errno));
	free(p);
}

/* Remove the PDFs a previous run left in dir. */
static void clean_pdfs(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > 4 && strcmp(e->d_name + len - 4, ".pdf") == 0)
			remove_file(dir, e->d_name);
	}
	closedir(d);
}

static void stage_setup(const char *db)
{
	char *terr = path_of(data_dir, "territories.csv");
	char *places = path_of(data_dir, "places.csv");
	char *facts = path_of(data_dir, "facts.csv");
	char *margins = path_of(data_dir, "margins.csv");
	char *survey = path_of(top_dir, "surveys/questionnaires/default.json");
	char *lib = path_of(top_dir, "indicators/library/default.json");
	char *index = path_of(top_dir, "indicators/library/index-default.json");

	impact_cmd(S_SETUP, "init", NULL);
	impact_cmd(S_SETUP, "import", "territories", terr, NULL);
	impact_cmd(S_SETUP, "import", "places", places, NULL);
	impact_cmd(S_SETUP, "survey", "add", survey, NULL);
	impact_cmd(S_SETUP, "indicators", "add", lib, NULL);
	impact_cmd(S_SETUP, "index", "add", index, NULL);
	impact_cmd(S_SETUP, "import", "facts", facts, NULL);
	impact_cmd(S_SETUP, "import", "margins", margins, NULL);
	stages[S_SETUP].rows = check("places", manifest_ll("places"),
	                             count(db, "SELECT count(*) FROM places"));
	check("territories", manifest_ll("territories"),
	      count(db, "SELECT count(*) FROM territories"));
	check("place_facts", manifest_ll("facts"),
	      count(db, "SELECT count(*) FROM place_facts"));
	free(terr);
	free(places);
	free(facts);
	free(margins);
	free(survey);
	free(lib);
	free(index);
}

static void stage_answers(const char *db)
{
	int first = atoi(manifest_get("first_year"));
	int n = atoi(manifest_get("periods")), y;

	for (y = first; y < first + n; y++) {
		char name[64], *p;

		snprintf(name, sizeof(name), "answers-%04d.csv", y);
		p = path_of(data_dir, name);
		impact_cmd(S_ANSWERS, "import", "answers", p, "--survey",
		           "impact-defaut", NULL);
		free(p);
	}
	check("respondents", manifest_ll("respondents"),
	      count(db, "SELECT count(*) FROM respondents"));
	stages[S_ANSWERS].rows = check("answers", manifest_ll("answers"),
	                               count(db, "SELECT count(*) FROM answers"));
	check("answer_choices", manifest_ll("answer_choices"),
	      count(db, "SELECT count(*) FROM answer_choices"));
}

static void stage_activities(const char *db)
{
	char *p = path_of(data_dir, "activities.csv");

	impact_cmd(S_ACTIVITIES, "import", "activities", p, NULL);
	free(p);
	stages[S_ACTIVITIES].rows = check("activities",
		manifest_ll("activities"),
		count(db, "SELECT count(*) FROM activities"));
	check("activity_publics", manifest_ll("activity_publics"),
	      count(db, "SELECT count(*) FROM activity_publics"));
	check("activity_partners", manifest_ll("activity_partners"),
	      count(db, "SELECT count(*) FROM activity_partners"));
}

static void stage_compute(const char *db)
{
	impact_cmd(S_COMPUTE, "compute", NULL);
	/* Every place and territory with respondents, in every period:
	 * its results, and its index document. */
	stages[S_COMPUTE].rows = count(db, "SELECT count(*) FROM (SELECT"
		" DISTINCT period, place_id, territory_id FROM results"
		" WHERE measure = 'respondents')");
	check("units and periods with an index", stages[S_COMPUTE].rows,
	      count(db, "SELECT count(*) FROM index_results"));
	/* With ten respondents a place a period on average, every place
	 * has some (the national dataset has about 17). */
	if (manifest_ll("respondents") / manifest_ll("periods")
	    >= 10 * manifest_ll("places"))
		check("units and periods with respondents",
		      manifest_ll("periods") * (manifest_ll("places")
		                                + manifest_ll("territories")),
		      stages[S_COMPUTE].rows);
}

static void stage_reports(void)
{
	char *pdf = path_of(work_dir, "territory.pdf");
	char *dir = path_of(work_dir, "dashboards");

	if (!stages[S_TERRITORY].skipped) {
		remove_file(work_dir, "territory.pdf");
		impact_cmd(S_TERRITORY, "report", "--territory",
		           (char *)manifest_get("root"), "-o", pdf, NULL);
		stages[S_TERRITORY].rows = access(pdf, F_OK) == 0;
		check("territory report", 1, stages[S_TERRITORY].rows);
	}
	if (!stages[S_ALL].skipped) {
		clean_pdfs(dir);
		impact_cmd(S_ALL, "report", "--all", "--out-dir", dir, NULL);
		stages[S_ALL].rows = count_files(dir, "place-")
		                     + count_files(dir, "territory-");
		check("place dashboards", manifest_ll("places"),
		      count_files(dir, "place-"));
		check("territory dashboards", manifest_ll("territories"),
		      count_files(dir, "territory-"));
	}
	free(pdf);
	free(dir);
}

/* The reference: sqlite3's shell imports the long answers and the
 * activities into plain tables of a fresh database (its defaults: a
 * rollback journal, each .import one transaction). */
static void stage_reference(void)
{
	char *db = path_of(work_dir, "reference.db");
	int first = atoi(manifest_get("first_year"));
	int n = atoi(manifest_get("periods")), y;
	char *argv[8];

	remove_file(work_dir, "reference.db");
	remove_file(work_dir, "reference.db-journal");
	argv[0] = (char *)sqlite3_bin;
	argv[1] = db;
	argv[4] = NULL;
	for (y = first; y < first + n && !stages[S_REF_ANSWERS].skipped; y++) {
		char name[64], cmd[4200], *p;

		snprintf(name, sizeof(name), "answers-long-%04d.csv", y);
		p = path_of(data_dir, name);
		snprintf(cmd, sizeof(cmd), ".import --csv --skip 1 '%s' answers",
		         p);
		argv[2] = "CREATE TABLE IF NOT EXISTS answers (respondent TEXT,"
		          " question TEXT, value TEXT);";
		argv[3] = cmd;
		run(S_REF_ANSWERS, argv);
		free(p);
	}
	if (!stages[S_REF_ANSWERS].skipped)
		stages[S_REF_ANSWERS].rows = check("reference answers",
			manifest_ll("answers"),
			count(db, "SELECT count(*) FROM answers"));
	if (!stages[S_REF_ACTIVITIES].skipped) {
		char cmd[4200], *p = path_of(data_dir, "activities.csv");

		snprintf(cmd, sizeof(cmd), ".import --csv --skip 1 '%s'"
		         " activities", p);
		argv[2] = "CREATE TABLE activities (place TEXT, date TEXT,"
		          " category TEXT, title TEXT, participants TEXT,"
		          " hours TEXT, volunteers TEXT, new_participants TEXT,"
		          " volunteer_hours TEXT, publics TEXT, partners TEXT,"
		          " free TEXT);";
		argv[3] = cmd;
		run(S_REF_ACTIVITIES, argv);
		free(p);
		stages[S_REF_ACTIVITIES].rows = check("reference activities",
			manifest_ll("activities"),
			count(db, "SELECT count(*) FROM activities"));
	}
	free(db);
}

/* The machine: CPU model, cores, memory (for the README's figures). */
static void machine(char *cpu, size_t size, long *ram_mb)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(cpu, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && c) {
			c += 2;
			c[strcspn(c, "\n")] = '\0';
			snprintf(cpu, size, "%s", c);
			break;
		}
	}
	if (f)
		fclose(f);
	*ram_mb = 0;
	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %ld kB", ram_mb) == 1) {
			*ram_mb /= 1024;
			break;
		}
	if (f)
		fclose(f);
}

static double load_average(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

/* A JSON string (the CPU model; codes have nothing to escape). */
static void json_string(FILE *f, const char *s)
{
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', f);
		if ((unsigned char)*s >= 0x20)
			putc(*s, f);
	}
	putc('"', f);
}

struct target {
	const char *name;   /* key */
	const char *label;  /* in the table */
	double value;       /* measured */
	double limit;
	int at_most;        /* 1: value <= limit; 0: value >= limit */
	int measured;
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "impact", required_argument, NULL, 'i' },
		{ "data", required_argument, NULL, 'd' },
		{ "work", required_argument, NULL, 'w' },
		{ "json", required_argument, NULL, 'j' },
		{ "top", required_argument, NULL, 't' },
		{ "sqlite3", required_argument, NULL, 's' },
		{ "skip", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct target targets[5];
	char cpu[256], *db;
	double load0, load1, ratio_answers = -1, ratio_activities = -1;
	long ram_mb, max_rss = 0;
	size_t i;
	int c;
	FILE *f;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i': impact_bin = optarg; break;
		case 'd': data_dir = optarg; break;
		case 'w': work_dir = optarg; break;
		case 'j': json_path = optarg; break;
		case 't': top_dir = optarg; break;
		case 's': sqlite3_bin = optarg; break;
		case 'k': {
			char *list = strdup(optarg), *tok, *save = NULL;

			if (!list)
				die("out of memory");
			for (tok = strtok_r(list, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				for (i = 0; i < S_N; i++)
					if (strcmp(tok, stages[i].name) == 0)
						break;
				if (i == 0 || i == S_N) {
					fprintf(stderr, "bench-run: cannot skip"
					        " \"%s\": expected one of"
					        " import_answers, import_activities,"
					        " compute, report_territory,"
					        " report_all, reference_answers,"
					        " reference_activities\n", tok);
					free(list);
					return 2;
				}
				stages[i].skipped = 1;
			}
			free(list);
			break;
		}
		case 'h':
			puts("Usage: bench-run --impact BIN --data DIR --work DIR"
			     " [--json FILE]\n"
			     "                 [--top DIR] [--sqlite3 BIN]"
			     " [--skip STAGE[,STAGE...]]\n\n"
			     "Time each stage of impact on the dataset bench-gen"
			     " wrote in DIR, and the\nsqlite3 shell's .import of"
			     " the same rows; print a table, write JSON.");
			return 0;
		default:
			return 2;
		}
	}
	if (!impact_bin || !data_dir || !work_dir || optind != argc) {
		fputs("bench-run: usage: bench-run --impact BIN --data DIR"
		      " --work DIR [--json FILE] [--skip STAGES]\n", stderr);
		return 2;
	}
	manifest_load();
	if (make_dirs(work_dir) != 0)
		die("cannot create '%s': %s", work_dir, strerror(errno));
	snprintf(log_path, sizeof(log_path), "%s/bench.log", work_dir);
	remove_file(work_dir, "bench.log");
	db = path_of(work_dir, "impact.db");
	remove_file(work_dir, "impact.db");
	remove_file(work_dir, "impact.db-wal");
	remove_file(work_dir, "impact.db-shm");
	if (setenv("IMPACT_DB", db, 1) != 0)
		die("setenv: %s", strerror(errno));
	machine(cpu, sizeof(cpu), &ram_mb);
	load0 = load_average();

	/* The reference first: its input is as warm in the page cache as
	 * impact's. */
	if (!stages[S_REF_ANSWERS].skipped || !stages[S_REF_ACTIVITIES].skipped)
		stage_reference();
	stage_setup(db);
	if (!stages[S_ANSWERS].skipped)
		stage_answers(db);
	if (!stages[S_ACTIVITIES].skipped)
		stage_activities(db);
	if (!stages[S_COMPUTE].skipped)
		stage_compute(db);
	stage_reports();
	load1 = load_average();

	if (stages[S_ANSWERS].ran && stages[S_REF_ANSWERS].ran
	    && stages[S_REF_ANSWERS].seconds > 0)
		ratio_answers = stages[S_ANSWERS].seconds
		                / stages[S_REF_ANSWERS].seconds;
	if (stages[S_ACTIVITIES].ran && stages[S_REF_ACTIVITIES].ran
	    && stages[S_REF_ACTIVITIES].seconds > 0)
		ratio_activities = stages[S_ACTIVITIES].seconds
		                   / stages[S_REF_ACTIVITIES].seconds;
	for (i = 0; i < S_N; i++)
		if (i != S_REF_ANSWERS && i != S_REF_ACTIVITIES
		    && stages[i].max_rss_kb > max_rss)
			max_rss = stages[i].max_rss_kb;
	targets[0] = (struct target){ "import_answers_ratio",
		"answers import / sqlite3 .import", ratio_answers,
		TARGET_IMPORT_RATIO, 1, ratio_answers >= 0 };
	targets[1] = (struct target){ "compute_seconds",
		"compute + index (s)", stages[S_COMPUTE].seconds,
		TARGET_COMPUTE_S, 1, stages[S_COMPUTE].ran };
	targets[2] = (struct target){ "territory_report_seconds",
		"territory report (s)", stages[S_TERRITORY].seconds,
		TARGET_TERRITORY_S, 1, stages[S_TERRITORY].ran };
	targets[3] = (struct target){ "dashboards_per_second",
		"dashboards per second",
		stages[S_ALL].seconds > 0 ? (double)stages[S_ALL].rows
		                            / stages[S_ALL].seconds : 0,
		TARGET_DASHBOARDS, 0, stages[S_ALL].ran };
	targets[4] = (struct target){ "peak_rss_mb", "peak memory (MB)",
		max_rss / 1024.0, TARGET_RSS_MB, 1, max_rss > 0 };

	printf("\nimpact benchmark: %s places, %s territories, %s respondents,"
	       " %s answers,\n%s activities, %s periods (seed %s)\n"
	       "machine: %ld cores, %s, %ld MB RAM; load %.2f before, %.2f"
	       " after\n\n",
	       manifest_get("places"), manifest_get("territories"),
	       manifest_get("respondents"), manifest_get("answers"),
	       manifest_get("activities"), manifest_get("periods"),
	       manifest_get("seed"), sysconf(_SC_NPROCESSORS_ONLN), cpu,
	       ram_mb, load0, load1);
	printf("%-36s %10s %10s %12s %12s\n", "stage", "time (s)", "peak MB",
	       "rows", "rows/s");
	for (i = 0; i < S_N; i++) {
		const struct stage *s = &stages[i];

		if (!s->ran)
			continue;
		printf("%-36s %10.2f %10.1f %12lld %12.0f\n", s->label,
		       s->seconds, s->max_rss_kb / 1024.0, s->rows,
		       s->seconds > 0 ? (double)s->rows / s->seconds : 0);
	}
	if (ratio_answers >= 0)
		printf("\nanswers: impact / sqlite3 .import = %.2f\n",
		       ratio_answers);
	if (ratio_activities >= 0)
		printf("activities: impact / sqlite3 .import = %.2f\n",
		       ratio_activities);
	printf("\n%-36s %10s %10s  %s\n", "target", "measured", "limit", "");
	for (i = 0; i < 5; i++) {
		const struct target *t = &targets[i];

		if (!t->measured)
			continue;
		printf("%-36s %10.2f %7s%5.1f  %s\n", t->label, t->value,
		       t->at_most ? "<= " : ">= ", t->limit,
		       (t->at_most ? t->value <= t->limit : t->value >= t->limit)
		       ? "met" : "MISSED");
	}

	if (json_path) {
		f = fopen(json_path, "w");
		if (!f)
			die("cannot write '%s': %s", json_path, strerror(errno));
		fprintf(f, "{\n  \"machine\": { \"cores\": %ld, \"cpu\": ",
		        sysconf(_SC_NPROCESSORS_ONLN));
		json_string(f, cpu);
		fprintf(f, ", \"ram_mb\": %ld, \"load_before\": %.2f,"
		        " \"load_after\": %.2f },\n", ram_mb, load0, load1);
		fprintf(f, "  \"dataset\": {");
		for (i = 0; i < mf.n; i++) {
			fprintf(f, "%s \"%s\": ", i ? "," : "", mf.key[i]);
			if (strspn(mf.value[i], "0123456789")
			    == strlen(mf.value[i]))
				fputs(mf.value[i], f);
			else
				json_string(f, mf.value[i]);
		}
		fprintf(f, " },\n  \"stages\": {\n");
		for (i = 0; i < S_N; i++) {
			const struct stage *s = &stages[i];

			fprintf(f, "    \"%s\": { \"ran\": %s, \"seconds\": %.3f,"
			        " \"peak_rss_mb\": %.1f, \"rows\": %lld,"
			        " \"rows_of\": \"%s\" }%s\n", s->name,
			        s->ran ? "true" : "false", s->seconds,
			        s->max_rss_kb / 1024.0, s->rows, s->rows_of,
			        i + 1 < S_N ? "," : "");
		}
		fprintf(f, "  },\n  \"ratios\": { \"import_answers\": ");
		if (ratio_answers >= 0)
			fprintf(f, "%.3f", ratio_answers);
		else
			fputs("null", f);
		fprintf(f, ", \"import_activities\": ");
		if (ratio_activities >= 0)
			fprintf(f, "%.3f", ratio_activities);
		else
			fputs("null", f);
		fprintf(f, " },\n  \"targets\": {\n");
		for (i = 0; i < 5; i++) {
			const struct target *t = &targets[i];

			fprintf(f, "    \"%s\": { \"value\": ", t->name);
			if (t->measured)
				fprintf(f, "%.3f", t->value);
			else
				fputs("null", f);
			fprintf(f, ", \"limit\": %g, \"at_most\": %s,"
			        " \"met\": %s }%s\n", t->limit,
			        t->at_most ? "true" : "false",
			        !t->measured ? "null"
			        : (t->at_most ? t->value <= t->limit
			                      : t->value >= t->limit)
			        ? "true" : "false", i + 1 < 5 ? "," : "");
		}
		fprintf(f, "  },\n  \"checks\": [\n");
		for (i = 0; i < nchecks; i++)
			fprintf(f, "    { \"what\": \"%s\", \"expected\": %lld,"
			        " \"actual\": %lld }%s\n", checks[i].what,
			        checks[i].expected, checks[i].actual,
			        i + 1 < nchecks ? "," : "");
		fprintf(f, "  ],\n  \"failures\": %d\n}\n", failures);
		if (ferror(f) || fclose(f) != 0)
			die("cannot write '%s'", json_path);
		printf("\nwritten: %s\n", json_path);
	}
	free(db);
	if (failures) {
		fprintf(stderr, "bench-run: %d failure(s): see %s\n", failures,
		        log_path);
		return 1;
	}
	return 0;
}
