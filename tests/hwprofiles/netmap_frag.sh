#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# netmap_frag.sh BINDIR: what netmap lb does to fragmented traffic, shown on a trace as generate's
# warning says: steerlb --emulate netmap-lb on a synthetic trace with fragmented IPv4 and IPv6
# UDP, then steercheck pcap on the workers' captures, finds split flows, and they are exactly
# the fragmented ones (the IPv4 datagrams whose later fragments' data lb read as ports; its IPv6
# hash has no ports, so IPv6 fragments stay together); the same trace through steer's own
# balancer (fragments = remember) splits nothing.
set -uo pipefail
bindir=$(readlink -f "$1")
. "$(dirname "$0")/../lib/harness.sh"
th_init netmap_frag
ctl=$bindir/steerctl lb=$bindir/steerlb chk=$bindir/steercheck
cfg=$TH_ROOT/tests/data/generate/netmap-lb

"$ctl" synth --flows 400 --seed 3 --mix tcp:2,udp:2,frag:3,frag6:2 --out "$T/trace.pcap" \
	--truth "$T/truth" >/dev/null || { echo "FAIL: synth"; exit 1; }
expect_msg 0 "steerlb --emulate netmap-lb" -- "$lb" -c "$cfg" -r "$T/trace.pcap" --emulate netmap-lb \
	--split "$T/nm"
"$chk" -c "$cfg" pcap --json --top 100000 --max-imbalance 100 "$T"/nm/*.pcap >"$T/nm.json"
rc=$?
[ $rc -eq 1 ] && ok || bad "steercheck pcap on netmap lb's split: exit $rc, wanted 1 (split flows)"
python3 - "$T/nm.json" "$T/truth" <<'PY' && ok || bad "the split flows are not the fragmented IPv4 ones"
import json, sys
rep = json.load(open(sys.argv[1]))
kinds = {}  # the address pair of each flow -> its kind, from the synth truth
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == 'F':
        kinds[frozenset(e.rsplit(':', 1)[0] for e in f[4:6])] = f[2]
faults = [f for f in rep["findings"] if f["kind"] in ("split", "asymmetric")]
got = sorted(set(kinds.get(frozenset((f["flow"]["src"], f["flow"]["dst"])), '?') for f in faults))
frag4 = sum(1 for k in kinds.values() if k == 'frag')
c = rep["counts"]
print("  netmap lb: %d split and %d asymmetric flows; %d fragmented IPv4 flows in the trace; "
      "kinds of the faulty flows: %s" % (c["split"], c["asymmetric"], frag4, got))
sys.exit(0 if got == ['frag'] and len(faults) == c["split"] + c["asymmetric"]
         and c["split"] >= frag4 // 2 else 1)
PY
# steer's own balancer remembers the first fragment's worker: nothing split
expect_msg 0 "steerlb (remember)" -- "$lb" -c "$cfg" -r "$T/trace.pcap" --split "$T/own"
"$chk" -c "$cfg" pcap --json --max-imbalance 100 --no-predict "$T"/own/*.pcap >"$T/own.json"
json "$T/own.json" "steer's own balancer splits no fragmented flow" 'd["counts"]["split"] == 0'
th_done
