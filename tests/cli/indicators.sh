# impact indicators add|list and impact show indicators, on the answers
# fixtures (tests/fixtures/answers): values by hand, the JSON contract of
# docs/indicators.md, suppression.
. "$TOP/tests/cli/lib.sh"
F="$TOP/tests/fixtures/answers"

impact init >/dev/null
impact import territories "$F/territories.csv" >/dev/null
impact import places "$F/places.csv" >/dev/null
impact survey add "$F/survey.json" >/dev/null
impact import answers "$F/kobo-codes.csv" --survey fixture >/dev/null

# 2024: FAB r1 (premiere oui, sat 8), r3 (oui, sat missing); REPAIR r2
# (non, sat 6).  T pools the three.
cat >lib.json <<'JSON'
{
  "id": "test",
  "title": { "fr": "Indicateurs de test", "en": "Test indicators" },
  "indicators": [
    { "id": "premiere", "domain": "anchoring", "source": "answers",
      "kind": "share", "of": "premiere", "condition": { "yes": true },
      "multiply": 100, "min_n": 1, "decimals": 1,
      "label": { "fr": "Première venue", "en": "First visit" },
      "description": { "fr": "Part des oui à premiere.", "en": "Share of yes to premiere." },
      "unit": { "fr": "%", "en": "%" } },
    { "id": "sat", "domain": "wellbeing", "source": "answers",
      "kind": "mean", "of": "sat",
      "label": { "fr": "Satisfaction de vie", "en": "Life satisfaction" },
      "description": { "fr": "Moyenne de sat.", "en": "Mean of sat." } }
  ]
}
JSON
run impact indicators add lib.json
expect_status 0 "indicators add: exits 0"
expect_out "indicator library test added: 2 indicators" "indicators add: says what it added"
run impact indicators list
expect_out "premiere" "indicators list: lists premiere"
run impact compute
expect_status 0 "compute: exits 0"
expect_out "indicator values" "compute: counts indicator values"

# JSON: premiere at FAB = 2/2 = 100, at T = 2/3 = 66.67; sat (min_n 5)
# is suppressed everywhere (n 1 or 2).
run impact show indicators --format json --lang en
expect_status 0 "show indicators --format json: exits 0"
check "json: one object per indicator and unit (2 x (2 places + 1 territory))" test "$(jq length "$WORK/.out")" = 6
check "json: exactly the keys of the contract" test "$(jq -c '.[0] | keys' "$WORK/.out")" = '["change","ci_high","ci_low","decimals","direction","domain","id","label","library","n","p_value","period","previous","reason","significant","suppressed","unit","unit_code","unit_kind","unit_name","value"]'
check "json: premiere at FAB is 100" test "$(jq '.[] | select(.id == "premiere" and .unit_code == "FAB") | .value' "$WORK/.out")" = 100
check "json: premiere at T is 2/3 (pooled)" test "$(jq '.[] | select(.id == "premiere" and .unit_code == "T") | .value * 1000 | round' "$WORK/.out")" = 66667
check "json: the English label" test "$(jq -r '.[] | select(.id == "premiere" and .unit_code == "T") | .label' "$WORK/.out")" = "First visit"
check "json: sat is suppressed at T (n 2 < 5) with its reason" test "$(jq -c '.[] | select(.id == "sat" and .unit_code == "T") | [.suppressed, .reason, .value, .ci_low]' "$WORK/.out")" = '[true,"n < 5",null,null]'
check "json: a share has a Wilson interval" test "$(jq '.[] | select(.id == "premiere" and .unit_code == "T") | (.ci_low < .value and .value < .ci_high)' "$WORK/.out")" = true
check "json: one period, so no previous value" test "$(jq -c '[.[] | .previous] | unique' "$WORK/.out")" = "[null]"

run impact show indicators --territory T
expect_status 0 "show indicators table: exits 0"
expect_out "premiere" "table: lists premiere"
expect_out "66.7" "table: rounded to the indicator's decimals"
expect_out "(n < 5)" "table: a suppressed value shows its reason, not a number"
run impact show indicators --format csv --measure premiere
expect_out "period,unit_kind,unit_code,indicator,value,n,ci_low,ci_high,previous,change,significant,suppressed,reason" "csv: the header"
check "csv: premiere only (3 units + header)" test "$(wc -l <"$WORK/.out")" = 4

# A wrong definition is refused with file:line:column, nothing changes.
sed 's/"kind": "mean"/"kind": "median"/' lib.json >bad.json
run impact indicators add bad.json
expect_status 1 "indicators add: a bad kind exits 1"
expect_err "bad.json:12:" "indicators add: the error names the line of the bad kind"
run impact indicators list
expect_out "sat" "indicators add: the library in place is unchanged"
