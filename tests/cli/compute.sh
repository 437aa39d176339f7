#!/bin/sh
# compute and show: a tiny dataset whose every figure is worked out by
# hand below, then read back with `impact show`.
. "$TOP/tests/cli/lib.sh"

# --- helpers -------------------------------------------------------------

# csv_get PERIOD KIND CODE MEASURE QUESTION COL: field COL (1-based) of the
# matching row of the last `show --format csv` (stdout).  Columns: 1
# period, 2 unit_kind, 3 unit_code, 4 measure, 5 question, 6 value, 7 n,
# 8 ci_low, 9 ci_high, 10 suppressed.  Prints "MISSING" when no row
# matches.
csv_get() {
	awk -F, -v p="$1" -v k="$2" -v c="$3" -v m="$4" -v q="$5" -v col="$6" '
		NR > 1 && $1 == p && $2 == k && $3 == c && $4 == m && $5 == q {
			print $col; found = 1; exit
		}
		END { if (!found) print "MISSING" }' "$WORK/.out"
}

# expect_num DESC GOT WANT TOL: |GOT - WANT| <= TOL.
expect_num() {
	awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN {
		if (g == "" || g == "MISSING" || g !~ /^-?[0-9.eE+-]+$/) exit 1
		d = g - w; if (d < 0) d = -d; exit !(d <= t) }'
	_report $? "$1" "got '$2', expected $3 (within $4)"
}

# expect_eq DESC GOT WANT: string equality.
expect_eq() {
	[ "$2" = "$3" ]
	_report $? "$1" "got '$2', expected '$3'"
}

# data_rows: number of lines of stdout after the CSV header.
data_rows() { echo $(($(wc -l <"$WORK/.out") - 1)); }

# --- the dataset -----------------------------------------------------------
#
# Territories: R (root), A and B under R.  Places: P1 in A, P2 and P3 in B.
# Survey: q1 0-10 (domain), q2 1-5 (domain), q3 0-10 (no domain).
# Score of a respondent = 100 * mean over answered q1, q2 of (x-min)/(max-min).
#
# 2024, P1 (5 respondents)          q1  q2  q3   score
#   a1                              10   5   0   100 * (1 + 1)/2      = 100
#   a2                               0   1  10   100 * (0 + 0)/2      =   0
#   a3                               5   3   5   100 * (.5 + .5)/2    =  50
#   a4                               5   -   2   100 * .5             =  50
#   a5                               -   4   3   100 * .75            =  75
#   P1: score 275/5 = 55 (n 5); q1 20/4 = 5 (n 4: suppressed);
#       q2 13/4 = 3.25 (n 4: suppressed); q3 20/5 = 4 (n 5).
# 2024, P2 (6 respondents)
#   b1                               8   5   6   100 * (.8 + 1)/2     =  90
#   b2                               6   3   6   100 * (.6 + .5)/2    =  55
#   b3                               4   2   6   100 * (.4 + .25)/2   =  32.5
#   b4                               2   1   6   100 * (.2 + 0)/2     =  10
#   b5                              10   5   6   100 * (1 + 1)/2      = 100
#   b6                               0   -   6   100 * 0              =   0
#   P2: score 287.5/6 = 47.91666667 (n 6); q1 30/6 = 5 (n 6);
#       q2 16/5 = 3.2 (n 5); q3 36/6 = 6 (n 6, all equal: CI [6, 6]).
# 2024, R pooled from the 11 respondents (NOT the mean of the place means):
#   score (275 + 287.5)/11 = 51.13636364   (mean of means would be 51.4583)
#   q2 (13 + 16)/9 = 3.222222222           (mean of means would be 3.225)
#   q3 (20 + 36)/11 = 5.090909091          (mean of means would be 5)
# 2023, P3 (3 respondents: every figure about persons suppressed)
#   c1 10 5 10 -> 100;  c2 0 1 0 -> 0;  c3 - - 5 -> no score (no domain)
#   P3: respondents 3, score 50 (n 2), q3 5 (n 3).
#
# Activities (participant-hours = participants * hours):
#   P1 2024: 8 x 3 = 24, 20 x 1.5 = 30   -> 2 activities, 28, 54
#   P2 2024: 4 x 7.5 = 30, 0 x 2 = 0     -> 2 activities,  4, 30
#   P3 2023: 5 x 2 = 10                  -> 1 activity,    5, 10
#   R 2024: 4 activities, 32 participants, 84 participant-hours.
#
# Results: 2024 has P1 P2 A B R, 2023 has P3 B R; each unit has
# respondents, score, 3 question means, activities, participants and
# participant_hours = 8 rows: 8 units x 8 = 64 results over 2 periods.

cat >territories.csv <<'EOF'
code,name,parent
R,Réseau,
A,Territoire A,R
B,Territoire B,R
EOF
cat >places.csv <<'EOF'
code,name,territory
P1,Place 1,A
P2,Place 2,B
P3,Place 3,B
EOF
cat >survey.json <<'EOF'
{
  "id": "s1",
  "title": { "fr": "Enquête test" },
  "questions": [
    { "id": "q1", "label": { "fr": "Q un" }, "type": "scale",
      "min": 0, "max": 10, "domain": "life" },
    { "id": "q2", "label": { "fr": "Q deux" }, "type": "scale",
      "min": 1, "max": 5, "domain": "health" },
    { "id": "q3", "label": { "fr": "Q trois" }, "type": "scale",
      "min": 0, "max": 10 }
  ]
}
EOF
cat >answers.csv <<'EOF'
respondent,place,period,q1,q2,q3
a1,P1,2024,10,5,0
a2,P1,2024,0,1,10
a3,P1,2024,5,3,5
a4,P1,2024,5,,2
a5,P1,2024,,4,3
b1,P2,2024,8,5,6
b2,P2,2024,6,3,6
b3,P2,2024,4,2,6
b4,P2,2024,2,1,6
b5,P2,2024,10,5,6
b6,P2,2024,0,,6
c1,P3,2023,10,5,10
c2,P3,2023,0,1,0
c3,P3,2023,,,5
EOF
cat >activities.csv <<'EOF'
place,date,category,title,participants,hours,volunteers
P1,2024-03-14,atelier,Soudure,8,3,2
P1,2024-05-02,evenement,,20,1.5,
P2,2024-06-01,coworking,,4,7.5,0
P2,2024-02-29,repair,,0,2,1
P3,2023-11-30,atelier,,5,2,
EOF

setup_ok=0
impact init >/dev/null 2>&1 &&
impact import territories territories.csv >/dev/null 2>&1 &&
impact import places places.csv >/dev/null 2>&1 &&
impact survey add survey.json >/dev/null 2>&1 &&
impact import answers answers.csv --survey s1 >/dev/null 2>&1 &&
impact import activities activities.csv >/dev/null 2>&1 || setup_ok=1
check "the dataset imports" test "$setup_ok" = 0
check "14 respondents stored" test "$(sql impact.db 'SELECT count(*) FROM respondents;')" = 14
check "5 activities stored" test "$(sql impact.db 'SELECT count(*) FROM activities;')" = 5

# --- compute ----------------------------------------------------------------

run impact show
expect_status 0 "show before compute exits 0"
expect_err "impact compute" "show before compute hints at 'impact compute'"

run impact compute
expect_status 0 "compute exits 0"
expect_out "computed 64 results and 0 indicator values (0 suppressed) for 8 places and territories over 2 periods" \
	"compute: 64 results, 8 units, 2 periods"
check "64 rows in results" test "$(sql impact.db 'SELECT count(*) FROM results;')" = 64

run impact show --format csv
expect_status 0 "show --format csv exits 0"
expect_eq "show csv: header" "$(head -n 1 "$WORK/.out")" \
	"period,unit_kind,unit_code,measure,question,value,n,ci_low,ci_high,suppressed"
expect_eq "show csv: 64 rows" "$(data_rows)" 64

# Respondents.
expect_num "P1 2024 respondents = 5" "$(csv_get 2024 place P1 respondents '' 6)" 5 0
expect_num "P2 2024 respondents = 6" "$(csv_get 2024 place P2 respondents '' 6)" 6 0
expect_num "A 2024 respondents = 5" "$(csv_get 2024 territory A respondents '' 6)" 5 0
expect_num "B 2024 respondents = 6" "$(csv_get 2024 territory B respondents '' 6)" 6 0
expect_num "R 2024 respondents = 11" "$(csv_get 2024 territory R respondents '' 6)" 11 0
expect_eq "R 2024 respondents: n = 11" "$(csv_get 2024 territory R respondents '' 7)" 11

# Well-being score.
expect_num "P1 2024 score = 55" "$(csv_get 2024 place P1 wellbeing_score '' 6)" 55 1e-6
expect_eq "P1 2024 score: n = 5" "$(csv_get 2024 place P1 wellbeing_score '' 7)" 5
expect_num "P2 2024 score = 287.5/6" "$(csv_get 2024 place P2 wellbeing_score '' 6)" 47.916666667 1e-6
expect_eq "P2 2024 score: n = 6" "$(csv_get 2024 place P2 wellbeing_score '' 7)" 6
expect_num "A 2024 score = P1's 55" "$(csv_get 2024 territory A wellbeing_score '' 6)" 55 1e-6
expect_num "B 2024 score = P2's 287.5/6" "$(csv_get 2024 territory B wellbeing_score '' 6)" 47.916666667 1e-6
expect_num "R 2024 score pooled = 562.5/11 (not 51.4583)" "$(csv_get 2024 territory R wellbeing_score '' 6)" 51.136363636 1e-6
expect_eq "R 2024 score: n = 11" "$(csv_get 2024 territory R wellbeing_score '' 7)" 11

# Question means.
expect_num "P1 2024 q3 mean = 4" "$(csv_get 2024 place P1 question_mean q3 6)" 4 1e-9
expect_eq "P1 2024 q3: n = 5" "$(csv_get 2024 place P1 question_mean q3 7)" 5
expect_num "P2 2024 q1 mean = 5" "$(csv_get 2024 place P2 question_mean q1 6)" 5 1e-9
expect_num "P2 2024 q2 mean = 3.2" "$(csv_get 2024 place P2 question_mean q2 6)" 3.2 1e-9
expect_eq "P2 2024 q2: n = 5 (b6 left it empty)" "$(csv_get 2024 place P2 question_mean q2 7)" 5
expect_num "R 2024 q1 mean = 50/10" "$(csv_get 2024 territory R question_mean q1 6)" 5 1e-9
expect_eq "R 2024 q1: n = 10" "$(csv_get 2024 territory R question_mean q1 7)" 10
expect_num "R 2024 q2 mean pooled = 29/9 (not 3.225)" "$(csv_get 2024 territory R question_mean q2 6)" 3.222222222 1e-8
expect_eq "R 2024 q2: n = 9" "$(csv_get 2024 territory R question_mean q2 7)" 9
expect_num "R 2024 q3 mean pooled = 56/11 (not 5)" "$(csv_get 2024 territory R question_mean q3 6)" 5.090909091 1e-8
expect_eq "R 2024 q3: n = 11" "$(csv_get 2024 territory R question_mean q3 7)" 11

# 95% t-intervals, by hand:
# P1 q3: 0 10 5 2 3, mean 4, squared deviations 16 36 1 4 1 = 58,
#   s^2 = 58/4 = 14.5, se = sqrt(14.5/5) = sqrt(2.9) = 1.702938637,
#   half-width = t(0.975, 4 df) * se = 2.776445 * 1.702938637 = 4.728115463,
#   CI [-0.728115463, 8.728115463].
expect_num "P1 2024 q3 CI low (t 4 df)" "$(csv_get 2024 place P1 question_mean q3 8)" -0.728115463 1e-5
expect_num "P1 2024 q3 CI high (t 4 df)" "$(csv_get 2024 place P1 question_mean q3 9)" 8.728115463 1e-5
# P2 score: 90 55 32.5 10 100 0, mean 47.91666667, sum of squares
#   22281.25, SS = 22281.25 - 287.5^2/6 = 8505.208333, s^2 = 1701.041667,
#   se = sqrt(1701.041667/6) = 16.83766375,
#   half-width = 2.570582 * 16.83766375 = 43.28259718,
#   CI [4.634069486, 91.19926385].
expect_num "P2 2024 score CI low (t 5 df)" "$(csv_get 2024 place P2 wellbeing_score '' 8)" 4.634069486 1e-4
expect_num "P2 2024 score CI high (t 5 df)" "$(csv_get 2024 place P2 wellbeing_score '' 9)" 91.19926385 1e-4
# R q3: 0 10 5 2 3 and six 6, mean 56/11, sum of squares 354,
#   SS = 354 - 56^2/11 = 758/11 = 68.90909091, s^2 = 6.890909091,
#   se = sqrt(6.890909091/11) = 0.7914835913,
#   half-width = 2.228139 * 0.7914835913 = 1.763535466,
#   CI [3.327373625, 6.854444557].
expect_num "R 2024 q3 CI low (t 10 df)" "$(csv_get 2024 territory R question_mean q3 8)" 3.327373625 1e-5
expect_num "R 2024 q3 CI high (t 10 df)" "$(csv_get 2024 territory R question_mean q3 9)" 6.854444557 1e-5
# P2 q3: six answers of 6, s = 0: the interval is [6, 6].
expect_num "P2 2024 q3 CI low = 6 (no spread)" "$(csv_get 2024 place P2 question_mean q3 8)" 6 1e-9
expect_num "P2 2024 q3 CI high = 6 (no spread)" "$(csv_get 2024 place P2 question_mean q3 9)" 6 1e-9

# Suppression (fewer than 5): P1's q1 and q2 (n 4), and all of P3 in 2023.
expect_eq "P1 2024 q1 (n 4): csv value empty" "$(csv_get 2024 place P1 question_mean q1 6)" ""
expect_eq "P1 2024 q1 (n 4): csv n = 4" "$(csv_get 2024 place P1 question_mean q1 7)" 4
expect_eq "P1 2024 q1 (n 4): csv ci_low empty" "$(csv_get 2024 place P1 question_mean q1 8)" ""
expect_eq "P1 2024 q1 (n 4): csv suppressed = 1" "$(csv_get 2024 place P1 question_mean q1 10)" 1
expect_eq "P1 2024 q3 (n 5): csv suppressed = 0" "$(csv_get 2024 place P1 question_mean q3 10)" 0
expect_eq "P3 2023 respondents (3): csv value empty" "$(csv_get 2023 place P3 respondents '' 6)" ""
expect_eq "P3 2023 respondents (3): csv n = 3" "$(csv_get 2023 place P3 respondents '' 7)" 3
expect_eq "P3 2023 respondents (3): csv suppressed = 1" "$(csv_get 2023 place P3 respondents '' 10)" 1
expect_eq "P3 2023 score: n = 2 (c3 answered no question with a domain)" "$(csv_get 2023 place P3 wellbeing_score '' 7)" 2
expect_eq "P3 2023 score (n 2): csv value empty" "$(csv_get 2023 place P3 wellbeing_score '' 6)" ""
expect_eq "B 2023 (only P3) respondents suppressed" "$(csv_get 2023 territory B respondents '' 10)" 1
# Activities are not about persons: never suppressed.
expect_num "P3 2023 participants = 5, shown" "$(csv_get 2023 place P3 participants '' 6)" 5 0
expect_eq "P3 2023 participants: suppressed = 0" "$(csv_get 2023 place P3 participants '' 10)" 0

# Activities.
expect_num "P1 2024 activities = 2" "$(csv_get 2024 place P1 activities '' 6)" 2 0
expect_num "P1 2024 participants = 8 + 20" "$(csv_get 2024 place P1 participants '' 6)" 28 0
expect_num "P1 2024 participant_hours = 8*3 + 20*1.5" "$(csv_get 2024 place P1 participant_hours '' 6)" 54 1e-9
expect_num "P2 2024 activities = 2" "$(csv_get 2024 place P2 activities '' 6)" 2 0
expect_num "P2 2024 participants = 4 + 0" "$(csv_get 2024 place P2 participants '' 6)" 4 0
expect_num "P2 2024 participant_hours = 4*7.5 + 0*2" "$(csv_get 2024 place P2 participant_hours '' 6)" 30 1e-9
expect_num "A 2024 participant_hours = P1's 54" "$(csv_get 2024 territory A participant_hours '' 6)" 54 1e-9
expect_num "R 2024 activities = 4" "$(csv_get 2024 territory R activities '' 6)" 4 0
expect_num "R 2024 participants = 32" "$(csv_get 2024 territory R participants '' 6)" 32 0
expect_num "R 2024 participant_hours = 84" "$(csv_get 2024 territory R participant_hours '' 6)" 84 1e-9
expect_num "P3 2023 participant_hours = 5*2" "$(csv_get 2023 place P3 participant_hours '' 6)" 10 1e-9
expect_num "R 2023 participant_hours = 10" "$(csv_get 2023 territory R participant_hours '' 6)" 10 1e-9
expect_eq "A has no 2023 result (no data below it)" "$(csv_get 2023 territory A respondents '' 6)" MISSING
expect_eq "P3 has no 2024 result" "$(csv_get 2024 place P3 activities '' 6)" MISSING

# --- the table ------------------------------------------------------------

run impact show
expect_status 0 "show (table) exits 0"
expect_eq "table: P1 2024 q1 shows n<5" "$(awk '$1 == 2024 && $3 == "P1" && $4 == "question_mean" && $5 == "q1" { print $6 }' "$WORK/.out")" "n<5"
expect_eq "table: P3 2023 respondents shows n<5" "$(awk '$1 == 2023 && $3 == "P3" && $4 == "respondents" { print $6 }' "$WORK/.out")" "n<5"
expect_eq "table: P2 2024 score rounded to 47.9" "$(awk '$1 == 2024 && $3 == "P2" && $4 == "wellbeing_score" { print $6 }' "$WORK/.out")" "47.9"
expect_eq "table: R 2024 respondents printed as 11" "$(awk '$1 == 2024 && $3 == "R" && $4 == "respondents" { print $6 }' "$WORK/.out")" "11"
check "table: no figure of a suppressed row leaks (P1 q1 mean 5.0 absent)" \
	sh -c "! awk '\$3 == \"P1\" && \$5 == \"q1\"' '$WORK/.out' | grep -q '5\\.0'"

# --- JSON -------------------------------------------------------------------

check "jq is installed (make check installs it)" command -v jq
if command -v jq >/dev/null 2>&1; then
	run impact show --format json
	expect_status 0 "show --format json exits 0"
	check "json: valid, an array of 64 objects" test "$(jq 'length' "$WORK/.out")" = 64
	j='.[] | select(.period == 2024 and .unit_code == "P1" and .question == "q1")'
	expect_eq "json: P1 q1 (n 4) value is null" "$(jq -c "$j | .value" "$WORK/.out")" null
	expect_eq "json: P1 q1 (n 4) suppressed is true" "$(jq -c "$j | .suppressed" "$WORK/.out")" true
	expect_eq "json: P1 q1 (n 4) ci_low is null" "$(jq -c "$j | .ci_low" "$WORK/.out")" null
	expect_eq "json: P1 q1 n is 4" "$(jq -c "$j | .n" "$WORK/.out")" 4
	j='.[] | select(.period == 2023 and .unit_code == "P3" and .measure == "respondents")'
	expect_eq "json: P3 2023 respondents value is null" "$(jq -c "$j | .value" "$WORK/.out")" null
	expect_eq "json: P3 2023 respondents suppressed is true" "$(jq -c "$j | .suppressed" "$WORK/.out")" true
	j='.[] | select(.period == 2024 and .unit_kind == "territory" and .unit_code == "R" and .measure == "wellbeing_score")'
	expect_num "json: R 2024 score = 562.5/11" "$(jq "$j | .value" "$WORK/.out")" 51.136363636 1e-6
	expect_eq "json: R 2024 score suppressed is false" "$(jq -c "$j | .suppressed" "$WORK/.out")" false
	expect_eq "json: R's unit_name" "$(jq -r "$j | .unit_name" "$WORK/.out")" "Réseau"
	expect_eq "json: a score has a null question" "$(jq -c "$j | .question" "$WORK/.out")" null
	j='.[] | select(.period == 2024 and .unit_code == "R" and .question == "q3")'
	expect_num "json: R q3 ci_high (t 10 df, by hand above)" "$(jq "$j | .ci_high" "$WORK/.out")" 6.854444557 1e-5
else
	echo "# jq not found: the JSON checks are skipped"
fi

# --- filters ----------------------------------------------------------------

run impact show --format csv --measure wellbeing_score
expect_status 0 "show --measure exits 0"
expect_eq "--measure wellbeing_score: 8 rows (5 units in 2024, 3 in 2023)" "$(data_rows)" 8
expect_eq "--measure wellbeing_score: only that measure" \
	"$(awk -F, 'NR > 1 && $4 != "wellbeing_score"' "$WORK/.out" | wc -l)" 0

run impact show --format csv --place P1
expect_status 0 "show --place exits 0"
expect_eq "--place P1: 8 rows" "$(data_rows)" 8
expect_eq "--place P1: only place P1" \
	"$(awk -F, 'NR > 1 && !($2 == "place" && $3 == "P1")' "$WORK/.out" | wc -l)" 0

run impact show --format csv --territory B
expect_status 0 "show --territory exits 0"
expect_eq "--territory B: 16 rows (2 periods x 8)" "$(data_rows)" 16
expect_eq "--territory B: only territory B (not its places)" \
	"$(awk -F, 'NR > 1 && !($2 == "territory" && $3 == "B")' "$WORK/.out" | wc -l)" 0

run impact show --format csv --place B
expect_eq "--place B (a territory code): no rows" "$(data_rows)" 0
expect_err "no results" "--place with no match says 'no results' on stderr"

run impact show --format csv --period 2023
expect_status 0 "show --period exits 0"
expect_eq "--period 2023: 24 rows (3 units x 8)" "$(data_rows)" 24
expect_eq "--period 2023: only 2023" "$(awk -F, 'NR > 1 && $1 != 2023' "$WORK/.out" | wc -l)" 0

run impact show --format csv --period 2023 --territory R --measure participants
expect_eq "--period + --territory + --measure: one row" "$(data_rows)" 1
expect_num "R 2023 participants = 5" "$(csv_get 2023 territory R participants '' 6)" 5 0

run impact show --format csv --period 2022
expect_status 0 "show --period with no results exits 0"
expect_eq "--period 2022: no rows" "$(data_rows)" 0

# --- recompute ----------------------------------------------------------------

run impact compute
expect_status 0 "compute again exits 0"
check "compute again: still 64 rows in results (replaced, not added)" \
	test "$(sql impact.db 'SELECT count(*) FROM results;')" = 64
check "compute again: one row per unit, measure and question" test "$(sql impact.db \
	'SELECT count(*) FROM (SELECT 1 FROM results GROUP BY period, place_id, territory_id, measure, question_id HAVING count(*) > 1);')" = 0

run impact compute --period 2024
expect_status 0 "compute --period 2024 exits 0"
expect_out "computed 40 results and 0 indicator values (0 suppressed) for 5 places and territories over 1 period" \
	"compute --period 2024: 40 results, 5 units, 1 period"
check "compute --period 2024: still 64 rows (2023 kept)" \
	test "$(sql impact.db 'SELECT count(*) FROM results;')" = 64
check "compute --period 2024: the 2023 rows are still there" \
	test "$(sql impact.db 'SELECT count(*) FROM results WHERE period = 2023;')" = 24

run impact compute --period 2019
expect_status 1 "compute --period 2019 (no data) exits 1"
expect_err "impact: error: " "compute --period 2019: an error message"
expect_err "2019" "compute --period 2019: names the period"
check "compute --period 2019 left the results alone" \
	test "$(sql impact.db 'SELECT count(*) FROM results;')" = 64

# A new respondent at P1 in 2024: a6 answers 10, 5, 10 -> score 100.
# P1: respondents 6, score (275 + 100)/6 = 62.5, q1 (20 + 10)/5 = 6
# (now n 5: published).  R: score (562.5 + 100)/12 = 55.208333333.
printf 'respondent,place,period,q1,q2,q3\na6,P1,2024,10,5,10\n' >answers-more.csv
impact import answers answers-more.csv --survey s1 >/dev/null 2>&1
run impact compute
expect_status 0 "compute after new answers exits 0"
check "compute after new answers: still 64 rows" \
	test "$(sql impact.db 'SELECT count(*) FROM results;')" = 64
run impact show --format csv --period 2024
expect_num "recomputed P1 respondents = 6" "$(csv_get 2024 place P1 respondents '' 6)" 6 0
expect_num "recomputed P1 score = 375/6" "$(csv_get 2024 place P1 wellbeing_score '' 6)" 62.5 1e-6
expect_num "recomputed P1 q1 = 30/5, now published" "$(csv_get 2024 place P1 question_mean q1 6)" 6 1e-9
expect_eq "recomputed P1 q1: suppressed = 0" "$(csv_get 2024 place P1 question_mean q1 10)" 0
expect_num "recomputed R score = 662.5/12" "$(csv_get 2024 territory R wellbeing_score '' 6)" 55.208333333 1e-6
