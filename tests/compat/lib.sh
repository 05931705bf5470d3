# Sourced by the tests/compat/*.sh scripts: the source and build trees, the
# shim's directory, a work directory removed on exit, and
#   result NAME STATUS [FILE]
# which prints the "CASE PASS|FAIL: NAME" line the test driver counts (on
# failure, the first lines of FILE — CACHET_SHOW_LINES, default 40 — and one
# more failure in $failures).
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
shim=$build/compat/.libs
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
result() {
  if [ "$2" -eq 0 ]; then echo "CASE PASS: $1"; else
    echo "CASE FAIL: $1"; failures=$((failures + 1)); [ -n "${3:-}" ] && head -"${CACHET_SHOW_LINES:-40}" "$3"; fi
}
