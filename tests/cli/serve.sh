# `impact serve` and `impact place access` (docs/serve.md), over HTTP with
# curl: every page, every validation error of the form, the import of a
# Kobo export and an activity log, results and the PDF, and every access
# rule (sign-in, sessions, CSRF, one place's code against another place,
# coordinators, expiry, bounds).  The server runs in the background on a
# free port over a small sample database, and is stopped with SIGINT at
# the end (its exit status and stderr are checked too).
. "$TOP/tests/cli/lib.sh"
F="$TOP/tests/fixtures/answers"

pid=""
stop_server() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	pid=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

# --- a small network: the sample (2 waves), computed --------------------
{
	impact sample --out data --waves 2 --respondents 120 --activities 100 &&
	impact init &&
	impact import territories data/territories.csv &&
	impact import places data/places.csv &&
	impact import territories "$F/territories.csv" &&
	impact import places "$F/places.csv" &&
	impact survey add "$TOP/surveys/questionnaires/default.json" &&
	impact survey add "$F/survey.json" &&
	for f in data/answers-*.csv; do
		impact import answers "$f" --survey impact-defaut || exit 1
	done &&
	impact indicators add "$TOP/indicators/library/default.json" &&
	impact index add "$TOP/indicators/library/index-default.json" &&
	impact compute --replicates 50
} >setup.log 2>&1
check "the test database is built" test $? -eq 0

# A questionnaire with every kind of question, one required.
run impact survey add "$TOP/tests/browser/saisie.json"
expect_status 0 "the entry questionnaire is added"

# --- impact place access ------------------------------------------------
run impact place access FAB-BOURG
expect_status 0 "place access prints a new code"
fab_old=$(cat "$WORK/.out")
check "a code is 16 symbols of the alphabet, in groups of 4" \
	sh -c "printf '%s\n' '$fab_old' | grep -Eqx '[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}'"
expect_err "shown only this once" "place access explains the code is shown once"
run impact place access FAB-BOURG --quiet
fab=$(cat "$WORK/.out")
expect_err_empty "place access --quiet prints only the code"
check "renewing gives another code" test "$fab" != "$fab_old"
run impact place access ETABLI-MONTVAL
etabli=$(cat "$WORK/.out")
run impact place access FAB
fixture_fab=$(cat "$WORK/.out")
run impact place access --coordinator
expect_status 0 "place access --coordinator exits 0"
coord=$(cat "$WORK/.out")
run impact place access NOWHERE
expect_status 1 "place access of an unknown place exits 1"
expect_err 'unknown place "NOWHERE"' "and names the place"
run impact place access
expect_status 2 "place access without a place is a usage error"
run impact place access FAB-BOURG --coordinator
expect_status 2 "a place and --coordinator together are a usage error"
run impact place
expect_status 2 "place without the verb access is a usage error"
run impact place access --list
expect_status 0 "place access --list exits 0"
expect_out "(coordinators)" "the list shows the coordinators' code"
expect_out "ETABLI-MONTVAL" "and the places with a code"
check "no code is stored in clear" sh -c "! cat impact.db impact.db-wal 2>/dev/null | grep -aq -e '$fab' -e '$(printf %s "$fab" | tr -d -)'"
check "codes are stored as 64-hex PBKDF2 hashes with a salt and 20000 iterations" \
	test "$(sql impact.db "SELECT count(*) FROM access_codes WHERE length(hash) = 64 AND length(salt) = 32 AND iterations = 20000;")" = 4
run impact place access ETABLI-MONTVAL --revoke --quiet
run impact place access ETABLI-MONTVAL --quiet
etabli=$(cat "$WORK/.out")
run impact place access --help
expect_status 0 "place --help exits 0"
expect_out "Example" "place --help has an example"

# --- the server's command line -------------------------------------------
run impact serve --help
expect_status 0 "serve --help exits 0"
expect_out "--bind ADDR" "serve --help documents --bind"
run impact serve --port 70000
expect_status 2 "an invalid --port is a usage error"
run impact serve --bind not-an-address --port 0
expect_status 2 "an invalid --bind is a usage error"
expect_err 'invalid --bind "not-an-address"' "and says so"
run impact serve extra
expect_status 2 "serve takes no operand"
run impact --db missing.db serve --port 0
expect_status 1 "serve on a missing database exits 1"

# --- start the server ----------------------------------------------------
mkdir tmp
TMPDIR="$WORK/tmp" "$IMPACT" serve --port 0 --max-upload 1 >serve.out 2>serve.err &
pid=$!
U=""
i=0
while [ $i -lt 600 ]; do
	U=$(sed -n 's|.* at \(http://127\.0\.0\.1:[0-9]*/\) .*|\1|p' serve.out)
	[ -n "$U" ] && curl -s -o /dev/null "${U}style.css" && break
	kill -0 "$pid" 2>/dev/null || break
	i=$((i + 1))
	sleep 0.1
done
check "the server prints its address and answers" test -n "$U"
[ -n "$U" ] || { sed 's/^/#   /' serve.err | head -20; exit 0; }
check "it listens on 127.0.0.1 by default" grep -q "at http://127.0.0.1:" serve.out

# http NAME CURL-ARGS... : body in NAME.html, headers in NAME.h, status in
# $code; URL arguments are relative to the server.
http() {
	name=$1
	shift
	code=$(curl -s -o "$name.html" -D "$name.h" -w '%{http_code}' "$@")
	cp "$name.html" "$WORK/.out"
	cp "$name.h" "$WORK/.err"
}
expect_code() { # expect_code N DESC
	[ "$code" = "$1" ]
	_report $? "$2" "HTTP status $code, expected $1"
}
expect_location() { # expect_location PATH DESC
	grep -qi "^Location: $1" "$WORK/.err"
	_report $? "$2" "no Location: $1"
}
expect_header() { # expect_header TEXT DESC
	grep -qiF -- "$1" "$WORK/.err"
	_report $? "$2" "headers lack: $1"
}
expect_body() { # expect_body TEXT DESC
	grep -qF -- "$1" "$WORK/.out"
	_report $? "$2" "body lacks: $1"
}
expect_no_body() { # expect_no_body TEXT DESC
	! grep -qF -- "$1" "$WORK/.out"
	_report $? "$2" "body has: $1"
}
csrf_of() { # csrf_of NAME: the CSRF token of page NAME.html
	sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$1.html" | head -1
}
# login JAR PLACE CODE: sign in (PLACE "*" for the coordinators)
login() {
	http login-page -c "$1" -b "$1" "${U}connexion"
	http login -c "$1" -b "$1" --data-urlencode "csrf=$(csrf_of login-page)" \
		--data-urlencode "lieu=$2" --data-urlencode "code=$3" "${U}connexion"
}
count() { sql impact.db "$1"; }

# --- public pages and the redirections to the sign-in page --------------
http root "$U"
expect_code 303 "/ without a session redirects"
expect_location /connexion "to the sign-in page"
http login-page -c anon.jar "${U}connexion"
expect_code 200 "the sign-in page answers 200"
expect_body '<html lang="fr">' "in French by default"
expect_body 'name="code"' "it asks for the access code"
expect_body "La Fabrique du Bourg (FAB-BOURG)" "and lists the places"
expect_body "Coordination du réseau" "and the coordination"
expect_header "Set-Cookie: impact_login=" "it sets the sign-in form's CSRF cookie"
expect_header "HttpOnly; SameSite=Strict" "HttpOnly and SameSite=Strict"
expect_header "Content-Security-Policy: default-src 'none'" "with a strict Content-Security-Policy"
expect_header "X-Frame-Options: DENY" "and no framing"
expect_header "Cache-Control: no-store" "and no caching of pages"
expect_no_body "<script" "no page uses JavaScript"
expect_body 'name="viewport" content="width=device-width' "pages fit a phone's width"
http en "${U}connexion?lang=en"
expect_body '<html lang="en">' "?lang=en gives the page in English"
expect_body "Access code" "with English words"
expect_header "Set-Cookie: impact_lang=en" "and remembers the choice"
http css "${U}style.css"
expect_code 200 "the style sheet answers 200"
expect_header "Content-Type: text/css" "as CSS"
http nosess "${U}lieu/FAB-BOURG"
expect_code 303 "a place page without a session redirects"
expect_location /connexion "to the sign-in page"
http nosess -d "questionnaire=saisie-test" -d "periode=2025" -d "q.note=3" "${U}lieu/FAB-BOURG/saisie"
expect_code 303 "a POST without a session redirects to sign in"
expect_location /connexion "(POST)"
http nosess "${U}reseau"
expect_code 303 "the network page without a session redirects"
for p in etc/passwd impact.db ../impact.db style.css/x lieu lieu/FAB-BOURG/x \
         "lieu/FAB-BOURG/../../impact.db" "%2e%2e/%2e%2e/etc/passwd" \
         "lieu/%2e%2e%2fimpact.db"; do
	http out --path-as-is "$U$p"
	case $code in 404|303) r=0 ;; *) r=1 ;; esac
	_report $r "nothing is served at /$p ($code)" "status $code"
	expect_no_body "root:" "no file content at /$p"
done
http put -X PUT "${U}connexion"
expect_code 405 "other methods are refused (405)"

# --- signing in ----------------------------------------------------------
http login-page -c bad.jar -b bad.jar "${U}connexion"
http login -c bad.jar -b bad.jar --data-urlencode "csrf=0000" \
	--data-urlencode "lieu=FAB-BOURG" --data-urlencode "code=$fab" "${U}connexion"
expect_code 403 "sign-in with a wrong CSRF token is refused"
login bad.jar FAB-BOURG "AAAA-BBBB-CCCC-DDDD"
expect_code 401 "a wrong code is refused (401)"
expect_body "Ce code ne correspond pas" "with a message"
login bad.jar FAB-BOURG "$fab_old"
expect_code 401 "the code replaced by a renewal no longer works"
login bad.jar ETABLI-MONTVAL "$fab"
expect_code 401 "one place's code does not open another place"
login fab.jar FAB-BOURG "$(printf %s "$fab" | tr 'A-Z' 'a-z' | tr -d -)"
expect_code 303 "a place's code opens a session (case and dashes ignored)"
expect_header "Set-Cookie: impact_session=" "in a cookie"
expect_header "Path=/; HttpOnly; SameSite=Strict" "HttpOnly and SameSite=Strict"
token=$(sed -n 's/.*impact_session=\([0-9a-f]*\);.*/\1/p' login.h)
check "the session token is 64 hex digits" test ${#token} -eq 64
check "the token is not stored, only its hash" \
	test "$(count "SELECT count(*) FROM sessions WHERE token_hash = '$token';")" = 0
login etabli.jar ETABLI-MONTVAL "$etabli"
expect_code 303 "another place signs in"
login coord.jar "*" "$coord"
expect_code 303 "the coordinators sign in"
login fix.jar FAB "$fixture_fab"

# --- a place's home ----------------------------------------------------
http home -b fab.jar "$U"
expect_code 303 "/ sends a facilitator..."
expect_location /lieu/FAB-BOURG "...to their place"
http home -b fab.jar "${U}lieu/FAB-BOURG"
expect_code 200 "the place's page answers 200"
expect_body "<h1>La Fabrique du Bourg</h1>" "with the place's name"
expect_body "saisie?questionnaire=saisie-test" "and a link to type in each questionnaire"
expect_body "Questionnaires enregistrés" "and the counts of questionnaires"
expect_body 'action="/deconnexion"' "and a sign-out button"
home_csrf=$(csrf_of home)
check "the session's CSRF token is in its forms" test ${#home_csrf} -eq 64

# --- the form ------------------------------------------------------------
http form -b fab.jar "${U}lieu/FAB-BOURG/saisie?questionnaire=saisie-test"
expect_code 200 "the form answers 200"
expect_body 'name="q.note"' "a scale is a field"
expect_body 'type="radio" name="q.frequence" value="souvent"' "a single choice is radio buttons"
expect_body 'type="checkbox" name="q.activites" value="repair"' "a multiple choice is check boxes"
expect_body 'type="radio" name="q.premiere" value="oui"' "yes/no is radio buttons"
expect_body 'name="q.rempli"' "a date is a field"
expect_body 'Un nombre de 1 à 5.' "with the scale's bounds as a hint"
expect_body 'name="periode"' "the year is asked"
expect_no_body 'name="q.lieu"' "the place is not asked: it is the session's"
csrf=$(csrf_of form)
before=$(count "SELECT count(*) FROM respondents;")

# post NAME JAR PATH FIELDS...: a form POST with the given fields
post() {
	name=$1 jar=$2 path=$3
	shift 3
	http "$name" -b "$jar" "$@" "$U$path"
}
post bad fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.numero=Q-1 \
	-d q.rempli=31/02/2025 -d q.note=7 -d q.frequence=jamais-de-la-vie \
	-d q.activites=atelier -d q.activites=poterie -d q.km=abc \
	-d q.premiere=peut-etre --data-urlencode "q.commentaire=Très « bien » & <b>merci</b>"
expect_code 422 "a form with wrong answers comes back (422)"
expect_body "6 réponses sont à corriger" "with the number of answers to correct"
check "nothing was stored" test "$(count "SELECT count(*) FROM respondents;")" = "$before"
# each error beside its question: the error paragraph inside its block
beside() { # beside CODE MESSAGE DESC
	awk -v id="id=\"q-$1\"" -v msg="$2" '
		index($0, id) { inq = 1 }
		inq && index($0, msg) && index($0, "msg-err") { found = 1 }
		inq && (/<\/fieldset>/ || /<\/div>/) { inq = 0 }
		END { exit !found }' "$WORK/.out"
	_report $? "$3" "no error \"$2\" in the block of $1"
}
beside note "Écrivez un nombre de 1 à 5." "a scale out of range is refused beside its field"
beside rempli "Écrivez une date" "a bad date is refused beside its field"
beside frequence "Choisissez parmi les réponses proposées." "a bad choice is refused beside its field"
beside activites "Choisissez parmi les réponses proposées." "a bad option of a multiple choice is refused"
beside km "Écrivez un nombre" "a number that is not one is refused"
beside premiere "Répondez oui ou non." "a yes/no that is neither is refused"
expect_body 'id="f-note" name="q.note" value="7"' "nothing is lost: the scale comes back as typed"
expect_body 'name="q.rempli" value="31/02/2025"' "the date as typed"
expect_body 'value="Q-1"' "the identifier as typed"
expect_body 'value="atelier" checked' "the options ticked"
expect_body 'value="poterie" checked' "even an unknown option sent"
expect_body 'value="jamais-de-la-vie" checked' "and an unknown choice sent"
expect_body 'Très « bien » &amp; &lt;b&gt;merci&lt;/b&gt;' "text is escaped in the page"
expect_no_body '<b>merci</b>' "no markup from answers reaches the page"
expect_body 'aria-invalid="true"' "fields in error are marked for screen readers"
post bad fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=20x5 -d q.frequence=rare
expect_code 422 "a missing required answer and a bad year come back"
beside note "Cette question est obligatoire." "a missing required answer is refused beside its field"
expect_body 'id="e-periode"' "a bad year is refused beside its field"
expect_body 'value="20x5"' "the year as typed"
long=$(head -c 2500 /dev/zero | tr '\0' 'x')
post bad fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.note=3 \
	-d "q.commentaire=$long"
expect_code 422 "an answer of more than 2000 characters is refused"
beside commentaire "Réponse trop longue" "beside its field"
post bad fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.note=3 -d q.inconnue=1
expect_code 422 "an unknown question is refused"
post bad fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=nope -d periode=2025
expect_code 404 "an unknown questionnaire is not found"
post bad fab.jar "lieu/FAB-BOURG/saisie?lang=en" --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.note=9
expect_code 422 "in English too"
beside note "Write a number from 1 to 5." "errors are in English on request"
post ok fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.numero=Q-1 \
	-d q.rempli=14/03/2025 -d "q.note=4,5" -d q.frequence=souvent \
	-d q.activites=atelier -d q.activites=cafe -d q.km=12 -d q.premiere=oui \
	--data-urlencode "q.commentaire=Très « bien » & <b>merci</b>"
expect_code 303 "a good form is saved"
entry=$(sed -n 's/.*enregistre=\([0-9]*\).*/\1/p' ok.h | tr -d '\r')
expect_location "/lieu/FAB-BOURG?enregistre=$entry" "and leads back to the place"
check "one respondent more" test "$(count "SELECT count(*) FROM respondents;")" = $((before + 1))
check "stored as the importer stores answers" test "$(count "
SELECT group_concat(q.code || '=' || coalesce(c.code, CASE WHEN a.value IS NOT NULL THEN printf('%g', a.value) END, a.text), ';')
FROM answers a JOIN questions q ON q.id = a.question_id LEFT JOIN choices c ON c.id = a.choice_id
WHERE a.respondent_id = $entry ORDER BY q.position;")" = "rempli=2025-03-14;note=4.5;frequence=souvent;activites=2;km=12;premiere=1;commentaire=Très « bien » & <b>merci</b>"
check "at its place, year and date" test "$(count "SELECT p.code || '|' || r.period || '|' || r.submitted_on FROM respondents r JOIN places p ON p.id = r.place_id WHERE r.id = $entry;")" = "FAB-BOURG|2025|2025-03-14"
check "with the options chosen" test "$(count "SELECT group_concat(c.code, '+') FROM answer_choices x JOIN choices c ON c.id = x.choice_id WHERE x.respondent_id = $entry;")" = "atelier+cafe"
check "the identifier is not stored" sh -c "! sqlite3 impact.db .dump | grep -q 'Q-1'"
http home -b fab.jar "${U}lieu/FAB-BOURG?enregistre=$entry"
expect_body "Questionnaire enregistré : saisie n° $entry." "the place's page says it is saved"
expect_body "<tr><td>Questionnaire de saisie</td><td>2025</td><td class=\"n\">1</td><td class=\"n\">1</td></tr>" \
	"and it counts at once"
post dup fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.numero=Q-1 -d q.note=2
expect_code 422 "the same questionnaire number twice in a year is refused"
beside numero "déjà enregistré pour cette année" "beside the number"
# The key is the importer's: the same respondent in a file is recognised.
printf 'numero,lieu,rempli,note,frequence,activites,km,premiere,commentaire\nQ-1,FAB-BOURG,14/03/2025,"4,5",souvent,atelier;cafe,12,oui,Très « bien » & <b>merci</b>\n' >same.csv
run impact import answers same.csv --survey saisie-test --period 2025
expect_out "1 rows read, 0 loaded, 0 rejected, 1 already stored" \
	"a file with the same respondent and answers finds it already stored"

# --- correcting and deleting an entry -----------------------------------
http list -b fab.jar "${U}lieu/FAB-BOURG/saisies"
expect_code 200 "the list of entries answers 200"
expect_body "saisies/$entry\"" "it lists the entry with a link to correct it"
expect_body "saisies/$entry/supprimer\"" "and to delete it"
http edit -b fab.jar "${U}lieu/FAB-BOURG/saisies/$entry"
expect_code 200 "an entry opens for correction"
expect_body 'id="f-note" name="q.note" value="4.5"' "with its answers"
expect_body 'value="souvent" checked' "its choice"
expect_body 'value="cafe" checked' "its options"
expect_body 'name="q.rempli" value="2025-03-14"' "its date"
expect_body 'name="periode" maxlength="8" value="2025"' "its year"
post fix fab.jar "lieu/FAB-BOURG/saisies/$entry" --data-urlencode "csrf=$csrf" \
	-d periode=2025 -d q.note=0
expect_code 422 "a correction with a wrong answer comes back"
beside note "Écrivez un nombre de 1 à 5." "with the error beside it"
post fix fab.jar "lieu/FAB-BOURG/saisies/$entry" --data-urlencode "csrf=$csrf" \
	-d periode=2025 -d q.note=2 -d q.frequence=rare -d q.rempli=2025-03-15
expect_code 303 "a good correction is saved"
expect_location "/lieu/FAB-BOURG?corrige=$entry" "as the same entry"
check "the answers are replaced" test "$(count "SELECT group_concat(q.code || '=' || coalesce(c.code, CASE WHEN a.value IS NOT NULL THEN printf('%g', a.value) END, a.text), ';') FROM answers a JOIN questions q ON q.id = a.question_id LEFT JOIN choices c ON c.id = a.choice_id WHERE a.respondent_id = $entry ORDER BY q.position;")" = "rempli=2025-03-15;note=2;frequence=rare"
check "no option is left" test "$(count "SELECT count(*) FROM answer_choices WHERE respondent_id = $entry;")" = 0
check "the correction is dated" test -n "$(count "SELECT changed_at FROM form_entries WHERE respondent_id = $entry;")"
check "still one respondent" test "$(count "SELECT count(*) FROM respondents;")" = $((before + 1))
http del -b fab.jar "${U}lieu/FAB-BOURG/saisies/$entry/supprimer"
expect_code 200 "deleting asks for confirmation"
post del fab.jar "lieu/FAB-BOURG/saisies/$entry/supprimer" -d "csrf=bogus"
expect_code 403 "a deletion without the session's CSRF token is refused"
check "the entry is still there" test "$(count "SELECT count(*) FROM respondents WHERE id = $entry;")" = 1
post del fab.jar "lieu/FAB-BOURG/saisies/$entry/supprimer" --data-urlencode "csrf=$csrf"
expect_code 303 "an entry is deleted"
expect_location "/lieu/FAB-BOURG/saisies?supprime=$entry" "back to the list"
check "with its answers" test "$(count "SELECT (SELECT count(*) FROM respondents WHERE id = $entry) + (SELECT count(*) FROM answers WHERE respondent_id = $entry) + (SELECT count(*) FROM form_entries WHERE respondent_id = $entry);")" = 0
http gone -b fab.jar "${U}lieu/FAB-BOURG/saisies/$entry"
expect_code 404 "a deleted entry is not found"
imported=$(count "SELECT min(r.id) FROM respondents r JOIN places p ON p.id = r.place_id WHERE p.code = 'FAB-BOURG';")
http imp -b fab.jar "${U}lieu/FAB-BOURG/saisies/$imported"
expect_code 404 "an imported respondent is not a form entry"

# --- one place's code against another place -----------------------------
http etabli-form -b etabli.jar "${U}lieu/ETABLI-MONTVAL/saisie?questionnaire=saisie-test"
etabli_csrf=$(csrf_of etabli-form)
post e etabli.jar lieu/ETABLI-MONTVAL/saisie --data-urlencode "csrf=$etabli_csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.note=5
expect_code 303 "the other place saves an entry of its own"
other=$(sed -n 's/.*enregistre=\([0-9]*\).*/\1/p' e.h | tr -d '\r')
for p in lieu/ETABLI-MONTVAL lieu/ETABLI-MONTVAL/saisies \
         "lieu/ETABLI-MONTVAL/saisie?questionnaire=saisie-test" \
         "lieu/ETABLI-MONTVAL/saisies/$other" lieu/ETABLI-MONTVAL/import \
         lieu/ETABLI-MONTVAL/resultats lieu/ETABLI-MONTVAL/tableau-de-bord.pdf \
         reseau reseau/import territoire/VDL/resultats \
         territoire/CC-COTEAUX/tableau-de-bord.pdf lieu/NOWHERE; do
	http x -b fab.jar "$U$p"
	expect_code 403 "FAB-BOURG's code cannot read /$p"
done
n_other=$(count "SELECT count(*) FROM respondents r JOIN places p ON p.id = r.place_id WHERE p.code = 'ETABLI-MONTVAL';")
post x fab.jar lieu/ETABLI-MONTVAL/saisie --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.note=5
expect_code 403 "FAB-BOURG's code cannot write an entry for another place"
post x fab.jar "lieu/ETABLI-MONTVAL/saisies/$other" --data-urlencode "csrf=$csrf" \
	-d periode=2025 -d q.note=1
expect_code 403 "nor correct another place's entry"
post x fab.jar "lieu/ETABLI-MONTVAL/saisies/$other/supprimer" --data-urlencode "csrf=$csrf"
expect_code 403 "nor delete it"
post x fab.jar "lieu/FAB-BOURG/saisies/$other" --data-urlencode "csrf=$csrf" \
	-d periode=2025 -d q.note=1
expect_code 404 "nor reach it through its own place's address (correction)"
post x fab.jar "lieu/FAB-BOURG/saisies/$other/supprimer" --data-urlencode "csrf=$csrf"
expect_code 404 "(deletion)"
http x -b fab.jar "${U}lieu/FAB-BOURG/saisies/$other"
expect_code 404 "(reading)"
post x fab.jar lieu/ETABLI-MONTVAL/import -F "csrf=$csrf" -F type=activites \
	-F "fichier=@data/activities.csv"
expect_code 403 "nor import a file for another place"
post x fab.jar lieu/ETABLI-MONTVAL/calculer --data-urlencode "csrf=$csrf"
expect_code 403 "nor start a computation from another place's page"
check "the other place's data is unchanged" test "$(count "SELECT count(*) FROM respondents r JOIN places p ON p.id = r.place_id WHERE p.code = 'ETABLI-MONTVAL';")" = "$n_other"
check "and its entry's answer too" test "$(count "SELECT value FROM answers a JOIN questions q ON q.id = a.question_id WHERE a.respondent_id = $other AND q.code = 'note';")" = 5.0

# --- CSRF and origin -----------------------------------------------------
post x fab.jar lieu/FAB-BOURG/saisie -d questionnaire=saisie-test -d periode=2025 -d q.note=3
expect_code 403 "a form without a CSRF token is refused"
expect_body "jeton CSRF" "and says why"
post x fab.jar lieu/FAB-BOURG/saisie -d "csrf=$etabli_csrf" -d questionnaire=saisie-test -d periode=2025 -d q.note=3
expect_code 403 "another session's CSRF token is refused"
case $csrf in *0) wrong="${csrf%?}1" ;; *) wrong="${csrf%?}0" ;; esac
post x fab.jar lieu/FAB-BOURG/saisie -d "csrf=$wrong" -d questionnaire=saisie-test -d periode=2025 -d q.note=3
expect_code 403 "a wrong CSRF token is refused"
post x fab.jar lieu/FAB-BOURG/saisie -H "Origin: http://evil.example" --data-urlencode "csrf=$csrf" \
	-d questionnaire=saisie-test -d periode=2025 -d q.note=3
expect_code 403 "a form sent from another site is refused"
check "none of them stored anything" test "$(count "SELECT count(*) FROM respondents;")" = $((before + 1))

# --- bounds --------------------------------------------------------------
i=0
: >many.txt
while [ $i -lt 401 ]; do printf 'x%d=1&' $i >>many.txt; i=$((i + 1)); done
post x fab.jar lieu/FAB-BOURG/saisie --data-binary @many.txt
expect_code 413 "a form with more than 400 fields is refused"
big=$(head -c 5000 /dev/zero | tr '\0' 'y')
post x fab.jar lieu/FAB-BOURG/saisie --data-urlencode "csrf=$csrf" -d "q.commentaire=$big"
expect_code 413 "a field of more than 4000 bytes is refused"
post x fab.jar lieu/FAB-BOURG/saisie -H "Content-Type: text/plain" --data-binary "hello"
expect_code 415 "a body that is not a form is refused"
head -c 1200000 /dev/zero | tr '\0' 'a' >big.csv
post x fab.jar lieu/FAB-BOURG/import -F "csrf=$csrf" -F type=activites -F "fichier=@big.csv"
expect_code 413 "a file above --max-upload is refused"
check "the server removed what it received" sh -c "! ls tmp/impact-serve-*/r* 2>/dev/null | grep -q ."
head -c 2000000 /dev/zero | tr '\0' 'a' >huge.csv
post x fab.jar lieu/FAB-BOURG/import -F "csrf=$csrf" -F type=activites -F "fichier=@huge.csv"
expect_code 413 "a body longer than the bounds is refused before it is read"

# --- importing files -----------------------------------------------------
http impf -b fab.jar "${U}lieu/FAB-BOURG/import"
expect_code 200 "the import page answers 200"
expect_body 'enctype="multipart/form-data"' "with a file form"
post imp fab.jar lieu/FAB-BOURG/import -F "csrf=$csrf" -F type=reponses -F questionnaire=impact-defaut
expect_code 422 "an import without a file is refused"
expect_body "Choisissez un fichier" "and says so"
http fixhome -b fix.jar "${U}lieu/FAB/import"
post kobo fix.jar lieu/FAB/import -F "csrf=$(csrf_of fixhome)" -F type=reponses \
	-F questionnaire=fixture -F "fichier=@$F/kobo-codes.csv;filename=kobo export.csv"
expect_code 200 "a KoboToolbox export is imported"
expect_body "kobo_export.csv" "under its (cleaned) file name"
expect_body "kobotoolbox" "the tool is recognised"
expect_body "<strong>3</strong>lignes lues" "rows read are shown"
expect_body "<strong>2</strong>chargées" "rows loaded"
expect_body "<strong>1</strong>écartées" "rows kept aside"
expect_body '<td class="n">3</td><td class="n">3</td><td>groupe_lieu/lieu</td><td>place &quot;REPAIR&quot; is not &quot;FAB&quot;' \
	"with the line, column and reason of each (a row of another place)"
check "the rows of the place are stored" test "$(count "SELECT count(*) FROM respondents r JOIN places p ON p.id = r.place_id JOIN surveys s ON s.id = r.survey_id WHERE s.code = 'fixture' AND p.code = 'FAB';")" = 2
check "the other place's row is not" test "$(count "SELECT count(*) FROM respondents r JOIN places p ON p.id = r.place_id JOIN surveys s ON s.id = r.survey_id WHERE s.code = 'fixture' AND p.code = 'REPAIR';")" = 0
post kobo fix.jar lieu/FAB/import -F "csrf=$(csrf_of fixhome)" -F type=reponses \
	-F questionnaire=fixture -F "fichier=@$F/kobo-codes.csv;filename=kobo export.csv"
expect_body "déjà été importé" "the same file twice is recognised"
acts_before=$(count "SELECT count(*) FROM activities;")
fab_acts=$(awk -F, 'NR > 1 && $1 == "FAB-BOURG"' data/activities.csv | wc -l)
all_acts=$(($(wc -l <data/activities.csv) - 1))
post acts fab.jar lieu/FAB-BOURG/import -F "csrf=$csrf" -F type=activites \
	-F "fichier=@data/activities.csv;filename=journal.csv"
expect_code 200 "an activity log is imported"
expect_body "<strong>$fab_acts</strong>chargées" "its rows of the place are loaded"
expect_body "<strong>$((all_acts - fab_acts))</strong>écartées" "the rows of other places are kept aside"
check "only the place's activities are stored" test "$(count "SELECT count(*) FROM activities;")" = $((acts_before + fab_acts))
printf 'foo;bar\n1;2\n' >bad.csv
post badf fab.jar lieu/FAB-BOURG/import -F "csrf=$csrf" -F type=activites -F "fichier=@bad.csv"
expect_code 422 "a file the importer refuses comes back"
expect_body "Le fichier est refusé" "with the reason"

# --- results and the dashboard -------------------------------------------
http res -b fab.jar "${U}lieu/FAB-BOURG/resultats"
expect_code 200 "the results page answers 200"
expect_body "Effets utiles" "with the indicators"
expect_body "Se sentent moins isolés" "one by one"
expect_body "Indice de bonheur local" "and the index"
expect_body "BNB (0 à 1)" "its value"
expect_body "tableau-de-bord.pdf?periode=2024" "and a link to the PDF"
http res-en -b fab.jar "${U}lieu/FAB-BOURG/resultats?lang=en&periode=2023"
expect_body "Useful effects" "in English on request"
expect_body 'aria-current="page">2023' "for the year asked"
http pdf -b fab.jar "${U}lieu/FAB-BOURG/tableau-de-bord.pdf?periode=2024"
expect_code 200 "the dashboard is downloaded"
expect_header "Content-Type: application/pdf" "as a PDF"
expect_header 'filename="tableau-de-bord-FAB-BOURG-2024.pdf"' "with a file name"
check "a real PDF of the place" sh -c "pdftotext pdf.html - | grep -q 'La Fabrique du Bourg'"
post calc fab.jar lieu/FAB-BOURG/calculer --data-urlencode "csrf=$csrf" -d periode=2025
expect_code 303 "a facilitator can compute the results again"
expect_location "/lieu/FAB-BOURG/resultats?periode=2025" "and sees them"
check "the typed questionnaires count in the results" test "$(count "SELECT count(*) FROM results r JOIN places p ON p.id = r.place_id WHERE r.period = 2025 AND p.code = 'ETABLI-MONTVAL' AND r.measure = 'respondents';")" = 1

# --- coordinators --------------------------------------------------------
http net -b coord.jar "$U"
expect_location /reseau "/ sends a coordinator to the network"
http net -b coord.jar "${U}reseau"
expect_code 200 "the network page answers 200"
expect_body "/lieu/ETABLI-MONTVAL\"" "it lists every place"
expect_body "/territoire/VDL/resultats" "and every territory"
for p in lieu/ETABLI-MONTVAL lieu/FAB-BOURG/saisies "lieu/ETABLI-MONTVAL/saisies/$other" \
         territoire/VDL/resultats lieu/FAB-BOURG/resultats; do
	http x -b coord.jar "$U$p"
	expect_code 200 "a coordinator reads /$p"
done
http tpdf -b coord.jar "${U}territoire/VDL/tableau-de-bord.pdf"
expect_code 200 "a coordinator downloads the territory's dashboard"
check "a real PDF of the network" sh -c "pdftotext tpdf.html - | grep -q 'Val de Lière'"
http x -b coord.jar "${U}lieu/NOWHERE"
expect_code 404 "an unknown place is not found"
http x -b coord.jar "${U}territoire/NOWHERE/resultats"
expect_code 404 "an unknown territory is not found"
http x -b coord.jar "${U}lieu/ETABLI-MONTVAL/saisies/999999"
expect_code 404 "an unknown entry is not found"

# --- sessions end --------------------------------------------------------
sqlite3 impact.db "UPDATE sessions SET last_seen = last_seen - 9 * 3600 WHERE access_id = (SELECT a.id FROM access_codes a JOIN places p ON p.id = a.place_id WHERE p.code = 'ETABLI-MONTVAL');"
http x -b etabli.jar "${U}lieu/ETABLI-MONTVAL"
expect_code 303 "a session unused for more than 8 hours is refused"
expect_location /connexion "back to the sign-in page"
expect_header "Set-Cookie: impact_session=; Path=/; Max-Age=0" "and the browser forgets it"
check "the expired session is deleted" test "$(count "SELECT count(*) FROM sessions s JOIN access_codes a ON a.id = s.access_id JOIN places p ON p.id = a.place_id WHERE p.code = 'ETABLI-MONTVAL';")" = 0
login etabli.jar ETABLI-MONTVAL "$etabli"
sqlite3 impact.db "UPDATE sessions SET created_at = created_at - 25 * 3600 WHERE access_id = (SELECT a.id FROM access_codes a JOIN places p ON p.id = a.place_id WHERE p.code = 'ETABLI-MONTVAL');"
http x -b etabli.jar "${U}lieu/ETABLI-MONTVAL"
expect_code 303 "a session opened more than 24 hours ago is refused"
http x -b "impact_session=$(printf '%064d' 0)" "${U}lieu/FAB-BOURG"
expect_code 303 "an unknown session token is refused"
post out fab.jar deconnexion --data-urlencode "csrf=$csrf"
expect_code 303 "signing out"
http x -b fab.jar "${U}lieu/FAB-BOURG"
expect_code 303 "ends the session"
login fab.jar FAB-BOURG "$fab"
run impact place access FAB-BOURG --quiet
http x -b fab.jar "${U}lieu/FAB-BOURG"
expect_code 303 "renewing a place's code ends its open sessions"

# --- the access log, and stopping ----------------------------------------
check "one access log line per request on stderr" \
	grep -q '^127.0.0.1 GET /lieu/FAB-BOURG/saisies 200 ' serve.err
check "without query strings" sh -c "! grep -q 'enregistre=' serve.err"
kill -INT "$pid"
wait "$pid"
st=$?
pid=""
check "SIGINT stops the server cleanly (exit 0)" test "$st" -eq 0
check "and says so" grep -q "impact: stopping (SIGINT)" serve.err
check "no sanitizer report from the server" sh -c "! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' serve.err"
check "the port is closed" sh -c "! curl -s -o /dev/null '$U'"
check "its temporary folder is removed" sh -c "! ls -d tmp/impact-serve-* 2>/dev/null | grep -q ."

# --quiet: no access log; SIGTERM stops too.
"$IMPACT" serve --port 0 --quiet >q.out 2>q.err &
pid=$!
i=0
while [ $i -lt 600 ]; do
	V=$(sed -n 's|.* at \(http://127\.0\.0\.1:[0-9]*/\) .*|\1|p' q.out)
	[ -n "$V" ] && curl -s -o /dev/null "${V}connexion" && break
	i=$((i + 1))
	sleep 0.1
done
kill -TERM "$pid"
wait "$pid"
st=$?
pid=""
check "SIGTERM stops the server (exit 0)" test "$st" -eq 0
check "--quiet writes nothing on stderr" test ! -s q.err
