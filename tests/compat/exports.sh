#!/usr/bin/env bash
# The shim's libraries export exactly compat/symbols/lib{ssl,crypto}.txt:
# every listed function is defined at version OPENSSL_3.0.0 (a listed name
# the code never defines would otherwise vanish silently from the version
# script), nothing else is exported, and the sonames are libssl.so.3 and
# libcrypto.so.3.
. "$(dirname "$0")/lib.sh"
for lib in ssl crypto; do
  so=$shim/lib$lib.so.3
  sort -u "$top/compat/symbols/lib$lib.txt" >"$work/$lib.listed"
  # Defined dynamic symbols, with their versions (objdump -T: "... .text ... OPENSSL_3.0.0 name").
  objdump -T "$so" | awk '$0 !~ /\*UND\*|\*ABS\*/ && ($3 == "DF" || $3 == "DO") {print $NF, $(NF-1)}' | sort -u >"$work/$lib.defined"
  awk '{print $1}' "$work/$lib.defined" | sort -u >"$work/$lib.names"
  comm -23 "$work/$lib.listed" "$work/$lib.names" >"$work/$lib.missing"
  result "compat-exports/lib$lib: every listed function is defined ($(wc -l <"$work/$lib.listed") listed)" \
    $([ -s "$work/$lib.listed" ] && [ ! -s "$work/$lib.missing" ]; echo $?) "$work/$lib.missing"
  comm -13 "$work/$lib.listed" "$work/$lib.names" >"$work/$lib.extra"
  result "compat-exports/lib$lib: nothing exported beyond the list" $([ ! -s "$work/$lib.extra" ]; echo $?) "$work/$lib.extra"
  awk '$2 != "OPENSSL_3.0.0"' "$work/$lib.defined" >"$work/$lib.badver"
  result "compat-exports/lib$lib: every export at version OPENSSL_3.0.0" $([ ! -s "$work/$lib.badver" ]; echo $?) "$work/$lib.badver"
  objdump -p "$so" | awk '$1 == "SONAME" {print $2}' >"$work/$lib.soname"
  result "compat-exports/lib$lib: soname lib$lib.so.3" $([ "$(cat "$work/$lib.soname")" = "lib$lib.so.3" ]; echo $?) "$work/$lib.soname"
done
[ $failures -eq 0 ]
