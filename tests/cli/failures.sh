# Failure injection (issue 7): writing the database, a report or an
# export fails -- a full disk, a file size limit, a read-only file or
# folder, a missing folder -- and the command ends with a clear error and
# exit 1, leaving no damaged file: the database passes integrity_check and
# keeps its rows, an output path holds nothing or the previous complete
# file, and no temporary file is left.
#
# Tests may run as root, for whom permissions stop nothing, so:
# - a file size limit is `ulimit -f` with SIGXFSZ ignored (write() then
#   fails with EFBIG, as on a full disk), which binds root too;
# - a full disk is a small tmpfs mounted in a private mount namespace
#   (unshare: as root, or in a user namespace otherwise), when the system
#   allows it;
# - a read-only file or folder is tested as user nobody (setpriv) when
#   running as root, else as the current user.
. "$TOP/tests/cli/lib.sh"

impact sample --out data --waves 1 --respondents 400 --activities 100 \
	>/dev/null
impact init >/dev/null
impact import territories data/territories.csv >/dev/null
impact import places data/places.csv >/dev/null
impact survey add "$TOP/surveys/questionnaires/default.json" >/dev/null
cp impact.db base.db
impact import answers data/answers-2023.csv --survey impact-defaut >/dev/null
impact compute >/dev/null
mv impact.db full.db
impact --db full.db report --place FAB-BOURG -o prev.pdf >/dev/null 2>&1
impact --db full.db export --anonymised -o prev.csv --quiet
check "set-up: a report and an export to compare with" \
	test -s prev.pdf -a -s prev.csv

# Everything the commands below could change, as one line.
state() {
	sql "$1" "SELECT (SELECT count(*) FROM imports) || ' ' ||
	  (SELECT count(*) FROM respondents) || ' ' ||
	  (SELECT count(*) FROM answers) || ' ' ||
	  (SELECT count(*) FROM answer_choices) || ' ' ||
	  (SELECT count(*) FROM activities) || ' ' ||
	  (SELECT count(*) FROM results) || ' ' ||
	  (SELECT total(value) FROM results) || ' ' ||
	  (SELECT count(*) FROM indicator_results);"
}
base_state=$(state base.db)
full_state=$(state full.db)

# db_intact DESC DB STATE: integrity_check ok, no rollback journal, and
# the rows of STATE.
db_intact() {
	check "$1: integrity_check ok" test "$(integrity "$2")" = ok
	check "$1: no rollback journal" test ! -e "$2-journal"
	check "$1: the rows are kept ($(state "$2"))" test "$(state "$2")" = "$3"
}

# no_temp DIR: no temporary file left in DIR.
no_temp() {
	! ls -a "$1" | grep -q '\.tmp'
}

# --- a file size limit (ulimit -f) -----------------------------------------

# Bytes in one unit of `ulimit -f` (512 for dash, 1024 for bash).
(trap '' XFSZ; ulimit -f 1; head -c 4096 /dev/zero >probe) 2>/dev/null
unit=$(wc -c <probe)
# limited KB CMD...: run CMD with every file it writes limited to KB kB.
limited() {
	kb=$1
	shift
	(trap '' XFSZ; ulimit -f $((kb * 1024 / unit)); exec "$@")
}

cp base.db t.db
run limited 200 "$IMPACT" --db t.db import answers data/answers-2023.csv \
	--survey impact-defaut
expect_status 1 "import with files limited to 200 kB: exits 1"
expect_err "impact: error:" "import, limited: an error message"
expect_err "check the free space and run the command again" \
	"import, limited: says what to do"
db_intact "import, limited" t.db "$base_state"
run impact --db t.db import answers data/answers-2023.csv \
	--survey impact-defaut
expect_status 0 "import, limited: the same import works once the limit is gone"
rm -f t.db*

cp full.db t.db
run limited 40 "$IMPACT" --db t.db compute
expect_status 1 "compute with files limited to 40 kB: exits 1"
expect_err "check the free space" "compute, limited: says what to do"
db_intact "compute, limited" t.db "$full_state"
rm -f t.db*

cp prev.csv out.csv
run limited 40 "$IMPACT" --db full.db export --anonymised -o out.csv
expect_status 1 "export with files limited to 40 kB: exits 1"
expect_err "cannot write 'out.csv': File too large: free some space" \
	"export, limited: says what failed and what to do"
check "export, limited: the previous file is untouched" cmp -s out.csv prev.csv
check "export, limited: no temporary file left" no_temp .
db_intact "export, limited" full.db "$full_state"

# --- a full disk (a small tmpfs in a private mount namespace) -------------

mkdir full
if [ "$(id -u)" = 0 ]; then
	ns="unshare --mount"
else
	ns="unshare --user --map-root-user --mount"
fi
# on_full_disk KB SCRIPT: run shell code SCRIPT where $WORK/full is a
# tmpfs of KB kilobytes (exit 97 when it cannot be mounted).
on_full_disk() {
	IMPACT="$IMPACT" WORK="$WORK" $ns sh -c "mount -t tmpfs -o size=$1k \
		impact-test '$WORK/full' 2>/dev/null || exit 97; cd '$WORK'; $2"
}
on_full_disk 64 true
if [ $? -ne 0 ]; then
	echo "ok - skipped: a full disk: this system allows no private tmpfs" \
		"(the file size limit above stands for it)"
else
	# The database on a disk with room for it and 64 kB more (the
	# -shm takes 32): the import's write-ahead log fills it.
	kb=$(($(wc -c <base.db) / 1024 + 64))
	rm -rf after && mkdir after
	on_full_disk $kb '
		cp base.db full/impact.db
		"$IMPACT" --db full/impact.db import answers \
			data/answers-2023.csv --survey impact-defaut \
			>full.out 2>full.err
		echo $? >full.rc
		cp full/impact.db* after/'
	check "import on a full disk: exits 1" test "$(cat full.rc)" = 1
	check "import on a full disk: says the disk is full" \
		grep -q "impact: error: .*disk is full: free some space" full.err
	db_intact "import on a full disk" after/impact.db "$base_state"

	# A report and an export onto a disk holding the previous files and
	# a few kB more.
	kb=$((($(wc -c <prev.pdf) + $(wc -c <prev.csv)) / 1024 + 12))
	on_full_disk $kb '
		cp prev.pdf full/r.pdf
		cp prev.csv full/x.csv
		"$IMPACT" --db full.db report --place FAB-BOURG \
			-o full/r.pdf >report.out 2>report.err
		echo $? >report.rc
		"$IMPACT" --db full.db export --anonymised -o full/x.csv \
			>export.out 2>export.err
		echo $? >export.rc
		"$IMPACT" --db full.db report --place FAB-BOURG \
			-o full/new.pdf >new.out 2>new.err
		echo $? >new.rc
		cmp -s full/r.pdf prev.pdf; echo $? >report.same
		cmp -s full/x.csv prev.csv; echo $? >export.same
		ls -a full >full.ls'
	# What the report printed, for the details of a failed check.
	cp report.out "$WORK/.out"
	cp report.err "$WORK/.err"
	check "report on a full disk: exits 1" test "$(cat report.rc)" = 1
	check "report on a full disk: an error message ($(cat report.err))" \
		grep -q "impact: error: .*full/r.pdf" report.err
	check "report on a full disk: the previous report is untouched" \
		test "$(cat report.same)" = 0
	check "export on a full disk: exits 1" test "$(cat export.rc)" = 1
	check "export on a full disk: says the disk is full" \
		grep -q "cannot write 'full/x.csv': No space left on device: free some space" \
		export.err
	check "export on a full disk: the previous export is untouched" \
		test "$(cat export.same)" = 0
	check "a new report on a full disk: exits 1" test "$(cat new.rc)" = 1
	check "the full disk holds only the previous files ($(tr '\n' ' ' <full.ls))" \
		test "$(grep -v '^\.\.\?$' full.ls | tr '\n' ' ')" = "r.pdf x.csv "
fi

# --- a read-only database file or folder ---------------------------------

# as_other CMD...: run CMD as a user that permissions bind.
if [ "$(id -u)" = 0 ]; then
	as_other() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod 755 "$WORK"
else
	as_other() { "$@"; }
fi
if [ "$(id -u)" = 0 ] && ! setpriv --reuid=65534 --regid=65534 \
	--clear-groups true 2>/dev/null; then
	echo "ok - skipped: a read-only database: running as root without" \
		"setpriv, permissions cannot be tested"
else
	# rofile: a read-only file in a folder the user may write; rodir: a
	# writable file in a read-only folder; mine: the user's own copy.
	mkdir rofile rodir mine
	cp full.db rofile/impact.db
	chmod 444 rofile/impact.db
	cp full.db rodir/impact.db
	chmod 666 rodir/impact.db
	cp full.db mine/impact.db
	if [ "$(id -u)" = 0 ]; then
		chown 65534 rofile mine mine/impact.db
	fi
	chmod 555 rodir
	run as_other "$IMPACT" --db rofile/impact.db import activities \
		data/activities.csv
	expect_status 1 "import into a read-only database: exits 1"
	expect_err "may not be written" "import into a read-only database: says why"
	run as_other "$IMPACT" --db rofile/impact.db compute
	expect_status 1 "compute into a read-only database: exits 1"
	expect_err "check their permissions" "compute into a read-only database: says what to do"
	key=$(sql full.db "SELECT key FROM respondents LIMIT 1;")
	run as_other "$IMPACT" --db rofile/impact.db forget "$key"
	expect_status 1 "forget in a read-only database: exits 1"
	db_intact "read-only database" rofile/impact.db "$full_state"
	run as_other "$IMPACT" --db rodir/impact.db import activities \
		data/activities.csv
	expect_status 1 "import in a read-only folder: exits 1"
	expect_err "cannot open database 'rodir/impact.db'" \
		"import in a read-only folder: names the database"
	expect_err "may not be written" "import in a read-only folder: says why"
	run as_other "$IMPACT" --db mine/impact.db report --place FAB-BOURG \
		-o rodir/r.pdf
	expect_status 1 "report into a read-only folder: exits 1"
	expect_err "rodir/r.pdf" "report into a read-only folder: names the file"
	run as_other "$IMPACT" --db mine/impact.db export --anonymised \
		-o rodir/x.csv
	expect_status 1 "export into a read-only folder: exits 1"
	expect_err "cannot write 'rodir/x.csv': Permission denied: choose a folder" \
		"export into a read-only folder: says what to do"
	chmod 755 rodir
	check "the read-only folder got no file" \
		test "$(ls -A rodir)" = impact.db
	db_intact "read-only folder" rodir/impact.db "$full_state"
fi

# --- a missing folder ------------------------------------------------------

run impact --db full.db report --place FAB-BOURG -o missing/r.pdf
expect_status 1 "report into a missing folder: exits 1"
expect_err "missing/r.pdf" "report into a missing folder: names the file"
run impact --db full.db export --anonymised -o missing/x.csv
expect_status 1 "export into a missing folder: exits 1"
expect_err "the folder 'missing' does not exist: create it" \
	"export into a missing folder: says what to do"
run impact --db missing/impact.db init
expect_status 1 "init in a missing folder: exits 1"
expect_err "cannot open database 'missing/impact.db'" \
	"init in a missing folder: names the database"
expect_err "check that the file and its folder exist" \
	"init in a missing folder: says what to check"
check "nothing was created for the missing folder" test ! -e missing
db_intact "after every failure" full.db "$full_state"
