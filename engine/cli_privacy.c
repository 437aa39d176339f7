/*
 * engine/cli_privacy.c: the commands of the respondents' rights, `impact
 * forget` and `impact export --anonymised`, over include/impact/privacy.h.
 * Their help texts are in main.c's table of commands; the rules they
 * apply are in docs/privacy.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* impact forget KEY [--survey ID] [--period YYYY] */
int cmd_forget(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "survey", required_argument, NULL, 's' },
		{ "period", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	impact_forget_opts opts = IMPACT_FORGET_OPTS_INIT;
	impact_forget_summary sum;
	long v;
	int c, r, rc;

	optind = 0;
	while ((c = next_option(argc, argv, "s:p:", longopts)) != -1) {
		if (c == 's') {
			opts.survey = optarg;
		} else if (c == 'p') {
			if (parse_int(optarg, 1900, 9999, &v))
				return usage_error("forget", "invalid --period \"%s\":"
				                   " expected a year", optarg);
			opts.period = (int)v;
		} else if ((r = common_option("forget", c)) != 0) {
			return r == -1 ? EXIT_USAGE : r & 255;
		}
	}
	if (argc - optind != 1)
		return usage_error("forget", "forget needs one respondent: impact "
		                   "forget KEY, or impact forget ID --survey "
		                   "SURVEY");
	if (open_db(h) != IMPACT_OK)
		return fail(h);
	rc = impact_forget(h, argv[optind], &opts, &sum);
	if (G.progress_shown) {
		fputc('\n', stderr);
		G.progress_shown = 0;
	}
	if (sum.respondents || sum.rejects) {
		printf("erased %zu respondent%s (%zu answers, %zu options "
		       "chosen, %zu rows kept aside)", sum.respondents,
		       sum.respondents == 1 ? "" : "s", sum.answers, sum.choices,
		       sum.rejects);
		if (sum.first_period == sum.last_period && sum.first_period)
			printf(" of %d", sum.first_period);
		else if (sum.first_period)
			printf(" of %d to %d", sum.first_period, sum.last_period);
		putchar('\n');
	}
	if (rc != IMPACT_OK)
		return fail(h);
	if (sum.periods_recomputed)
		printf("computed again the results of %zu year%s\n",
		       sum.periods_recomputed,
		       sum.periods_recomputed == 1 ? "" : "s");
	if (sum.index_units)
		printf("computed again the index of %zu places and territories "
		       "and years\n", sum.index_units);
	if (!sum.wal_cleared && !G.quiet)
		fprintf(stderr, "impact: note: another program is reading the "
		        "database: the erased rows stay in its write-ahead log "
		        "(%s-wal) until the next command that writes\n", G.db);
	return 0;
}

/* impact export --anonymised -o FILE.csv [--survey ID] [--period YYYY] */
int cmd_export(impact *h, int argc, char **argv)
{
	static const char *const qi_names[IMPACT_QI_COUNT] = {
		"commune", "age band", "activity status", "sex"
	};
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		{ "anonymised", no_argument, NULL, 'a' },
		{ "anonymized", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "survey", required_argument, NULL, 's' },
		{ "period", required_argument, NULL, 'p' },
		{ "k", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	impact_export_opts opts = IMPACT_EXPORT_OPTS_INIT;
	impact_export_summary sum;
	int c, r, anonymised = 0;
	size_t j;
	long v;

	optind = 0;
	while ((c = next_option(argc, argv, "ao:s:p:k:", longopts)) != -1) {
		switch (c) {
		case 'a':
			anonymised = 1;
			break;
		case 'o':
			opts.output = optarg;
			break;
		case 's':
			opts.survey = optarg;
			break;
		case 'p':
			if (parse_int(optarg, 1900, 9999, &v))
				return usage_error("export", "invalid --period \"%s\":"
				                   " expected a year", optarg);
			opts.period = (int)v;
			break;
		case 'k':
			if (parse_int(optarg, IMPACT_MIN_PUBLISHED_N, 1000, &v))
				return usage_error("export", "invalid --k \"%s\": "
				                   "expected a whole number from %d to "
				                   "1000", optarg,
				                   IMPACT_MIN_PUBLISHED_N);
			opts.k = (int)v;
			break;
		default:
			if ((r = common_option("export", c)) != 0)
				return r == -1 ? EXIT_USAGE : r & 255;
		}
	}
	if (optind != argc)
		return usage_error("export", "export takes no operand: give the "
		                   "file with -o FILE.csv");
	if (!anonymised)
		return usage_error("export", "impact exports anonymised answers "
		                   "only: add --anonymised");
	if (!opts.output)
		return usage_error("export", "export needs -o FILE.csv");
	if (open_db(h) != IMPACT_OK
	    || impact_export_anonymised(h, &opts, &sum) != IMPACT_OK)
		return fail(h);
	if (G.progress_shown) {
		fputc('\n', stderr);
		G.progress_shown = 0;
	}
	if (G.quiet)
		return 0;
	fprintf(stderr, "impact: wrote %s: %zu of %zu respondents, %zu answer "
	        "columns (%zu questions left out: identifiers, dates, free "
	        "text)\n",
	        opts.output, sum.rows_written, sum.respondents, sum.columns,
	        sum.columns_left_out);
	fprintf(stderr, "impact: left out %zu respondents of %zu place-years "
	        "with fewer than %d, and %zu in a group of fewer than %d alike "
	        "even with every quasi-identifier blanked\n",
	        sum.rows_small_group, sum.groups_dropped, sum.k, sum.rows_unique,
	        sum.k);
	fprintf(stderr, "impact: blanked %zu quasi-identifier answers (",
	        sum.cells_blanked);
	for (j = 0; j < IMPACT_QI_COUNT; j++)
		fprintf(stderr, "%s%s %zu", j ? ", " : "", qi_names[j],
		        sum.blanked[j]);
	fprintf(stderr, "): every combination of them in a place-year is "
	        "shared by at least %d rows\n", sum.k);
	return 0;
}
