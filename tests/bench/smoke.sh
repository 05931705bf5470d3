#!/usr/bin/env bash
# The benchmark's smoke test: `cachet-bench --quick --json` on a few rows must
# print well-formed JSON in which every stack has a number for every row.
# No timing thresholds: a benchmark never fails because a machine is slow.
set -u
top=${CACHET_TOP_SRCDIR:?}
build=${CACHET_TOP_BUILDDIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
result() {  # result NAME STATUS [file to show on failure]
  if [ "$2" -eq 0 ]; then echo "CASE PASS: $1"; else
    echo "CASE FAIL: $1"; failures=$((failures + 1)); [ -n "${3:-}" ] && head -40 "$3"; fi
}
bench=$build/bench/cachet-bench
[ -x "$bench" ] && [ -x "$build/bench/cachet-bench-shim" ]
result "bench-smoke/programs-built" $? 

rows=hs.p256.server,resume.id,tput.aes128gcm,udp.aes128gcm,heap.idle,wire.full,loss
timeout 300 "$bench" --quick --json --reps 1 --rows "$rows" --loss-count 3 --loss-parallel 3 \
  --pki "$top/tests/pki" --cachet "$build/tools/cachet" --shim "$build/bench/cachet-bench-shim" \
  >"$work/out.json" 2>"$work/err.txt"
result "bench-smoke/quick-run-exits-0" $? "$work/err.txt"

python3 - "$work/out.json" >"$work/check.txt" 2>&1 <<'PY'
import json, math, sys
doc = json.load(open(sys.argv[1]))
stacks = list(doc["stacks"])
assert stacks == ["cachet", "cachet-shim", "openssl", "gnutls"], stacks
ids = [r["id"] for r in doc["rows"]]
print("rows:", " ".join(ids))
assert ids, "no rows"
bad = []
for r in doc["rows"]:
    for s in stacks:
        cell = r["results"].get(s, {})
        m = cell.get("median")
        if not isinstance(m, (int, float)) or not math.isfinite(m) or m <= 0:
            bad.append("%s/%s: %s" % (r["id"], s, cell.get("error", cell)))
assert not bad, "missing numbers:\n  " + "\n  ".join(bad)
floors = {f["id"]: f["median"] for f in doc["floors"]}
assert floors.get("nettle.p256.sign", 0) > 0 and floors.get("gnutls.aes128gcm.seal", 0) > 0, floors
print("ok")
PY
result "bench-smoke/json-well-formed-every-stack-has-numbers" $? "$work/check.txt"
[ $failures -eq 0 ]
