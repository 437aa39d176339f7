# impact index: the gross-happiness index from the command line, on the
# bundled sample (one wave of 360 respondents).
. "$TOP/tests/cli/lib.sh"

impact sample --out data --waves 2 --activities 20 >/dev/null
impact init >/dev/null
impact import territories data/territories.csv >/dev/null
impact import places data/places.csv >/dev/null
impact survey add "$TOP/surveys/questionnaires/default.json" >/dev/null
impact import answers data/answers-2023.csv --survey impact-defaut >/dev/null
impact import answers data/answers-2024.csv --survey impact-defaut >/dev/null

run impact index --territory VDL
expect_status 1 "index without a definition: exits 1"
expect_err "impact index add" "index without a definition: says how to add one"

run impact index add "$TOP/indicators/library/index-default.json"
expect_status 0 "index add: exits 0"
expect_out "index bnb-local added" "index add: names the index"

run impact index --territory VDL --replicates 100 --format json
expect_status 0 "index --format json: exits 0"
cp "$WORK/.out" vdl.json
for key in index period unit_kind unit_code unit_name cutoff n incomplete \
	weighted gnh h_n a_n ci groups domains indicators subgroups \
	weights_used correlations ranks change suppressed; do
	check "json: has \"$key\"" test "$(jq "has(\"$key\")" vdl.json)" = true
done
check "json: GNH = 1 - H_n x A_n" test "$(jq '(.gnh - (1 - .h_n * .a_n)) | fabs < 1e-9' vdl.json)" = true
check "json: domain shares sum to 1" test "$(jq '([.domains[].share] | add) - 1 | fabs < 1e-6' vdl.json)" = true
check "json: indicator shares sum to 1" test "$(jq '([.indicators[].share] | add) - 1 | fabs < 1e-6' vdl.json)" = true
check "json: places give back 1 - GNH" test "$(jq '([.subgroups.place[].share_of_1_minus_gnh] | add) - 1 | fabs < 1e-6' vdl.json)" = true
check "json: the four groups sum to 1" test "$(jq '(.groups | [.[]] | add) - 1 | fabs < 1e-9' vdl.json)" = true
check "json: equal weights, 1/10 each" test "$(jq '[.weights_used.domains[]] | map(. - 0.1 | fabs < 1e-12) | all' vdl.json)" = true
check "json: the interval holds the GNH" test "$(jq '.ci.gnh[0] <= .gnh and .gnh <= .ci.gnh[1]' vdl.json)" = true
check "json: every place ranked with an interval" test "$(jq '[.ranks[] | .rank_low <= .median_rank and .median_rank <= .rank_high] | length == 10 and all' vdl.json)" = true
check "json: change from 2023" test "$(jq '.change.previous_period' vdl.json)" = 2023

run impact index --territory VDL --replicates 100 --format json
check "same data, same seed: same output" cmp -s vdl.json "$WORK/.out"

for w in participatory pca territory; do
	run impact index --territory VDL --weights $w --replicates 50 --format json
	expect_status 0 "--weights $w: exits 0"
	check "--weights $w: domain weights sum to 1" test "$(jq '([.weights_used.domains[]] | add) - 1 | fabs < 1e-9' "$WORK/.out")" = true
done
run impact index --territory VDL --weights territory --replicates 50 --format json
check "--weights territory without territory weights: says so" test "$(jq -r '.note' "$WORK/.out")" = "no territory weights for this unit: equal weights"
run impact index --weights median
expect_status 2 "--weights median: usage error"

run impact index --territory VDL --rake
expect_status 1 "--rake without margins: exits 1"
expect_err "impact import margins" "--rake without margins: says how to add them"
run impact import margins data/margins.csv
expect_status 0 "margins import: exits 0"
run impact index --territory VDL --rake --replicates 50 --format json
expect_status 0 "--rake: exits 0"
check "--rake: converged" test "$(jq '.raking.converged' "$WORK/.out")" = true
check "--rake: weighted" test "$(jq '.weighted' "$WORK/.out")" = true
# ATELIER-2RIVES has no respondent under 18 in 2024 (two in 2023) while
# VDL's margins count 7,300 people there.
under18() {
	sql impact.db "SELECT count(*) FROM answers a JOIN respondents r ON r.id = a.respondent_id JOIN places p ON p.id = r.place_id JOIN choices c ON c.id = a.choice_id WHERE p.code = 'ATELIER-2RIVES' AND r.period = $1 AND c.code = 'moins_18';"
}
check "ATELIER-2RIVES: nobody under 18 in 2024, two in 2023" test "$(under18 2024) $(under18 2023)" = "0 2"
run impact index --place ATELIER-2RIVES --rake --replicates 50
expect_status 1 "--rake, a level without respondents: exits 1"
expect_err 'none of the respondents gave "moins_18" for age_band, a level of 7300 people in the margins; merge it' "--rake, a level without respondents: names it"

run impact index --place FAB-BOURG --poverty --replicates 50 --format json
expect_status 0 "--place --poverty: exits 0"
check "poverty: M0 = H x A" test "$(jq '(.poverty.m0 - .poverty.h * .poverty.a) | fabs < 1e-9' "$WORK/.out")" = true

run impact index --territory VDL --replicates 50
expect_status 0 "table: exits 0"
expect_out "GNH" "table: prints the GNH"
expect_out "median rank" "table: prints the ranks"

printf '{"id": "x", "title": {"fr": "X"},\n "cutof": 0.5, "domains": []}\n' >bad.json
run impact index add bad.json
expect_status 1 "index add: a wrong definition exits 1"
expect_err "bad.json:2:2:" "index add: names the line and column of the wrong key"

# impact compute also computes and stores the index of every unit, raked
# where the margins allow it, and the stored document is what `impact
# index` prints for the same options.
run impact compute --replicates 50
expect_status 0 "compute with an index: exits 0"
expect_out "computed 28 index results (one per place or territory and period)" "compute: 10 places and 4 territories, 2 periods"
check "compute: 28 documents stored" test "$(sql impact.db 'SELECT count(*) FROM index_results;')" = 28
sql impact.db "SELECT document FROM index_results r JOIN places p ON p.id = r.place_id WHERE p.code = 'FAB-BOURG' AND period = 2024;" >stored.json
rake=""
[ "$(jq .weighted stored.json)" = true ] && rake=--rake
run impact index --place FAB-BOURG --period 2024 --replicates 50 $rake --format json
check "compute: the stored document is impact index's" test "$(jq -n --slurpfile a stored.json --slurpfile b "$WORK/.out" '$a[0].gnh == $b[0].gnh and $a[0].ci == $b[0].ci and $a[0].groups == $b[0].groups')" = true
check "compute: domains carry their score in 0-1" test "$(jq '[.domains[].score | . >= 0 and . <= 1] | all' stored.json)" = true
# A raked unit's change: compute rakes the previous period once and keeps
# its weights (as codes, indicators/gnh.c); impact index rakes it again.
sql impact.db "SELECT document FROM index_results r JOIN territories t ON t.id = r.territory_id WHERE t.code = 'VDL' AND period = 2024;" >vdl-stored.json
run impact index --territory VDL --period 2024 --replicates 50 --rake --format json
check "compute: a raked territory's change is impact index's" test "$(jq -n --slurpfile a vdl-stored.json --slurpfile b "$WORK/.out" '$a[0].weighted and $a[0].change != null and $a[0].change == $b[0].change')" = true

# The units of a period are computed on several threads (IMPACT_THREADS)
# and stored in order: the same documents and rows whatever their number.
# FAB-BOURG's 2023 respondents moved to 2022: its 2024 change reads 2022
# apart from the period held, before the other units.
cp impact.db threads.db
sql threads.db 'DELETE FROM index_results;'
sql threads.db "UPDATE respondents SET period = 2022 WHERE period = 2023 AND place_id = (SELECT id FROM places WHERE code = 'FAB-BOURG');"
index_rows() {
	sql threads.db "SELECT period, coalesce(place_id, 0), coalesce(territory_id, 0), gnh, n, document FROM index_results ORDER BY 1, 2, 3;"
	sql threads.db "SELECT period, coalesce(place_id, 0), coalesce(territory_id, 0), measure, value, n, ci_low, ci_high FROM results WHERE measure LIKE 'gnh%' ORDER BY 1, 2, 3, 4;"
}
IMPACT_THREADS=1 impact --db threads.db compute --replicates 50 >/dev/null 2>&1
index_rows >one-thread.txt
run env IMPACT_THREADS=3 "$IMPACT" --db threads.db compute --replicates 50
expect_status 0 "compute on 3 threads: exits 0"
index_rows >three-threads.txt
check "compute on 3 threads: 30 documents (3 periods)" test "$(sql threads.db 'SELECT count(*) FROM index_results;')" = 30
check "compute on 3 threads: the documents and rows of one thread" cmp -s one-thread.txt three-threads.txt
IMPACT_THREADS=3 impact --db threads.db compute --replicates 50 --unweighted >/dev/null 2>&1
check "compute on 3 threads: FAB-BOURG 2024 compares with 2022" test "$(sql threads.db "SELECT json_extract(document, '$.change.previous_period') FROM index_results r JOIN places p ON p.id = r.place_id WHERE p.code = 'FAB-BOURG' AND period = 2024;")" = 2022
rm -f threads.db threads.db-wal threads.db-shm
sql impact.db 'DELETE FROM index_results;'
run impact compute --no-index
expect_status 0 "compute --no-index: exits 0"
check "compute --no-index: no index stored" test "$(sql impact.db 'SELECT count(*) FROM index_results;')" = 0
