# impact report and impact chart on the bundled sample: the PDFs carry the
# numbers `impact show indicators` and `impact index` print (read back with
# pdftotext), funder profiles, single charts, and the errors.
. "$TOP/tests/cli/lib.sh"

impact sample --out data --waves 2 --activities 300 >/dev/null
impact init >/dev/null
impact import territories data/territories.csv >/dev/null
impact import places data/places.csv >/dev/null
impact survey add "$TOP/surveys/questionnaires/default.json" >/dev/null
impact import answers data/answers-2023.csv --survey impact-defaut >/dev/null
impact import answers data/answers-2024.csv --survey impact-defaut >/dev/null
impact import activities data/activities.csv >/dev/null 2>&1
impact import facts data/facts.csv >/dev/null 2>&1
impact import margins data/margins.csv >/dev/null 2>&1
impact indicators add "$TOP/indicators/library/default.json" >/dev/null
impact index add "$TOP/indicators/library/index-default.json" >/dev/null
run impact compute --replicates 200
expect_status 0 "compute: exits 0"

# Thousands separators of the English PDF ("2,327") dropped, as the
# plain tables print them ("2327"); intervals keep their ", ".
pdf_plain() {
	pdftotext -layout "$1" - | sed 's/\([0-9]\),\([0-9][0-9][0-9]\)/\1\2/g'
}

run impact report --place FAB-BOURG --period 2024 --lang en -o fab.pdf
expect_status 0 "report --place: exits 0"
expect_out "wrote fab.pdf" "report --place: says what it wrote"
pdf_plain fab.pdf >fab.txt
pages=$(pdfinfo fab.pdf | sed -n 's/^Pages: *//p')
check "place report: at least 5 pages (cover, index, domains, effects, method)" test "$pages" -ge 5

# The index: what `impact index` prints for the same options.
rake=""
[ "$(sql impact.db "SELECT json_extract(document, '\$.weighted') FROM index_results r JOIN places p ON p.id = r.place_id WHERE p.code = 'FAB-BOURG' AND r.period = 2024;")" = 1 ] && rake=--rake
impact index --place FAB-BOURG --period 2024 --replicates 200 $rake >index.txt
gnh=$(awk '$1 == "GNH" { print $2 }' index.txt)
gci=$(awk '$1 == "GNH" { print $3, $4 }' index.txt)
check "index: impact index printed a GNH" test -n "$gnh"
check "index: the PDF prints GNH $gnh" grep -qF -- "$gnh" fab.txt
check "index: the PDF prints its interval $gci" grep -qF -- "$gci" fab.txt
hn=$(awk '$1 == "H_n" { print $2, $3, $4 }' index.txt)
check "index: the PDF prints H_n and its interval ($hn)" grep -qF -- "$(echo "$hn" | cut -d' ' -f2-)" fab.txt

# Every indicator: its value and interval as `impact show indicators`
# prints them, or "not published" when suppressed.
impact show indicators --place FAB-BOURG --period 2024 >show.txt 2>/dev/null
total=0
missing=""
while read -r period unit code value rest; do
	[ "$period" = 2024 ] || continue
	total=$((total + 1))
	case "$value" in
	"("*) grep -qF "not published" fab.txt || missing="$missing $code(suppressed)"
	      continue ;;
	esac
	grep -qE "(^|[^0-9.])$value([^0-9]|$)" fab.txt || missing="$missing $code=$value"
	ci=$(printf '%s\n' "$rest" | grep -oE '\[[-0-9.]+, [-0-9.]+\]')
	if [ -n "$ci" ]; then
		grep -qF -- "$ci" fab.txt || missing="$missing $code$ci"
	fi
done <show.txt
check "indicators: impact show listed the 51 indicators" test "$total" -eq 51
check "indicators: every value and interval is in the PDF${missing:+ (missing:$missing)}" test -z "$missing"

# French: same figures with a decimal comma.
run impact report --place FAB-BOURG --period 2024 -o fab-fr.pdf
expect_status 0 "report in French: exits 0"
pdftotext -layout fab-fr.pdf fab-fr.txt
check "French: the GNH with a decimal comma" grep -qF -- "$(echo "$gnh" | tr . ,)" fab-fr.txt
check "French: the effets utiles" grep -qF "Les effets utiles" fab-fr.txt
check "French: no English heading" sh -c '! grep -qF "The useful effects" fab-fr.txt'

# A territory: the places compared and their map.
run impact report --territory VDL --period 2024 -o vdl.pdf
expect_status 0 "report --territory: exits 0"
pdftotext -layout vdl.pdf vdl.txt
check "territory: the places compared" grep -qF "Les lieux comparés" vdl.txt
check "territory: the map" grep -qF "La carte des lieux" vdl.txt
check "territory: names its places" grep -qF "La Fabrique du Bourg" vdl.txt
vgnh=$(impact index --territory VDL --period 2024 --replicates 200 --rake 2>/dev/null | awk '$1 == "GNH" { print $2 }' | tr . ,)
[ -n "$vgnh" ] || vgnh=$(impact index --territory VDL --period 2024 --replicates 200 | awk '$1 == "GNH" { print $2 }' | tr . ,)
check "territory: its GNH ($vgnh)" grep -qF -- "$vgnh" vdl.txt

# With commune outlines.
cat >communes.geojson <<'EOF'
{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"nom": "A"}, "geometry": {"type": "Polygon",
  "coordinates": [[[4.0, 46.0], [4.6, 46.0], [4.6, 46.5], [4.0, 46.5], [4.0, 46.0]]]}}]}
EOF
run impact report --territory VDL -o vdl-map.pdf --geojson communes.geojson
expect_status 0 "report --geojson: exits 0"
printf '{"type": "FeatureCollection", "features": [\n  {"type": "Feature",}\n]}\n' >bad.geojson
run impact report --territory VDL -o x.pdf --geojson bad.geojson
expect_status 1 "report with a broken GeoJSON: exits 1"
expect_err "bad.geojson:2:" "broken GeoJSON: names the file and line"
check "broken GeoJSON: no PDF" test ! -e x.pdf

# A funder profile: its title, its indicators in its order, its logo.
impact chart trend --place FAB-BOURG -o logo.png --width 120 --height 100 >/dev/null
cat >funder.json <<'EOF'
{ "id": "region",
  "title": { "fr": "Tableau de bord pour la Région", "en": "Dashboard for the Region" },
  "subtitle": { "fr": "Appel à projets tiers-lieux" },
  "logo": "logo.png",
  "indicators": ["nouvelles_relations", "moins_isoles", "activites"] }
EOF
run impact report --place FAB-BOURG --profile funder.json -o funder.pdf
expect_status 0 "report --profile: exits 0"
pdftotext -layout funder.pdf funder.txt
check "profile: its title" grep -qF "Tableau de bord pour la Région" funder.txt
check "profile: its subtitle" grep -qF "Appel à projets tiers-lieux" funder.txt
check "profile: its indicators" grep -qF "Se sentent moins isolés" funder.txt
check "profile: none other" sh -c '! grep -qF "Mixité des âges" funder.txt'
first=$(grep -nF "Ont noué de nouvelles relations" funder.txt | head -1 | cut -d: -f1)
second=$(grep -nF "Se sentent moins isolés" funder.txt | head -1 | cut -d: -f1)
check "profile: in its order" test "${first:-0}" -gt 0 -a "${first:-0}" -lt "${second:-0}"
check "profile: the logo is drawn (an image in the PDF)" test "$(pdfimages -list funder.pdf | tail -n +3 | wc -l)" -ge 1

printf '{ "id": "x", "title": {"fr": "X"},\n  "indicators": ["nope"] }\n' >unknown.json
run impact report --place FAB-BOURG --profile unknown.json -o x.pdf
expect_status 1 "profile with an unknown indicator: exits 1"
expect_err 'unknown.json: indicator "nope"' "unknown indicator: named with the profile"
printf '{ "id": "x", "title": {"fr": "X"},\n  "indicators": ["moins_isoles"], "colour": 1 }\n' >badkey.json
run impact report --place FAB-BOURG --profile badkey.json -o x.pdf
expect_status 1 "profile with an unknown key: exits 1"
expect_err "badkey.json:2:" "unknown key: file and line"
printf '{ "id": "x", "title": {"fr": "X"}, "logo": "missing.png",\n  "indicators": ["moins_isoles"] }\n' >nologo.json
run impact report --place FAB-BOURG --profile nologo.json -o x.pdf
expect_status 1 "profile with a missing logo: exits 1"
expect_err "missing.png" "missing logo: named"
check "bad profiles: no PDF written" test ! -e x.pdf

# Single charts, in the three formats.
for kind in domains indicators groups contributions trend; do
	run impact chart $kind --place FAB-BOURG -o "c-$kind.png"
	expect_status 0 "chart $kind: exits 0"
	check "chart $kind: a PNG" sh -c "head -c 8 c-$kind.png | od -An -c | grep -q 'P   N   G'"
done
for kind in places map; do
	run impact chart $kind --territory VDL -o "c-$kind.svg"
	expect_status 0 "chart $kind: exits 0"
	check "chart $kind: an SVG" grep -q "<svg" "c-$kind.svg"
done
run impact chart domains --territory VDL -o c.pdf --lang en
expect_status 0 "chart as PDF: exits 0"
check "chart as PDF: in English" sh -c 'pdftotext c.pdf - | grep -qF "The domains of happiness"'
run impact chart trend --place FAB-BOURG -o size.png --width 300 --height 200
w=$(od -An -tu1 -j16 -N8 size.png | awk '{ print $3 * 256 + $4, $7 * 256 + $8 }')
check "chart --width 300 --height 200: a 600 x 400 PNG ($w)" test "$w" = "600 400"
run impact chart places --place FAB-BOURG -o x.png
expect_status 2 "chart places of a place: exits 2"
expect_err "territory" "chart places of a place: asks for a territory"
run impact chart pie --place FAB-BOURG -o x.png
expect_status 2 "chart pie: exits 2"
run impact chart trend --place FAB-BOURG -o missing/x.png
expect_status 1 "chart into a missing folder: exits 1"
expect_err "missing/x.png" "chart into a missing folder: names the file"

# Every dashboard.
run impact report --all --out-dir all
expect_status 0 "report --all: exits 0"
check "report --all: 10 places and 4 territories" test "$(ls all/*.pdf | wc -l)" -eq 14
check "report --all: no temporary file left" test -z "$(ls -a all | grep tmp)"

# Dashboards are drawn on several threads (IMPACT_THREADS): the files read
# the same whatever the number of workers, a funder's logo included.
same_text() { # same_text DIR1 DIR2: every PDF of DIR1 reads as in DIR2
	for f in "$1"/*.pdf; do
		pdftotext "$f" - | grep -v "produit le" >"$f.txt"
		pdftotext "$2/${f##*/}" - | grep -v "produit le" >"$f.2.txt"
		cmp -s "$f.txt" "$f.2.txt" || return 1
	done
}
IMPACT_THREADS=1 impact report --all --profile funder.json --out-dir one >/dev/null 2>&1
run env IMPACT_THREADS=3 "$IMPACT" report --all --profile funder.json --out-dir three
expect_status 0 "report --all on 3 threads: exits 0"
expect_out "wrote 14 dashboards" "report --all on 3 threads: counts 14"
check "report --all on 3 threads: 14 files" test "$(ls three/*.pdf | wc -l)" -eq 14
check "report --all on 3 threads: the same text as on 1" same_text one three
check "report --all on 3 threads: the logo in every file" sh -c 'for f in three/*.pdf; do pdfimages -list "$f" | grep -q image || exit 1; done'
# A worker's failure (a folder where a file goes) stops the run with it.
mkdir -p busy/place-FAB-BOURG.pdf
run env IMPACT_THREADS=2 "$IMPACT" report --all --out-dir busy
expect_status 1 "report --all, a worker fails: exits 1"
expect_err "busy/place-FAB-BOURG.pdf" "report --all, a worker fails: names the file"
check "report --all, a worker fails: no temporary file left" test -z "$(ls -a busy | grep tmp)"
