#!/usr/bin/env bash
# Cachet's OpenSSL-compatible headers (compat/include/openssl): each check of
# compat/tests/check_headers.sh as one CASE line — every header compiles as
# C99 and C++20, a DTLS program compiles against ours and against OpenSSL
# 3.0's, every numeric constant equals OpenSSL 3.0's, prototypes and macro
# expansions agree.
set -u
top=${CACHET_TOP_SRCDIR:?}
out=$(bash "$top/compat/tests/check_headers.sh" 2>&1)
status=$?
echo "$out" | sed -n 's/^\(.*[^ ]\)  *ok\( (.*)\)\?$/CASE PASS: compat-headers\/\1/p; s/^\(.*[^ ]\)  *FAIL$/CASE FAIL: compat-headers\/\1/p; s/^\(.*[^ ]\)  *skipped.*$/CASE SKIP: compat-headers\/\1/p'
[ $status -eq 0 ] || { echo "$out" | grep -v ' ok' | head -60; exit 1; }
exit 0
