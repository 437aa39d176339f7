# Sourced by each CLI test (tests/cli/*.sh).  $IMPACT is the binary under
# test, $TOP the source tree.  Each test file works in its own temporary
# folder.  `run CMD...` captures stdout, stderr and the exit status; the
# check functions print "ok - DESC" or "not ok - DESC" with details.
set -u
: "${IMPACT:?IMPACT must name the impact binary}"
: "${TOP:?TOP must name the source tree}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/impact-cli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1
unset IMPACT_DB

impact() { "$IMPACT" "$@"; }

# run CMD...: sets $status, and files $WORK/.out and $WORK/.err.
run() {
	"$@" >"$WORK/.out" 2>"$WORK/.err"
	status=$?
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|^==[0-9]+== ' "$WORK/.err"; then
		echo "not ok - sanitizer or valgrind report from: $*"
		sed 's/^/#   /' "$WORK/.err" | head -40
	fi
}

_report() { # _report OK DESC DETAIL
	if [ "$1" -eq 0 ]; then
		echo "ok - $2"
	else
		echo "not ok - $2"
		[ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/#   /'
		printf '# stdout:\n' ; sed 's/^/#   /' "$WORK/.out" | head -20
		printf '# stderr:\n' ; sed 's/^/#   /' "$WORK/.err" | head -20
	fi
}

expect_status() { # expect_status N DESC
	[ "$status" -eq "$1" ]
	_report $? "$2" "exit status $status, expected $1"
}

expect_out() { # expect_out TEXT DESC: stdout contains TEXT (fixed string)
	grep -qF -- "$1" "$WORK/.out"
	_report $? "$2" "stdout lacks: $1"
}

expect_err() { # expect_err TEXT DESC: stderr contains TEXT
	grep -qF -- "$1" "$WORK/.err"
	_report $? "$2" "stderr lacks: $1"
}

expect_out_exact() { # expect_out_exact FILE DESC: stdout equals FILE
	cmp -s "$WORK/.out" "$1"
	_report $? "$2" "$(diff "$1" "$WORK/.out" | head -20)"
}

expect_err_empty() { # expect_err_empty DESC
	[ ! -s "$WORK/.err" ]
	_report $? "$1" "stderr is not empty"
}

expect_err_lines() { # expect_err_lines N DESC: stderr has exactly N lines
	n=$(wc -l <"$WORK/.err")
	[ "$n" -eq "$1" ]
	_report $? "$2" "stderr has $n lines, expected $1"
}

check() { # check DESC CMD...: CMD succeeds
	d=$1
	shift
	"$@" >/dev/null 2>&1
	_report $? "$d" "failed: $*"
}

sql() { # sql DB QUERY: print the result of QUERY with the sqlite3 shell
	sqlite3 -batch -noheader "$1" "$2"
}

# integrity DB: PRAGMA integrity_check, printing "ok" when the file is
# sound.  SQLite 3.40.0 to 3.41.0 (Debian 12 ships 3.40.1) wrongly report
# "NULL value in T.C" for a NOT NULL column of a WITHOUT ROWID table whose
# primary key is not in column order (answer_choices.question_id): such a
# line is dropped when a query finds no NULL in that column.
integrity() {
	sql "$1" "PRAGMA integrity_check;" 2>&1 | awk '!seen[$0]++' |
	while IFS= read -r line; do
		case $line in
		"NULL value in "*.*)
			tc=${line#NULL value in }
			[ "$(sql "$1" "SELECT count(*) FROM \"${tc%%.*}\" WHERE \"${tc#*.}\" IS NULL;")" = 0 ] &&
				continue
			;;
		ok) continue ;;
		esac
		printf '%s\n' "$line"
	done | { out=$(cat); if [ -z "$out" ]; then echo ok; else printf '%s\n' "$out"; fi; }
}
