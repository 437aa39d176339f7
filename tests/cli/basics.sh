#!/bin/sh
# Basics of the command line: help, version, usage errors (exit 2, one
# line on stderr), data errors (exit 1, "impact: error: ...").
. "$TOP/tests/cli/lib.sh"

COMMANDS="init status import survey compute show rejects report chart sample"

# first_err_line_starts PREFIX DESC: the first line of stderr starts with
# PREFIX.
first_err_line_starts() {
	case "$(head -n 1 "$WORK/.err")" in
	"$1"*) _report 0 "$2" "" ;;
	*) _report 1 "$2" "first line of stderr does not start with: $1" ;;
	esac
}

# --- help and version -------------------------------------------------

run impact --help
expect_status 0 "--help exits 0"
expect_err_empty "--help writes nothing on stderr"
expect_out "Usage: impact" "--help shows the usage"
for c in $COMMANDS; do
	# Each command appears in the Commands list as "  impact NAME".
	expect_out "  impact $c" "--help lists the command '$c'"
done
expect_out "--version" "--help mentions --version"

run impact --version
expect_status 0 "--version exits 0"
printf 'impact 0.1.0\n' >"$WORK/expected"
expect_out_exact "$WORK/expected" "--version prints exactly 'impact 0.1.0'"
expect_err_empty "--version writes nothing on stderr"

for c in $COMMANDS; do
	run impact "$c" --help
	expect_status 0 "'impact $c --help' exits 0"
	expect_out "Usage: impact $c" "'impact $c --help' shows its usage"
	expect_out "Example" "'impact $c --help' shows an example"
	expect_err_empty "'impact $c --help' writes nothing on stderr"
done

# --help works without a database and does not create one.
check "no command's --help created impact.db" test ! -e impact.db

# --- usage errors: exit 2, one line on stderr --------------------------

run impact
expect_status 2 "no command exits 2"
expect_err_lines 1 "no command: one line on stderr"
expect_err "impact --help" "no command: hints at 'impact --help'"
check "no command: nothing on stdout" test ! -s "$WORK/.out"

run impact frobnicate
expect_status 2 "unknown command exits 2"
expect_err_lines 1 "unknown command: one line on stderr"
expect_err "frobnicate" "unknown command: names the command"
expect_err "impact --help" "unknown command: hints at 'impact --help'"

run impact --bogus-option
expect_status 2 "unknown global option exits 2"
expect_err "impact --help" "unknown global option: hints at 'impact --help'"
# House style: a usage error is ONE line on stderr (getopt's own message
# plus the hint make two).
expect_err_lines 1 "unknown global option: one line on stderr"

run impact show --bogus-option
expect_status 2 "unknown option of a command exits 2"
expect_err "impact show --help" "unknown command option: hints at 'impact show --help'"
expect_err_lines 1 "unknown command option: one line on stderr"

run impact init --db
expect_status 2 "--db without its argument exits 2"

for p in 20x4 abc 1800 10000 ""; do
	run impact compute --period "$p"
	expect_status 2 "compute --period '$p' exits 2"
	expect_err_lines 1 "compute --period '$p': one line on stderr"
done
run impact show --period 2O24
expect_status 2 "show --period 2O24 (letter O) exits 2"
expect_err "2O24" "show --period: the bad value is quoted"
run impact report --period 99 --place P1 -o x.pdf
expect_status 2 "report --period 99 exits 2"

run impact import answers answers.csv
expect_status 2 "import answers without --survey exits 2"
expect_err_lines 1 "import answers without --survey: one line on stderr"
expect_err "--survey" "import answers without --survey: names --survey"

run impact import places places.csv --survey s1
expect_status 2 "import places with --survey exits 2"

run impact import places
expect_status 2 "import with a kind but no file exits 2"

# An unknown kind is a usage error whether or not a database exists (it
# must be detected before the database is opened).
run impact import frobs x.csv
expect_status 2 "import of an unknown kind exits 2 (no database present)"
expect_err "frobs" "import of an unknown kind: names the kind"

run impact show --format xml
expect_status 2 "show --format xml exits 2"
expect_err_lines 1 "show --format xml: one line on stderr"
expect_err "xml" "show --format xml: quotes the value"

run impact rejects --format yaml
expect_status 2 "rejects --format yaml exits 2"
run impact rejects --import 0
expect_status 2 "rejects --import 0 exits 2"

run impact show --place P1 --territory A
expect_status 2 "show with both --place and --territory exits 2"

run impact report -o out.pdf
expect_status 2 "report without --place or --territory exits 2"
expect_err_lines 1 "report without --place/--territory: one line on stderr"
run impact report --place P1 --territory A -o out.pdf
expect_status 2 "report with both --place and --territory exits 2"
run impact report --place P1 --lang de -o out.pdf
expect_status 2 "report --lang de exits 2"

run impact init extra
expect_status 2 "init with an operand exits 2"
run impact status extra
expect_status 2 "status with an operand exits 2"
run impact survey
expect_status 2 "survey without a verb exits 2"
run impact survey frob
expect_status 2 "survey with an unknown verb exits 2"
run impact compute extra
expect_status 2 "compute with an operand exits 2"
run impact sample
expect_status 2 "sample without --out exits 2"

check "no usage error created impact.db" test ! -e impact.db

# --- data and runtime errors: exit 1, "impact: error: " ----------------

run impact status
expect_status 1 "status without a database exits 1"
first_err_line_starts "impact: error: " "missing database: stderr starts with 'impact: error: '"
expect_err_lines 1 "missing database: one line on stderr"

run impact init
expect_status 0 "init exits 0"

run impact import territories no-such-file.csv
expect_status 1 "import of a missing file exits 1"
first_err_line_starts "impact: error: " "missing file: stderr starts with 'impact: error: '"
expect_err "no-such-file.csv" "missing file: names the file"

printf '{"id": "s1", "title": {"fr": "T"}, "questions": [\n' >broken.json
run impact survey add broken.json
expect_status 1 "survey add of broken JSON exits 1"
first_err_line_starts "impact: error: broken.json:" "broken JSON: 'impact: error: FILE:...'"

run impact import answers a.csv --survey no-such-survey
expect_status 1 "import answers for an unknown survey exits 1"
first_err_line_starts "impact: error: " "unknown survey: stderr starts with 'impact: error: '"
expect_err "no-such-survey" "unknown survey: names it"

run impact compute --period 2024
expect_status 1 "compute --period on an empty database exits 1"
first_err_line_starts "impact: error: " "compute on nothing: stderr starts with 'impact: error: '"

# The limits of docs/formats.md ("Limits"), each with its message.
impact init --db limits.db >/dev/null 2>&1
python3 -c "print('[' * 3000 + ']' * 3000)" >deep.json 2>/dev/null ||
	awk 'BEGIN { for (i = 0; i < 3000; i++) printf "["; for (i = 0; i < 3000; i++) printf "]"; print "" }' >deep.json
run impact --db limits.db survey add deep.json
expect_status 1 "limits: JSON nested deeper than 2048 exits 1"
expect_err "deep.json:1:2049: maximum parsing depth reached" "limits: the depth error names its position"
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "a,"; print "" }' >wide.csv
run impact --db limits.db import activities wide.csv
expect_status 1 "limits: a record of more than 4096 columns exits 1"
expect_err "wide.csv:1:4097: record too large (at most 4096 columns and 16 MiB)" "limits: the column limit names its position"
