# Concurrency (issue 7): two imports of different files and a compute,
# released at the same moment on one database that already holds a year
# of answers (so that the compute has work and holds the lock a while),
# all succeed: every writer
# opens its transaction with BEGIN IMMEDIATE, so none can be refused a
# lock upgrade (SQLITE_BUSY without waiting); each waits its turn under
# the busy timeout.  The data then equals a serial run's, the results the
# compute stored are those of some order of the three (each year's
# results are there in full or not at all), integrity_check is ok, and
# computing again gives exactly the serial run's results.
. "$TOP/tests/cli/lib.sh"

rounds=${CONCURRENCY_ROUNDS:-2}
case $IMPACT in
*valgrind*) rounds=${CONCURRENCY_ROUNDS:-1} ;;
esac

impact sample --out data --waves 3 --respondents 150 --activities 50 \
	>/dev/null
impact init >/dev/null
impact import territories data/territories.csv >/dev/null
impact import places data/places.csv >/dev/null
impact survey add "$TOP/surveys/questionnaires/default.json" >/dev/null
impact indicators add "$TOP/indicators/library/default.json" >/dev/null
impact import answers data/answers-2023.csv --survey impact-defaut >/dev/null
mv impact.db base.db

A="import answers data/answers-2024.csv --survey impact-defaut"
B="import answers data/answers-2025.csv --survey impact-defaut"

data() {
	sql "$1" "SELECT (SELECT count(*) FROM imports) || ' ' ||
	  (SELECT count(*) FROM respondents) || ' ' ||
	  (SELECT count(*) FROM answers) || ' ' ||
	  (SELECT count(*) FROM answer_choices) || ' ' ||
	  (SELECT total(value) FROM answers);"
}
results() {
	sql "$1" "SELECT period, coalesce(place_id, 0), coalesce(territory_id,
	  0), measure, coalesce(question_id, 0), printf('%.9g', value), n
	  FROM results ORDER BY 1, 2, 3, 4, 5;
	  SELECT indicator_id, period, coalesce(place_id, 0),
	  coalesce(territory_id, 0), printf('%.9g', value), n, suppressed
	  FROM indicator_results ORDER BY 1, 2, 3, 4;"
}
count() { sql "$1" "SELECT count(*) FROM results $2;"; }

# The serial run.
cp base.db serial.db
impact --db serial.db $A >/dev/null
impact --db serial.db $B >/dev/null
impact --db serial.db compute --no-index >/dev/null
serial_data=$(data serial.db)
results serial.db >serial.results
r23=$(count serial.db "WHERE period = 2023")
r24=$(count serial.db "WHERE period = 2024")
r25=$(count serial.db "WHERE period = 2025")
check "the serial run computed the three years" \
	test "$r23" -gt 0 -a "$r24" -gt 0 -a "$r25" -gt 0

round=0
while [ "$round" -lt "$rounds" ]; do
	round=$((round + 1))
	rm -f c.db c.db-wal c.db-shm go
	cp base.db c.db
	mkfifo go
	# Each job blocks opening the fifo until it is opened for writing:
	# the three are released together.
	for j in a b c; do
		case $j in
		a) cmd=$A ;;
		b) cmd=$B ;;
		c) cmd="compute --no-index" ;;
		esac
		timeout 300 sh -c 'read -r _ <go; exec "$@"' job "$IMPACT" \
			--db c.db $cmd >"$j.out" 2>"$j.err" &
		eval "pid_$j=$!"
	done
	sleep 0.3
	exec 3>go
	sleep 0.1
	exec 3>&-
	for j in a b c; do
		eval "wait \$pid_$j"
		eval "rc_$j=$?"
	done
	desc="round $round"
	check "$desc: import A exits 0 ($(head -c 200 a.err))" test "$rc_a" -eq 0
	check "$desc: import B exits 0 ($(head -c 200 b.err))" test "$rc_b" -eq 0
	check "$desc: compute exits 0 ($(head -c 200 c.err))" test "$rc_c" -eq 0
	check "$desc: nobody was told the database is locked" \
		sh -c '! grep -qi "locked\|busy" a.err b.err c.err'
	check "$desc: integrity_check ok" test "$(integrity c.db)" = ok
	check "$desc: the data equal the serial run's ($(data c.db))" \
		test "$(data c.db)" = "$serial_data"
	n=$(count c.db "")
	case $n in
	"$r23") seen="before both imports" ;;
	$((r23 + r24))) seen="after import A" ;;
	$((r23 + r25))) seen="after import B" ;;
	$((r23 + r24 + r25))) seen="after both imports" ;;
	*) seen="a part of an import: $n results" ;;
	esac
	check "$desc: the compute ran $seen" \
		test "$n" -eq "$r23" -o "$n" -eq $((r23 + r24)) -o \
		"$n" -eq $((r23 + r25)) -o "$n" -eq $((r23 + r24 + r25))
	impact --db c.db compute --no-index >/dev/null
	results c.db >c.results
	check "$desc: computing again gives the serial run's results" \
		cmp -s c.results serial.results
done
