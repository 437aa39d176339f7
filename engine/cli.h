/*
 * engine/cli.h: what the files of the `impact` command share.  main.c
 * holds the table of commands and the helpers below; a command may live
 * in its own engine/cli_*.c file (declared at the end of this header and
 * listed in main.c's table).  None of this is part of libimpact.
 */
#ifndef IMPACT_CLI_H
#define IMPACT_CLI_H

#include <getopt.h>

#include "impact.h"

#define EXIT_USAGE 2

/* Options shared by every command. */
struct globals {
	const char *db;      /* database path */
	int quiet;           /* no progress, no summaries on stderr */
	int progress_shown;  /* a progress line is on the terminal */
};

extern struct globals G;

/* The argument getopt_long() refused, for the one-line message. */
extern const char *bad_option;

typedef int (*command_fn)(impact *h, int argc, char **argv);

struct command {
	const char *name;     /* "import answers" */
	command_fn run;
	const char *usage;    /* one line */
	const char *help;     /* full help, with an example */
};

const struct command *find_command(const char *name);

/* getopt_long() over a command's arguments, remembering a refused one. */
int next_option(int argc, char **argv, const char *shortopts,
                const struct option *longopts);

/* Print a usage error with a hint and return the usage exit code. */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Report a library failure ("impact: error: ...") and return 1 (2 for a
 * usage error found by the library). */
int fail(impact *h);

/* Open the database for a command (not `init`), with progress shown on a
 * terminal. */
int open_db(impact *h);

/* Parse a whole number in [lo, hi]; returns 0 on success. */
int parse_int(const char *s, long lo, long hi, long *out);

enum { OPT_DB = 1000, OPT_HELP, OPT_QUIET };

#define COMMON_LONGOPTS \
	{ "db", required_argument, NULL, OPT_DB }, \
	{ "help", no_argument, NULL, OPT_HELP }, \
	{ "quiet", no_argument, NULL, OPT_QUIET }

/*
 * Handle an option every command accepts.  Returns -1 if `c` is not one,
 * 0 if handled, or an exit code to return now (help shown: 0 is encoded
 * as 256).
 */
int common_option(const char *cmd, int c);

/* Parse the options of a command that takes only the common ones, and
 * leave optind on the first operand. */
int only_common_options(const char *cmd, int argc, char **argv);

#define DB_HELP \
	"  --db FILE        database (default $IMPACT_DB, else ./impact.db)\n" \
	"  --quiet          no progress on the terminal\n" \
	"  --help           this help\n"

/* Commands living in engine/cli_*.c (one line each, sorted by file). */
int cmd_chart(impact *h, int argc, char **argv);   /* cli_report.c */
int cmd_report(impact *h, int argc, char **argv);  /* cli_report.c */
int cmd_export(impact *h, int argc, char **argv);     /* cli_privacy.c */
int cmd_forget(impact *h, int argc, char **argv);     /* cli_privacy.c */
int cmd_place(impact *h, int argc, char **argv);      /* cli_serve.c */
int cmd_serve(impact *h, int argc, char **argv);      /* cli_serve.c */

#endif
