# `impact serve` in a real browser: headless Chromium, in a phone-sized
# window, signs in, fills in the questionnaire tests/browser/saisie.json
# with two wrong answers, submits, sees the errors beside the fields with
# every answer kept, corrects and submits again (tests/browser/
# fill_form.py).  Screenshots of the three pages land in
# $IMPACT_SCREENSHOTS when it is set (kept), else in the test's folder.
. "$TOP/tests/cli/lib.sh"

pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$WORK"' EXIT
: >"$WORK/.out"
: >"$WORK/.err"

chromium=/usr/lib/chromium/chromium
[ -x "$chromium" ] || chromium=$(command -v chromium)
check "Chromium is installed (sh .ci/deps check installs it)" test -n "$chromium"
check "python3 is installed (sh .ci/deps check installs it)" command -v python3
[ -n "$chromium" ] || exit 0

{
	impact sample --out data --waves 1 --respondents 20 --activities 10 &&
	impact init &&
	impact import territories data/territories.csv &&
	impact import places data/places.csv &&
	impact survey add "$TOP/tests/browser/saisie.json"
} >setup.log 2>&1
check "the test database is built" test $? -eq 0
code=$("$IMPACT" place access FAB-BOURG --quiet)

mkdir tmp
TMPDIR="$WORK/tmp" "$IMPACT" serve --port 0 >serve.out 2>serve.err &
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
check "the server answers" test -n "$U"
[ -n "$U" ] || { sed 's/^/#   /' serve.err | head -20; exit 0; }

shots=${IMPACT_SCREENSHOTS:-$WORK/shots}
mkdir -p "$shots"
python3 "$TOP/tests/browser/fill_form.py" "$chromium" "$U" FAB-BOURG "$code" \
	"$shots" >browser.out 2>browser.err
st=$?
cat browser.out
check "the browser run passes" test "$st" -eq 0
if [ "$st" -ne 0 ]; then
	sed 's/^/#   /' browser.err | head -20
	tail -5 "$shots/chromium.log" 2>/dev/null | sed 's/^/#   chromium: /'
fi

# png_width FILE: the width in the PNG's header (IHDR, bytes 17-20).
png_width() {
	od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}
for shot in 1-connexion 2-erreurs 3-enregistre; do
	f="$shots/$shot.png"
	check "screenshot $shot.png is a PNG" \
		sh -c "head -c 8 '$f' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
	check "$shot.png is phone-wide (412 pixels)" test "$(png_width "$f")" = 412
	check "$shot.png is not blank" test "$(wc -c <"$f")" -gt 5000
done

check "the browser's entry is stored, corrected" test "$(sql impact.db "
SELECT group_concat(q.code || '=' || coalesce(c.code, CASE WHEN a.value IS NOT NULL THEN printf('%g', a.value) END, a.text), ';')
FROM form_entries f JOIN answers a ON a.respondent_id = f.respondent_id
JOIN questions q ON q.id = a.question_id LEFT JOIN choices c ON c.id = a.choice_id
ORDER BY q.position;")" = "rempli=2025-03-14;note=4;frequence=souvent;activites=2;km=3.5;premiere=1;commentaire=Écrit dans Chromium"
check "only once" test "$(sql impact.db "SELECT count(*) FROM form_entries;")" = 1

kill -INT "$pid"
wait "$pid"
st=$?
pid=""
check "the server stops cleanly" test "$st" -eq 0
check "with no sanitizer report" sh -c "! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' serve.err"
