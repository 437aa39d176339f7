# Crash safety (issue 7): `impact import` killed with SIGKILL at random
# moments.  After each kill the database passes PRAGMA integrity_check,
# has no rollback journal (the store is in WAL mode: a killed writer
# leaves uncommitted frames that the next reader ignores), holds either
# none or all of the file's rows, and importing the file again completes
# with no duplicate.  Runs alternate between an answers file and an
# activity log, each big enough that its import lasts a few tenths of a
# second; the kill delays are drawn, with a seed, over the measured
# length of an import, so that kills land in every phase (start,
# reading, inserting, commit) and some after the end.
#   CRASH_RUNS=N   number of kills (default 20; `make crash` runs 100)
#   CRASH_SEED=N   seed of the delays (default 7)
. "$TOP/tests/cli/lib.sh"

runs=${CRASH_RUNS:-20}
seed=${CRASH_SEED:-7}
case $IMPACT in
*valgrind*) runs=${CRASH_RUNS:-4} ;;  # valgrind is 30 times slower
esac
started=$(date +%s)

impact sample --out data --waves 1 --respondents 200 --activities 2000 \
	>/dev/null
impact init >/dev/null
impact import territories data/territories.csv >/dev/null
impact import places data/places.csv >/dev/null
impact survey add "$TOP/surveys/questionnaires/default.json" >/dev/null
mv impact.db base.db
check "a clean exit leaves no write-ahead log" test ! -e impact.db-wal

# Everything an import writes, as one line.
state() {
	sql "$1" "SELECT (SELECT count(*) FROM imports) || ' ' ||
	  (SELECT count(*) FROM respondents) || ' ' ||
	  (SELECT count(*) FROM answers) || ' ' ||
	  (SELECT count(*) FROM answer_choices) || ' ' ||
	  (SELECT count(*) FROM activities) || ' ' ||
	  (SELECT count(*) FROM activity_publics) || ' ' ||
	  (SELECT count(*) FROM activity_partners) || ' ' ||
	  (SELECT count(*) FROM rejects) || ' ' ||
	  (SELECT coalesce(sum(rows_loaded), 0) FROM imports);"
}

# import KIND DB: the import of this test's file of that kind.
import_cmd() {
	if [ "$1" = answers ]; then
		echo "import answers data/answers-2023.csv --survey impact-defaut"
	else
		echo "import activities data/activities.csv"
	fi
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

base=$(state base.db)
for kind in answers activities; do
	cp base.db ref.db
	t0=$(now_ms)
	run impact --db ref.db $(import_cmd $kind)
	t1=$(now_ms)
	expect_status 0 "reference $kind import: exits 0"
	eval "full_$kind=\$(state ref.db)"
	eval "ms_$kind=$((t1 - t0))"
	rm -f ref.db ref.db-wal ref.db-shm
done
check "the reference imports store rows" test "$full_answers" != "$base" \
	-a "$full_activities" != "$base"
echo "# base: $base; answers: $full_answers ($ms_answers ms);" \
	"activities: $full_activities ($ms_activities ms)"

none=0
all=0
finished=0
awk -v s="$seed" -v n="$runs" 'BEGIN { srand(s); for (i = 0; i < n; i++)
	printf "%.4f\n", rand() }' >delays
i=0
while read -r frac; do
	i=$((i + 1))
	if [ $((i % 2)) -eq 1 ]; then kind=answers; else kind=activities; fi
	eval "ms=\$ms_$kind; full=\$full_$kind"
	delay=$(awk -v f="$frac" -v ms="$ms" 'BEGIN { printf "%.3f",
		0.005 + f * ms / 1000 }')
	rm -f t.db t.db-wal t.db-shm t.db-journal
	cp base.db t.db
	# Killed here and waited for, not with timeout(1): `timeout -s KILL`
	# kills itself with its process group and does not wait, so the
	# import could still hold its locks while it dies.
	"$IMPACT" --db t.db $(import_cmd $kind) >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null   # not the shell's "Killed"
	rc=$?
	problems=
	[ -e t.db-journal ] && problems="$problems; a rollback journal was left"
	ic=$(integrity t.db)
	[ "$ic" = ok ] || problems="$problems; integrity_check: $ic"
	fk=$(sql t.db "PRAGMA foreign_key_check;" 2>&1)
	[ -z "$fk" ] || problems="$problems; foreign_key_check: $fk"
	jm=$(sql t.db "PRAGMA journal_mode;" 2>&1)
	[ "$jm" = wal ] || problems="$problems; journal_mode is $jm"
	st=$(state t.db)
	if [ "$st" = "$base" ]; then
		what="nothing stored"
		none=$((none + 1))
	elif [ "$st" = "$full" ]; then
		what="everything stored"
		all=$((all + 1))
	else
		what="PART stored"
		problems="$problems; state $st is neither $base nor $full"
	fi
	[ "$rc" -eq 0 ] && finished=$((finished + 1))
	# Import again: it completes, and nothing is there twice.
	run impact --db t.db $(import_cmd $kind)
	[ "$status" -eq 0 ] || problems="$problems; import again exited $status: $(head -c 300 "$WORK/.err")"
	st=$(state t.db)
	[ "$st" = "$full" ] || problems="$problems; after importing again: $st, expected $full"
	dup=$(sql t.db "SELECT (SELECT count(*) FROM imports GROUP BY kind,
	  sha256 HAVING count(*) > 1) IS NOT NULL OR (SELECT count(*) FROM
	  respondents GROUP BY survey_id, period, key HAVING count(*) > 1)
	  IS NOT NULL;")
	[ "$dup" = 0 ] || problems="$problems; a file or a respondent is stored twice"
	ic=$(integrity t.db)
	[ "$ic" = ok ] || problems="$problems; integrity_check after importing again: $ic"
	desc="kill $i/$runs: $kind import killed after ${delay} s ($what)"
	if [ -z "$problems" ]; then
		echo "ok - $desc: database intact, import again complete"
	else
		echo "not ok - $desc"
		echo "#  ${problems#; }"
	fi
done <delays

check "some kills interrupted an import ($none of $runs left nothing)" \
	test "$none" -gt 0
echo "# $runs kills: $none left nothing, $all left everything" \
	"($finished imports had ended before the kill); seed $seed;" \
	"$(($(date +%s) - started)) s"
