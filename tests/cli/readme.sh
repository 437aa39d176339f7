# The README's examples, run as they are written (jq's man.test habit).
. "$TOP/tests/cli/lib.sh"

# The walkthrough: the block between the readme-test markers.
sed -n '/<!-- readme-test: begin -->/,/<!-- readme-test: end -->/p' \
	"$TOP/README.md" | sed '1,2d;$d' | sed '$d' >walkthrough.sh
check "the README has a walkthrough block" test -s walkthrough.sh
PATH="$(dirname "$IMPACT"):$PATH"
export PATH
# The README's paths are the source tree's.
ln -s "$TOP/surveys" surveys
ln -s "$TOP/indicators" indicators
run sh -e walkthrough.sh
expect_status 0 "the README walkthrough runs"
# The lines the README shows under "impact show prints".
awk '/^`impact show` prints/ { found = 1 }
     found && /^```$/ { if (inside) exit; inside = 1; next }
     inside { print }' "$TOP/README.md" >expected-show.txt
check "the README shows the output of impact show" test -s expected-show.txt
while IFS= read -r line; do
	expect_out "$line" "impact show prints the README's line: $line"
done <expected-show.txt
check "the walkthrough writes fabrique.pdf" test -s fabrique.pdf
check "the walkthrough writes network-en.pdf" test -s network-en.pdf
check "fabrique.pdf is a PDF" grep -q '^%PDF' fabrique.pdf
expect_out "moins_isoles" "the walkthrough shows an indicator of effets utiles"
expect_out "GNH" "the walkthrough shows the gross-happiness index"
expect_out "median rank" "the walkthrough shows the places' rank robustness"
run pdftotext network-en.pdf -
expect_out "Val de Lière" "the English dashboard names the network"
check "the walkthrough writes fabrique-domaines.png, a PNG" sh -c 'head -c 8 fabrique-domaines.png | od -An -c | grep -q "P   N   G"'

# "When a file has mistakes": the same message, line 3, column 5.
printf 'numero,lieu,date_saisie,sat_vie,emotions_positives\nA-1,FAB-BOURG,14/03/2025,7,8\nA-2,FAB-BOURG,14/03/2025,6,12\nA-3,FAB-BOURG,15/03/2025,9,9\n' >answers.csv
run impact import answers answers.csv --survey impact-defaut
expect_status 3 "a file with one bad row imports, exit status 3"
expect_out "answers.csv: 3 rows read, 2 loaded, 1 rejected (import #" \
	"the summary counts the rejected row"
expect_err 'impact: warning: answers.csv:3:5: invalid answer "12" to question "emotions_positives": expected a number from 0 to 10, or nothing' \
	"the warning is the README's"

# "For paper questionnaires": the block runs as written (in a folder where
# surveys/ is the source tree's).
awk '/^questionnaires:$/ { found = 1 }
     found && /^```/ { if (inside) exit; inside = 1; next }
     inside { print }' "$TOP/README.md" >paper.sh
check "the README has the paper-questionnaire block" test -s paper.sh
run sh -e paper.sh
expect_status 0 "the README's paper-questionnaire block runs"
check "it writes saisie.csv" test -s saisie.csv
check "saisie.csv is the French-Excel template (';', a hints row)" sh -c "head -1 saisie.csv | grep -q '^numero;lieu;date_saisie;' && sed -n 2p saisie.csv | grep -q '^# '"
expect_out "saisie.csv: 0 rows read, 0 loaded, 0 rejected" "the empty template imports as it is"
