#!/bin/sh
# Activity logs and the places register as facilitators keep them: French
# Excel bytes (Windows-1252, ';', CRLF, decimal commas, dd/mm/yyyy, French
# headings), an English UTF-8 log in another order, rejected rows with
# their line and column, day/month order, --strict.  Every input is
# written here byte by byte; every expected value is counted by hand.
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

# === the places register, territories included ==========================

# Windows-1252 (\350 = è, \351 = é), ';', CRLF, decimal commas.  Line 2
# creates VDL and CC-COTEAUX under it; line 3 reuses CC-COTEAUX; line 4
# creates CC-PLAINE under VDL.
printf 'Code;Nom;Territoire;Nom du territoire;Territoire parent;Nom du territoire parent;Commune;Latitude;Longitude\r\n' >lieux.csv
printf 'FAB;La Fabrique du Bourg;CC-COTEAUX;CC des Coteaux de Li\350re;VDL;R\351seau du Val de Li\350re;Saint-Aubin;46,512;1,384\r\n' >>lieux.csv
printf 'RUC;La Ruche;CC-COTEAUX;;VDL;;Montval;46,6;-0,25\r\n' >>lieux.csv
printf 'GAR;Le Garage;CC-PLAINE;CC de la Plaine;VDL;;;;\r\n' >>lieux.csv
run impact import places lieux.csv
expect_status 0 "register: places and territories in one file exit 0"
expect_out "lieux.csv: 3 rows read, 3 loaded, 0 rejected" "register: 3 places loaded"
expect_err "3 territories created from the file" "register: the note counts the territories created"
check "register: 3 territories" test "$(count territories)" = 3
check "register: CC-COTEAUX and CC-PLAINE under VDL" test "$(sql impact.db \
	"SELECT group_concat(c.code) FROM (SELECT * FROM territories ORDER BY code) c JOIN territories p ON p.id = c.parent_id WHERE p.code = 'VDL';")" = "CC-COTEAUX,CC-PLAINE"
check "register: VDL's name decoded from Windows-1252" test \
	"$(sql impact.db "SELECT name FROM territories WHERE code = 'VDL';")" = "Réseau du Val de Lière"
check "register: FAB at 46,512 1,384" test \
	"$(sql impact.db "SELECT latitude || ' ' || longitude FROM places WHERE code = 'FAB';")" = "46.512 1.384"
check "register: RUC's longitude -0,25" test \
	"$(sql impact.db "SELECT longitude FROM places WHERE code = 'RUC';")" = "-0.25"

# All or nothing: line 3's territory is unknown and has no name.
printf 'code;nom;territoire;nom du territoire\nNEW1;Nouveau;CC-NORD;CC du Nord\nNEW2;Autre;CC-SUD;\n' >lieux-bad.csv
run impact import places lieux-bad.csv
expect_status 1 "register: an unnamed unknown territory exits 1"
expect_err "impact: error: lieux-bad.csv:3:3: unknown territory \"CC-SUD\"" "register: error at line 3 column 3"
check "register: CC-NORD of line 2 not kept" test "$(count territories "code = 'CC-NORD'")" = 0
check "register: NEW1 of line 2 not kept" test "$(count places "code = 'NEW1'")" = 0

# A misspelt column in reference data is an error.
printf 'code;nom;territoire;comune\nNEW3;Trois;VDL;Ville\n' >lieux-typo.csv
run impact import places lieux-typo.csv
expect_status 1 "register: a misspelt column exits 1"
expect_err "lieux-typo.csv:1:4: unknown column \"comune\"" "register: the misspelt column is named at 1:4"

# === a French Excel activity log ========================================

# Windows-1252, ';', CRLF.  Fields: 1 Lieu, 2 Date, 3 Type d'activité,
# 4 Intitulé, 5 Durée, 6 Nb participants, 7 Nouveaux, 8 Bénévoles,
# 9 Heures bénévoles, 10 Publics, 11 Co-organisé avec, 12 Gratuit.
#  line 2 loaded: by name, 14/03/2024, 2,5 h, 8 (3 new), 2 volunteers
#         for 5 h, publics jeunes + seniors, with RUC, free
#  line 3 loaded: "Repair café" -> repair-cafe, 1h30, 12, not free
#  line 4 "deux heures": column 5
#  line 5 unknown partner "Le Hangar": column 11
#  line 6 11 new of 10 participants: column 7
#  line 7 loaded: 90 min, 6 participants, partner "la ruche" by name
# 6 read, 3 loaded, 3 rejected; participant-hours 8*2.5 + 12*1.5 + 6*1.5 = 47
printf 'Lieu;Date;Type d'"'"'activit\351;Intitul\351;Dur\351e;Nb participants;Nouveaux;B\351n\351voles;Heures b\351n\351voles;Publics;Co-organis\351 avec;Gratuit\r\n' >journal.csv
printf 'La Fabrique du Bourg;14/03/2024;Atelier;Atelier soudure;2,5;8;3;2;5;Jeunes / Seniors;RUC;oui\r\n' >>journal.csv
printf 'FAB;15/03/2024;Repair caf\351;R\351paration;1h30;12;NA;;;;;non\r\n' >>journal.csv
printf 'RUC;16/03/2024;Atelier;;deux heures;5;;;;;;\r\n' >>journal.csv
printf 'RUC;17/03/2024;Atelier;;2;5;;;;;Le Hangar;\r\n' >>journal.csv
printf 'GAR;18/03/2024;Atelier;;2;10;11;;;;;\r\n' >>journal.csv
printf 'GAR;19/03/2024;Coworking;;90 min;6;;;;;la ruche;\r\n' >>journal.csv
run impact import activities journal.csv
expect_status 3 "excel log: rows kept aside exit 3"
expect_out "journal.csv: 6 rows read, 3 loaded, 3 rejected" "excel log: 6 read, 3 loaded, 3 rejected"
expect_err "impact: warning: journal.csv:4:5: invalid duration \"deux heures\": expected hours such as 2, 1,5 or 1h30" "excel log: bad duration at 4:5 with what is expected"
expect_err "impact: warning: journal.csv:5:11: unknown partner place \"Le Hangar\"" "excel log: unknown partner at 5:11"
expect_err "impact: warning: journal.csv:6:7: new participants 11 are more than the 10 participants" "excel log: 11 new of 10 at 6:7"
check "excel log: 3 activities" test "$(count activities)" = 3
check "excel log: participant-hours 47" test "$(sql impact.db "SELECT sum(participants * hours) FROM activities;")" = 47.0
check "excel log: dates read day first" test \
	"$(sql impact.db "SELECT group_concat(date, ' ') FROM (SELECT date FROM activities ORDER BY id);")" = "2024-03-14 2024-03-15 2024-03-19"
check "excel log: categories folded" test \
	"$(sql impact.db "SELECT group_concat(category, ' ') FROM (SELECT category FROM activities ORDER BY id);")" = "atelier repair-cafe coworking"
check "excel log: the accented title decoded" test "$(count activities "title = 'Réparation'")" = 1
check "excel log: new participants 3, NA absent, empty absent" test \
	"$(sql impact.db "SELECT group_concat(ifnull(new_participants, 'NULL'), ' ') FROM (SELECT new_participants FROM activities ORDER BY id);")" = "3 NULL NULL"
check "excel log: volunteers 2, 0, 0 and volunteer hours 5 then absent" test \
	"$(sql impact.db "SELECT group_concat(volunteers || '/' || ifnull(volunteer_hours, 'NULL'), ' ') FROM (SELECT * FROM activities ORDER BY id);")" = "2/5.0 0/NULL 0/NULL"
check "excel log: free 1, 0, absent" test \
	"$(sql impact.db "SELECT group_concat(ifnull(free, 'NULL'), ' ') FROM (SELECT free FROM activities ORDER BY id);")" = "1 0 NULL"
check "excel log: publics jeunes and seniors on the first activity" test \
	"$(sql impact.db "SELECT group_concat(public) FROM (SELECT public FROM activity_publics ORDER BY public);")" = "jeunes,seniors"
check "excel log: partners RUC (by code) and RUC (by name)" test \
	"$(sql impact.db "SELECT group_concat(a.date || ':' || p.code, ' ') FROM (SELECT * FROM activity_partners ORDER BY activity_id) x JOIN activities a ON a.id = x.activity_id JOIN places p ON p.id = x.place_id;")" = "2024-03-14:RUC 2024-03-19:RUC"
check "excel log: activities, publics and partners break no reference (foreign_key_check; the importer proves them)" \
	test -z "$(sql impact.db "PRAGMA foreign_key_check;")" -a "$(sql impact.db "SELECT count(*) FROM activity_partners;")" -gt 0
check "excel log: rejects hold line 4 column 5 field Durée" test \
	"$(count rejects "line = 4 AND column_no = 5 AND field = 'Durée'")" = 1
check "excel log: the import records Windows-1252 and ';'" test \
	"$(sql impact.db "SELECT encoding || ' ' || delimiter FROM imports WHERE file_name = 'journal.csv';")" = "Windows-1252 ;"
run impact import activities journal.csv
expect_status 0 "excel log: the same file again exits 0"
expect_out "already imported" "excel log: the same file again is 'already imported'"
check "excel log: still 3 activities" test "$(count activities)" = 3

# === UTF-8, English headings, another order, an unknown column ==========

cat >log.csv <<'EOF'
Hours,Facilitator,Participants,Date,Place,Category,Paid,Title
3,Ana,20,2025-05-01,RUC,Evenement,yes,"Fête, de quartier"
0.5,Ben,4,2025-05-02,le garage,coworking,no,
EOF
run impact import activities log.csv
expect_status 0 "english log: exits 0"
expect_out "log.csv: 2 rows read, 2 loaded, 0 rejected" "english log: 2 loaded"
expect_err "impact: note: log.csv: columns ignored: \"Facilitator\"" "english log: the unknown column is noted"
check "english log: paid yes is not free, paid no is free" test \
	"$(sql impact.db "SELECT group_concat(free, ' ') FROM (SELECT free FROM activities WHERE period = 2025 ORDER BY date);")" = "0 1"
check "english log: 'le garage' is GAR" test \
	"$(sql impact.db "SELECT p.code FROM activities a JOIN places p ON p.id = a.place_id WHERE a.date = '2025-05-02';")" = GAR

# === day and month order =================================================

# 13/02 can only be day first: it decides 03/04 is the 3rd of April.
printf 'place;date;category;hours;participants\nFAB;03/04/2026;atelier;1;1\nFAB;13/02/2026;atelier;1;1\n' >dmy.csv
run impact import activities dmy.csv
expect_status 0 "dates: a column decided by 13/02 exits 0"
check "dates: 03/04/2026 is 3 April" test "$(count activities "date = '2026-04-03'")" = 1
expect_err_empty "dates: nothing to note when the data decide"

# Nothing decides: day first, and the note says so.
printf 'place;date;category;hours;participants\nFAB;05/06/2027;atelier;1;1\n' >amb.csv
run impact import activities amb.csv
expect_status 0 "dates: an undecided column exits 0"
check "dates: 05/06/2027 read as 5 June" test "$(count activities "date = '2027-06-05'")" = 1
expect_err "day first" "dates: the default order is noted"

# Forced month first: 03/04 is March 4; 13/02 contradicts and is kept aside.
printf 'place;date;category;hours;participants\nFAB;03/04/2028;atelier;1;1\nFAB;13/02/2028;atelier;1;1\n' >mdy.csv
run impact import activities mdy.csv --dates mdy
expect_status 3 "dates: --dates mdy with a day-first date exits 3"
check "dates: --dates mdy reads 03/04/2028 as 4 March" test "$(count activities "date = '2028-03-04'")" = 1
expect_err "mdy.csv:3:2: invalid date \"13/02/2028\"" "dates: the contradicting date is at 3:2"

# === --strict ============================================================

printf 'place,date,category,hours,participants\nFAB,2029-01-01,atelier,1,1\nFAB,2029-01-02,atelier,une heure,1\n' >strict.csv
run impact import activities strict.csv --strict
expect_status 1 "strict: a bad row refuses the file (exit 1)"
expect_err "strict.csv:3:4: invalid duration" "strict: the first bad row is named"
check "strict: nothing stored for 2029" test "$(count activities "period = 2029")" = 0

# A missing required column refuses the file.
printf 'lieu;date;type;participants\nFAB;2030-01-01;atelier;3\n' >nohours.csv
run impact import activities nohours.csv
expect_status 1 "missing column: exits 1"
expect_err "missing column \"hours\"" "missing column: hours is named"
