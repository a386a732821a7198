#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# steerlb_check.py: checks steerlb's outputs against its input and steerctl synth's ground truth
# (the captures read with tests/lib/pcap.py).
#   split IN TRUTH OUTDIR outer|inner STATS [STEERCTL CONFDIR SAMPLE]
#   rewrite IN OUT SPLITDIR PLAN.json mac|vlan
#   failover IN TRUTH DIR-BEFORE DIR-AFTER FAILED outer|inner
#   replan IN DIR-A DIR-B DIR-HUP K
import glob
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
import pcap  # noqa: E402


def read_pcap(path):
    """[(ts_sec, ts_frac, orig_len, data)] of a classic pcap file; a truncated one is an error."""
    return [(r.sec, r.frac, r.orig, r.data) for r in pcap.read(path).records]


def read_truth(path):
    flows, pkts = {}, {}
    with open(path) as f:
        for line in f:
            if line.startswith('F '):
                head, _, inner = line.rstrip('\n').partition('\t')
                parts = head.split(' ', 3)
                flows[int(parts[1])] = (parts[2], parts[3] if len(parts) > 3 else '-',
                                        inner or '-')
            elif line.startswith('P '):
                _, n, fid, d = line.split()
                pkts[int(n)] = (int(fid), d)
    return flows, pkts


def unit_of(flows, pkts, idx, mode):
    """The unit that must stay on one worker: the flow, or under outer hashing of VXLAN (whose
    two directions are different outer UDP flows) the flow and its direction."""
    fid, d = pkts[idx]
    if mode == 'outer' and flows[fid][0] == 'vxlan':
        return (fid, d)
    return (fid, '')


def split_assign(inp, outdir):
    """Maps input packet index (1-based) -> worker, checking bytes and timestamps are unchanged
    and no packet is written twice."""
    recs = read_pcap(inp)
    by_ts = {}
    for i, r in enumerate(recs, 1):
        key = (r[0], r[1])
        if key in by_ts:
            raise SystemExit(f'{inp}: timestamps not unique (packet {i})')
        by_ts[key] = i
    where = {}
    for path in sorted(glob.glob(os.path.join(outdir, '*.pcap'))):
        w = os.path.basename(path)[:-5]
        out = read_pcap(path)
        for r in out:
            i = by_ts.get((r[0], r[1]))
            if i is None:
                raise SystemExit(f'{path}: a packet not in the input (ts {r[0]}.{r[1]})')
            if r[3] != recs[i - 1][3] or r[2] != recs[i - 1][2]:
                raise SystemExit(f'{path}: packet {i} differs from the input')
            if i in where:
                raise SystemExit(f'packet {i} in both {where[i]} and {w}')
            where[i] = w
    return recs, where


def cmd_split(a):
    inp, truth, outdir, mode, stats = a[0], a[1], a[2], a[3], a[4]
    steerctl, confdir, sample = (a[5], a[6], int(a[7])) if len(a) > 7 else (None, None, 0)
    flows, pkts = read_truth(truth)
    recs, where = split_assign(inp, outdir)
    with open(stats) as f:
        st = json.load(f)
    dropped = st['reasons']['dropped']
    if len(where) + dropped != len(recs):
        raise SystemExit(f'{len(where)} packets written + {dropped} dropped != {len(recs)} read')
    if st['packets'] != len(recs):
        raise SystemExit(f"stats say {st['packets']} packets, the input has {len(recs)}")
    per = {w['name']: w['packets'] for w in st['workers']}
    for w, n in per.items():
        got = sum(1 for x in where.values() if x == w)
        if got != n:
            raise SystemExit(f'stats say {n} packets for {w}, its pcap has {got}')
    unit = {}
    for i, w in where.items():
        u = unit_of(flows, pkts, i, mode)
        if unit.setdefault(u, w) != w:
            raise SystemExit(f'flow {u} split: packet {i} on {w}, earlier ones on {unit[u]}')
    checked = 0
    if steerctl and sample:
        ids = sorted(f for f in flows
                     if flows[f][0] != 'arp' and ((f, '') in unit or (f, 'c2s') in unit))
        asked = []
        for fid in ids[::max(1, len(ids) // sample)]:
            kind, outer, inner = flows[fid]
            args = (outer if mode == 'outer' else inner).split()
            if kind == 'arp' or args == ['-']:
                continue
            u = (fid, 'c2s') if (fid, 'c2s') in unit else (fid, '')
            if u not in unit:
                continue
            asked.append((fid, kind, args, u))
        # one steerctl for every flow: which - reads them from stdin, one JSON line each
        r = subprocess.run([steerctl, '-c', confdir, 'which', '--json', '-'], capture_output=True,
                           text=True, input=''.join(' '.join(a[2]) + '\n' for a in asked))
        if r.returncode != 0:
            raise SystemExit(f'steerctl which -: exit {r.returncode}: {r.stderr}')
        answers = r.stdout.splitlines()
        if len(answers) != len(asked):
            raise SystemExit(f'steerctl which -: {len(answers)} lines for {len(asked)} flows')
        for (fid, kind, args, u), line in zip(asked, answers):
            name = json.loads(line)['worker']
            if name != unit[u]:
                raise SystemExit(f'flow {fid} ({kind} {args}): steerctl which says {name}, '
                                 f'steerlb wrote it to {unit[u]}')
            checked += 1
    print(f'split ok: {len(recs)} packets, {len(unit)} flows, {checked} which checks')


def plan_workers(planjson):
    with open(planjson) as f:
        p = json.load(f)
    if 'plan' in p:
        p = p['plan']
    return {w['name']: w for w in p['workers']}


def cmd_rewrite(a):
    inp, out, splitdir, planjson, delivery = a
    workers = plan_workers(planjson)
    recs, where = split_assign(inp, splitdir)
    outrecs = read_pcap(out)
    kept = [i for i in range(1, len(recs) + 1) if i in where]
    if len(outrecs) != len(kept):
        raise SystemExit(f'{out}: {len(outrecs)} packets, expected {len(kept)}')
    for i, r in zip(kept, outrecs):
        src = recs[i - 1]
        w = workers[where[i]]
        if (r[0], r[1]) != (src[0], src[1]):
            raise SystemExit(f'{out}: packet {i}: timestamp changed')
        if delivery == 'vlan':
            tag = struct.pack('>HH', 0x8100, w['vlan'])
            want = src[3][:12] + tag + src[3][12:]
            if r[2] != src[2] + 4 or r[3] != want:
                raise SystemExit(f'{out}: packet {i}: not the input with tag {w["vlan"]} pushed')
        else:
            mac = bytes.fromhex(w['mac'].replace(':', ''))
            if r[2] != src[2] or r[3] != mac + src[3][6:]:
                raise SystemExit(f'{out}: packet {i}: differs from the input beyond the '
                                 f'destination MAC {w["mac"]}')
    print(f'rewrite ok: {len(outrecs)} packets, only the {delivery} bytes differ')


def cmd_failover(a):
    inp, truth, dir_a, dir_b, failed, mode = a
    flows, pkts = read_truth(truth)
    _, wa = split_assign(inp, dir_a)
    _, wb = split_assign(inp, dir_b)
    moved = stayed = 0
    for i, w in wa.items():
        if w == failed:
            if wb[i] == failed:
                raise SystemExit(f'packet {i} still on failed {failed}')
            moved += 1
        elif wb[i] != w:
            raise SystemExit(f'packet {i} moved from {w} to {wb[i]} though only {failed} failed')
        else:
            stayed += 1
    if not moved:
        raise SystemExit(f'{failed} had no packets: the test proves nothing')
    print(f'failover ok: {moved} packets moved off {failed}, {stayed} stayed')


def cmd_replan(a):
    """The run with a SIGHUP after packet K follows plan A up to K and plan B after it."""
    inp, dir_a, dir_b, dir_hup, k = a[0], a[1], a[2], a[3], int(a[4])
    _, wa = split_assign(inp, dir_a)
    _, wb = split_assign(inp, dir_b)
    recs, wh = split_assign(inp, dir_hup)
    if len(wh) != len(recs):
        raise SystemExit(f'{len(wh)} packets written of {len(recs)}')
    diff = 0
    for i in range(1, len(recs) + 1):
        want = wa[i] if i <= k else wb[i]
        if wh[i] != want:
            raise SystemExit(f'packet {i}: on {wh[i]}, the plan {"before" if i <= k else "after"}'
                             f' the SIGHUP says {want}')
        diff += i > k and wa[i] != wb[i]
    if not diff:
        raise SystemExit('plans A and B agree after the cut: the test proves nothing')
    print(f're-plan ok: cut after packet {k}, {diff} later packets followed the new plan')


if __name__ == '__main__':
    cmds = {'split': cmd_split, 'rewrite': cmd_rewrite, 'failover': cmd_failover,
            'replan': cmd_replan}
    cmds[sys.argv[1]](sys.argv[2:])
