#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# steerlb_emulate.py STEERLB STEERCTL: steerlb --emulate against the devices' hash vectors: the
# flows of REFERENCE.md's netmap lb vectors, PF_RING's additive hash and the xor buckets must
# reach exactly the worker the device would pick (both directions, every packet).
import json
import os
import socket
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
import pcap  # noqa: E402

lb, ctl = sys.argv[1], sys.argv[2]
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
etc = os.path.join(root, 'etc')
failures = passes = 0


def frame(proto, src, sport, dst, dport):
    l4 = pcap.tcp(sport, dport, flags=0x10) if proto == 6 else pcap.udp(sport, dport)
    ip = pcap.ipv4(socket.inet_aton(src), socket.inet_aton(dst), proto, l4, ident=1)
    return pcap.eth(pcap.mac('02:00:00:00:00:01'), pcap.mac('02:00:00:00:00:02'), 0x0800, ip)


def read_pcap(path):
    return pcap.frames(path) if os.path.exists(path) else []


def ip32(a):
    return struct.unpack('!I', socket.inet_aton(a))[0]


# (proto, src, sport, dst, dport, netmap lb hash from REFERENCE.md)
flows = [
    (6, '66.9.149.187', 2794, '161.142.100.80', 1766, 0x29a629a6),
    (6, '10.0.0.1', 1234, '10.0.0.2', 80, 0x54695469),
    (17, '192.168.1.10', 51515, '8.8.8.8', 53, 0x0bc20bc2),
    (6, '198.51.100.7', 40001, '203.0.113.9', 443, None),
    (17, '10.20.30.40', 5353, '10.20.30.41', 5353, None),
    (6, '172.16.5.4', 65000, '192.0.2.200', 22, None),
]


def pfring(p):  # kernel/pf_ring.c hash_pkt, 4-tuple cluster: addresses + ports, no proto
    return (ip32(p[1]) + ip32(p[3]) + p[2] + p[4]) & 0xffffffff


plan = json.loads(subprocess.run([ctl, '-c', etc, 'plan', '--json'], check=True,
                                 capture_output=True, text=True).stdout)
names = [w['name'] for w in plan['workers']]


def xor_worker(p):  # masked address XOR, low bits select the bucket
    return plan['table'][(ip32(p[1]) ^ ip32(p[3])) & (plan['buckets'] - 1)]


cases = {
    'netmap-lb': [(p, p[5] % len(names)) for p in flows if p[5] is not None],
    'pfring': [(p, pfring(p) % len(names)) for p in flows],
    'ovs': [(p, xor_worker(p)) for p in flows],
    'click': [(p, xor_worker(p)) for p in flows],
}

with tempfile.TemporaryDirectory() as t:
    for profile, expect in cases.items():
        frames, owner = [], {}
        for p, w in expect:
            for fr in (frame(p[0], p[1], p[2], p[3], p[4]), frame(p[0], p[3], p[4], p[1], p[2])):
                for _ in range(3):
                    frames.append(fr)
                owner[fr[14:]] = w
        src = os.path.join(t, profile + '.pcap')
        out = os.path.join(t, profile)
        pcap.write_frames(src, frames)
        r = subprocess.run([lb, '-c', etc, '-r', src, '--emulate', profile, '--split', out],
                           capture_output=True, text=True)
        if r.returncode != 0:
            failures += 1
            print(f'FAIL: steerlb --emulate {profile}: exit {r.returncode}: {r.stderr.strip()}')
            continue
        seen = {}
        for i, n in enumerate(names):
            for fr in read_pcap(os.path.join(out, n + '.pcap')):
                seen.setdefault(fr[14:], []).append(i)
        for body, w in owner.items():
            got = seen.get(body, [])
            if got == [w] * 3:
                passes += 1
            else:
                failures += 1
                print(f'FAIL: --emulate {profile}: packet should reach {names[w]} 3 times, '
                      f'reached {[names[g] for g in got]}')

print(f'steerlb --emulate vectors: {passes} passed, {failures} failed')
sys.exit(1 if failures else 0)
