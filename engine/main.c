/*
 * engine/main.c: the `impact` command, a thin layer over libimpact.
 *
 * Everything that prints, exits or reads argv lives here; the library does
 * none of it.  Each command is one `cmd_*` function with its option table
 * and help text side by side (struct command).  Conventions: help on
 * stdout and exit 0; usage errors are one line on stderr and exit 2; data
 * or runtime errors are "impact: error: ..." on stderr and exit 1; results
 * alone on stdout.  The database is --db FILE, else $IMPACT_DB, else
 * ./impact.db.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>   /* mallopt */
#endif

#include <jansson.h>

#include "impact.h"
#include "cli.h"

struct globals G;

/* The argument getopt_long() refused, for the one-line message. */
const char *bad_option = "";

/* getopt_long() over a command's arguments, remembering a refused one. */
int next_option(int argc, char **argv, const char *shortopts,
                       const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == '?')
		bad_option = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	return c;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("impact: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'impact %s --help')\n", cmd ? cmd : "");
	return EXIT_USAGE;
}

/* Report a library failure and return exit code 1. */
int fail(impact *h)
{
	if (G.progress_shown) {
		fputc('\n', stderr);
		G.progress_shown = 0;
	}
	fprintf(stderr, "impact: error: %s\n", impact_errmsg(h));
	return impact_errcode(h) == IMPACT_EUSAGE ? EXIT_USAGE : 1;
}

/* Files smaller than this are read too fast for a progress bar. */
#define PROGRESS_BAR_MIN (1L << 20)

/*
 * Progress on a terminal: one line rewritten in place.  With a total, a
 * bar (only worth it for large files); without, a running count.
 */
static void on_progress(void *payload, const char *stage, size_t done,
                        size_t total)
{
	(void)payload;
	if (total && strcmp(stage, "answers") && strcmp(stage, "activities")) {
		fprintf(stderr, "\r%s: %zu/%zu", stage, done, total);
	} else if (total) {
		char bar[41];
		size_t filled, pct;

		if (total < PROGRESS_BAR_MIN)
			return;
		if (done > total)
			done = total;
		pct = (size_t)(100.0 * (double)done / (double)total);
		filled = (size_t)(40.0 * (double)done / (double)total);
		memset(bar, '#', filled);
		memset(bar + filled, '.', 40 - filled);
		bar[40] = '\0';
		fprintf(stderr, "\r%-10s [%s] %3zu%% of %.1f MB", stage, bar, pct,
		        (double)total / 1e6);
		G.progress_shown = 1;
		fflush(stderr);
		return;
	} else {
		fprintf(stderr, "\r%s: %zu", stage, done);
	}
	G.progress_shown = 1;
	if (total && done == total) {
		fputc('\n', stderr);
		G.progress_shown = 0;
	}
	fflush(stderr);
}

static void end_progress(void)
{
	if (G.progress_shown) {
		fputc('\n', stderr);
		G.progress_shown = 0;
	}
}

/* Open the database for a command (not `init`). */
int open_db(impact *h)
{
	if (!G.quiet && isatty(STDERR_FILENO))
		impact_set_progress(h, on_progress, NULL);
	return impact_db_open(h, G.db);
}

/* Parse a whole number in [lo, hi]; returns 0 on success. */
int parse_int(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/*
 * Handle an option every command accepts.  Returns -1 if `c` is not one,
 * 0 if handled, or an exit code to return now (help shown: 0 is encoded
 * as 256).
 */
int common_option(const char *cmd, int c)
{
	const struct command *k;

	switch (c) {
	case OPT_DB:
		G.db = optarg;
		return 0;
	case OPT_QUIET:
		G.quiet = 1;
		return 0;
	case OPT_HELP:
		k = find_command(cmd);
		if (k)
			fputs(k->help, stdout);
		return 256;
	case '?':
		return usage_error(cmd, "unknown or incomplete option \"%s\"",
		                   bad_option);
	default:
		return -1;
	}
}

/* Parse the options of a command that takes only the common ones, and
 * leave optind on the first operand. */
int only_common_options(const char *cmd, int argc, char **argv)
{
	static const struct option longopts[] = { COMMON_LONGOPTS,
	                                          { NULL, 0, NULL, 0 } };
	int c, r;

	optind = 0;
	while ((c = next_option(argc, argv, "", longopts)) != -1) {
		r = common_option(cmd, c);
		if (r != 0)
			return r == -1 ? EXIT_USAGE : r;
	}
	return 0;
}

/* ---------------------------------------------------------------- */

static int cmd_init(impact *h, int argc, char **argv)
{
	impact_init_status status;
	int r, from = 0;

	if ((r = only_common_options("init", argc, argv)) != 0)
		return r & 255;
	if (optind != argc)
		return usage_error("init", "init takes no operand");
	if (impact_db_init(h, G.db, &status, &from) != IMPACT_OK)
		return fail(h);
	switch (status) {
	case IMPACT_INIT_CREATED:
		printf("created database %s (schema %d)\n", G.db,
		       IMPACT_SCHEMA_VERSION);
		break;
	case IMPACT_INIT_EXISTED:
		printf("database %s already exists and is up to date (schema "
		       "%d): nothing changed\n", G.db, IMPACT_SCHEMA_VERSION);
		break;
	case IMPACT_INIT_MIGRATED:
		printf("database %s migrated from schema %d to %d\n", G.db, from,
		       IMPACT_SCHEMA_VERSION);
		break;
	}
	return 0;
}

static int cmd_status(impact *h, int argc, char **argv)
{
	impact_db_counts c;
	int r, version = 0, latest = 0;

	if ((r = only_common_options("status", argc, argv)) != 0)
		return r & 255;
	if (optind != argc)
		return usage_error("status", "status takes no operand");
	if (open_db(h) != IMPACT_OK || impact_db_counts_get(h, &c) != IMPACT_OK
	    || impact_db_schema_version(h, &version) != IMPACT_OK
	    || impact_latest_period(h, &latest) != IMPACT_OK)
		return fail(h);
	printf("database     %s (schema %d)\n", G.db, version);
	printf("territories  %lld\n", c.territories);
	printf("places       %lld\n", c.places);
	printf("surveys      %lld\n", c.surveys);
	printf("respondents  %lld\n", c.respondents);
	printf("answers      %lld\n", c.answers);
	printf("activities   %lld\n", c.activities);
	printf("imports      %lld\n", c.imports);
	printf("rejects      %lld\n", c.rejects);
	printf("results      %lld\n", c.results);
	if (latest)
		printf("latest period %d\n", latest);
	return 0;
}

/* Print up to 10 rejects of an import on stderr. */
struct reject_print {
	long long shown, total;
};

static int print_reject(void *payload, const impact_reject_info *r)
{
	struct reject_print *p = payload;

	if (p->shown < 10)
		fprintf(stderr, "impact: warning: %s:%lld:%lld: %s\n",
		        r->file_name, r->line, r->column, r->reason);
	p->shown++;
	return 0;
}

/* Exit status of an import that kept rows aside (docs: README). */
#define EXIT_REJECTED 3

/* Parse --encoding NAME into an IMPACT_ENCODING_* value; -1 if unknown. */
static int parse_encoding(const char *s)
{
	static const struct {
		const char *name;
		int value;
	} names[] = {
		{ "auto", IMPACT_ENCODING_AUTO }, { "utf-8", IMPACT_ENCODING_UTF8 },
		{ "utf8", IMPACT_ENCODING_UTF8 },
		{ "utf-8-bom", IMPACT_ENCODING_UTF8_BOM },
		{ "utf-16le", IMPACT_ENCODING_UTF16LE },
		{ "utf-16be", IMPACT_ENCODING_UTF16BE },
		{ "windows-1252", IMPACT_ENCODING_CP1252 },
		{ "cp1252", IMPACT_ENCODING_CP1252 },
		{ "latin1", IMPACT_ENCODING_CP1252 },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].value;
	return -1;
}

static int cmd_import(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "survey", required_argument, NULL, 's' },
		{ "place", required_argument, NULL, 'P' },
		{ "period", required_argument, NULL, 'p' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "header-rows", required_argument, NULL, 'H' },
		{ "tool", required_argument, NULL, 'T' },
		{ "dates", required_argument, NULL, 'D' },
		{ "strict", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 }
	};
	impact_import_opts opts = IMPACT_IMPORT_OPTS_INIT;
	impact_import_summary sum;
	const char *survey = NULL, *kind, *file;
	long v;
	int c, r, rc;

	optind = 0;
	while ((c = next_option(argc, argv, "s:P:p:e:d:H:T:D:S", longopts))
	       != -1) {
		switch (c) {
		case 's':
			survey = optarg;
			break;
		case 'P':
			opts.place = optarg;
			break;
		case 'p':
			if (parse_int(optarg, 1900, 9999, &v))
				return usage_error("import", "invalid --period \"%s\":"
				                   " expected a year", optarg);
			opts.period = (int)v;
			break;
		case 'e':
			if ((opts.encoding = parse_encoding(optarg)) < 0)
				return usage_error("import", "invalid --encoding "
				                   "\"%s\": expected utf-8, utf-8-bom, "
				                   "utf-16le, utf-16be or windows-1252",
				                   optarg);
			break;
		case 'd':
			if (strcmp(optarg, ",") == 0 || strcmp(optarg, ";") == 0)
				opts.delimiter = optarg[0];
			else if (strcmp(optarg, "tab") == 0
			         || strcmp(optarg, "\t") == 0)
				opts.delimiter = '\t';
			else
				return usage_error("import", "invalid --delimiter "
				                   "\"%s\": expected , ; or tab",
				                   optarg);
			break;
		case 'H':
			if (parse_int(optarg, 1, 3, &v))
				return usage_error("import", "invalid --header-rows "
				                   "\"%s\": expected 1, 2 or 3", optarg);
			opts.header_rows = (int)v;
			break;
		case 'T':
			opts.tool = optarg;
			break;
		case 'D':
			if (strcmp(optarg, "dmy") == 0)
				opts.date_order = IMPACT_DATES_DMY;
			else if (strcmp(optarg, "mdy") == 0)
				opts.date_order = IMPACT_DATES_MDY;
			else
				return usage_error("import", "invalid --dates \"%s\":"
				                   " expected dmy or mdy", optarg);
			break;
		case 'S':
			opts.strict = 1;
			break;
		default:
			if ((r = common_option("import", c)) != 0)
				return r == -1 ? EXIT_USAGE : r & 255;
		}
	}
	if (argc - optind != 2)
		return usage_error("import", "import needs a kind and a file: "
		                   "impact import answers FILE --survey ID");
	kind = argv[optind];
	file = argv[optind + 1];
	if (strcmp(kind, "territories") && strcmp(kind, "places")
	    && strcmp(kind, "answers") && strcmp(kind, "activities")
	    && strcmp(kind, "facts") && strcmp(kind, "margins"))
		return usage_error("import", "unknown kind \"%s\": expected "
		                   "territories, places, answers, activities, "
		                   "facts or margins", kind);
	if (strcmp(kind, "answers") == 0 && !survey)
		return usage_error("import", "import answers needs --survey ID");
	if (strcmp(kind, "answers") != 0
	    && (survey || opts.place || opts.period))
		return usage_error("import", "--survey, --place and --period "
		                   "apply to 'import answers' only");
	if (open_db(h) != IMPACT_OK)
		return fail(h);
	if (strcmp(kind, "territories") == 0)
		rc = impact_import_territories(h, file, &opts, &sum);
	else if (strcmp(kind, "places") == 0)
		rc = impact_import_places(h, file, &opts, &sum);
	else if (strcmp(kind, "answers") == 0)
		rc = impact_import_answers(h, file, survey, &opts, &sum);
	else if (strcmp(kind, "facts") == 0)
		rc = impact_import_facts(h, file, &opts, &sum);
	else if (strcmp(kind, "margins") == 0)
		rc = impact_import_margins(h, file, &opts, &sum);
	else
		rc = impact_import_activities(h, file, &opts, &sum);
	end_progress();
	if (rc != IMPACT_OK)
		return fail(h);
	if (sum.already_imported) {
		printf("%s: already imported (import #%lld): nothing to do\n",
		       file, sum.import_id);
		return 0;
	}
	printf("%s: %zu rows read, %zu loaded, %zu rejected", file,
	       sum.rows_read, sum.rows_loaded, sum.rows_rejected);
	if (sum.rows_skipped)
		printf(", %zu already stored", sum.rows_skipped);
	printf(" (import #%lld)\n", sum.import_id);
	if (sum.notes[0] && !G.quiet)
		fprintf(stderr, "impact: note: %s: %s\n", file, sum.notes);
	if (sum.rows_rejected) {
		struct reject_print p = { 0, 0 };

		if (impact_rejects_each(h, sum.import_id, print_reject, &p) != 0)
			return fail(h);
		if (p.shown > 10)
			fprintf(stderr, "impact: warning: ... and %lld more\n",
			        p.shown - 10);
		fprintf(stderr, "impact: warning: %zu rows were kept aside: see "
		        "'impact rejects --import %lld', correct them and import "
		        "the corrected rows\n", sum.rows_rejected, sum.import_id);
		return EXIT_REJECTED;
	}
	return 0;
}

static int print_survey(void *payload, const impact_survey_info *s)
{
	(void)payload;
	printf("%-24s %4lld questions %6lld respondents  %s\n", s->code,
	       s->questions, s->respondents, s->title_fr);
	return 0;
}

/* impact survey template ID [--excel] [--lang en] [-o FILE] */
static int survey_template(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "excel", no_argument, NULL, 'x' },
		{ "lang", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	impact_template_opts opts = IMPACT_TEMPLATE_OPTS_INIT;
	const char *output = NULL;
	FILE *f = stdout;
	int c, r, rc;

	optind = 0;
	while ((c = next_option(argc, argv, "xl:o:", longopts)) != -1) {
		if (c == 'x')
			opts.excel = 1;
		else if (c == 'l') {
			if (strcmp(optarg, "fr") && strcmp(optarg, "en"))
				return usage_error("survey", "invalid --lang \"%s\": "
				                   "expected fr or en", optarg);
			opts.lang = optarg;
		} else if (c == 'o')
			output = optarg;
		else if ((r = common_option("survey", c)) != 0)
			return r == -1 ? EXIT_USAGE : r & 255;
	}
	/* argv[optind] is "template", then the survey id. */
	if (argc - optind != 2)
		return usage_error("survey", "usage: impact survey template ID "
		                   "[--excel] [-o FILE]");
	if (open_db(h) != IMPACT_OK)
		return fail(h);
	if (output && !(f = fopen(output, "wb"))) {
		fprintf(stderr, "impact: error: cannot write '%s': %s\n", output,
		        strerror(errno));
		return 1;
	}
	rc = impact_survey_template(h, argv[optind + 1], &opts, f);
	if (output && fclose(f) != 0 && rc == IMPACT_OK) {
		fprintf(stderr, "impact: error: cannot write '%s': %s\n", output,
		        strerror(errno));
		return 1;
	}
	if (rc != IMPACT_OK) {
		if (output)
			remove(output);
		return fail(h);
	}
	if (output && !G.quiet)
		fprintf(stderr, "impact: wrote %s\n", output);
	return 0;
}

static int cmd_survey(impact *h, int argc, char **argv)
{
	const char *verb;
	int r, i;

	/* The verb comes first; template has options of its own. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++)
		if (strcmp(argv[i], "--db") == 0)
			i++;
	if (i < argc && strcmp(argv[i], "template") == 0)
		return survey_template(h, argc, argv);
	if ((r = only_common_options("survey", argc, argv)) != 0)
		return r & 255;
	if (optind >= argc)
		return usage_error("survey", "survey needs a verb: add, list or "
		                   "template");
	verb = argv[optind];
	if (strcmp(verb, "add") == 0) {
		char *code = NULL;
		int existed = 0;

		if (argc - optind != 2)
			return usage_error("survey", "usage: impact survey add "
			                   "FILE.json");
		if (open_db(h) != IMPACT_OK
		    || impact_survey_add(h, argv[optind + 1], &code, &existed)
		       != IMPACT_OK)
			return fail(h);
		if (existed)
			printf("survey %s already added, identical: nothing "
			       "changed\n", code);
		else
			printf("survey %s added\n", code);
		free(code);
		return 0;
	}
	if (strcmp(verb, "list") == 0) {
		if (argc - optind != 1)
			return usage_error("survey", "survey list takes no operand");
		if (open_db(h) != IMPACT_OK
		    || impact_survey_each(h, print_survey, NULL) != IMPACT_OK)
			return fail(h);
		return 0;
	}
	return usage_error("survey", "unknown verb \"%s\": expected add, list "
	                   "or template", verb);
}

static int print_indicator(void *payload, const impact_indicator_info *i)
{
	(void)payload;
	printf("%-12s %-28s %-11s %-10s %-9s %s\n", i->library, i->code,
	       i->domain, i->source, i->kind, i->label_fr);
	return 0;
}

static int cmd_indicators(impact *h, int argc, char **argv)
{
	const char *verb;
	int r;

	if ((r = only_common_options("indicators", argc, argv)) != 0)
		return r & 255;
	if (optind >= argc)
		return usage_error("indicators", "indicators needs a verb: add "
		                   "or list");
	verb = argv[optind];
	if (strcmp(verb, "add") == 0) {
		char *code = NULL;
		size_t n = 0;

		if (argc - optind != 2)
			return usage_error("indicators", "usage: impact indicators "
			                   "add FILE.json");
		if (open_db(h) != IMPACT_OK
		    || impact_indicators_add(h, argv[optind + 1], &code, &n) != 0)
			return fail(h);
		printf("indicator library %s added: %zu indicators (run 'impact "
		       "compute' to compute them)\n", code, n);
		free(code);
		return 0;
	}
	if (strcmp(verb, "list") == 0) {
		if (argc - optind != 1)
			return usage_error("indicators", "indicators list takes no "
			                   "operand");
		if (open_db(h) != IMPACT_OK
		    || impact_indicators_each(h, print_indicator, NULL) != 0)
			return fail(h);
		return 0;
	}
	return usage_error("indicators", "unknown verb \"%s\": expected add "
	                   "or list", verb);
}

static int cmd_compute(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "period", required_argument, NULL, 'p' },
		{ "no-index", no_argument, NULL, 'n' },
		{ "unweighted", no_argument, NULL, 'u' },
		{ "replicates", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	impact_compute_opts opts = IMPACT_COMPUTE_OPTS_INIT;
	impact_index_opts io = IMPACT_INDEX_OPTS_INIT;
	impact_compute_summary sum;
	size_t units = 0;
	int c, r, no_index = 0;
	long v;

	io.rake = IMPACT_RAKE_WHEN_MARGINS;
	optind = 0;
	while ((c = next_option(argc, argv, "p:", longopts)) != -1) {
		if (c == 'p') {
			if (parse_int(optarg, 1900, 9999, &v))
				return usage_error("compute", "invalid --period "
				                   "\"%s\": expected a year", optarg);
			opts.period = io.period = (int)v;
			continue;
		}
		if (c == 'n' || c == 'u') {
			if (c == 'n')
				no_index = 1;
			else
				io.rake = 0;
			continue;
		}
		if (c == 'r') {
			if (parse_int(optarg, 10, 100000, &v))
				return usage_error("compute", "invalid --replicates "
				                   "\"%s\": expected 10 to 100000",
				                   optarg);
			io.replicates = (size_t)v;
			continue;
		}
		if ((r = common_option("compute", c)) != 0)
			return r == -1 ? EXIT_USAGE : r & 255;
	}
	if (optind != argc)
		return usage_error("compute", "compute takes no operand");
	if (open_db(h) != IMPACT_OK || impact_compute(h, &opts, &sum) != 0)
		return fail(h);
	end_progress();
	printf("computed %zu results and %zu indicator values (%zu suppressed) "
	       "for %zu places and territories over %zu period%s\n",
	       sum.results, sum.indicator_results, sum.suppressed, sum.units,
	       sum.periods, sum.periods == 1 ? "" : "s");
	if (!no_index) {
		if (impact_index_compute_all(h, &io, &units) != 0)
			return fail(h);
		end_progress();
		if (units)
			printf("computed %zu index result%s (one per place or"
			       " territory and period)\n", units,
			       units == 1 ? "" : "s");
	}
	return 0;
}

/* Output formats for show and rejects. */
enum format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

static int parse_format(const char *cmd, const char *s, enum format *out)
{
	if (strcmp(s, "table") == 0)
		*out = FORMAT_TABLE;
	else if (strcmp(s, "csv") == 0)
		*out = FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else
		return usage_error(cmd, "invalid --format \"%s\": expected "
		                   "table, csv or json", s);
	return 0;
}

/* The table form of `impact index`: read back from its JSON. */
/* A number of the index table, rounded as the reports round it. */
static const char *ifmt(char *out, json_t *v, double scale, int decimals)
{
	return impact_format_number(out, IMPACT_NUMBER_MAX,
	                            json_is_number(v) ? scale
	                            * json_number_value(v) : NAN, decimals,
	                            NULL);
}

static void index_table(json_t *j)
{
	json_t *ci = json_object_get(j, "ci"), *a;
	char x[IMPACT_NUMBER_MAX], y[IMPACT_NUMBER_MAX], z[IMPACT_NUMBER_MAX],
	     w[IMPACT_NUMBER_MAX];
	size_t i;

	printf("index %s, %s %s (%s), %d\n",
	       json_string_value(json_object_get(j, "index")),
	       json_string_value(json_object_get(j, "unit_kind")),
	       json_string_value(json_object_get(j, "unit_code")),
	       json_string_value(json_object_get(j, "unit_name")),
	       (int)json_integer_value(json_object_get(j, "period")));
	printf("respondents   %lld (%lld left out: too many missing answers)\n",
	       (long long)json_integer_value(json_object_get(j, "n")),
	       (long long)json_integer_value(json_object_get(j, "incomplete")));
	if (json_is_true(json_object_get(j, "suppressed"))) {
		printf("suppressed: fewer than %d respondents\n",
		       IMPACT_MIN_PUBLISHED_N);
		return;
	}
#define ROW(label, key, note) \
	printf("%-13s %s  [%s, %s]%s\n", label, \
	       ifmt(x, json_object_get(j, key), 1, 3), \
	       ifmt(y, json_array_get(json_object_get(ci, key), 0), 1, 3), \
	       ifmt(z, json_array_get(json_object_get(ci, key), 1), 1, 3), note)
	ROW("GNH", "gnh", "");
	ROW("H_n", "h_n", "  (share not yet happy)");
	ROW("A_n", "a_n", "  (their mean insufficiency)");
#undef ROW
	a = json_object_get(j, "groups");
	printf("groups        deeply %s%%, extensively %s%%, narrowly %s%%, "
	       "unhappy %s%%\n", ifmt(x, json_object_get(a, "deeply"), 100, 1),
	       ifmt(y, json_object_get(a, "extensively"), 100, 1),
	       ifmt(z, json_object_get(a, "narrowly"), 100, 1),
	       ifmt(w, json_object_get(a, "unhappy"), 100, 1));
	printf("\n%-20s %8s %14s %8s\n", "domain", "weight", "contribution",
	       "alpha");
	a = json_object_get(j, "domains");
	for (i = 0; i < json_array_size(a); i++) {
		json_t *d = json_array_get(a, i), *al = json_object_get(d, "alpha");

		printf("%-20s %8s %13s%% ", json_string_value(
		       json_object_get(d, "id")), ifmt(x, json_object_get(d,
		       "weight"), 1, 3), ifmt(y, json_object_get(d, "share"),
		       100, 1));
		if (json_is_number(al))
			printf("%8s%s\n", ifmt(x, al, 1, 2),
			       json_is_true(json_object_get(d, "alpha_low"))
			       ? " (low)" : "");
		else
			printf("%8s\n", "-");
	}
	a = json_object_get(j, "ranks");
	if (json_array_size(a)) {
		printf("\n%-16s %8s %12s %14s\n", "place", "GNH", "median rank",
		       "90% interval");
		for (i = 0; i < json_array_size(a); i++) {
			json_t *r = json_array_get(a, i);

			printf("%-16s %8s %12s %7s - %s\n",
			       json_string_value(json_object_get(r, "place")),
			       ifmt(x, json_object_get(r, "gnh"), 1, 3),
			       ifmt(y, json_object_get(r, "median_rank"), 1, 1),
			       ifmt(z, json_object_get(r, "rank_low"), 1, 0),
			       ifmt(w, json_object_get(r, "rank_high"), 1, 0));
		}
	}
	a = json_object_get(j, "change");
	if (a) {
		double c = json_number_value(json_object_get(a, "change"));

		ifmt(x, json_object_get(a, "change"), 1, 3);
		printf("\nchange since %d: %s%s  [%s, %s]\n",
		       (int)json_integer_value(json_object_get(a,
		                                               "previous_period")),
		       c > 0 && strpbrk(x, "123456789") ? "+" : "", x,
		       ifmt(y, json_array_get(json_object_get(a, "ci"), 0), 1, 3),
		       ifmt(z, json_array_get(json_object_get(a, "ci"), 1), 1, 3));
	}
}

static int cmd_index(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "period", required_argument, NULL, 'p' },
		{ "place", required_argument, NULL, 'P' },
		{ "territory", required_argument, NULL, 't' },
		{ "weights", required_argument, NULL, 'w' },
		{ "index", required_argument, NULL, 'i' },
		{ "rake", no_argument, NULL, 'r' },
		{ "poverty", no_argument, NULL, 'v' },
		{ "format", required_argument, NULL, 'f' },
		{ "replicates", required_argument, NULL, 'R' },
		{ NULL, 0, NULL, 0 }
	};
	impact_index_opts opts = IMPACT_INDEX_OPTS_INIT;
	enum format format = FORMAT_TABLE;
	char *text = NULL;
	long v;
	int c, r;

	if (argc >= 2 && strcmp(argv[1], "add") == 0) {
		char *code = NULL;

		if ((r = only_common_options("index", argc - 1, argv + 1)) != 0)
			return r & 255;
		if (argc != 3)
			return usage_error("index", "usage: impact index add "
			                   "FILE.json");
		if (open_db(h) != IMPACT_OK
		    || impact_index_add(h, argv[2], &code) != IMPACT_OK)
			return fail(h);
		printf("index %s added\n", code);
		free(code);
		return 0;
	}
	optind = 0;
	while ((c = next_option(argc, argv, "p:P:t:w:i:rvf:R:", longopts))
	       != -1) {
		switch (c) {
		case 'p':
			if (parse_int(optarg, 1900, 9999, &v))
				return usage_error("index", "invalid --period \"%s\":"
				                   " expected a year", optarg);
			opts.period = (int)v;
			break;
		case 'P':
			opts.place = optarg;
			break;
		case 't':
			opts.territory = optarg;
			break;
		case 'w':
			if (strcmp(optarg, "equal") == 0)
				opts.weights = IMPACT_WEIGHTS_EQUAL;
			else if (strcmp(optarg, "territory") == 0)
				opts.weights = IMPACT_WEIGHTS_TERRITORY;
			else if (strcmp(optarg, "participatory") == 0)
				opts.weights = IMPACT_WEIGHTS_PARTICIPATORY;
			else if (strcmp(optarg, "pca") == 0)
				opts.weights = IMPACT_WEIGHTS_PCA;
			else
				return usage_error("index", "invalid --weights \"%s\":"
				                   " expected equal, territory, "
				                   "participatory or pca", optarg);
			break;
		case 'i':
			opts.index = optarg;
			break;
		case 'r':
			opts.rake = 1;
			break;
		case 'v':
			opts.poverty = 1;
			break;
		case 'R':
			if (parse_int(optarg, 10, 100000, &v))
				return usage_error("index", "invalid --replicates "
				                   "\"%s\": expected 10 to 100000",
				                   optarg);
			opts.replicates = (size_t)v;
			break;
		case 'f':
			if ((r = parse_format("index", optarg, &format)) != 0)
				return r;
			if (format == FORMAT_CSV)
				return usage_error("index", "--format is table or json");
			break;
		default:
			if ((r = common_option("index", c)) != 0)
				return r == -1 ? EXIT_USAGE : r & 255;
		}
	}
	if (optind != argc)
		return usage_error("index", "index takes no operand but \"add\"");
	if (opts.place && opts.territory)
		return usage_error("index", "give --place or --territory, not "
		                   "both");
	if (open_db(h) != IMPACT_OK || impact_index_compute(h, &opts, &text))
		return fail(h);
	if (format == FORMAT_JSON) {
		puts(text);
	} else {
		json_t *j = json_loads(text, 0, NULL);

		if (j)
			index_table(j);
		json_decref(j);
	}
	free(text);
	return 0;
}

/* Write s as a CSV field. */
static void csv_field(const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* Is this measure a count (printed as a whole number)? */
static int is_count(const char *measure)
{
	return strcmp(measure, IMPACT_MEASURE_RESPONDENTS) == 0
	       || strcmp(measure, IMPACT_MEASURE_ACTIVITIES) == 0
	       || strcmp(measure, IMPACT_MEASURE_PARTICIPANTS) == 0;
}

struct show_state {
	enum format format;
	json_t *array;   /* JSON output */
	size_t rows;
};

static int show_row(void *payload, const impact_result *r)
{
	struct show_state *s = payload;
	char value[IMPACT_NUMBER_MAX] = "", lo[IMPACT_NUMBER_MAX],
	     hi[IMPACT_NUMBER_MAX], ci[2 * IMPACT_NUMBER_MAX + 8] = "";

	s->rows++;
	if (s->format == FORMAT_JSON) {
		json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:I, s:b}",
		                      "period", r->period, "unit_kind",
		                      r->unit_kind, "unit_code", r->unit_code,
		                      "unit_name", r->unit_name, "measure",
		                      r->measure, "n", (json_int_t)r->n,
		                      "suppressed", r->suppressed);

		if (!o)
			return -1;
		json_object_set_new(o, "question", r->question
		                    ? json_string(r->question) : json_null());
		json_object_set_new(o, "value", r->suppressed ? json_null()
		                    : json_real(r->value));
		json_object_set_new(o, "ci_low", r->has_ci && !r->suppressed
		                    ? json_real(r->ci_low) : json_null());
		json_object_set_new(o, "ci_high", r->has_ci && !r->suppressed
		                    ? json_real(r->ci_high) : json_null());
		return json_array_append_new(s->array, o);
	}
	if (s->format == FORMAT_CSV) {
		printf("%d,%s,", r->period, r->unit_kind);
		csv_field(r->unit_code);
		printf(",%s,", r->measure);
		csv_field(r->question);
		if (r->suppressed)
			printf(",,%lld,,,1\n", r->n);
		else if (r->has_ci)
			printf(",%.10g,%lld,%.10g,%.10g,0\n", r->value, r->n,
			       r->ci_low, r->ci_high);
		else
			printf(",%.10g,%lld,,,0\n", r->value, r->n);
		return 0;
	}
	/* The same rounding as the PDF dashboards. */
	if (r->suppressed)
		snprintf(value, sizeof(value), "n<%d", IMPACT_MIN_PUBLISHED_N);
	else
		impact_format_number(value, sizeof(value), r->value,
		                     is_count(r->measure) ? 0 : 1, NULL);
	if (r->has_ci && !r->suppressed)
		snprintf(ci, sizeof(ci), "[%s, %s]",
		         impact_format_number(lo, sizeof(lo), r->ci_low, 1, NULL),
		         impact_format_number(hi, sizeof(hi), r->ci_high, 1, NULL));
	printf("%-6d %-9s %-16s %-18s %-14s %10s %-16s %6lld\n", r->period,
	       r->unit_kind, r->unit_code, r->measure,
	       r->question ? r->question : "-", value, ci, r->n);
	return 0;
}

/* Copy UTF-8 `s` into out, cut to `width` characters (never inside one)
 * and padded with spaces to `width` characters. */
static const char *fit(char *out, size_t size, const char *s, size_t width)
{
	size_t n = 0, chars = 0;

	for (; s && *s && chars < width && n + 4 < size; chars++) {
		size_t len = ((unsigned char)*s & 0x80) == 0 ? 1
		             : ((unsigned char)*s & 0xE0) == 0xC0 ? 2
		             : ((unsigned char)*s & 0xF0) == 0xE0 ? 3 : 4;
		size_t k;

		for (k = 0; k < len && s[k]; k++)
			out[n++] = s[k];
		s += k;
	}
	for (; chars < width && n + 1 < size; chars++)
		out[n++] = ' ';
	out[n] = '\0';
	return out;
}

/* State of `impact show indicators`. */
struct ishow {
	enum format format;
	const char *lang;        /* "fr" or "en" */
	json_t *array;
	size_t rows;
};

/* A number as a JSON real, or null when NaN. */
static json_t *json_num(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

static int ishow_row(void *payload, const impact_indicator_result *r)
{
	struct ishow *s = payload;
	int en = strcmp(s->lang, "en") == 0;
	const char *label = en && r->label_en ? r->label_en : r->label_fr;
	const char *unit = en && r->unit_en ? r->unit_en : r->unit_fr;
	char v[IMPACT_NUMBER_MAX] = "", lo[IMPACT_NUMBER_MAX],
	     hi[IMPACT_NUMBER_MAX], ci[2 * IMPACT_NUMBER_MAX + 8] = "",
	     ch[IMPACT_NUMBER_MAX + 8] = "";

	s->rows++;
	if (s->format == FORMAT_JSON) {
		json_t *o = json_object();

		if (!o)
			return -1;
		json_object_set_new(o, "period", json_integer(r->period));
		json_object_set_new(o, "unit_kind", json_string(r->unit_kind));
		json_object_set_new(o, "unit_code", json_string(r->unit_code));
		json_object_set_new(o, "unit_name", json_string(r->unit_name));
		json_object_set_new(o, "library", json_string(r->library));
		json_object_set_new(o, "id", json_string(r->code));
		json_object_set_new(o, "label", json_string(label));
		json_object_set_new(o, "domain", json_string(r->domain));
		json_object_set_new(o, "unit", unit ? json_string(unit)
		                                    : json_null());
		json_object_set_new(o, "direction", json_string(
		                    r->direction < 0 ? "lower" : "higher"));
		json_object_set_new(o, "decimals", json_integer(r->decimals));
		json_object_set_new(o, "value", r->has_value
		                    ? json_num(r->value) : json_null());
		json_object_set_new(o, "n", json_integer(r->n));
		json_object_set_new(o, "ci_low", r->has_ci ? json_num(r->ci_low)
		                                           : json_null());
		json_object_set_new(o, "ci_high", r->has_ci
		                    ? json_num(r->ci_high) : json_null());
		json_object_set_new(o, "previous", r->has_previous
		                    ? json_num(r->previous) : json_null());
		json_object_set_new(o, "change", r->has_previous
		                    ? json_num(r->change) : json_null());
		json_object_set_new(o, "significant", r->significant < 0
		                    ? json_null()
		                    : json_boolean(r->significant));
		json_object_set_new(o, "p_value", r->significant < 0
		                    ? json_null() : json_num(r->p_value));
		json_object_set_new(o, "suppressed",
		                    json_boolean(r->suppressed));
		json_object_set_new(o, "reason", r->reason
		                    ? json_string(r->reason) : json_null());
		return json_array_append_new(s->array, o);
	}
	if (s->format == FORMAT_CSV) {
		printf("%d,%s,", r->period, r->unit_kind);
		csv_field(r->unit_code);
		printf(",%s,", r->code);
		if (r->has_value)
			printf("%.10g", r->value);
		printf(",%lld,", r->n);
		if (r->has_ci)
			printf("%.10g,%.10g", r->ci_low, r->ci_high);
		else
			putchar(',');
		putchar(',');
		if (r->has_previous)
			printf("%.10g,%.10g", r->previous, r->change);
		else
			putchar(',');
		printf(",%s,%d,", r->significant < 0 ? ""
		       : r->significant ? "1" : "0", r->suppressed);
		csv_field(r->reason);
		putchar('\n');
		return 0;
	}
	if (r->suppressed)
		snprintf(v, sizeof(v), "(%s)", r->reason ? r->reason : "-");
	else if (r->has_value)
		impact_format_number(v, sizeof(v), r->value, r->decimals, NULL);
	if (r->has_ci && !r->suppressed)
		snprintf(ci, sizeof(ci), "[%s, %s]",
		         impact_format_number(lo, sizeof(lo), r->ci_low,
		                              r->decimals, NULL),
		         impact_format_number(hi, sizeof(hi), r->ci_high,
		                              r->decimals, NULL));
	if (r->has_previous) {
		char d[IMPACT_NUMBER_MAX];

		impact_format_number(d, sizeof(d), r->change, r->decimals, NULL);
		/* No sign on a change that rounds to zero, as the reports. */
		snprintf(ch, sizeof(ch), "%s%s%s", r->change > 0
		         && strpbrk(d, "123456789") ? "+" : "", d,
		         r->significant == 1 ? " *" : "");
	}
	{
		char u[64];

		printf("%-6d %-16s %-28.28s %12s %s %-22s %6lld %s\n",
		       r->period, r->unit_code, r->code, v,
		       fit(u, sizeof(u), unit, 8), ci, r->n, ch);
	}
	(void)label;
	return 0;
}

/* impact show indicators [...]: argv[optind] is "indicators". */
static int show_indicators(impact *h, const impact_result_filter *f,
                           enum format format, const char *lang)
{
	struct ishow s = { format, lang, NULL, 0 };
	int rc;

	if (format == FORMAT_CSV)
		puts("period,unit_kind,unit_code,indicator,value,n,ci_low,"
		     "ci_high,previous,change,significant,suppressed,reason");
	else if (format == FORMAT_TABLE)
		printf("%-6s %-16s %-28s %12s %-8s %-22s %6s %s\n", "period",
		       "unit", "indicator", "value", "unit", "95% CI", "n",
		       "change");
	else if (!(s.array = json_array()))
		return fail(h);
	rc = impact_indicator_results_each(h, f, ishow_row, &s);
	if (rc == IMPACT_OK && format == FORMAT_JSON) {
		char *text = json_dumps(s.array, JSON_INDENT(2)
		                        | JSON_REAL_PRECISION(10));

		if (text)
			puts(text);
		free(text);
	}
	json_decref(s.array);
	if (rc != IMPACT_OK)
		return fail(h);
	if (s.rows == 0 && !G.quiet)
		fprintf(stderr, "impact: no indicator values: add a library with "
		        "'impact indicators add FILE.json', then run 'impact "
		        "compute'\n");
	if (format == FORMAT_TABLE && s.rows && !G.quiet)
		fprintf(stderr, "(* significant change at 5%%; values in "
		        "parentheses are suppressed: too few respondents)\n");
	return 0;
}

static int cmd_show(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "period", required_argument, NULL, 'p' },
		{ "place", required_argument, NULL, 'P' },
		{ "territory", required_argument, NULL, 't' },
		{ "measure", required_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ "lang", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	impact_result_filter f = IMPACT_RESULT_FILTER_INIT;
	struct show_state s = { FORMAT_TABLE, NULL, 0 };
	const char *lang = "fr";
	long v;
	int c, r, rc, indicators = 0;

	optind = 0;
	while ((c = next_option(argc, argv, "p:P:t:m:f:l:", longopts))
	       != -1) {
		switch (c) {
		case 'p':
			if (parse_int(optarg, 1900, 9999, &v))
				return usage_error("show", "invalid --period \"%s\": "
				                   "expected a year", optarg);
			f.period = (int)v;
			break;
		case 'P':
			f.place = optarg;
			break;
		case 't':
			f.territory = optarg;
			break;
		case 'm':
			f.measure = optarg;
			break;
		case 'f':
			if ((r = parse_format("show", optarg, &s.format)) != 0)
				return r;
			break;
		case 'l':
			if (strcmp(optarg, "fr") && strcmp(optarg, "en"))
				return usage_error("show", "invalid --lang \"%s\": "
				                   "expected fr or en", optarg);
			lang = optarg;
			break;
		default:
			if ((r = common_option("show", c)) != 0)
				return r == -1 ? EXIT_USAGE : r & 255;
		}
	}
	if (optind < argc && strcmp(argv[optind], "indicators") == 0) {
		indicators = 1;
		optind++;
	}
	if (optind != argc)
		return usage_error("show", "show takes no operand but "
		                   "\"indicators\"");
	if (f.place && f.territory)
		return usage_error("show", "give --place or --territory, not "
		                   "both");
	if (open_db(h) != IMPACT_OK)
		return fail(h);
	if (indicators)
		return show_indicators(h, &f, s.format, lang);
	if (s.format == FORMAT_CSV)
		puts("period,unit_kind,unit_code,measure,question,value,n,"
		     "ci_low,ci_high,suppressed");
	else if (s.format == FORMAT_TABLE)
		printf("%-6s %-9s %-16s %-18s %-14s %10s %-16s %6s\n", "period",
		       "unit", "code", "measure", "question", "value", "95% CI",
		       "n");
	else if (!(s.array = json_array()))
		return fail(h);
	rc = impact_results_each(h, &f, show_row, &s);
	if (rc == IMPACT_OK && s.format == FORMAT_JSON) {
		char *text = json_dumps(s.array, JSON_INDENT(2) | JSON_REAL_PRECISION(10));

		if (text)
			puts(text);
		free(text);
	}
	json_decref(s.array);
	if (rc != IMPACT_OK)
		return fail(h);
	if (s.rows == 0 && !G.quiet)
		fprintf(stderr, "impact: no results: run 'impact compute' after "
		        "importing data, or check the filters\n");
	return 0;
}

struct rejects_state {
	enum format format;
	json_t *array;
};

static int rejects_row(void *payload, const impact_reject_info *r)
{
	struct rejects_state *s = payload;

	if (s->format == FORMAT_JSON)
		return json_array_append_new(s->array, json_pack(
		        "{s:I, s:s, s:I, s:I, s:s, s:s}", "import",
		        (json_int_t)r->import_id, "file", r->file_name, "line",
		        (json_int_t)r->line, "column", (json_int_t)r->column,
		        "field", r->field, "reason", r->reason));
	if (s->format == FORMAT_CSV) {
		printf("%lld,", r->import_id);
		csv_field(r->file_name);
		printf(",%lld,%lld,", r->line, r->column);
		csv_field(r->field);
		putchar(',');
		csv_field(r->reason);
		putchar('\n');
		return 0;
	}
	printf("%s:%lld:%lld: %s\n", r->file_name, r->line, r->column,
	       r->reason);
	return 0;
}

static int cmd_rejects(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "import", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct rejects_state s = { FORMAT_TABLE, NULL };
	long id = 0;
	int c, r, rc;

	optind = 0;
	while ((c = next_option(argc, argv, "i:f:", longopts)) != -1) {
		if (c == 'i') {
			if (parse_int(optarg, 1, 1000000000L, &id))
				return usage_error("rejects", "invalid --import "
				                   "\"%s\": expected an import "
				                   "number", optarg);
		} else if (c == 'f') {
			if ((r = parse_format("rejects", optarg, &s.format)) != 0)
				return r;
		} else if ((r = common_option("rejects", c)) != 0) {
			return r == -1 ? EXIT_USAGE : r & 255;
		}
	}
	if (optind != argc)
		return usage_error("rejects", "rejects takes no operand");
	if (open_db(h) != IMPACT_OK)
		return fail(h);
	if (s.format == FORMAT_CSV)
		puts("import,file,line,column,field,reason");
	else if (s.format == FORMAT_JSON && !(s.array = json_array()))
		return fail(h);
	rc = impact_rejects_each(h, id, rejects_row, &s);
	if (rc == IMPACT_OK && s.format == FORMAT_JSON) {
		char *text = json_dumps(s.array, JSON_INDENT(2));

		if (text)
			puts(text);
		free(text);
	}
	json_decref(s.array);
	return rc == IMPACT_OK ? 0 : fail(h);
}


static int cmd_sample(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "first-year", required_argument, NULL, 'y' },
		{ "waves", required_argument, NULL, 'w' },
		{ "respondents", required_argument, NULL, 'r' },
		{ "activities", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	impact_sample_opts opts = IMPACT_SAMPLE_OPTS_INIT;
	const char *dir = NULL;
	int c, r;
	long v;

	optind = 0;
	while ((c = next_option(argc, argv, "o:s:y:w:r:a:", longopts))
	       != -1) {
		if (c == 'o') {
			dir = optarg;
			continue;
		}
		if (c == 's' || c == 'y' || c == 'w' || c == 'r' || c == 'a') {
			if (parse_int(optarg, 0, 2000000000L, &v))
				return usage_error("sample", "invalid number \"%s\"",
				                   optarg);
			if (c == 's')
				opts.seed = (unsigned long)v;
			else if (c == 'y')
				opts.first_year = (int)v;
			else if (c == 'w')
				opts.waves = (int)v;
			else if (c == 'r')
				opts.respondents_per_wave = (size_t)v;
			else
				opts.activities_per_year = (size_t)v;
			continue;
		}
		if ((r = common_option("sample", c)) != 0)
			return r == -1 ? EXIT_USAGE : r & 255;
	}
	if (optind != argc || !dir)
		return usage_error("sample", "usage: impact sample --out DIR");
	if (impact_sample_write(h, dir, &opts) != IMPACT_OK)
		return fail(h);
	printf("wrote the sample territory in %s\n", dir);
	return 0;
}

/* ---------------------------------------------------------------- */

static const struct command commands[] = {
	{ "init", cmd_init, "impact init [--db FILE]",
	  "Usage: impact init [--db FILE]\n\n"
	  "Create the database, or bring an older one up to date.  On a file\n"
	  "that is already up to date, change nothing and say so.\n\n"
	  DB_HELP "\nExample:\n  impact init --db network.db\n" },
	{ "status", cmd_status, "impact status",
	  "Usage: impact status [--db FILE]\n\n"
	  "Show what the database holds: counts of each table and the latest\n"
	  "period.\n\n" DB_HELP "\nExample:\n  impact status\n" },
	{ "import", cmd_import,
	  "impact import territories|places|answers|activities FILE "
	  "[--survey ID]",
	  "Usage: impact import KIND FILE [--survey ID] [OPTIONS]\n\n"
	  "Import a CSV file (formats in docs/formats.md).  KIND is one of:\n"
	  "  territories  the tree of territories (code,name,parent)\n"
	  "  places       the register of places (code, name, territory,\n"
	  "               commune, latitude, longitude), which may also create\n"
	  "               territories (territory_name, parent_territory)\n"
	  "  answers      a survey tool's export (KoboToolbox, ODK, LimeSurvey,\n"
	  "               Framaforms, Google Forms, SurveyMonkey), a French\n"
	  "               Excel sheet or the template; needs --survey\n"
	  "  activities   the activity log (place, date, category, title,\n"
	  "               hours, participants, new participants, volunteers,\n"
	  "               volunteer hours, publics, partners, free)\n"
	  "  facts        places' yearly facts: place, year, then one\n"
	  "               column per fact (jobs, budget, surface...)\n"
	  "  margins      a territory's population margins for survey\n"
	  "               weights (territory, variable, level, total)\n"
	  "Column names may be English or French, in any order.\n"
	  "Territories and places load whole or not at all.  Answers and\n"
	  "activities load the good rows and keep the others aside with their\n"
	  "line, column and reason (see 'impact rejects'), and the command\n"
	  "exits with status 3.  A file already imported is not imported\n"
	  "twice.  Encoding, delimiter, header rows, exporting tool and date\n"
	  "order are detected; each can be forced.\n\n"
	  "  --survey ID        the questionnaire the answers belong to\n"
	  "  --place CODE       every answer is about this place\n"
	  "  --period YYYY      every answer belongs to this year\n"
	  "  --encoding NAME    utf-8, utf-8-bom, utf-16le, utf-16be or\n"
	  "                     windows-1252\n"
	  "  --delimiter C      , ; or tab\n"
	  "  --header-rows N    1, 2 or 3 header lines\n"
	  "  --tool NAME        kobotoolbox, odk, limesurvey, framaforms,\n"
	  "                     google-forms, surveymonkey, template\n"
	  "  --dates ORDER      dmy (03/04 is 3 April) or mdy (4 March), for\n"
	  "                     answers and activities\n"
	  "  --strict           refuse the whole file if any row is wrong\n"
	  DB_HELP "\nExamples:\n"
	  "  impact import territories territories.csv\n"
	  "  impact import answers answers-2024.csv --survey vdl-bien-etre\n" },
	{ "survey", cmd_survey,
	  "impact survey add FILE.json | list | template ID [--excel]",
	  "Usage: impact survey add FILE.json\n"
	  "       impact survey list\n"
	  "       impact survey template ID [--excel] [--lang fr|en] [-o FILE]\n\n"
	  "Add a questionnaire definition (JSON, docs/formats.md; the default\n"
	  "questionnaire is surveys/questionnaires/default.json), list those\n"
	  "known with their numbers of questions and respondents, or write a\n"
	  "spreadsheet-ready CSV to type paper questionnaires into: a row of\n"
	  "column names and a row of hints (starting with #), which 'impact\n"
	  "import answers' reads back as it is.\n\n"
	  "  --excel          French-Excel variant: Windows-1252 and ';'\n"
	  "                   (default: UTF-8 with BOM and ',')\n"
	  "  --lang fr|en     language of the hints\n"
	  "  -o, --output FILE  write there instead of stdout\n"
	  DB_HELP "\nExamples:\n  impact survey add survey.json\n"
	  "  impact survey template impact-defaut --excel -o saisie.csv\n" },
	{ "indicators", cmd_indicators,
	  "impact indicators add FILE.json | list",
	  "Usage: impact indicators add FILE.json\n"
	  "       impact indicators list\n\n"
	  "Add an indicator library (JSON, docs/indicators.md; impact ships\n"
	  "indicators/library/default.json, the effets utiles of the default\n"
	  "questionnaire), replacing a library of the same id, or list the\n"
	  "indicators known.  'impact compute' computes them.\n\n"
	  DB_HELP "\nExample:\n"
	  "  impact indicators add indicators/library/default.json\n" },
	{ "index", cmd_index,
	  "impact index [--place CODE|--territory CODE] [--weights ...] | add "
	  "FILE.json",
	  "Usage: impact index [--place CODE | --territory CODE] [--period YYYY]\n"
	  "                    [--weights equal|territory|participatory|pca]\n"
	  "                    [--rake] [--poverty] [--index ID]\n"
	  "                    [--replicates N] [--format table|json]\n"
	  "       impact index add FILE.json\n\n"
	  "The locally weighted gross-happiness index (Bhutan's GNH, the\n"
	  "Alkire-Foster method; docs/index.md) of a place or a territory\n"
	  "(default: the network): GNH, H_n and A_n with 95% bootstrap\n"
	  "intervals, the four groups, contributions of domains and\n"
	  "indicators, subgroups, Cronbach's alpha, the rank robustness of\n"
	  "places and the change from the previous year.  'add' stores an\n"
	  "index definition (impact ships\n"
	  "indicators/library/index-default.json).\n\n"
	  "  --weights SCHEME  domain weights (default: the definition's)\n"
	  "  --rake            weight respondents to the stored margins\n"
	  "  --poverty         also the poverty form (H, A, M0)\n"
	  "  --format FORMAT   table (default) or json (docs/index.md)\n"
	  DB_HELP "\nExamples:\n"
	  "  impact index add indicators/library/index-default.json\n"
	  "  impact index --territory VDL --weights participatory\n" },
	{ "compute", cmd_compute, "impact compute [--period YYYY] [--no-index]",
	  "Usage: impact compute [--period YYYY] [--no-index] [--unweighted]\n"
	  "                      [--replicates N]\n\n"
	  "Compute the results of every place and every territory (pooled\n"
	  "from the places below it) for every period, or one period: number\n"
	  "of respondents, the well-being score (0-100) and the mean of each\n"
	  "question with 95% confidence intervals, activities, participants\n"
	  "and participant-hours, then every indicator of the libraries\n"
	  "added, then the gross-happiness index of every place and territory\n"
	  "(when an index definition was added), respondents raked to the\n"
	  "population margins when some were imported.  Results replace those\n"
	  "stored before; the reports print them.\n\n"
	  "  --period YYYY    compute this year only\n"
	  "  --no-index       leave the index out\n"
	  "  --unweighted     do not rake the respondents for the index\n"
	  "  --replicates N   bootstrap replicates of the index (default 1000)\n"
	  DB_HELP "\nExample:\n  impact compute --period 2025\n" },
	{ "show", cmd_show,
	  "impact show [indicators] [--period YYYY] [--place CODE|--territory "
	  "CODE] [--format table|csv|json]",
	  "Usage: impact show [--period YYYY] [--place CODE | --territory CODE]\n"
	  "                   [--measure NAME] [--format table|csv|json]\n"
	  "       impact show indicators [--period YYYY] [--place CODE |\n"
	  "                   --territory CODE] [--measure ID] [--lang fr|en]\n"
	  "                   [--format table|csv|json]\n\n"
	  "'impact show indicators' prints every indicator's value, n, 95%\n"
	  "interval, change from the previous period and its significance;\n"
	  "suppressed values are never printed (docs/indicators.md; its JSON\n"
	  "is a stable contract described there).\n\n"
	  "Print stored results.  Figures standing on fewer than 5 respondents\n"
	  "are never printed (n<5).  The table rounds to one decimal, as the\n"
	  "PDF dashboards do; csv and json give full precision (json: a list\n"
	  "of objects with period, unit_kind, unit_code, unit_name, measure,\n"
	  "question, value, n, ci_low, ci_high, suppressed).\n\n"
	  "  --period YYYY     one year only\n"
	  "  --place CODE      one place\n"
	  "  --territory CODE  one territory\n"
	  "  --measure NAME    respondents, wellbeing_score, question_mean,\n"
	  "                    activities, participants or participant_hours\n"
	  "  --format FORMAT   table (default), csv or json\n"
	  DB_HELP "\nExample:\n"
	  "  impact show --period 2025 --measure wellbeing_score\n" },
	{ "rejects", cmd_rejects, "impact rejects [--import N]",
	  "Usage: impact rejects [--import N] [--format table|csv|json]\n\n"
	  "List the rows that imports kept aside, as file:line:column: reason.\n\n"
	  "  --import N       rows of import number N only\n"
	  "  --format FORMAT  table (default), csv or json\n"
	  DB_HELP "\nExample:\n  impact rejects --import 3\n" },
	{ "report", cmd_report,
	  "impact report [--period YYYY] (--place CODE|--territory CODE) -o "
	  "FILE.pdf",
	  "Usage: impact report [--period YYYY] (--place CODE | --territory CODE)\n"
	  "                     [--lang fr|en] [--profile FILE.json]\n"
	  "                     [--geojson FILE] -o FILE.pdf\n"
	  "       impact report [--period YYYY] [--lang fr|en] [--profile FILE]\n"
	  "                     [--geojson FILE] --all --out-dir DIR\n\n"
	  "Write the multi-page A4 PDF dashboard of a place or a territory: a\n"
	  "cover with the key figures, the gross-happiness index (interval,\n"
	  "trend, groups, contributions), the domains, the effets utiles, for\n"
	  "a territory its places compared and on a map, and the method.  With\n"
	  "--all, every territory's and place's into DIR (territory-CODE.pdf,\n"
	  "place-CODE.pdf).  Run 'impact compute' first.  French by default.\n\n"
	  "  --period YYYY     the year (default: the latest)\n"
	  "  --place CODE      a place's dashboard\n"
	  "  --territory CODE  a territory's dashboard\n"
	  "  --lang fr|en      language of the report\n"
	  "  --profile FILE    a funder profile: title, logo and the effets\n"
	  "                    utiles it follows, in its order (docs/reports.md)\n"
	  "  --geojson FILE    commune outlines for the map (GeoJSON, WGS84)\n"
	  "  -o, --output FILE the PDF to write\n"
	  "  --all             every dashboard\n"
	  "  --out-dir DIR     where --all writes\n"
	  DB_HELP "\nExample:\n"
	  "  impact report --period 2025 --place FAB-BOURG -o fabrique.pdf\n" },
	{ "chart", cmd_chart,
	  "impact chart KIND (--place CODE|--territory CODE) -o FILE.png|svg|pdf",
	  "Usage: impact chart KIND (--place CODE | --territory CODE)\n"
	  "                    [--period YYYY] [--lang fr|en] [--width PT]\n"
	  "                    [--height PT] [--format png|svg|pdf]\n"
	  "                    [--profile FILE] [--geojson FILE] -o FILE\n\n"
	  "Draw one chart of the dashboards, for a website or slides, with the\n"
	  "same figures.  KIND is one of:\n"
	  "  domains        the domains of the index as a radar, against the\n"
	  "                 territory above\n"
	  "  indicators     the effets utiles in % as bars with their 95%\n"
	  "                 intervals (a profile chooses them)\n"
	  "  groups         the four happiness groups, stacked\n"
	  "  contributions  each domain's share of what happiness lacks\n"
	  "  trend          the index over the years with its 95% band\n"
	  "  places         a territory's places compared\n"
	  "  map            a territory's places on a map (outlines with\n"
	  "                 --geojson)\n\n"
	  "  --width PT, --height PT  size in points (default 560 x 360; PNG\n"
	  "                 has 2 pixels per point)\n"
	  "  --format F     png, svg or pdf (default: the file's extension)\n"
	  DB_HELP "\nExample:\n"
	  "  impact chart domains --place FAB-BOURG -o fabrique-domaines.png\n" },
	{ "forget", cmd_forget, "impact forget KEY | ID --survey ID [--period "
	  "YYYY]",
	  "Usage: impact forget KEY [--period YYYY]\n"
	  "       impact forget ID --survey ID [--period YYYY]\n\n"
	  "Erase one respondent (the GDPR right to erasure): their answers,\n"
	  "the options they chose and the rows of theirs that imports kept\n"
	  "aside, then compute again the results, indicators and index of the\n"
	  "years they answered for (and the changes of later years).  Deleted\n"
	  "content is overwritten and the write-ahead log emptied, so no copy\n"
	  "stays in the database's files.  The erasure is counted in meta\n"
	  "'erasures' (date and numbers of rows, no identifier).  Give the\n"
	  "respondent's stored key (64 hexadecimal digits, as 'impact rejects'\n"
	  "shows them), or with --survey the identifier their answers file\n"
	  "gave (a questionnaire number, a tool's response id), exactly as\n"
	  "written there.  An unknown respondent changes nothing (exit 1).\n"
	  "Also delete them from the survey tool: a later export holding them\n"
	  "would bring them back (docs/privacy.md).\n\n"
	  "  --survey ID       the questionnaire; then KEY may be the identifier\n"
	  "  --period YYYY     that year only (default: every year)\n"
	  DB_HELP "\nExamples:\n"
	  "  impact forget R-0042 --survey impact-defaut\n"
	  "  impact forget 3f1c...e9 (the 64 digits of the key)\n" },
	{ "export", cmd_export,
	  "impact export --anonymised -o FILE.csv [--survey ID] [--period YYYY]",
	  "Usage: impact export --anonymised -o FILE.csv [--survey ID]\n"
	  "                     [--period YYYY] [--k N]\n\n"
	  "Write the answers of a survey as a dataset that may leave the\n"
	  "network (docs/privacy.md; columns in docs/formats.md): one row per\n"
	  "respondent with period, territory and place, then one column per\n"
	  "question; no respondent key, no free-text answer, no date finer\n"
	  "than the year.  Place-years with fewer than 5 respondents are left\n"
	  "out.  The quasi-identifiers (the questions with role commune,\n"
	  "age_band, activity_status, sex) are blanked, in that order and only\n"
	  "where needed, until every combination of them in a place-year is\n"
	  "shared by at least 5 rows (k-anonymity); rows still alone are left\n"
	  "out.  A summary on stderr counts what was left out and blanked.\n"
	  "The file is written under a temporary name and renamed when\n"
	  "complete.\n\n"
	  "  --anonymised      required: the only kind of export\n"
	  "  -o, --output FILE the CSV to write\n"
	  "  --survey ID       the questionnaire (default: the only one)\n"
	  "  --period YYYY     one year (default: every year)\n"
	  "  --k N             rows alike at least (default and minimum 5)\n"
	  DB_HELP "\nExample:\n"
	  "  impact export --anonymised --period 2025 -o reseau-2025.csv\n" },
	{ "place", cmd_place,
	  "impact place access CODE | --coordinator | --list",
	  "Usage: impact place access CODE [--revoke]\n"
	  "       impact place access --coordinator [--revoke]\n"
	  "       impact place access --list\n\n"
	  "Create (or renew) the access code facilitators of place CODE sign\n"
	  "in with at 'impact serve', or with --coordinator the code of the\n"
	  "network's coordinators, who see every place.  The code (16 letters\n"
	  "and digits) is printed once on stdout and stored only hashed\n"
	  "(PBKDF2-HMAC-SHA-256, docs/serve.md): note it and hand it over.\n"
	  "Renewing a code ends the sessions opened with the old one.\n\n"
	  "  --coordinator    the coordinators' code instead of a place's\n"
	  "  --revoke         remove the code (and its sessions)\n"
	  "  --list           which codes exist, with their open sessions\n"
	  DB_HELP "\nExamples:\n"
	  "  impact place access FAB-BOURG\n"
	  "  impact place access --coordinator\n" },
	{ "serve", cmd_serve,
	  "impact serve [--port N] [--bind ADDR]",
	  "Usage: impact serve [--port N] [--bind ADDR] [--lang fr|en]\n"
	  "                    [--max-upload MB] [--quiet]\n\n"
	  "Serve the web entry (docs/serve.md): facilitators sign in with\n"
	  "their place's access code ('impact place access'), type paper\n"
	  "questionnaires into a form checked as 'impact import answers'\n"
	  "checks files, correct or delete their entries, import their survey\n"
	  "exports and activity logs, and see their results and PDF\n"
	  "dashboard; coordinators see every place and territory.  Pages in\n"
	  "French (English with ?lang=en), plain HTML that works on a phone\n"
	  "and without JavaScript.  The address is printed on stdout, one line\n"
	  "per request on stderr (not with --quiet).  Ctrl-C stops.\n\n"
	  "  --port N         TCP port (default 8080; 0: any free port)\n"
	  "  --bind ADDR      address to listen on (default 127.0.0.1, this\n"
	  "                   computer only; 0.0.0.0 opens it to the network:\n"
	  "                   put an HTTPS server in front)\n"
	  "  --lang fr|en     language of the pages by default\n"
	  "  --max-upload MB  largest file accepted (default 20)\n"
	  DB_HELP "\nExample:\n"
	  "  impact place access FAB-BOURG     # prints the place's code\n"
	  "  impact serve --port 8080          # then open http://127.0.0.1:8080/\n" },
	{ "sample", cmd_sample, "impact sample --out DIR [--seed N]",
	  "Usage: impact sample --out DIR [--seed N] [--first-year YYYY]\n"
	  "                     [--waves N] [--respondents N] [--activities N]\n\n"
	  "Write the bundled fictional sample territory (the Val de Lière\n"
	  "network: 10 places in 3 intercommunalities) into DIR: territories.csv,\n"
	  "places.csv, answers-YYYY.csv per wave (answering the default\n"
	  "questionnaire, surveys/questionnaires/default.json), activities.csv\n"
	  "and facts.csv.\n"
	  "The same seed always gives the same files.\n\n"
	  "  --out DIR          where to write (created if missing)\n"
	  "  --seed N           random seed (default 42)\n"
	  "  --first-year YYYY  year of the first wave (default 2023)\n"
	  "  --waves N          yearly waves (default 3)\n"
	  "  --respondents N    respondents per wave (default 360)\n"
	  "  --activities N     activity rows per year (default 1200)\n"
	  "  --help             this help\n"
	  "\nExample:\n  impact sample --out sample --seed 7\n" },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void main_help(void)
{
	size_t i;

	printf("Usage: impact [--db FILE] COMMAND [OPTIONS]\n\n"
	       "Measure the social impact of tiers-lieux: import survey answers\n"
	       "and activity logs into one SQLite file, compute results per\n"
	       "place and per territory, write PDF dashboards.\n\n"
	       "Commands:\n");
	for (i = 0; i < N_COMMANDS; i++)
		printf("  %s\n", commands[i].usage);
	printf("\nOptions:\n" DB_HELP
	       "  --version        print the version\n\n"
	       "'impact COMMAND --help' describes each command.\n\n"
	       "Example, from an empty folder:\n"
	       "  impact sample --out data\n"
	       "  impact init\n"
	       "  impact import territories data/territories.csv\n"
	       "  impact import places data/places.csv\n"
	       "  impact survey add surveys/questionnaires/default.json\n"
	       "  impact import answers data/answers-2025.csv --survey "
	       "impact-defaut\n"
	       "  impact indicators add indicators/library/default.json\n"
	       "  impact compute\n"
	       "  impact report --place FAB-BOURG -o fabrique.pdf\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, OPT_DB },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct command *cmd;
	impact *h = NULL;
	int c, rc;

#ifdef __GLIBC__
	/* Large arrays (a period's activities, the persons of a national
	 * unit) go back to the system as soon as they are freed: glibc
	 * would otherwise raise its mmap threshold up to 32 MB as they are
	 * freed and keep the next ones in the heap, where freed memory
	 * still counts in the process's peak (make bench: 212 MB -> 188 MB
	 * for one period's indicators). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
	G.db = getenv("IMPACT_DB");
	if (!G.db || !*G.db)
		G.db = "impact.db";
	opterr = 0;  /* we print our own one-line messages */
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			G.db = optarg;
			break;
		case OPT_QUIET:
			G.quiet = 1;
			break;
		case OPT_HELP:
			main_help();
			return 0;
		case 'V':
			printf("impact %s\n", impact_version());
			return 0;
		default:
			fprintf(stderr, "impact: unknown option \"%s\" (see "
			        "'impact --help')\n", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "impact: no command given (see 'impact --help')\n");
		return EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd) {
		fprintf(stderr, "impact: unknown command \"%s\" (see 'impact "
		        "--help')\n", argv[optind]);
		return EXIT_USAGE;
	}
	if (impact_new(&h) != IMPACT_OK) {
		fprintf(stderr, "impact: error: out of memory\n");
		return 1;
	}
	rc = cmd->run(h, argc - optind, argv + optind);
	impact_free(h);
	return rc;
}
