#!/bin/sh
# The database file: init, re-init, --db and $IMPACT_DB, and refusing
# files that are missing, newer, foreign or not SQLite at all.
. "$TOP/tests/cli/lib.sh"

# file_sum FILE: a checksum of the file's bytes.
file_sum() { cksum <"$1"; }

# --- init ---------------------------------------------------------------

run impact init
expect_status 0 "init in an empty folder exits 0"
expect_out "created" "init says it created the database"
expect_out "impact.db" "init names the file"
expect_err_empty "init writes nothing on stderr"
check "init created ./impact.db" test -s impact.db

check "user_version is 5" test "$(sql impact.db 'PRAGMA user_version;')" = 5
check "journal_mode is wal" test "$(sql impact.db 'PRAGMA journal_mode;')" = wal
# application_id 0x494d5043 ("IMPC") = 1229803587
check "application_id is 'IMPC'" \
	test "$(sql impact.db 'PRAGMA application_id;')" = 1229803587
for t in meta territories places surveys questions imports respondents \
         answers activities rejects results; do
	check "table $t exists" test "$(sql impact.db \
		"SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = '$t';")" = 1
done
check "a fresh database is empty" test "$(sql impact.db \
	'SELECT (SELECT count(*) FROM territories) + (SELECT count(*) FROM places)
	      + (SELECT count(*) FROM respondents) + (SELECT count(*) FROM results);')" = 0
check "the database holds a respondent secret of 64 hex digits" test "$(sql impact.db \
	"SELECT length(value) FROM meta WHERE key = 'respondent_secret' AND NOT value GLOB '*[^0-9a-f]*';")" = 64

# Foreign keys are declared by the schema: with enforcement on, a place
# in a territory that does not exist is refused, and a good one accepted.
check "schema declares places.territory_id as a foreign key" test "$(sql impact.db \
	"SELECT count(*) FROM pragma_foreign_key_list('places') WHERE \"from\" = 'territory_id' AND \"table\" = 'territories';")" = 1
check "schema declares answers.respondent_id as a foreign key" test "$(sql impact.db \
	"SELECT count(*) FROM pragma_foreign_key_list('answers') WHERE \"from\" = 'respondent_id';")" = 1
cp impact.db fk.db
if sqlite3 -batch fk.db "PRAGMA foreign_keys = ON; INSERT INTO places (code, name, territory_id) VALUES ('X', 'x', 999);" >/dev/null 2>&1; then
	fk=0
else
	fk=1
fi
check "a place in an unknown territory violates a foreign key" test "$fk" = 1
check "a place in a known territory is accepted" sqlite3 -batch fk.db \
	"PRAGMA foreign_keys = ON; INSERT INTO territories (code, name) VALUES ('T', 't'); INSERT INTO places (code, name, territory_id) VALUES ('X', 'x', (SELECT id FROM territories WHERE code = 'T'));"
rm -f fk.db

# --- init again: nothing changes ------------------------------------------

sql impact.db .schema >schema.before
secret_before=$(sql impact.db "SELECT value FROM meta WHERE key = 'respondent_secret';")
run impact init
expect_status 0 "second init exits 0"
expect_out "already exists" "second init says the database already exists"
expect_out "nothing changed" "second init says nothing changed"
check "second init did not print 'created'" sh -c "! grep -q created '$WORK/.out'"
sql impact.db .schema >schema.after
check "second init left the schema unchanged" cmp -s schema.before schema.after
check "second init kept the respondent secret" test \
	"$(sql impact.db "SELECT value FROM meta WHERE key = 'respondent_secret';")" = "$secret_before"
check "still user_version 5 after the second init" test "$(sql impact.db 'PRAGMA user_version;')" = 5

run impact status
expect_status 0 "status on the new database exits 0"
expect_out "schema 5" "status shows the schema version"

# --- --db and IMPACT_DB ---------------------------------------------------

run impact --db other.db init
expect_status 0 "init --db other.db (global option) exits 0"
expect_out "other.db" "init --db names other.db"
check "--db other.db created other.db" test -s other.db

run impact init --db third.db
expect_status 0 "init --db third.db (command option) exits 0"
check "--db after the command created third.db" test -s third.db

run env IMPACT_DB=env.db "$IMPACT" init
expect_status 0 "IMPACT_DB=env.db init exits 0"
check "IMPACT_DB chose env.db" test -s env.db

rm -f impact.db impact.db-wal impact.db-shm
run env IMPACT_DB=envlost.db "$IMPACT" --db flag.db init
expect_status 0 "IMPACT_DB plus --db: init exits 0"
check "--db wins over IMPACT_DB: flag.db created" test -s flag.db
check "--db wins over IMPACT_DB: envlost.db not created" test ! -e envlost.db
check "--db wins over IMPACT_DB: impact.db not created" test ! -e impact.db

run env IMPACT_DB=env.db "$IMPACT" status
expect_status 0 "IMPACT_DB=env.db status exits 0"
expect_out "env.db" "status reads the database named by IMPACT_DB"

run env IMPACT_DB= "$IMPACT" init
expect_status 0 "an empty IMPACT_DB means ./impact.db"
check "empty IMPACT_DB: impact.db created" test -s impact.db

# --- a missing database ------------------------------------------------

for c in status "show" "rejects" "compute" "survey list"; do
	# shellcheck disable=SC2086
	run impact --db missing.db $c
	expect_status 1 "'$c' on a missing database exits 1"
	expect_err "impact init" "'$c' on a missing database says to run 'impact init'"
done
check "commands other than init never create a missing database" test ! -e missing.db

# --- a database of a newer impact -----------------------------------------

impact init --db newer.db >/dev/null 2>&1
sqlite3 -batch newer.db 'PRAGMA user_version = 99;'
check "newer.db has user_version 99" test "$(sql newer.db 'PRAGMA user_version;')" = 99
before=$(file_sum newer.db)
run impact --db newer.db status
expect_status 1 "status on a newer database exits 1"
expect_err "impact: error: " "newer database: an error message"
expect_err "newer impact" "newer database: says it was written by a newer impact"
run impact --db newer.db init
expect_status 1 "init on a newer database exits 1"
expect_err "newer impact" "init on a newer database: says 'newer impact'"
printf 'code,name,parent\nR,Root,\n' >t.csv
run impact --db newer.db import territories t.csv
expect_status 1 "import into a newer database exits 1"
check "the newer database file is unchanged" test "$(file_sum newer.db)" = "$before"
check "the newer database still has user_version 99" test "$(sql newer.db 'PRAGMA user_version;')" = 99
check "nothing was imported into the newer database" test "$(sql newer.db 'SELECT count(*) FROM imports;')" = 0

# --- a plain SQLite file that is not ours -------------------------------

sqlite3 -batch foreign.db 'CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, "Ada");'
before=$(file_sum foreign.db)
run impact --db foreign.db status
expect_status 1 "status on a foreign SQLite file exits 1"
expect_err "not an impact database" "foreign SQLite file: 'not an impact database'"
run impact --db foreign.db init
expect_status 1 "init on a foreign SQLite file exits 1"
expect_err "not an impact database" "init on a foreign SQLite file: 'not an impact database'"
check "the foreign file is unchanged" test "$(file_sum foreign.db)" = "$before"
check "the foreign file gained no table" test "$(sql foreign.db "SELECT group_concat(name) FROM sqlite_schema;")" = customers

# --- not a database at all --------------------------------------------------

printf 'code,name,parent\nR,Root,\nthis is not a database\n' >notes.txt
before=$(file_sum notes.txt)
run impact --db notes.txt status
expect_status 1 "status on a text file exits 1"
expect_err "impact: error: " "text file: an error message"
expect_err "notes.txt" "text file: names the file"
expect_err_lines 1 "text file: one line on stderr"
run impact --db notes.txt init
expect_status 1 "init on a text file exits 1"
check "the text file is unchanged" test "$(file_sum notes.txt)" = "$before"

# A directory is not a database either.
mkdir adir
run impact --db adir status
expect_status 1 "status on a directory exits 1"
expect_err "impact: error: " "directory: an error message"
