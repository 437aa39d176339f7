# The respondents' rights (issue 7, docs/privacy.md): `impact forget`,
# `impact export --anonymised`, and free-text answers never printed in a
# report.  The fixture is the one of tests/unit/test_privacy.c, where
# every figure below is worked out by hand: places P1 (12 respondents),
# P2 (3) and P3 (6) of territory T, 2025.
. "$TOP/tests/cli/lib.sh"

SECRET="Ma voisine Jeanne Martin vient le mardi"

cat >s.json <<'EOF'
{"id": "priv", "title": {"fr": "Vie privée"},
 "questions": [
  {"id": "num", "role": "respondent", "type": "text", "label": {"fr": "Numéro"}},
  {"id": "lieu", "role": "place", "type": "text", "label": {"fr": "Lieu"}},
  {"id": "quand", "role": "date", "type": "date", "label": {"fr": "Date"}},
  {"id": "sat", "type": "rating", "domain": "psy", "label": {"fr": "Satisfaction"}},
  {"id": "avis", "type": "text", "label": {"fr": "Avis"}},
  {"id": "age", "role": "age_band", "type": "single", "label": {"fr": "Âge"},
   "choices": [{"code": "jeune", "label": {"fr": "Jeune"}},
               {"code": "adulte", "label": {"fr": "Adulte"}},
               {"code": "senior", "label": {"fr": "Senior"}}]},
  {"id": "sexe", "role": "sex", "type": "single", "label": {"fr": "Sexe"},
   "choices": [{"code": "f", "label": {"fr": "Femme"}},
               {"code": "h", "label": {"fr": "Homme"}}]},
  {"id": "commune", "role": "commune", "type": "text", "label": {"fr": "Commune"}},
  {"id": "activites", "type": "multiple", "label": {"fr": "Activités"},
   "choices": [{"code": "a", "label": {"fr": "A"}},
               {"code": "b", "label": {"fr": "B"}},
               {"code": "c", "label": {"fr": "C"}}]}
 ]}
EOF
cat >a.csv <<EOF
num,lieu,quand,sat,avis,age,sexe,commune,activites
r01,P1,2025-03-01,1,$SECRET,adulte,f,Montval,a
r02,P1,2025-03-02,2,,adulte,f,Montval,a;b
r03,P1,2025-03-03,3,,adulte,f,Montval,
r04,P1,2025-03-04,4,,adulte,f,Montval,c
r05,P1,2025-03-05,5,,adulte,f,Montval,
r06,P1,2025-03-06,6,,adulte,f,Bourg,
r07,P1,2025-03-07,7,,adulte,f,Bourg,
r08,P1,2025-03-08,8,,adulte,f,Bourg,
r09,P1,2025-03-09,9,,senior,h,Bourg,
r10,P1,2025-03-10,10,,senior,h,Bourg,
r11,P1,2025-03-11,0,,senior,h,Montval,
r12,P1,2025-03-12,,,jeune,h,,
s1,P2,2025-04-01,5,,adulte,f,Montval,
s2,P2,2025-04-02,5,,adulte,f,Montval,
s3,P2,2025-04-03,5,,adulte,f,Montval,
t1,P3,2025-05-01,1,,adulte,f,Montval,
t2,P3,2025-05-02,2,,adulte,f,Montval,
t3,P3,2025-05-03,3,,adulte,f,Montval,
t4,P3,2025-05-04,4,,adulte,f,Montval,
t5,P3,2025-05-05,5,,adulte,f,Montval,
t6,P3,2025-05-06,6,,senior,h,Bourg,
EOF
impact init >/dev/null
printf 'code,name,parent\nT,Territoire des essais,\n' >t.csv
printf 'code,name,territory\nP1,Fabrique des Essais,T\nP2,Deux,T\nP3,Trois,T\n' >p.csv
impact import territories t.csv >/dev/null
impact import places p.csv >/dev/null
impact survey add s.json >/dev/null
run impact import answers a.csv --survey priv
expect_status 0 "fixture: imports"
run impact compute
expect_status 0 "fixture: computes"

# --- the free text stays out of reports ---------------------------------

check "the free text is stored (so the next checks can fail)" \
	test "$(sql impact.db "SELECT count(*) FROM answers WHERE text = '$SECRET';")" = 1
run impact report --place P1 -o p1.pdf
expect_status 0 "report of P1: exits 0"
run impact report --territory T -o t.pdf
expect_status 0 "report of T: exits 0"
pdftotext p1.pdf p1.txt
pdftotext t.pdf t.txt
check "report of P1: pdftotext reads it (the place's name is there)" \
	grep -q "Fabrique des Essais" p1.txt
check "report of P1: the free-text answer is not there" \
	sh -c '! grep -qi "jeanne\|voisine" p1.txt'
check "report of T: the free-text answer is not there" \
	sh -c '! grep -qi "jeanne\|voisine" t.txt'
check "reports read results, never answers (reports/ has no query on answers)" \
	sh -c "! grep -n 'FROM answers\|JOIN answers\|answer_choices' '$TOP'/reports/*.c"

# --- export --anonymised -------------------------------------------------

printf '%s\r\n' \
	"period,territory,place,sat,age,sexe,commune,activites" \
	"2025,T,P1,,,,," \
	"2025,T,P1,0,,,," \
	"2025,T,P1,1,adulte,f,Montval,a" \
	"2025,T,P1,10,,,," \
	"2025,T,P1,2,adulte,f,Montval,a;b" \
	"2025,T,P1,3,adulte,f,Montval," \
	"2025,T,P1,4,adulte,f,Montval,c" \
	"2025,T,P1,5,adulte,f,Montval," \
	"2025,T,P1,6,,,," \
	"2025,T,P1,7,,,," \
	"2025,T,P1,8,,,," \
	"2025,T,P1,9,,,," \
	"2025,T,P3,1,adulte,f,Montval," \
	"2025,T,P3,2,adulte,f,Montval," \
	"2025,T,P3,3,adulte,f,Montval," \
	"2025,T,P3,4,adulte,f,Montval," \
	"2025,T,P3,5,adulte,f,Montval," >expected.csv
run impact export --anonymised -o out.csv
expect_status 0 "export: exits 0"
check "export: the file computed by hand" cmp -s out.csv expected.csv
check "export: no free text" sh -c '! grep -qi jeanne out.csv'
check "export: no key" sh -c "! grep -qE '[0-9a-f]{64}' out.csv"
check "export: no date finer than the year" sh -c '! grep -q 2025- out.csv'
expect_err "impact: wrote out.csv: 17 of 21 respondents, 5 answer columns (3 questions left out: identifiers, dates, free text)" \
	"export: says what it wrote"
expect_err "left out 3 respondents of 1 place-years with fewer than 5, and 1 in a group" \
	"export: says what it left out"
expect_err "blanked 20 quasi-identifier answers (commune 6, age band 7, activity status 0, sex 7)" \
	"export: says what it blanked"
check "export: no temporary file left" sh -c '! ls out.csv.tmp* 2>/dev/null'

run impact export --anonymised --k 6 --period 2025 -o out6.csv --quiet
expect_status 0 "export --k 6: exits 0"
expect_err_empty "export --quiet: no summary"
check "export --k 6: 14 rows (worked out in test_privacy.c)" \
	test "$(($(wc -l <out6.csv) - 1))" -eq 14
run impact export -o x.csv
expect_status 2 "export without --anonymised: usage error"
expect_err "add --anonymised" "export without --anonymised: says what to add"
check "export without --anonymised: writes nothing" test ! -e x.csv
run impact export --anonymised
expect_status 2 "export without -o: usage error"
run impact export --anonymised --k 3 -o x.csv
expect_status 2 "export --k 3: refused"
run impact export --anonymised --period 2019 -o x.csv
expect_status 1 "export of a year without answers: exits 1"
expect_err "no answers to export for 2019" "export of an empty year: says so"
run impact export --help
expect_status 0 "export --help: exits 0"
expect_out "Example:" "export --help: has an example"

# --- forget ----------------------------------------------------------------

run impact show --place P1 --measure respondents --format csv
check "before forget: P1 has 12 respondents" grep -q ',12,' "$WORK/.out"
sql impact.db .dump >before.sql
run impact forget nobody --survey priv
expect_status 1 "forget an unknown identifier: exits 1"
expect_err 'no respondent of survey "priv" has the identifier "nobody"' \
	"forget an unknown identifier: says so"
expect_err "nothing was erased" "forget an unknown identifier: says nothing changed"
sql impact.db .dump >after.sql
check "forget an unknown identifier: database unchanged" cmp -s before.sql after.sql
run impact forget r06
expect_status 2 "forget an identifier without --survey: usage error"
expect_err "--survey" "forget without --survey: says to add it"
run impact forget 00000000000000000000000000000000000000000000000000000000000000ff
expect_status 1 "forget an unknown key: exits 1"
sql impact.db .dump >after.sql
check "forget an unknown key: database unchanged" cmp -s before.sql after.sql

run impact forget r06 --survey priv
expect_status 0 "forget r06: exits 0"
expect_out "erased 1 respondent (5 answers, 0 options chosen, 0 rows kept aside) of 2025" \
	"forget r06: says what it erased"
expect_out "computed again the results of 1 year" "forget r06: recomputed"
check "forget r06: 20 respondents left" \
	test "$(sql impact.db 'SELECT count(*) FROM respondents;')" = 20
check "forget r06: nothing left with their sat of 6 at P1" \
	test "$(sql impact.db "SELECT count(*) FROM answers a JOIN questions q ON q.id = a.question_id JOIN respondents r ON r.id = a.respondent_id JOIN places p ON p.id = r.place_id WHERE q.code = 'sat' AND a.value = 6 AND p.code = 'P1';")" = 0
run impact show --place P1 --measure question_mean --format csv
# P1's sat without r06: (1+2+3+4+5+7+8+9+10+0)/10 = 4.9.
check "forget r06: P1's mean of sat computed again, 4.9" \
	grep -q '^2025,place,P1,question_mean,sat,4.9,10,' "$WORK/.out"
check "forget r06: the erasure counted with no identifier" \
	test "$(sql impact.db "SELECT value FROM meta WHERE key = 'erasures';" | sed 's/"date":"[0-9-]*"/"date":D/')" = '[{"date":D,"respondents":1,"answers":5,"rejected_rows":0}]'
check "forget r06: integrity_check ok" \
	test "$(integrity impact.db)" = ok
run impact export --anonymised -o out2.csv --quiet
check "export after forget r06: 16 rows (r06 was one of the blanked 7)" \
	test "$(($(wc -l <out2.csv) - 1))" -eq 16
run impact forget r06 --survey priv
expect_status 1 "forget r06 again: nobody left to erase"
key=$(sql impact.db "SELECT r.key FROM respondents r JOIN answers a ON a.respondent_id = r.id JOIN questions q ON q.id = a.question_id WHERE q.code = 'sat' AND a.value = 0;")
run impact forget "$key"
expect_status 0 "forget by stored key: exits 0"
expect_out "erased 1 respondent" "forget by stored key: erased one"
run impact forget --help
expect_status 0 "forget --help: exits 0"
expect_out "Example" "forget --help: has an example"

# --- forget recomputes the index ----------------------------------------

mkdir big && cd big || exit 1
impact sample --out data --waves 2 --respondents 60 --activities 10 >/dev/null
impact init >/dev/null
impact import territories data/territories.csv >/dev/null
impact import places data/places.csv >/dev/null
impact survey add "$TOP/surveys/questionnaires/default.json" >/dev/null
impact import answers data/answers-2023.csv --survey impact-defaut >/dev/null
impact import answers data/answers-2024.csv --survey impact-defaut >/dev/null
impact index add "$TOP/indicators/library/index-default.json" >/dev/null
impact compute --replicates 20 >/dev/null
# Respondents behind the network's 2023 index: those it used and those
# it left out for missing answers.
behind() {
	sql impact.db "SELECT document ->> '\$.n' + (document ->> '\$.incomplete') FROM index_results i JOIN territories t ON t.id = i.territory_id WHERE t.code = 'VDL' AND period = $1;"
}
n23=$(behind 2023)
id=$(sed -n 2p data/answers-2023.csv | cut -d, -f1)
run impact forget "$id" --survey impact-defaut
expect_status 0 "forget in the sample: exits 0"
expect_out "computed again the index of" "forget in the sample: index computed again"
check "forget in the sample: the network's 2023 index stands on one fewer ($n23 before)" \
	test "$(behind 2023)" -eq $((n23 - 1))
check "forget in the sample: 2024's index is still there" \
	test "$(sql impact.db "SELECT count(*) FROM index_results WHERE period = 2024;")" -gt 0
cd ..
