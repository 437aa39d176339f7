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
"$impact" import facts "$data/facts.csv"
"$impact" import margins "$data/margins.csv"
"$impact" indicators add "$top/indicators/library/default.json"
"$impact" index add "$top/indicators/library/index-default.json"
step "results"
"$impact" compute
"$impact" show --measure wellbeing_score --territory VDL
"$impact" show indicators --territory VDL --measure moins_isoles
step "gross-happiness index of the network, respondents raked to its population"
"$impact" index --territory VDL --rake
"$impact" index --territory VDL --rake --weights participatory --format json \
	>"$out/index-VDL.json"
echo "(the same with participatory weights, as JSON: $out/index-VDL.json)"
step "dashboards (latest period)"
"$impact" report --all --out-dir "$out"
step "done: open the PDFs under $out/"
ls "$out"/*.pdf
