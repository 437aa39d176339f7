#!/bin/sh
# The main job on the bundled sample, as `make demo` runs it:
#   sh tests/demo.sh IMPACT_BINARY OUT_DIR
# Generates the sample territory, imports it into OUT_DIR/impact.db,
# computes the results and writes every dashboard as PDF into OUT_DIR.
set -eu
impact=${1:?usage: tests/demo.sh IMPACT OUT_DIR}
out=${2:?usage: tests/demo.sh IMPACT OUT_DIR}

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
"$impact" survey add "$data/survey.json"
for f in "$data"/answers-*.csv; do
	"$impact" import answers "$f" --survey vdl-bien-etre
done
"$impact" import activities "$data/activities.csv"
step "results"
"$impact" compute
"$impact" show --measure wellbeing_score --territory VDL
step "dashboards (latest period)"
"$impact" report --all --out-dir "$out"
step "done: open the PDFs under $out/"
ls "$out"/*.pdf
