#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# install.sh BUILD_DIR DATADIR: cmake --install into a temporary prefix, then the installed
# commands run from there and find the installed profiles, never the source tree (issue 13
# item 11: CMAKE_INSTALL_FULLDATADIR, which GNUInstallDirs does not define, put them under
# /steer/hwprofiles). DATADIR is the configured CMAKE_INSTALL_FULL_DATADIR.
set -uo pipefail
build=$1
datadir=$2
. "$(dirname "$0")/../lib/harness.sh"
th_init install
unset STEER_HWPROFILES_DIR STEER_CONFIG_DIR
p=$T/prefix
if cmake --install "$build" --prefix "$p" >"$T/install.log" 2>&1; then ok; else
	bad "cmake --install: $(tail -5 "$T/install.log")"
fi
for f in bin/steerctl bin/steercheck bin/steerlb bin/steerd share/man/man1/steerlb.1 \
	share/steer/hwprofiles/steerlb.ini share/steer/hwprofiles/openflow13.ini; do
	if [ -e "$p/$f" ]; then ok; else bad "not installed: $f"; fi
done
if [ ! -e "$p/steer" ] && ! grep -q " /steer/" "$T/install.log"; then ok; else
	bad "profiles installed outside share/: $(grep -m3 steer/hwprofiles "$T/install.log")"
fi
# the installed commands, run from another directory with the bundled configuration
cp -r "$TH_ROOT/etc" "$T/etc"
cd "$T" || exit 1
expect 0 "installed steerctl --version" -- "$p/bin/steerctl" --version
expect 0 "installed steerctl plan --check" -- "$p/bin/steerctl" -c etc plan --check
expect 0 "installed steerctl generate" -- "$p/bin/steerctl" -c etc generate --out gen
if [ -s gen/filters/worker-1.bpf ]; then ok; else bad "generate wrote no filter"; fi
expect 0 "installed steercheck plan" -- "$p/bin/steercheck" -c etc plan
expect 0 "installed steerctl synth" -- "$p/bin/steerctl" synth --flows 50 --out t.pcap
expect 0 "installed steerlb --emulate pfring" -- "$p/bin/steerlb" -c etc -r t.pcap --emulate pfring
expect 0 "installed steerd -r" -- "$p/bin/steerd" -r t.pcap --log-dir logs --seed 1
# where an installed command looks: its own share/, the configured DATADIR, not the sources
sed -i 's/^profile *=.*/profile = nosuch/' etc/steer.cfg
expect_msg 2 "installed: no such profile" -- "$p/bin/steerctl" -c etc plan --check
has "$T/err" "$p/bin/../share/steer/hwprofiles" "looked beside the installed command"
has "$T/err" "$datadir/steer/hwprofiles" "looked in the configured data directory"
lacks "$T/err" "$TH_ROOT/hwprofiles" "an installed command never reads the source tree"
th_done
