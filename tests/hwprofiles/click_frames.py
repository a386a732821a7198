#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# click_frames.py: frames and comparisons for tests/hwprofiles/click_real.sh (through
# tests/lib/pcap.py).
#   edge IN OUT     OUT: IN's records, then one frame of each kind that steerctl synth does not
#                   make: single 0x88a8 and 0x9100 tags, 0x8100 over ARP and over MPLS, two
#                   0x8100 tags, PBB, VN-Tag, FabricPath, PPPoE, MPLS multicast, IPv4 options,
#                   802.3 LLC, a jumbo frame, and IP frames Click must read as steer does:
#                   cut before the addresses, a bad version, a header length under 5 words
#   same A B        A and B hold the same frames with the same timestamps, record by record,
#                   whatever their precision (Click writes nanoseconds) and snaplen; prints the
#                   first differences by kind of frame, exit 1
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
import pcap  # noqa: E402

D, S = pcap.mac('00:1b:21:00:00:01'), pcap.mac('00:1b:21:0a:0b:0c')


def tag(tpid, vid, ethertype):
    return struct.pack('!HHH', tpid, vid, ethertype)


def edge_frames():
    """(what, frame) for each edge kind; each its own flow and MAC pair (one 5-tuple under two
    encapsulations would be two decisions of the device for one flow)."""
    out = []
    for i, what in enumerate(EDGE):
        a, b = bytes([10, 0, 0, 1]), bytes([10, 0, 7, 2 + i])
        a6 = bytes.fromhex('20010db8000000000000000000000001')
        b6 = bytes.fromhex('20010db80000000000000000000a0b%02x' % (0x10 + i))
        u = pcap.udp(1000 + i, 53, b'x' * 20)
        ip, ip6 = pcap.ipv4(a, b, 17, u), pcap.ipv6(a6, b6, 17, u)
        l2 = D + S[:5] + bytes([i])
        mpls = struct.pack('!I', (16 << 12) | 0x100 | 64)
        frame = {
            '88a8 tag, IPv4': l2 + tag(0x88a8, 5, 0x0800) + ip,
            '9100 tag, IPv6': l2 + tag(0x9100, 5, 0x86dd) + ip6,
            '8100 tag, ARP': l2 + tag(0x8100, 5, 0x0806) + b'\0' * 28,
            '8100 tag, MPLS, IPv4': l2 + tag(0x8100, 5, 0x8847) + mpls + ip,
            '8100 8100, IPv4': l2 + tag(0x8100, 5, 0x8100) + struct.pack('!HH', 6, 0x0800) + ip,
            'PBB, IPv4': l2 + struct.pack('!HI', 0x88e7, 1) + l2 + struct.pack('!H', 0x0800) + ip,
            'VN-Tag, IPv4': l2 + struct.pack('!HIH', 0x8926, 0, 0x0800) + ip,
            'FabricPath, IPv4': l2 + struct.pack('!HH', 0x8903, 1) + l2 + b'\x08\x00' + ip,
            'PPPoE, IPv4': l2 + struct.pack('!HBBHHH', 0x8864, 0x11, 0, 1, len(ip) + 2, 0x21) + ip,
            'MPLS multicast, IPv4': l2 + struct.pack('!H', 0x8848) + mpls + ip,
            'IPv4 options': l2 + b'\x08\x00\x46' + ip[1:20] + b'\1\1\1\0' + ip[20:],
            '802.3 LLC': l2 + struct.pack('!H', 40) + b'\x42\x42\x03' + b'\0' * 37,
            'jumbo IPv4': l2 + b'\x08\x00' + pcap.ipv4(a, b, 17, pcap.udp(1, 2, b'j' * 8900)),
            'IPv4 cut before dst': (l2 + b'\x08\x00' + ip)[:30],
            'IPv6 cut before dst': (l2 + b'\x86\xdd' + ip6)[:40],
            'tagged IPv4 cut': l2 + tag(0x8100, 5, 0x0800) + ip[:16],
            'IPv4 version 6': l2 + b'\x08\x00\x65' + ip[1:],
            'IPv4 header length 3': l2 + b'\x08\x00\x43' + ip[1:],
            'tagged IPv4 header length 4': l2 + tag(0x88a8, 5, 0x0800) + b'\x44' + ip[1:],
            'IPv6 version 4': l2 + b'\x86\xdd\x40' + ip6[1:],
        }[what]
        out.append((what, frame))
    return out


EDGE = ['88a8 tag, IPv4', '9100 tag, IPv6', '8100 tag, ARP', '8100 tag, MPLS, IPv4',
        '8100 8100, IPv4', 'PBB, IPv4', 'VN-Tag, IPv4', 'FabricPath, IPv4', 'PPPoE, IPv4',
        'MPLS multicast, IPv4', 'IPv4 options', '802.3 LLC', 'jumbo IPv4', 'IPv4 cut before dst',
        'IPv6 cut before dst', 'tagged IPv4 cut', 'IPv4 version 6', 'IPv4 header length 3',
        'tagged IPv4 header length 4', 'IPv6 version 4']


def kind(fr):
    """The EtherType chain of a frame, for messages."""
    out, off = [], 12
    while off + 2 <= len(fr) and len(out) < 4:
        t = struct.unpack('!H', fr[off:off + 2])[0]
        out.append('%04x' % t)
        if t not in (0x8100, 0x88a8, 0x9100):
            break
        off += 4
    return '/'.join(out) or 'short'


def ns(cap, r):
    return r.sec * 10**9 + (r.frac if cap.nano else r.frac * 1000)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'edge':
        cap = pcap.read(sys.argv[2])
        last = cap.records[-1].sec if cap.records else 1000
        for i, (_, fr) in enumerate(edge_frames()):
            cap.records.append(pcap.Record(last + 1 + i, 250 if cap.nano else 0, len(fr), fr))
        cap.snaplen = 262144
        pcap.write(sys.argv[3], cap)
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == 'same':
        a, b = pcap.read(sys.argv[2]), pcap.read(sys.argv[3])
        bad = []
        if len(a.records) != len(b.records):
            bad.append('%d records in %s, %d in %s' % (len(a.records), sys.argv[2],
                                                       len(b.records), sys.argv[3]))
        for i, (x, y) in enumerate(zip(a.records, b.records)):
            if x.data != y.data or x.orig != y.orig or ns(a, x) != ns(b, y):
                what = 'bytes' if x.data != y.data else 'length' if x.orig != y.orig else 'time'
                bad.append('record %d (%s, %d bytes): %s differ' % (i + 1, kind(x.data),
                                                                   len(x.data), what))
        for line in bad[:12]:
            print('  ' + line)
        if len(bad) > 12:
            print('  ... %d more' % (len(bad) - 12))
        return 1 if bad else 0
    print('usage: click_frames.py edge IN OUT | same A B', file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
