#!/bin/sh
# Run every test and print one closing line: "N passed, N failed".
#   sh tests/run.sh BUILD_DIR
# BUILD_DIR holds impact and unit-tests built with ASan and UBSan.  The
# unit tests are Criterion's (counted from their TAP report); the CLI
# tests are the shell scripts tests/cli/*.sh (each prints "ok - ..." or
# "not ok - ..." lines).  Any sanitizer report fails the run.
set -u
B=${1:?usage: tests/run.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "$B" && pwd)
log="$B/test-logs"
rm -rf "$log" && mkdir -p "$log"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=99"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=98"
export LC_ALL=C.UTF-8

pass=0
fail=0

# With VALGRIND set (make valgrind), every program runs under it: the unit
# tests one at a time, the CLI through a wrapper.
impact_bin="$B/impact"
jobs=2
if [ -n "${VALGRIND:-}" ]; then
	jobs=1
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$VALGRIND" "$B/impact" \
		>"$B/impact-valgrind"
	chmod +x "$B/impact-valgrind"
	impact_bin="$B/impact-valgrind"
fi

# Unit tests.
echo "== unit tests"
${VALGRIND:-} "$B/unit-tests" --jobs "$jobs" \
	--tap="$log/unit.tap" >"$log/unit.out" 2>&1
urc=$?
cat "$log/unit.out"
up=$(grep -c '^ok ' "$log/unit.tap" 2>/dev/null)
uf=$(grep -c '^not ok ' "$log/unit.tap" 2>/dev/null)
pass=$((pass + ${up:-0}))
fail=$((fail + ${uf:-0}))
if [ "$urc" -ne 0 ] && [ "${uf:-0}" -eq 0 ]; then
	echo "not ok - unit-tests exited $urc"
	fail=$((fail + 1))
fi
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|^==[0-9]+== ' "$log/unit.out"; then
	echo "not ok - sanitizer or valgrind report in the unit tests"
	fail=$((fail + 1))
fi

# CLI tests.
for t in "$top"/tests/cli/*.sh; do
	name=$(basename "$t" .sh)
	[ "$name" = lib ] && continue
	echo "== cli $name"
	IMPACT="$impact_bin" TOP="$top" sh "$t" >"$log/$name.out" 2>&1
	cat "$log/$name.out"
	cp=$(grep -c '^ok ' "$log/$name.out")
	cf=$(grep -c '^not ok ' "$log/$name.out")
	pass=$((pass + cp))
	fail=$((fail + cf))
	if [ "$cp" -eq 0 ] && [ "$cf" -eq 0 ]; then
		echo "not ok - $name ran no check"
		fail=$((fail + 1))
	fi
done

# Fuzz corpora (tests/fuzz/): every saved input of every target, replayed
# by the target's standalone driver ("ok - fuzz TARGET: N inputs
# replayed"; a sanitizer report prints "not ok - ..." naming the input).
nfuzz=0
for f in "$B"/fuzz-replay-*; do
	[ -x "$f" ] || continue
	nfuzz=$((nfuzz + 1))
	t=${f##*/fuzz-replay-}
	echo "== fuzz $t"
	${VALGRIND:-} "$f" "$top/tests/fuzz/corpus/$t" >"$log/fuzz-$t.out" 2>&1
	frc=$?
	cat "$log/fuzz-$t.out"
	fp=$(grep -c '^ok ' "$log/fuzz-$t.out")
	ff=$(grep -c '^not ok ' "$log/fuzz-$t.out")
	pass=$((pass + fp))
	fail=$((fail + ff))
	if [ "$ff" -eq 0 ] && { [ "$frc" -ne 0 ] ||
	    grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|^==[0-9]+== ' \
	        "$log/fuzz-$t.out"; }; then
		echo "not ok - fuzz $t: exit $frc or a sanitizer report"
		fail=$((fail + 1))
	fi
done
if [ "$nfuzz" -eq 0 ]; then
	echo "not ok - no fuzz replay binary in $B (make fuzz-replay)"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
