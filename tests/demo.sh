#!/bin/sh
# The main job on the bundled sample, as `make demo` runs it:
#   sh tests/demo.sh IMPACT_BINARY OUT_DIR
# Generates the sample territory, imports it into OUT_DIR/impact.db with
# the default questionnaire and the default library of indicators (the
# effets utiles, docs/indicators.md), computes the results and writes
# every dashboard as PDF into OUT_DIR.  The questionnaire and the library
# are read from the source tree, the folder above this script's.
set -eu
impact=${1:?usage: tests/demo.sh IMPACT OUT_DIR}
out=${2:?usage: tests/demo.sh IMPACT OUT_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)

rm -rf "$out"
mkdir -p "$out"
export IMPACT_DB="$out/impact.db"
data="$out/data"

step() { printf '\n== %s\n' "$*"; }
note() { printf 'demo: note: %s\n' "$*" >&2; }

# has_command WORD COMMAND...: does `impact COMMAND... --help` mention
# WORD?  Guards the steps an older impact binary lacks.
has_command() {
	word=$1
	shift
	"$impact" "$@" --help 2>/dev/null | grep -q "$word"
}

step "sample territory (seeded): $data"
"$impact" sample --out "$data"
step "database: $IMPACT_DB"
"$impact" init
step "imports"
"$impact" import territories "$data/territories.csv"
"$impact" import places "$data/places.csv"
"$impact" survey add "$top/surveys/questionnaires/default.json"
for f in "$data"/answers-*.csv; do
	"$impact" import answers "$f" --survey impact-defaut
done
"$impact" import activities "$data/activities.csv"
if has_command facts import; then
	"$impact" import facts "$data/facts.csv"
else
	note "this impact has no 'import facts': facts.csv not imported"
fi
if has_command add indicators; then
	"$impact" indicators add "$top/indicators/library/default.json"
else
	note "this impact has no 'indicators' command: the effets utiles" \
		"are not computed"
fi
step "results"
"$impact" compute
"$impact" show --measure wellbeing_score --territory VDL
step "dashboards (latest period)"
"$impact" report --all --out-dir "$out"
step "done: open the PDFs under $out/"
ls "$out"/*.pdf
