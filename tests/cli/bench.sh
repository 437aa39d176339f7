#!/bin/sh
# The benchmark's generator and harness (bench/, `make bench`) on a tiny
# national dataset: every stage runs, the database holds exactly the rows
# the generator promised, the reference sqlite3 .import too, and the JSON
# records every stage, ratio and target.  Times are not checked: the
# benchmark is a measurement, not a test.
. "$TOP/tests/cli/lib.sh"

expect_eq() { # expect_eq DESC GOT WANT: string equality
	[ "$2" = "$3" ]
	_report $? "$1" "got '$2', expected '$3'"
}

bin=$(dirname "$IMPACT")
gen="$bin/bench-gen"
harness="$bin/bench-run"

run "$gen" --out data --places 24 --respondents 600 --activities 900 \
	--periods 2 --seed 7
expect_status 0 "bench-gen writes the tiny national dataset"
expect_out "24 places in 9 territories, 600 respondents" \
	"bench-gen says what it wrote"
for f in territories.csv places.csv answers-2023.csv answers-2024.csv \
	answers-long-2023.csv answers-long-2024.csv activities.csv facts.csv \
	margins.csv manifest; do
	[ -s "data/$f" ]
	_report $? "bench-gen wrote $f" "data/$f is missing or empty"
done

# The promised counts, counted independently in the files: one answer
# per non-empty cell of the stored questions (every column but the
# respondent's number and the place), one activity per data line.
answers=$(awk -F, 'FNR > 1 { for (i = 3; i <= NF; i++) if ($i != "") n++ }
	END { print n }' data/answers-2023.csv data/answers-2024.csv)
expect_eq "manifest promises the answers the wide files hold" \
	"$(awk '$1 == "answers" { print $2 }' data/manifest)" "$answers"
expect_eq "long files hold one row per answer" \
	"$(cat data/answers-long-2023.csv data/answers-long-2024.csv \
	   | grep -vc '^respondent,question,value$')" "$answers"
expect_eq "manifest promises every activity line" \
	"$(awk '$1 == "activities" { print $2 }' data/manifest)" \
	"$(($(wc -l <data/activities.csv) - 1))"

run "$gen" --out data2 --places 24 --respondents 600 --activities 900 \
	--periods 2 --seed 7
check "the same seed gives the same files" \
	cmp data/answers-2024.csv data2/answers-2024.csv
check "the same seed gives the same activities" \
	cmp data/activities.csv data2/activities.csv

run "$harness" --impact "$IMPACT" --top "$TOP" --data data --work work \
	--json work/results.json
expect_status 0 "bench-run runs every stage without a failure"
expect_out "answers: impact / sqlite3 .import =" "the table gives the ratio"
expect_out "every dashboard (--all)" "the table lists the dashboards"
j=work/results.json
check "the JSON is valid" jq -e . "$j"
for s in setup import_answers import_activities compute report_territory \
	report_all reference_answers reference_activities; do
	expect_eq "stage $s ran and is timed" \
		"$(jq -r ".stages.$s | (.ran and .seconds > 0 and .peak_rss_mb > 0)" "$j")" \
		true
done
expect_eq "impact stored every promised answer" \
	"$(jq '.stages.import_answers.rows' "$j")" "$answers"
expect_eq "the reference imported the same answers" \
	"$(jq '.stages.reference_answers.rows' "$j")" "$answers"
expect_eq "impact stored every activity" \
	"$(jq '.stages.import_activities.rows' "$j")" 900
expect_eq "the reference imported the same activities" \
	"$(jq '.stages.reference_activities.rows' "$j")" 900
expect_eq "one dashboard per place and territory" \
	"$(jq '.stages.report_all.rows' "$j")" 33
expect_eq "compute covers every unit and period" \
	"$(jq '.stages.compute.rows' "$j")" 66
expect_eq "every count equals the generator's promise" \
	"$(jq '[.checks[] | select(.expected != .actual)] | length' "$j")" 0
expect_eq "the counts checked include the answers and choices" \
	"$(jq -r '[.checks[].what] | (index("answers") != null and index("answer_choices") != null and index("activity_publics") != null)' "$j")" \
	true
expect_eq "the ratios are recorded" \
	"$(jq '.ratios | (.import_answers > 0 and .import_activities > 0)' "$j")" \
	true
expect_eq "every target is recorded with its verdict" \
	"$(jq '[.targets[] | select(.met == null)] | length' "$j")" 0
expect_eq "the database agrees: respondents" \
	"$(sql work/impact.db 'SELECT count(*) FROM respondents')" 600
expect_eq "the database agrees: answers" \
	"$(sql work/impact.db 'SELECT count(*) FROM answers')" "$answers"

run "$harness" --impact "$IMPACT" --top "$TOP" --data data --work work2 \
	--skip nothing
expect_status 2 "an unknown stage to skip is a usage error"
