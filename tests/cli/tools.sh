# Answers exported by each survey tool import without any option, and give
# the same stored answers, value by value (tests/fixtures/answers/).
. "$TOP/tests/cli/lib.sh"
F="$TOP/tests/fixtures/answers"

# The stored answers of every respondent, one line each.
dump() {
	sqlite3 -batch -noheader impact.db "
SELECT p.code || '|' || r.period || '|' || coalesce(r.submitted_on, '-') || '|' ||
  coalesce((SELECT group_concat(x, ';') FROM (SELECT q.code || '=' ||
     coalesce(c.code, CASE WHEN a.value IS NOT NULL THEN printf('%g', a.value) END, a.text) AS x
     FROM answers a JOIN questions q ON q.id = a.question_id
     LEFT JOIN choices c ON c.id = a.choice_id
     WHERE a.respondent_id = r.id AND q.role IS NOT 'date' ORDER BY q.position)), '') || '|' ||
  coalesce((SELECT group_concat(code, '+') FROM (SELECT c.code FROM answer_choices ac
     JOIN choices c ON c.id = ac.choice_id WHERE ac.respondent_id = r.id ORDER BY c.position)), '')
FROM respondents r JOIN places p ON p.id = r.place_id ORDER BY r.submitted_on, p.code;"
}

# The expected lines, written by hand from the fixtures' README.
cat >expected.txt <<'EXP'
FAB|2024|2024-03-14|sat=8;lien=4;competences=2;km=12.5;premiere=1;age=30-44;commentaire=Super, merci !|num+cuis
REPAIR|2024|2024-03-15|sat=6;lien=2;competences=1;km=3;premiere=0;age=18-29|bric
FAB|2024|2024-04-02|lien=3;premiere=1;age=45-59;commentaire=Atelier « soudure » génial|
EXP

fresh() {
	rm -f impact.db impact.db-wal impact.db-shm
	impact init >/dev/null &&
	impact import territories "$F/territories.csv" >/dev/null &&
	impact import places "$F/places.csv" >/dev/null &&
	impact survey add "$F/survey.json" >/dev/null
}

# tool file expected-tool expected-encoding expected-delimiter
for spec in \
	"kobo-codes.csv kobotoolbox UTF-8 ;" \
	"kobo-labels.csv kobotoolbox UTF-8 ;" \
	"kobo-legacy.csv kobotoolbox UTF-8 ," \
	"odk-central.csv odk UTF-8 ," \
	"limesurvey-fulltext.csv limesurvey UTF-8-with-BOM ," \
	"limesurvey-codes.csv limesurvey UTF-8-with-BOM ," \
	"framaforms.tsv framaforms UTF-16LE tab" \
	"google-forms.csv google-forms UTF-8 ," \
	"surveymonkey.csv surveymonkey UTF-8 ," \
	"excel-fr.csv plain Windows-1252 ;"
do
	set -- $spec
	file=$1 tool=$2 enc=$(echo "$3" | tr '-' ' ' | sed 's/UTF 8/UTF-8/; s/UTF 16LE/UTF-16LE/; s/Windows 1252/Windows-1252/') delim=$4
	check "$file: a fresh database" fresh
	run impact import answers "$F/$file" --survey fixture
	expect_status 0 "$file: imports without any option"
	expect_out "3 rows read, 3 loaded, 0 rejected" "$file: 3 rows loaded"
	dump >got.txt
	check "$file: stored answers are the expected ones, value by value" cmp -s expected.txt got.txt
	cmp -s expected.txt got.txt || diff expected.txt got.txt | sed 's/^/#   /'
	check "$file: recognised as $tool" test "$(sql impact.db "SELECT tool FROM imports WHERE kind = 'answers';")" = "$tool"
	check "$file: read as $enc" test "$(sql impact.db "SELECT encoding FROM imports WHERE kind = 'answers';")" = "$enc"
	check "$file: delimiter $delim" test "$(sql impact.db "SELECT delimiter FROM imports WHERE kind = 'answers';")" = "$delim"
done

# Direct identifiers in the exports are never stored.
fresh
impact import answers "$F/google-forms.csv" --survey fixture >/dev/null 2>&1
check "google forms: the e-mail addresses are nowhere in the database" sh -c "! grep -q -e marie.curie -e jean.dupont impact.db"
fresh
impact import answers "$F/excel-fr.csv" --survey fixture >/dev/null 2>&1
check "excel: the questionnaire numbers are nowhere in the database" sh -c "! grep -q -e Q-001 -e Q-002 impact.db"

# A tool's cumulative export imported again: the rows already stored are
# skipped, the new one loads, nothing is doubled.
fresh
impact import answers "$F/kobo-codes.csv" --survey fixture >/dev/null
{ cat "$F/kobo-codes.csv"; printf '"2024-05-01T10:00:00.000+02:00";"2024-05-01T10:05:00.000+02:00";"REPAIR";"9";"3";"";"";"";"";"1";"non";"18-29";"";"104";"uuid-0004";"2024-05-01T08:05:00";"";"[]";"submitted_via_web";"";"v1";"[]";"4"\r\n'; } >kobo-later.csv
run impact import answers kobo-later.csv --survey fixture
expect_status 0 "cumulative export: imports"
expect_out "4 rows read, 1 loaded, 0 rejected, 3 already stored" "cumulative export: 3 already stored, 1 loaded"
check "cumulative export: 4 respondents, not 7" test "$(sql impact.db "SELECT count(*) FROM respondents;")" = 4
# The same respondent (same _uuid) with other answers is refused.
sed 's/"uuid-0002";"2024-03-15T10:05:00"/"uuid-0002";"2024-03-15T10:05:00"/; s/"REPAIR";"6"/"REPAIR";"7"/' "$F/kobo-codes.csv" >kobo-changed.csv
run impact import answers kobo-changed.csv --survey fixture
expect_status 3 "changed answers under a known id: rows kept aside (exit 3)"
expect_err "kobo-changed.csv:3:" "changed answers: the row of line 3 is named"
expect_err "already answered this survey for 2024, with other answers" "changed answers: the reason says why"

# Forcing the order of dates: with --dates mdy, 02/04/2024 is 4 February,
# and 14/03/2024, which cannot be month first, is kept aside (as the
# activities importer does).
fresh
run impact import answers "$F/excel-fr.csv" --survey fixture --dates mdy
expect_status 3 "--dates mdy: the dates that cannot be month first are kept aside"
expect_err "excel-fr.csv:2:3: date \"14/03/2024\" for question \"rempli\" cannot be read month first, as --dates asks" "--dates mdy: the reason names the date and the option"
check "--dates mdy: 02/04/2024 read as 2024-02-04" test "$(sql impact.db "SELECT group_concat(submitted_on, ' ') FROM (SELECT submitted_on FROM respondents ORDER BY 1);")" = "2024-02-04"

# --place and --period for a file without them.
fresh
printf 'sat;lien\n7;4\n5;1\n' >paper.csv
run impact import answers paper.csv --survey fixture --place REPAIR --period 2025
expect_status 0 "--place/--period: a file with neither column imports"
check "--place/--period: 2 respondents at REPAIR in 2025" test "$(sql impact.db "SELECT count(*) FROM respondents r JOIN places p ON p.id = r.place_id WHERE p.code = 'REPAIR' AND r.period = 2025;")" = 2
fresh
run impact import answers paper.csv --survey fixture --period 2025
expect_status 3 "without --place: rows kept aside"
expect_err "no place: give the place in a column or with --place CODE" "without --place: the reason says what to do"

# The project's own template, round trip: generated, filled in as French
# Excel saves it, imported as it is.
fresh
run impact survey template fixture --excel -o saisie.csv
expect_status 0 "template: written"
check "template: Windows-1252 (é is byte 0xE9)" sh -c "grep -q \"$(printf 'num\351ro')\" saisie.csv"
check "template: header of question ids in order, ';'" sh -c "head -1 saisie.csv | grep -q '^lieu;num;rempli;sat;lien;competences;km;premiere;age;commentaire'"
check "template: a hints row starting with #" sh -c "sed -n 2p saisie.csv | grep -q '^# '"
printf 'FAB;T-1;14/03/2024;8;4;"num;cuis";12,5;oui;30-44;Super, merci !\r\n' >>saisie.csv
run impact import answers saisie.csv --survey fixture
expect_status 0 "template: the filled-in template imports without any option"
expect_out "1 rows read, 1 loaded, 0 rejected" "template: the hints row is not a data row"
check "template: recognised as the template" test "$(sql impact.db "SELECT tool FROM imports WHERE kind = 'answers';")" = template
dump >got.txt
check "template: the stored answers are the ones typed" test "$(cat got.txt)" = "FAB|2024|2024-03-14|sat=8;lien=4;competences=2;km=12.5;premiere=1;age=30-44;commentaire=Super, merci !|num+cuis"
run impact survey template nope
expect_status 1 "template: an unknown survey exits 1"
expect_err "impact survey list" "template: the message points to 'impact survey list'"

# Every reason a row of answers is kept aside, each at its line and column.
fresh
cat >reasons.csv <<'CSV'
num,lieu,rempli,sat,lien,competences,km,premiere,age
r1,FAB,14/03/2024,huit,4,num,1,oui,30-44
r2,FAB,14/03/2024,11,4,num,1,oui,30-44
r3,FAB,14/03/2024,8,4,num,1,peut-être,30-44
r4,FAB,14/03/2024,8,5,num,1,oui,30-44
r5,FAB,14/03/2024,8,4,num;zz,1,oui,30-44
r6,FAB,14/03/2024,8,4,num,301,oui,30-44
r7,FAB,31/02/2024,8,4,num,1,oui,30-44
r8,,14/03/2024,8,4,num,1,oui,30-44
r9,NOWHERE,14/03/2024,8,4,num,1,oui,30-44
r10,FAB,,8,4,num,1,oui,30-44
r11,FAB,14/03/2024,8,4,num,1,oui
r12,FAB,14/03/2024,8,4,num,1,oui,30-44
CSV
run impact import answers reasons.csv --survey fixture
expect_status 3 "reasons: rows kept aside (exit 3)"
expect_out "12 rows read, 1 loaded, 11 rejected" "reasons: only the good row loads"
run impact rejects
for r in \
	'reasons.csv:2:4: invalid answer "huit" to question "sat": expected a number' \
	'reasons.csv:3:4: invalid answer "11" to question "sat": expected a number from 0 to 10, or nothing' \
	'reasons.csv:4:8: invalid answer "peut-être" to question "premiere": expected oui or non' \
	'reasons.csv:5:5: unknown choice "5" for question "lien": expected one of its codes or labels' \
	'reasons.csv:6:6: unknown choice "zz" in answer to question "competences"' \
	'reasons.csv:7:7: invalid answer "301" to question "km": expected a number from 0 to 300, or nothing' \
	'reasons.csv:8:3: invalid date "31/02/2024" for question "rempli"' \
	'reasons.csv:9:2: no place: give the place in a column or with --place CODE' \
	'reasons.csv:10:2: unknown place "NOWHERE"' \
	'reasons.csv:11:1: no period: give --period YYYY, or a period or date column' \
	'reasons.csv:12:1: 8 fields where the header has 9'
do
	expect_out "$r" "reason: $r"
done

# An option column that is neither ticked nor unticked.
fresh
printf 'lieu,rempli,competences/num,competences/bric\nFAB,14/03/2024,1,peut-etre\n' >option.csv
run impact import answers option.csv --survey fixture
expect_err 'option.csv:2:4: unreadable value "peut-etre" for option "bric" of question "competences": expected 1/0, oui/non or the option' "reason: an unreadable option cell"

# A required question left empty; a tool's submission time that is no date.
fresh
cat >req.json <<'JSON'
{ "id": "req", "title": { "fr": "Requis" },
  "questions": [ { "id": "sat", "type": "rating", "required": true,
                   "label": { "fr": "Satisfaction" } } ] }
JSON
impact survey add req.json >/dev/null
printf 'Timestamp,sat\n3/14/2024 10:00:00,\nhier,5\n3/15/2024 10:00:00,7\n' >req.csv
run impact import answers req.csv --survey req --place FAB
expect_status 3 "required/time: rows kept aside"
expect_err 'req.csv:2:2: question "sat" is required and has no answer' "reason: a required question without an answer"
expect_err 'req.csv:3:1: invalid date "hier": the period cannot be read from it (give --period YYYY)' "reason: a submission time that is no date"
expect_out "3 rows read, 1 loaded, 2 rejected" "required/time: the good row loads"

# A place name two places share is refused: the code must be given.
fresh
printf 'code,name,territory\nFAB2,La Fabrique,T\n' >more-places.csv
impact import places more-places.csv >/dev/null
printf 'lieu,rempli,sat\nLa Fabrique,14/03/2024,7\nFAB2,15/03/2024,8\n' >shared.csv
run impact import answers shared.csv --survey fixture
expect_status 3 "shared place name: the row is kept aside"
expect_err 'shared.csv:2:1: place name "La Fabrique" is shared by several places: give its code' "shared place name: the reason says to give the code"
expect_out "2 rows read, 1 loaded, 1 rejected" "shared place name: the row with the code loads"
