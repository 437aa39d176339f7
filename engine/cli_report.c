/*
 * engine/cli_report.c: `impact report` and `impact chart`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Options report and chart share; returns 0 when `c` was one of them,
 * -1 when not, or an exit code. */
static int report_option(const char *cmd, int c, impact_report_opts *o)
{
	long v;

	switch (c) {
	case 'p':
		if (parse_int(optarg, 1900, 9999, &v))
			return usage_error(cmd, "invalid --period \"%s\": "
			                   "expected a year", optarg);
		o->period = (int)v;
		return 0;
	case 'P':
		o->place = optarg;
		return 0;
	case 't':
		o->territory = optarg;
		return 0;
	case 'l':
		if (strcmp(optarg, "fr") && strcmp(optarg, "en"))
			return usage_error(cmd, "invalid --lang \"%s\": expected "
			                   "fr or en", optarg);
		o->lang = optarg;
		return 0;
	case 'o':
		o->output = optarg;
		return 0;
	case 'f':
		o->profile = optarg;
		return 0;
	case 'g':
		o->geojson = optarg;
		return 0;
	default:
		return -1;
	}
}

#define REPORT_LONGOPTS \
	{ "period", required_argument, NULL, 'p' }, \
	{ "place", required_argument, NULL, 'P' }, \
	{ "territory", required_argument, NULL, 't' }, \
	{ "lang", required_argument, NULL, 'l' }, \
	{ "output", required_argument, NULL, 'o' }, \
	{ "profile", required_argument, NULL, 'f' }, \
	{ "geojson", required_argument, NULL, 'g' }

int cmd_report(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		REPORT_LONGOPTS,
		{ "all", no_argument, NULL, 'a' },
		{ "out-dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	impact_report_opts opts = IMPACT_REPORT_OPTS_INIT;
	const char *dir = NULL;
	int c, r, all = 0;

	optind = 0;
	while ((c = next_option(argc, argv, "p:P:t:l:o:ad:", longopts))
	       != -1) {
		if (c == 'a') {
			all = 1;
			continue;
		}
		if (c == 'd') {
			dir = optarg;
			continue;
		}
		if ((r = report_option("report", c, &opts)) == 0)
			continue;
		if (r != -1)
			return r;
		if ((r = common_option("report", c)) != 0)
			return r == -1 ? EXIT_USAGE : r & 255;
	}
	if (optind != argc)
		return usage_error("report", "report takes no operand");
	if (all) {
		size_t n = 0;

		if (opts.place || opts.territory || opts.output || !dir)
			return usage_error("report", "--all writes every dashboard "
			                   "into --out-dir DIR, without --place, "
			                   "--territory or -o");
		if (open_db(h) != IMPACT_OK
		    || impact_report_write_all(h, &opts, dir, &n) != IMPACT_OK)
			return fail(h);
		if (G.progress_shown) {
			fputc('\n', stderr);
			G.progress_shown = 0;
		}
		printf("wrote %zu dashboards in %s\n", n, dir);
		return 0;
	}
	if (dir)
		return usage_error("report", "--out-dir goes with --all");
	if (!opts.place == !opts.territory)
		return usage_error("report", "give --place CODE or --territory "
		                   "CODE (or --all)");
	if (!opts.output)
		return usage_error("report", "give the PDF to write with -o "
		                   "FILE.pdf");
	if (open_db(h) != IMPACT_OK || impact_report_write(h, &opts) != 0)
		return fail(h);
	printf("wrote %s\n", opts.output);
	return 0;
}

/* A size in points for --width and --height. */
static int parse_points(const char *s, double *out)
{
	long v;

	if (parse_int(s, 100, 5000, &v))
		return -1;
	*out = (double)v;
	return 0;
}

int cmd_chart(impact *h, int argc, char **argv)
{
	static const struct option longopts[] = {
		COMMON_LONGOPTS,
		REPORT_LONGOPTS,
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	impact_chart_opts opts = IMPACT_CHART_OPTS_INIT;
	int c, r;

	optind = 0;
	while ((c = next_option(argc, argv, "p:P:t:l:o:", longopts)) != -1) {
		switch (c) {
		case 'W':
		case 'H':
			if (parse_points(optarg, c == 'W' ? &opts.width
			                 : &opts.height))
				return usage_error("chart", "invalid --%s \"%s\": "
				                   "expected 100 to 5000 points",
				                   c == 'W' ? "width" : "height",
				                   optarg);
			continue;
		case 'F':
			if (strcmp(optarg, "png") && strcmp(optarg, "svg")
			    && strcmp(optarg, "pdf"))
				return usage_error("chart", "invalid --format \"%s\":"
				                   " expected png, svg or pdf", optarg);
			opts.format = optarg;
			continue;
		default:
			break;
		}
		if ((r = report_option("chart", c, &opts.report)) == 0)
			continue;
		if (r != -1)
			return r;
		if ((r = common_option("chart", c)) != 0)
			return r == -1 ? EXIT_USAGE : r & 255;
	}
	if (optind + 1 != argc)
		return usage_error("chart", "give one KIND: domains, indicators, "
		                   "groups, contributions, trend, places or map");
	if ((opts.kind = impact_chart_kind_parse(argv[optind])) < 0)
		return usage_error("chart", "unknown chart \"%s\": expected "
		                   "domains, indicators, groups, contributions, "
		                   "trend, places or map", argv[optind]);
	if (!opts.report.place == !opts.report.territory)
		return usage_error("chart", "give --place CODE or --territory "
		                   "CODE");
	if (!opts.report.output)
		return usage_error("chart", "give the file to write with -o "
		                   "FILE.png (or .svg, .pdf)");
	if (open_db(h) != IMPACT_OK || impact_chart_write(h, &opts) != 0)
		return fail(h);
	printf("wrote %s\n", opts.report.output);
	return 0;
}
