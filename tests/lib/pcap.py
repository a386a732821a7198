#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""pcap.py: the tests' one capture helper: classic pcap files read and written directly
(tcpdump.org/manpages/pcap-savefile.5: either byte order, micro- or nanosecond magic), pcapng
written (IETF draft-ietf-opsawg-pcapng: SHB, one IDB, EPBs), and frames built byte by byte
(Ethernet, 802.1Q, IPv4 RFC 791, IPv6 RFC 8200, UDP RFC 768, TCP RFC 9293). A module for the
Python tests (import pcap, with tests/lib on PYTHONPATH) and a command for the shell tests:
  pcap.py count FILE...             packets in all FILEs
  pcap.py cut IN OUT N              OUT: IN cut in the middle of packet N; prints its offset
  pcap.py head IN OUT1 OUT2 K       OUT1: the header and the first K records; OUT2: the rest
  pcap.py pcapng IN OUT             the same packets as pcapng (nanosecond if IN is)
  pcap.py bymac IN OUT MAC[,MAC]    the frames sent to one of the MACs
  pcap.py dropdir IN OUT            untagged IPv4 TCP from the higher address dropped
  pcap.py corrupt IN OUT N LEN      packet N's captured length field set to LEN
  pcap.py rawip IN OUT              Ethernet headers stripped: a LINKTYPE_RAW (101) capture
  pcap.py linktype IN OUT LT        the header's link type set to LT
  pcap.py onerec OUT LT CAPLEN [CAPLEN...]  records of zero bytes with these lengths (LT)
"""
import struct
import sys

MAGIC_US, MAGIC_NS = 0xa1b2c3d4, 0xa1b23c4d
LINKTYPE_ETHERNET, LINKTYPE_RAW = 1, 101


class Record:
    """One packet: timestamp (seconds, fraction in the file's unit), original length, bytes."""
    __slots__ = ('sec', 'frac', 'orig', 'data')

    def __init__(self, sec, frac, orig, data):
        self.sec, self.frac, self.orig, self.data = sec, frac, orig, data

    def __eq__(self, o):
        return (self.sec, self.frac, self.orig, self.data) == (o.sec, o.frac, o.orig, o.data)


class Capture:
    """A classic pcap file: its header fields and records."""

    def __init__(self, records=None, linktype=LINKTYPE_ETHERNET, snaplen=262144, nano=False,
                 endian='<', header=None):
        self.records = records if records is not None else []
        self.linktype, self.snaplen, self.nano, self.endian = linktype, snaplen, nano, endian
        self.header = header

    def frames(self):
        return [r.data for r in self.records]


def read(path, strict=True):
    """Reads a classic pcap file. strict: a truncated record is an error (SystemExit naming the
    file and offset); otherwise the reading stops there."""
    with open(path, 'rb') as f:
        buf = f.read()
    if len(buf) < 24:
        raise SystemExit(f'{path}: no pcap header ({len(buf)} bytes)')
    magic = struct.unpack('<I', buf[:4])[0]
    if magic in (MAGIC_US, MAGIC_NS):
        e = '<'
    elif struct.unpack('>I', buf[:4])[0] in (MAGIC_US, MAGIC_NS):
        e = '>'
    else:
        raise SystemExit(f'{path}: bad magic {magic:#x}')
    nano = struct.unpack(e + 'I', buf[:4])[0] == MAGIC_NS
    snaplen, lt = struct.unpack(e + 'II', buf[16:24])
    cap = Capture([], lt & 0x03ffffff, snaplen, nano, e, buf[:24])
    off = 24
    while off < len(buf):
        if off + 16 > len(buf) or off + 16 + struct.unpack(e + 'I', buf[off + 8:off + 12])[0] > len(buf):
            if strict:
                raise SystemExit(f'{path}: truncated record at byte offset {off}')
            break
        s, fr, cl, ol = struct.unpack(e + 'IIII', buf[off:off + 16])
        cap.records.append(Record(s, fr, ol, buf[off + 16:off + 16 + cl]))
        off += 16 + cl
    return cap


def frames(path, strict=True):
    """The captured bytes of every record of a classic pcap file."""
    return read(path, strict).frames()


def header(linktype=LINKTYPE_ETHERNET, snaplen=262144, nano=False, endian='<', major=2,
           minor=4):
    return struct.pack(endian + 'IHHiIII', MAGIC_NS if nano else MAGIC_US, major, minor, 0, 0,
                       snaplen, linktype)


def record(rec, endian='<', caplen=None):
    cl = len(rec.data) if caplen is None else caplen
    return struct.pack(endian + 'IIII', rec.sec, rec.frac, cl, rec.orig) + rec.data


def write(path, cap):
    """Writes cap (a Capture) as a classic pcap file in its byte order and precision."""
    with open(path, 'wb') as f:
        f.write(header(cap.linktype, cap.snaplen, cap.nano, cap.endian))
        for r in cap.records:
            f.write(record(r, cap.endian))


def write_frames(path, frames_, linktype=LINKTYPE_ETHERNET, t0=1000):
    """Frames one per second from t0, each whole (captured = original length)."""
    write(path, Capture([Record(t0 + i, 0, len(fr), fr) for i, fr in enumerate(frames_)],
                        linktype))


def write_pcapng(path, cap):
    """The records of cap as pcapng: a section header, one interface (with if_tsresol 9 for
    nanoseconds), one enhanced packet block per record."""
    def block(t, body):
        body += b'\0' * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack('<II', t, n) + body + struct.pack('<I', n)
    opts = struct.pack('<HH', 9, 1) + bytes([9 if cap.nano else 6]) + b'\0\0\0' \
        + struct.pack('<HH', 0, 0)
    data = block(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1))
    data += block(1, struct.pack('<HHI', cap.linktype, 0, cap.snaplen) + opts)
    for r in cap.records:
        ts = r.sec * (10**9 if cap.nano else 10**6) + r.frac
        data += block(6, struct.pack('<IIIII', 0, ts >> 32, ts & 0xffffffff, len(r.data), r.orig)
                      + r.data)
    with open(path, 'wb') as f:
        f.write(data)


def record_offsets(path):
    """(buffer, [byte offset of each record]) of a little-endian classic pcap file, read as far
    as its records are whole."""
    with open(path, 'rb') as f:
        buf = f.read()
    offs, off = [], 24
    while off + 16 <= len(buf):
        offs.append(off)
        off += 16 + struct.unpack('<I', buf[off + 8:off + 12])[0]
    return buf, offs


# ---- frames ----

def mac(text):
    return bytes.fromhex(text.replace(':', ''))


def csum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(dst, src, ethertype, payload, vlan=None):
    """An Ethernet frame (MACs as bytes), 802.1Q-tagged when vlan is given."""
    tag = struct.pack('!HH', 0x8100, vlan) if vlan is not None else b''
    return dst + src + tag + struct.pack('!H', ethertype) + payload


def ipv4(src, dst, proto, payload, ident=0, ttl=64):
    """An IPv4 packet (addresses as 4 bytes) with its header checksum."""
    h = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident & 0xffff, 0, ttl, proto,
                    0, src, dst)
    return h[:10] + struct.pack('!H', csum(h)) + h[12:] + payload


def ipv6(src, dst, nh, payload, hlim=64):
    """An IPv6 packet (addresses as 16 bytes)."""
    return struct.pack('!IHBB16s16s', 0x60000000, len(payload), nh, hlim, src, dst) + payload


def udp(sport, dport, payload=b''):
    """A UDP datagram, checksum 0 (none, for IPv4)."""
    return struct.pack('!HHHH', sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, payload=b'', seq=1, ack=0, flags=0x10, window=1024):
    """A TCP segment of 20 header bytes (checksum left 0)."""
    return struct.pack('!HHIIBBHHH', sport, dport, seq, ack, 0x50, flags, window, 0, 0) + payload


# ---- the command ----

def _count(a):
    print(sum(len(read(p).records) for p in a))


def _cut(a):
    inp, out, n = a[0], a[1], int(a[2])
    buf, offs = record_offsets(inp)
    off = offs[n - 1]
    cl = struct.unpack('<I', buf[off + 8:off + 12])[0]
    with open(out, 'wb') as f:
        f.write(buf[:off + 16 + cl // 2])
    print(off)


def _head(a):
    inp, o1, o2, k = a[0], a[1], a[2], int(a[3])
    buf, offs = record_offsets(inp)
    off = offs[k] if k < len(offs) else len(buf)
    with open(o1, 'wb') as f:
        f.write(buf[:off])
    with open(o2, 'wb') as f:
        f.write(buf[off:])


def _pcapng(a):
    write_pcapng(a[1], read(a[0]))


def _bymac(a):
    cap = read(a[0])
    macs = {mac(m) for m in a[2].split(',')}
    cap.records = [r for r in cap.records if r.data[:6] in macs]
    write(a[1], cap)


def _dropdir(a):
    cap = read(a[0])
    cap.records = [r for r in cap.records
                   if not (len(r.data) >= 34 and r.data[12:14] == b'\x08\x00'
                           and r.data[23] == 6 and r.data[26:30] > r.data[30:34])]
    write(a[1], cap)


def _corrupt(a):
    inp, out, n, length = a[0], a[1], int(a[2]), int(a[3], 0)
    buf, offs = record_offsets(inp)
    b = bytearray(buf)
    b[offs[n - 1] + 8:offs[n - 1] + 12] = struct.pack('<I', length)
    with open(out, 'wb') as f:
        f.write(b)


def _rawip(a):
    cap = read(a[0])
    cap.linktype = LINKTYPE_RAW
    cap.records = [Record(r.sec, r.frac, r.orig - 14, r.data[14:]) for r in cap.records]
    write(a[1], cap)


def _linktype(a):
    cap = read(a[0])
    cap.linktype = int(a[2])
    write(a[1], cap)


def _onerec(a):
    out, lt = a[0], int(a[1])
    write(out, Capture([Record(i + 1, 0, int(n), bytes(int(n))) for i, n in enumerate(a[2:])],
                       lt, 65535))


COMMANDS = {'count': _count, 'cut': _cut, 'head': _head, 'pcapng': _pcapng, 'bymac': _bymac,
            'dropdir': _dropdir, 'corrupt': _corrupt, 'rawip': _rawip, 'linktype': _linktype,
            'onerec': _onerec}

if __name__ == '__main__':
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        if sys.argv[1:] in (['-h'], ['--help']):
            print(__doc__)
            sys.exit(0)
        sys.exit('usage: pcap.py ' + '|'.join(COMMANDS) + ' ARGS... (pcap.py --help)')
    COMMANDS[sys.argv[1]](sys.argv[2:])
