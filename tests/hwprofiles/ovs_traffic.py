#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# ovs_traffic.py: crafted test flows for tests/hwprofiles/ovs_flows.sh (frames and captures through
# tests/lib/pcap.py).
#   send IFACE PLAN.json EXPECTED   sends the frames on a raw AF_PACKET socket and writes, per
#                                   frame, "id src dst worker mac" (or "id - - - drop")
#   check PLAN.json EXPECTED W1.pcap ... verifies that every frame reached exactly its worker
#                                   (the i-th pcap is the i-th worker) with the worker's MAC
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'lib'))
import pcap  # noqa: E402

MAGIC = b"STEERTST"
SRC_MAC = bytes.fromhex("001b21000002")
DST_MAC = bytes.fromhex("001b21000001")


def frame(fam, src, dst, sport, dport, vlan, seq):
    udp = pcap.udp(sport, dport, MAGIC + struct.pack("!I", seq))
    if fam == 4:
        l3, etype = pcap.ipv4(src.packed, dst.packed, 17, udp, ident=seq), 0x0800
    else:
        l3, etype = pcap.ipv6(src.packed, dst.packed, 17, udp), 0x86DD
    return pcap.eth(DST_MAC, SRC_MAC, etype, l3, vlan)


def low32(addr):
    return int.from_bytes(addr.packed[-4:], "big")


def endpoint(addr, port):
    return ("[%s]:%d" if addr.version == 6 else "%s:%d") % (addr, port)


def send(iface, plan_path, expected_path):
    import ipaddress
    import json
    plan = json.load(open(plan_path))
    mask = plan["buckets"] - 1
    table, workers = plan["table"], plan["workers"]
    rnd = random.Random(20261129)
    frames, lines, seq = [], [], 0
    for flow in range(160):
        fam = 4 if flow % 2 == 0 else 6
        vlan = 10 + flow % 7 if flow % 3 == 0 else None
        if fam == 4:
            a = ipaddress.IPv4Address(0x0A000000 | rnd.getrandbits(24))
            b = ipaddress.IPv4Address(0xC0A80000 | rnd.getrandbits(16))
        else:
            a = ipaddress.IPv6Address((0x20010DB8 << 96) | rnd.getrandbits(64))
            b = ipaddress.IPv6Address((0x20010DB8 << 96) | (1 << 80) | rnd.getrandbits(64))
        pa, pb = 1024 + rnd.getrandbits(15), rnd.choice([53, 80, 443, 5353])
        w = workers[table[(low32(a) ^ low32(b)) & mask]]
        for (s, sp, d, dp) in ((a, pa, b, pb), (b, pb, a, pa)):  # both directions
            for _ in range(2):  # two packets per direction
                frames.append(frame(fam, s, d, sp, dp, vlan, seq))
                lines.append("%d %s %s %s %s" % (seq, endpoint(s, sp), endpoint(d, dp),
                                                 w["name"], w["mac"]))
                seq += 1
    # What Open vSwitch parses (hwprofiles/ovs.ini, openflow13.ini [emulate] l2 = vlan, 8021ad):
    # one 0x88a8 tag is seen through; QinQ, 0x9100, MPLS and PPPoE leave no IP to match, so
    # such frames are non-IP to it (non_ip = drop).
    a, b = ipaddress.IPv4Address("10.9.0.1"), ipaddress.IPv4Address("192.168.9.2")
    w = workers[table[(low32(a) ^ low32(b)) & mask]]
    mpls = struct.pack("!I", (16 << 12) | 0x100 | 64)
    tag = lambda tpid, vid, nxt: struct.pack("!HHH", tpid, vid, nxt)  # noqa: E731
    for what, l2, seen in (("88a8", tag(0x88A8, 20, 0x0800), True),
                           ("qinq", tag(0x88A8, 20, 0x8100) + struct.pack("!HH", 30, 0x0800), False),
                           ("8100 8100", tag(0x8100, 20, 0x8100) + struct.pack("!HH", 30, 0x0800), False),
                           ("9100", tag(0x9100, 20, 0x0800), False),
                           ("mpls", struct.pack("!H", 0x8847) + mpls, False),
                           ("pppoe", struct.pack("!HBBHHH", 0x8864, 0x11, 0, 1, 50, 0x21), False)):
        for _ in range(3):
            udp = pcap.udp(4000, 53, MAGIC + struct.pack("!I", seq))
            frames.append(DST_MAC + SRC_MAC + l2 + pcap.ipv4(a.packed, b.packed, 17, udp, ident=seq))
            lines.append("%d %s - %s %s" % (seq, what.replace(" ", "+"),
                                             w["name"] if seen else "-",
                                             w["mac"] if seen else "drop"))
            seq += 1
    for k in range(12):  # non-IP (ARP-typed) frames: non_ip = drop
        body = MAGIC + struct.pack("!I", seq) + bytes(28)
        frames.append(DST_MAC + bytes([0x02, 0, 0, 0, 0, k]) + b"\x08\x06" + body)
        lines.append("%d - - - drop" % seq)
        seq += 1
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for i, f in enumerate(frames):
        s.send(f)
        if i % 32 == 31:
            time.sleep(0.01)  # keep within the veth and datapath queues
    s.close()
    with open(expected_path, "w") as out:
        out.write("\n".join(lines) + "\n")


def pcap_frames(path):
    """The frames tcpdump captured (none if it wrote no header)."""
    if not os.path.exists(path) or os.path.getsize(path) < 24:
        return []
    return pcap.frames(path, strict=False)


def check(plan_path, expected_path, pcaps):
    import json
    plan = json.load(open(plan_path))
    names = [w["name"] for w in plan["workers"]]
    expected = {}
    for line in open(expected_path):
        f = line.split()
        expected[int(f[0])] = (f[3], f[4])  # worker, mac ("-", "drop" for non-IP)
    seen = {}
    bad = []
    for i, path in enumerate(pcaps):
        for fr in pcap_frames(path):
            at = fr.find(MAGIC)
            if at < 0:
                continue  # not ours (e.g. the kernel's own frames)
            seq = struct.unpack("!I", fr[at + len(MAGIC):at + len(MAGIC) + 4])[0]
            dst = ":".join("%02x" % b for b in fr[:6])
            seen.setdefault(seq, []).append((names[i], dst))
    ok = dropped = 0
    for seq, (worker, mac) in sorted(expected.items()):
        got = seen.get(seq, [])
        if mac == "drop":
            if got:
                bad.append("frame %d (non-IP) should be dropped, reached %s" % (seq, got))
            else:
                dropped += 1
        elif len(got) != 1:
            bad.append("frame %d: expected once at %s, got %s" % (seq, worker, got or "nothing"))
        elif got[0] != (worker, mac):
            bad.append("frame %d: expected %s with %s, got %s" % (seq, worker, mac, got[0]))
        else:
            ok += 1
    for line in bad[:20]:
        print("  " + line)
    per = {n: sum(1 for v in seen.values() for (w, _) in v if w == n) for n in names}
    print("  %d frames delivered as predicted, %d non-IP dropped, %d wrong; per worker %s"
          % (ok, dropped, len(bad), per))
    return 0 if not bad else 1


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "send":
        send(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 5 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4:]))
    else:
        sys.exit("usage: ovs_traffic.py send IFACE PLAN EXPECTED | check PLAN EXPECTED PCAP...")
