#!/bin/sh
# configure must fail with a message naming the Debian package when a required
# library is missing. pkg-config is pointed at a directory that lacks, in turn,
# nettle and GnuTLS (the other .pc files are linked in from the real ones).
set -u
src=${CACHET_TOP_SRCDIR:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0


check() {  # check LABEL EXPECTED_PACKAGE PC_FILES_TO_PROVIDE...
  label=$1 expected=$2; shift 2
  pcdir=$tmp/pc-$label; mkdir -p "$pcdir" "$tmp/build-$label"
  for pc in "$@"; do ln -s "$(pkg-config --variable=pcfiledir "$pc")/$pc.pc" "$pcdir/"; done
  (cd "$tmp/build-$label" && PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$pcdir" \
     "$src/configure" --disable-tests >out.log 2>&1)
  rc=$?
  if [ $rc -eq 0 ]; then
    echo "FAIL ($label): configure succeeded without its dependency"; fail=1
  elif grep -q "$expected" "$tmp/build-$label/out.log"; then
    echo "ok ($label): configure failed naming $expected:"
    grep "error:" "$tmp/build-$label/out.log" | head -1
  else
    echo "FAIL ($label): configure failed but did not name $expected:"; tail -3 "$tmp/build-$label/out.log"; fail=1
  fi
}

check no-nettle nettle-dev
check no-gnutls libgnutls28-dev nettle hogweed
exit $fail
