#!/bin/sh
# Imports: territories, places, survey, answers, activities.  Every input
# is written here by hand; every expected count, line and column is
# counted by hand from these inputs.
. "$TOP/tests/cli/lib.sh"

impact init >/dev/null 2>&1 || echo "not ok - impact init failed"

# count TABLE [WHERE]: number of rows.
count() {
	if [ $# -gt 1 ]; then
		sql impact.db "SELECT count(*) FROM $1 WHERE $2;"
	else
		sql impact.db "SELECT count(*) FROM $1;"
	fi
}

# first_err_line_starts PREFIX DESC
first_err_line_starts() {
	case "$(head -n 1 "$WORK/.err")" in
	"$1"*) _report 0 "$2" "" ;;
	*) _report 1 "$2" "first line of stderr does not start with: $1" ;;
	esac
}

# db_bytes_contain TEXT: how many lines of the database files (main file,
# and WAL or journal if any) contain TEXT.
db_bytes_count() {
	cat impact.db impact.db-wal impact.db-journal 2>/dev/null | grep -c -a -F -- "$1"
}

# answer_of FILE QUESTION: the answers to QUESTION stored by the import
# of FILE, one per line, in row order.
answers_of() {
	sql impact.db "SELECT a.value FROM answers a
		JOIN respondents r ON r.id = a.respondent_id
		JOIN questions q ON q.id = a.question_id
		JOIN imports i ON i.id = r.import_id
		WHERE i.file_name = '$1' AND q.code = '$2' ORDER BY r.id;" | tr '\n' ' '
}

# === territories ========================================================

cat >territories.csv <<'EOF'
code,name,parent
R,Réseau,
A,Territoire A,R
B,Territoire B,R
EOF
run impact import territories territories.csv
expect_status 0 "territories: import exits 0"
expect_out "territories.csv: 3 rows read, 3 loaded, 0 rejected" "territories: summary 3 read, 3 loaded, 0 rejected"
check "territories: 3 stored" test "$(count territories)" = 3
check "territories: R is a root" test "$(sql impact.db "SELECT parent_id IS NULL FROM territories WHERE code = 'R';")" = 1
check "territories: A and B are children of R" test "$(sql impact.db \
	"SELECT group_concat(c.code) FROM territories c JOIN territories p ON p.id = c.parent_id WHERE p.code = 'R' ORDER BY c.code;")" = "A,B"
check "territories: the accented name is kept" test "$(sql impact.db "SELECT name FROM territories WHERE code = 'R';")" = "Réseau"
check "territories: one import recorded" test "$(count imports "kind = 'territories'")" = 1

run impact import territories territories.csv
expect_status 0 "territories: the same file again exits 0"
expect_out "already imported" "territories: the same file again is 'already imported'"
check "territories: still 3 after the second import" test "$(count territories)" = 3
check "territories: still one import recorded" test "$(count imports "kind = 'territories'")" = 1

# A parent may come on a later line of the file.
cat >later.csv <<'EOF'
code,name,parent
C,Commune C,D
D,District D,B
EOF
run impact import territories later.csv
expect_status 0 "territories: a parent defined on a later line is accepted"
check "territories: C's parent is D" test "$(sql impact.db \
	"SELECT p.code FROM territories c JOIN territories p ON p.id = c.parent_id WHERE c.code = 'C';")" = D

# A cycle inside the file.
cat >cycle.csv <<'EOF'
code,name,parent
X,Terr X,Y
Y,Terr Y,X
EOF
run impact import territories cycle.csv
expect_status 1 "territories: a cycle in the file exits 1"
first_err_line_starts "impact: error: cycle.csv" "territories: the cycle error names the file"
expect_err "cycle" "territories: the error says 'cycle'"
check "territories: nothing of the cyclic file stored" test "$(count territories "code IN ('X', 'Y')")" = 0

# A cycle through territories already in the database: R under C, while
# C is under D, under B, under R.
printf 'code,name,parent\nR,Réseau,C\n' >cycle2.csv
run impact import territories cycle2.csv
expect_status 1 "territories: a cycle through the database exits 1"
expect_err "cycle" "territories: database cycle: the error says 'cycle'"
check "territories: R is still a root after the refused cycle" test \
	"$(sql impact.db "SELECT parent_id IS NULL FROM territories WHERE code = 'R';")" = 1

printf 'code,name,parent\nZ,Terr Z,Z\n' >self.csv
run impact import territories self.csv
expect_status 1 "territories: its own parent exits 1"
expect_err "self.csv:2:3:" "territories: own parent reported at line 2 column 3"
check "territories: Z not stored" test "$(count territories "code = 'Z'")" = 0

printf 'code,name,parent\nE,Terr E,R\nF,Terr F,NOWHERE\n' >orphan.csv
run impact import territories orphan.csv
expect_status 1 "territories: an unknown parent exits 1"
expect_err "orphan.csv:3:3:" "territories: unknown parent at line 3 column 3"
expect_err "NOWHERE" "territories: the unknown parent is named"
check "territories: E (a good row) not stored either" test "$(count territories "code = 'E'")" = 0
check "territories: refused files leave no import row" test "$(count imports "kind = 'territories'")" = 2

# === places ==============================================================

# Line 3 names an unknown territory: the whole file is refused.
cat >places.csv <<'EOF'
code,name,territory,commune,latitude,longitude
P1,Place 1,A,Ville-A,46.5,1.25
P2,Place 2,NOPE,Ville-B,,
P3,Place 3,B,,,
EOF
run impact import places places.csv
expect_status 1 "places: an unknown territory on line 3 exits 1"
first_err_line_starts "impact: error: places.csv:3:3:" "places: error at places.csv:3:3"
expect_err "NOPE" "places: the unknown territory is named"
expect_err_lines 1 "places: one line on stderr"
check "places: zero places stored (all or nothing)" test "$(count places)" = 0
check "places: the refused file left no import row" test "$(count imports "kind = 'places'")" = 0

cat >places.csv <<'EOF'
code,name,territory,commune,latitude,longitude
P1,Place 1,A,Ville-A,46.5,1.25
P2,Place 2,B,,,
EOF
run impact import places places.csv
expect_status 0 "places: the corrected file exits 0"
expect_out "places.csv: 2 rows read, 2 loaded, 0 rejected" "places: summary 2 read, 2 loaded, 0 rejected"
check "places: 2 stored" test "$(count places)" = 2
check "places: P1 is in A" test "$(sql impact.db \
	"SELECT t.code FROM places p JOIN territories t ON t.id = p.territory_id WHERE p.code = 'P1';")" = A
check "places: P1's coordinates" test "$(sql impact.db "SELECT latitude || ' ' || longitude FROM places WHERE code = 'P1';")" = "46.5 1.25"
check "places: P2's empty commune is NULL" test "$(sql impact.db "SELECT commune IS NULL FROM places WHERE code = 'P2';")" = 1

# Columns in another order, ';' and a decimal comma; P3 updates nothing
# else.  Header names are matched ignoring case and spaces.
printf 'Territory ; CODE;name;latitude\nB;P3;Place 3;45,25\n' >places-fr.csv
run impact import places places-fr.csv
expect_status 0 "places: ';' file with a decimal comma exits 0"
check "places: P3 latitude 45,25 read as 45.25" test "$(sql impact.db "SELECT latitude FROM places WHERE code = 'P3';")" = 45.25
check "places: P3 is in B" test "$(sql impact.db \
	"SELECT t.code FROM places p JOIN territories t ON t.id = p.territory_id WHERE p.code = 'P3';")" = B

printf 'code,name,territory,latitude\nP4,Place 4,A,91\n' >badlat.csv
run impact import places badlat.csv
expect_status 1 "places: latitude 91 exits 1"
expect_err "badlat.csv:2:4:" "places: bad latitude at line 2 column 4"
check "places: P4 not stored" test "$(count places "code = 'P4'")" = 0

# Unknown column: named, with line 1 and its column number.
printf 'code,name,territory,comune\nP5,Place 5,A,Ville\n' >misspelt.csv
run impact import places misspelt.csv
expect_status 1 "places: an unknown column exits 1"
first_err_line_starts "impact: error: misspelt.csv:1:4:" "places: unknown column at line 1 column 4"
expect_err "comune" "places: the unknown column is named"
check "places: nothing stored from the misspelt file" test "$(count places "code = 'P5'")" = 0

printf 'code,name\nP6,Place 6\n' >nocol.csv
run impact import places nocol.csv
expect_status 1 "places: a missing required column exits 1"
expect_err "territory" "places: the missing column is named"

printf 'code,name,territory\nP7,Place 7,A,extra\n' >wide.csv
run impact import places wide.csv
expect_status 1 "places: a row wider than the header exits 1"
expect_err "wide.csv:2:" "places: the wide row is at line 2"

: >empty.csv
run impact import places empty.csv
expect_status 1 "places: an empty file exits 1"
expect_err "empty.csv:1" "places: the empty file error names line 1"
check "places: still 3 places after the refused files" test "$(count places)" = 3

# === survey ==============================================================

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
run impact survey add survey.json
expect_status 0 "survey: add exits 0"
expect_out "s1" "survey: add names the survey"
check "survey: 3 questions stored" test "$(count questions)" = 3
check "survey: q3 has no domain" test "$(sql impact.db "SELECT domain IS NULL FROM questions WHERE code = 'q3';")" = 1
run impact survey add survey.json
expect_status 0 "survey: the identical file again exits 0"
expect_out "already" "survey: the identical file again says 'already'"
check "survey: still one survey" test "$(count surveys)" = 1
sed 's/Q trois/Q 3/' survey.json >survey2.json
run impact survey add survey2.json
expect_status 1 "survey: another definition under the same id exits 1"
printf '{"id": "s2", "title": {"fr": "T"}, "questions": [], "extra": 1}\n' >bad.json
run impact survey add bad.json
expect_status 1 "survey: an unknown key exits 1"
expect_err "extra" "survey: the unknown key is named"

# === answers =============================================================

# Header columns in another order: column 4 is q2 (1-5), column 5 is q1
# (0-10), column 6 is q3 (0-10).
#  line 2  Jeanne-Dupont-0042, P1 2024          loaded (3 answers)
#  line 3  r-02, P1 2024, q3 empty              loaded (2 answers)
#  line 4  q1 = 12 on 0-10, column 5            rejected
#  line 5  unknown place PX, column 2           rejected
#  line 6  Jeanne-Dupont-0042 again in 2024     rejected (duplicate), column 1
#  line 7  Jeanne-Dupont-0042 in 2023           loaded (3 answers)
#  line 8  period "24", column 3                rejected
#  line 9  r-07, no answer at all               loaded (0 answers)
#  line 10 q2 = "abc", column 4                 rejected
# 9 read, 4 loaded, 5 rejected; 4 respondents, 8 answers.
cat >answers.csv <<'EOF'
respondent,place,period,q2,q1,q3
Jeanne-Dupont-0042,P1,2024,4,7,5
r-02,P1,2024,5,10,
r-03,P2,2024,2,12,1
r-04,PX,2024,3,3,3
Jeanne-Dupont-0042,P2,2024,1,1,1
Jeanne-Dupont-0042,P1,2023,2,2,2
r-06,P1,24,3,3,3
r-07,P2,2024,,,
r-08,P2,2024,abc,3,3
EOF
run impact import answers answers.csv --survey s1
expect_status 3 "answers: import with bad rows exits 3 (rows kept aside)"
expect_out "answers.csv: 9 rows read, 4 loaded, 5 rejected" "answers: summary 9 read, 4 loaded, 5 rejected"
expect_err "answers.csv:4:5:" "answers: warning at answers.csv:4:5 (12 on q1)"
expect_err "\"12\"" "answers: the warning quotes the bad value 12"
expect_err "answers.csv:5:2:" "answers: warning at answers.csv:5:2 (unknown place)"
expect_err "PX" "answers: the unknown place is named"
expect_err "answers.csv:6:1:" "answers: warning at answers.csv:6:1 (duplicate respondent)"
expect_err "duplicate" "answers: the duplicate is called a duplicate"
expect_err "answers.csv:8:3:" "answers: warning at answers.csv:8:3 (bad period)"
expect_err "answers.csv:10:4:" "answers: warning at answers.csv:10:4 (abc on q2)"
expect_err "impact rejects" "answers: the warnings point to 'impact rejects'"
check "answers: 4 respondents stored" test "$(count respondents)" = 4
check "answers: 8 answers stored" test "$(count answers)" = 8
check "answers: 3 respondents in 2024, 1 in 2023" test \
	"$(sql impact.db "SELECT group_concat(n) FROM (SELECT count(*) AS n FROM respondents GROUP BY period ORDER BY period);")" = "1,3"
check "answers: q1 values in row order (7, 10, 2)" test "$(answers_of answers.csv q1)" = "7.0 10.0 2.0 "
check "answers: q2 values in row order (4, 5, 2)" test "$(answers_of answers.csv q2)" = "4.0 5.0 2.0 "
check "answers: 5 rejects stored" test "$(count rejects)" = 5
check "answers: the rejects table holds line 4, column 5, field q1" test \
	"$(count rejects "line = 4 AND column_no = 5 AND field = 'q1' AND reason LIKE '%12%'")" = 1
check "answers: the rejects table holds line 5, column 2, field place" test \
	"$(count rejects "line = 5 AND column_no = 2 AND field = 'place'")" = 1
check "answers: the rejects table holds line 6, column 1, field respondent" test \
	"$(count rejects "line = 6 AND column_no = 1 AND field = 'respondent'")" = 1
check "answers: the import records 9 read, 4 loaded, 5 rejected" test "$(sql impact.db \
	"SELECT rows_read || ' ' || rows_loaded || ' ' || rows_rejected FROM imports WHERE file_name = 'answers.csv';")" = "9 4 5"

aid=$(sql impact.db "SELECT id FROM imports WHERE file_name = 'answers.csv';")
run impact rejects
expect_status 0 "rejects: exits 0"
expect_out "answers.csv:4:5: " "rejects: lists answers.csv:4:5"
expect_out "answers.csv:10:4: " "rejects: lists answers.csv:10:4"
check "rejects: 5 lines" test "$(wc -l <"$WORK/.out")" -eq 5
run impact rejects --import "$aid" --format csv
expect_status 0 "rejects --format csv exits 0"
expect_out "import,file,line,column,field,reason" "rejects csv: header"
expect_out "$aid,answers.csv,4,5,q1," "rejects csv: the q1 row"
check "rejects csv: header and 5 rows" test "$(wc -l <"$WORK/.out")" -eq 6
check "jq is installed (make check installs it)" command -v jq
if command -v jq >/dev/null 2>&1; then
	run impact rejects --import "$aid" --format json
	expect_status 0 "rejects --format json exits 0"
	check "rejects json: 5 objects" test "$(jq 'length' "$WORK/.out")" = 5
	check "rejects json: line 4 is column 5, field q1" test \
		"$(jq -c '.[] | select(.line == 4) | [.column, .field, .file]' "$WORK/.out")" = '[5,"q1","answers.csv"]'
fi
run impact rejects --import 1
expect_status 0 "rejects of an import without rejects exits 0"
check "rejects of the territories import: nothing" test ! -s "$WORK/.out"

run impact import answers answers.csv --survey s1
expect_status 0 "answers: the same file again exits 0"
expect_out "already imported" "answers: the same file again is 'already imported'"
check "answers: still 4 respondents" test "$(count respondents)" = 4
check "answers: still 8 answers" test "$(count answers)" = 8
check "answers: still 5 rejects" test "$(count rejects)" = 5

# Privacy: identifiers are never stored, even in rejected rows.  The
# identifier of a row rejected for its value, and one split by an
# unquoted comma (the row is then wider than the header).
cat >answers-priv.csv <<'EOF'
respondent,place,period,q1,q2,q3
Marie-Curie-0007,P1,2024,11,1,1
Dupont, Jeanne-Privee-0099,P1,2024,1,1,1
EOF
run impact import answers answers-priv.csv --survey s1
expect_status 3 "privacy: import exits 3 (rows kept aside)"
expect_out "2 rows read, 0 loaded, 2 rejected" "privacy: both rows rejected"
expect_err "answers-priv.csv:3:1:" "privacy: the wide row is reported at line 3"
check "privacy: 'Jeanne-Dupont-0042' is nowhere in the database file" test "$(db_bytes_count Jeanne-Dupont-0042)" -eq 0
check "privacy: 'Marie-Curie-0007' (rejected row) is nowhere in the database file" test "$(db_bytes_count Marie-Curie-0007)" -eq 0
check "privacy: 'Jeanne-Privee-0099' (wide rejected row) is nowhere in the database file" test "$(db_bytes_count Jeanne-Privee-0099)" -eq 0
check "privacy: no table holds 'Dupont'" test "$(sql impact.db "SELECT count(*) FROM rejects WHERE record LIKE '%Dupont%';")" = 0
run impact rejects
check "privacy: 'impact rejects' does not show identifiers" sh -c "! grep -q -e Marie-Curie -e Jeanne '$WORK/.out'"

# An unknown column (an e-mail) of a rejected row is not kept either.
printf 'respondent,place,period,q1,courriel\nu77,P1,2024,11,jeanne.secret@example.org\n' >answers-mail.csv
run impact import answers answers-mail.csv --survey s1
expect_status 3 "privacy: the row with an e-mail column is rejected (q1 = 11)"
check "privacy: the e-mail of a rejected row is nowhere in the database file" test "$(db_bytes_count jeanne.secret@example.org)" -eq 0

# Unknown column in an answers file: noted, ignored (never stored), and
# the rows load.
printf 'respondent,place,period,q1,q9\nu1,P1,2024,1,Jeanne\n' >answers-q9.csv
run impact import answers answers-q9.csv --survey s1
expect_status 0 "answers: an unknown column is not fatal"
expect_err 'impact: note: answers-q9.csv: columns ignored: "q9"' "answers: the unknown column is named in a note"
check "answers: the row with q9 loaded" test "$(count respondents)" = 5
check "answers: the unknown column's value is stored nowhere" sh -c "! grep -q Jeanne impact.db"

# The same question twice in the header.
printf 'respondent,place,period,q1,Q1\nu2,P1,2024,1,1\n' >answers-dup.csv
run impact import answers answers-dup.csv --survey s1
expect_status 1 "answers: a question column given twice exits 1"
expect_err "answers-dup.csv:1:5:" "answers: the second q1 is at line 1 column 5"
expect_err "appears twice" "answers: a repeated question column is reported as appearing twice"

# === CSV formats =========================================================

# ';' delimiter, decimal commas, CRLF, UTF-8 byte-order mark.
printf '\357\273\277respondent;place;period;q1;q2;q3\r\nf-01;P1;2025;7,5;2,5;\r\nf-02;P2;2025;10;1;0,5\r\n' >semi.csv
run impact import answers semi.csv --survey s1
expect_status 0 "formats: BOM + ';' + decimal commas + CRLF exits 0"
expect_out "semi.csv: 2 rows read, 2 loaded, 0 rejected" "formats: both ';' rows loaded"
check "formats: '7,5' read as 7.5 and 10 as 10" test "$(answers_of semi.csv q1)" = "7.5 10.0 "
check "formats: '2,5' read as 2.5" test "$(answers_of semi.csv q2)" = "2.5 1.0 "
check "formats: '0,5' read as 0.5" test "$(answers_of semi.csv q3)" = "0.5 "

# ',' delimiter: a decimal comma must be quoted.
printf 'respondent,place,period,q1\ng-01,P1,2025,"8,25"\n' >quoted-comma.csv
run impact import answers quoted-comma.csv --survey s1
expect_status 0 "formats: a quoted decimal comma exits 0"
check "formats: '\"8,25\"' read as 8.25" test "$(answers_of quoted-comma.csv q1)" = "8.25 "

# TAB delimiter.
printf 'respondent\tplace\tperiod\tq1\nt-01\tP1\t2025\t4\nt-02\tP2\t2025\t11\n' >tab.csv
run impact import answers tab.csv --survey s1
expect_status 3 "formats: TAB-delimited exits 3 (rows kept aside)"
expect_out "2 rows read, 1 loaded, 1 rejected" "formats: TAB file: 1 loaded, 1 rejected"
expect_err "tab.csv:3:4:" "formats: TAB file error at line 3 column 4"

# CRLF line ends: the error on the 3rd physical line says 3.
printf 'respondent,place,period,q1\r\nc-01,P1,2025,1\r\nc-02,P1,2025,99\r\nc-03,P1,2025,2\r\n' >crlf.csv
run impact import answers crlf.csv --survey s1
expect_status 3 "formats: CRLF exits 3 (rows kept aside)"
expect_out "3 rows read, 2 loaded, 1 rejected" "formats: CRLF: 3 read, 2 loaded"
expect_err "crlf.csv:3:4:" "formats: CRLF: error at line 3 column 4"

# CR-only line ends (old Mac spreadsheets), with a blank line.
printf 'respondent,place,period,q1\rm-01,P1,2025,1\r\rm-02,P1,2025,99\rm-03,P1,2025,3\r' >cr.csv
run impact import answers cr.csv --survey s1
expect_status 3 "formats: CR-only exits 3 (rows kept aside)"
expect_out "3 rows read, 2 loaded, 1 rejected" "formats: CR-only: 3 read, 2 loaded"
expect_err "cr.csv:4:4:" "formats: CR-only: error at line 4 (after a blank line 3)"
check "formats: CR-only: values 1 and 3 stored" test "$(answers_of cr.csv q1)" = "1.0 3.0 "

# A quoted field spanning lines 3-4; the error on the next record (line
# 5) must say line 5.
printf 'respondent,place,period,q1,q2\nn-01,P1,2025,1,1\n"n-02\nsuite",P1,2025,2,2\nn-03,P1,2025,3,9\n' >multiline.csv
run impact import answers multiline.csv --survey s1
expect_status 3 "formats: a quoted newline exits 3 (rows kept aside)"
expect_out "3 rows read, 2 loaded, 1 rejected" "formats: the two-line record is one row"
expect_err "multiline.csv:5:5:" "formats: the error after a two-line record is at line 5 column 5"
check "formats: the two-line record was loaded" test "$(answers_of multiline.csv q1)" = "1.0 2.0 "

# An error on the two-line record itself is reported at its first line.
printf 'respondent,place,period,q1\n"n-04\nsuite",P1,2025,12\n' >multiline2.csv
run impact import answers multiline2.csv --survey s1
expect_err "multiline2.csv:2:4:" "formats: an error in a two-line record names its first line"

# Missing final newline, blank lines skipped (even at the start and the
# end, and with spaces only between delimiters there is still data).
printf 'respondent,place,period,q1\n\nb-01,P1,2025,5\n\n\nb-02,P1,2025,6\n\nb-03,P1,2025,77' >blank.csv
run impact import answers blank.csv --survey s1
expect_status 3 "formats: blank lines and no final newline exits 3 (rows kept aside)"
expect_out "blank.csv: 3 rows read, 2 loaded, 1 rejected" "formats: blank lines are not rows"
expect_err "blank.csv:8:4:" "formats: the last line without newline is line 8"
check "formats: values 5 and 6 stored" test "$(answers_of blank.csv q1)" = "5.0 6.0 "

printf 'respondent,place,period,q1\nl-01,P1,2025,4' >nofinal.csv
run impact import answers nofinal.csv --survey s1
expect_out "1 rows read, 1 loaded, 0 rejected" "formats: a last row without a newline is loaded"

# Malformed quoting: the file is refused with file:line.
before=$(count respondents)
printf 'respondent,place,period,q1\nq-01,P1,2025,1\nq-02,P"1,2025,1\nq-03,P1,2025,1\n' >strayquote.csv
run impact import answers strayquote.csv --survey s1
expect_status 1 "formats: a stray quote exits 1"
first_err_line_starts "impact: error: strayquote.csv:3:2:" "formats: the stray quote is at line 3 column 2"
check "formats: nothing loaded from the file with a stray quote" test "$(count respondents)" = "$before"

printf 'respondent,place,period,q1\nq-04,P1,2025,1\nq-05,"P1,2025,1\nq-06,P1,2025,1\n' >unterminated.csv
run impact import answers unterminated.csv --survey s1
expect_status 1 "formats: an unterminated quote exits 1"
expect_err "impact: error: unterminated.csv:" "formats: the unterminated quote error names the file"
# The quote opens on line 3 (record start) and is never closed; the file
# has 4 lines.  The documented line is where the record starts: 3.
expect_err "unterminated.csv:3:2:" "formats: the unterminated quote is reported where its record starts (3:2)"
check "formats: nothing loaded from the file with an unterminated quote" test "$(count respondents)" = "$before"
check "formats: refused files leave no import row" test "$(count imports "file_name IN ('strayquote.csv', 'unterminated.csv')")" = 0

# === activities ==========================================================

#  line 2 loaded: 8 participants x 3 h, 2 volunteers
#  line 3 2024-02-30 does not exist: column 2
#  line 4 loaded: 2024-02-29 (leap year), 4 x 1.5 h
#  line 5 2023-02-29 does not exist: column 2
#  line 6 unknown place: column 1
#  line 7 participants -3: column 5
#  line 8 hours abc: column 6
#  line 9 loaded: category upper case, quoted title with a comma, "1,5" h
# 8 read, 3 loaded, 5 rejected; participant-hours 24 + 6 + 4.5 = 34.5
cat >activities.csv <<'EOF'
place,date,category,title,participants,hours,volunteers
P1,2024-03-14,atelier,Soudure,8,3,2
P1,2024-02-30,atelier,,5,2,
P2,2024-02-29,repair,,4,1.5,
P2,2023-02-29,repair,,4,1,
PX,2024-01-01,atelier,,1,1,
P1,2024-04-01,atelier,,-3,1,
P1,2024-04-02,atelier,,3,abc,
P1,2024-04-03,Atelier,"Café, soudure",3,"1,5",
EOF
run impact import activities activities.csv
expect_status 3 "activities: import with bad rows exits 3 (rows kept aside)"
expect_out "activities.csv: 8 rows read, 3 loaded, 5 rejected" "activities: summary 8 read, 3 loaded, 5 rejected"
expect_err "activities.csv:3:2:" "activities: 2024-02-30 rejected at line 3 column 2"
expect_err "2024-02-30" "activities: the bad date is quoted"
expect_err "activities.csv:5:2:" "activities: 2023-02-29 rejected at line 5 column 2"
expect_err "activities.csv:6:1:" "activities: unknown place at line 6 column 1"
expect_err "activities.csv:7:5:" "activities: participants -3 at line 7 column 5"
expect_err "activities.csv:8:6:" "activities: hours abc at line 8 column 6"
check "activities: 3 stored" test "$(count activities)" = 3
check "activities: participant-hours 34.5" test "$(sql impact.db "SELECT sum(participants * hours) FROM activities;")" = 34.5
check "activities: 15 participants" test "$(sql impact.db "SELECT sum(participants) FROM activities;")" = 15
check "activities: 2 volunteers (empty is 0)" test "$(sql impact.db "SELECT sum(volunteers) FROM activities;")" = 2
check "activities: all in period 2024" test "$(sql impact.db "SELECT group_concat(DISTINCT period) FROM activities;")" = 2024
check "activities: category stored in lower case" test "$(count activities "category = 'atelier'")" = 2
check "activities: the quoted title keeps its comma" test "$(count activities "title = 'Café, soudure'")" = 1
check "activities: the rejects table holds line 3 column 2 field date" test \
	"$(count rejects "line = 3 AND column_no = 2 AND field = 'date'")" = 1
run impact import activities activities.csv
expect_out "already imported" "activities: the same file again is 'already imported'"
check "activities: still 3 after the second import" test "$(count activities)" = 3
check "activities: no reference is broken (the importer proves them; foreign_key_check)" \
	test -z "$(sql impact.db "PRAGMA foreign_key_check;")"

# === status ==============================================================

run impact status
expect_status 0 "status exits 0"
expect_out "territories  5" "status: 5 territories (R A B C D)"
expect_out "places       3" "status: 3 places"
expect_out "surveys      1" "status: 1 survey"

# === the same answers file for two surveys ===============================
# A file already imported is skipped only for the same survey: the same
# bytes under another survey are another import.
sed 's/"s1"/"s1bis"/' survey.json >survey-bis.json
run impact survey add survey-bis.json
expect_status 0 "two surveys: the second survey is added"
printf 'respondent,place,period,q1\nt1,P1,2030,3\nt2,P1,2030,4\n' >two.csv
run impact import answers two.csv --survey s1
expect_out "2 rows read, 2 loaded, 0 rejected" "two surveys: loaded for s1"
run impact import answers two.csv --survey s1bis
expect_out "2 rows read, 2 loaded, 0 rejected" "two surveys: loaded again for s1bis, not 'already imported'"
run impact import answers two.csv --survey s1bis
expect_out "already imported" "two surveys: the third time, for s1bis again, is 'already imported'"
check "two surveys: 4 respondents in 2030 (2 per survey)" test "$(sql impact.db "SELECT count(*) FROM respondents WHERE period = 2030;")" = 4

# === a file of many batches ==============================================
# 2,000 rows, read and checked on one thread while another stores them, in
# batches of 256: rows 97, 194, ... (every 97th) have an answer out of
# bounds; rows 1801-1805 repeat respondents 1-5 with the same answers
# (skipped), rows 1806-1810 repeat respondents 6-10 with other answers
# (rejected as duplicates), across batches.  By hand: 18 bad rows in
# 1-1800, 2 in 1811-2000 (1843, 1940), so 2000 read, 1970 loaded, 25
# rejected, 5 already stored.  The same file for another survey on a
# single thread (IMPACT_THREADS=1) stores the same rows and rejects.
awk 'BEGIN {
	print "respondent,place,period,q1,q2,q3"
	for (i = 1; i <= 2000; i++) {
		r = i; q2 = i % 5 + 1; q3 = i % 7
		if (i > 1800 && i <= 1810) { r = i - 1800; q2 = r % 5 + 1; q3 = r % 7 }
		if (i > 1805 && i <= 1810) q2 = (r + 1) % 5 + 1
		q1 = i % 97 == 0 ? 99 : i % 11
		if (i > 1800 && i <= 1810) q1 = r % 11
		printf "m%d,P1,2032,%d,%d,%d\n", r, q1, q2, q3
	}
}' >many.csv
run env IMPACT_THREADS=3 "$IMPACT" import answers many.csv --survey s1
expect_status 3 "batches: the import exits 3 (rows rejected)"
expect_out "many.csv: 2000 rows read, 1970 loaded, 25 rejected, 5 already stored" "batches: 2000 read, 1970 loaded, 25 rejected, 5 already stored"
check "batches: the first bad row is line 98 (row 97), column 4" test "$(sql impact.db "SELECT min(line) || ':' || column_no FROM rejects r JOIN imports i ON i.id = r.import_id WHERE i.file_name = 'many.csv' AND i.survey_id = (SELECT id FROM surveys WHERE code = 's1');")" = "98:4"
check "batches: the 5 duplicates are lines 1807-1811, reported at the respondent column" test "$(sql impact.db "SELECT group_concat(line || ':' || column_no, ' ') FROM (SELECT line, column_no FROM rejects r JOIN imports i ON i.id = r.import_id WHERE i.file_name = 'many.csv' AND r.reason LIKE '%duplicate%' AND i.survey_id = (SELECT id FROM surveys WHERE code = 's1') ORDER BY line);")" = "1807:1 1808:1 1809:1 1810:1 1811:1"
# stored SURVEY: every stored answer and rejected row of many.csv.
stored() {
	sql impact.db "SELECT r.key, q.code, a.value FROM answers a
		JOIN respondents r ON r.id = a.respondent_id
		JOIN questions q ON q.id = a.question_id
		JOIN imports i ON i.id = r.import_id
		WHERE i.file_name = 'many.csv' AND i.survey_id = (SELECT id FROM surveys WHERE code = '$1')
		ORDER BY r.id, q.code;
		SELECT j.line, j.column_no, j.field, j.reason, j.record FROM rejects j
		JOIN imports i ON i.id = j.import_id
		WHERE i.file_name = 'many.csv' AND i.survey_id = (SELECT id FROM surveys WHERE code = '$1')
		ORDER BY j.line;" | sed 's/^/x/'
}
run env IMPACT_THREADS=1 "$IMPACT" import answers many.csv --survey s1bis
expect_out "many.csv: 2000 rows read, 1970 loaded, 25 rejected, 5 already stored" "batches: one thread gives the same summary"
check "batches: 5910 answers stored (1970 rows, 3 questions)" test "$(stored s1 | wc -l)" = $((5910 + 25))
check "batches: one thread stores the same answers and rejects" test "$(stored s1)" = "$(stored s1bis)"
check "batches: no reference is broken (foreign_key_check)" test -z "$(sql impact.db "PRAGMA foreign_key_check;")"

# === --strict ============================================================
# One bad row refuses the whole file: nothing loaded, no import recorded.
printf 'respondent,place,period,q1\nk1,P1,2031,3\nk2,P1,2031,99\nk3,P1,2031,5\n' >strict.csv
before=$(count imports)
run impact import answers strict.csv --survey s1 --strict
expect_status 1 "strict: a file with a bad row exits 1"
expect_err "strict.csv:3:4: invalid answer \"99\"" "strict: the error names the first bad row, line 3 column 4"
expect_err "refused whole" "strict: the message says the file is refused whole"
check "strict: nothing stored for 2031" test "$(sql impact.db "SELECT count(*) FROM respondents WHERE period = 2031;")" = 0
check "strict: no import recorded" test "$(count imports)" = "$before"
run impact import answers strict.csv --survey s1
expect_status 3 "strict: without --strict the same file loads its good rows (exit 3)"
check "strict: 2 respondents stored for 2031" test "$(sql impact.db "SELECT count(*) FROM respondents WHERE period = 2031;")" = 2
