#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""zeek_oracle.py: holds steer's conn.log against Zeek's own on the traces of Zeek's test suite.

Runs a command that writes conn.log for each case of the oracle (../shared/zeek-oracle, or
$STEER_ZEEK_ORACLE), compares every column but ts, uid, service and tunnel_parents (and the extra
columns a Zeek test script added), matching connections by content, and prints for every case and
overall the share of Zeek's connections that steer logged identically. Exit 0 when every
difference is one the table of expected differences names, 1 otherwise, 77 (skipped) without the
oracle.

The command is a template: {trace} is the capture, {options} the case's options in steerd -r's
syntax (checksums, local networks, likely_server_ports as the Zeek test had them), {logdir} a
fresh directory; the command writes conn.log to standard output, or to {logdir}/conn.log when the
template names {logdir} (steerd -r FILE --log-dir {logdir}).
"""
import argparse
import collections
import os
import shlex
import struct
import subprocess
import sys
import tempfile

COMPARED = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'duration',
            'orig_bytes', 'resp_bytes', 'conn_state', 'local_orig', 'local_resp',
            'missed_bytes', 'history', 'orig_pkts', 'orig_ip_bytes', 'resp_pkts',
            'resp_ip_bytes', 'ip_proto']
KEY = ['id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'ip_proto']

# likely_server_ports: Zeek's default (every base script loaded), and the share each script
# contributes when a test runs bare (zeek -b) and loads only some.
PACKET_PROTOCOL_UDP = '2123,2152,3544,4754,4789,5072,6081'
SCRIPT_PORTS = {
    'http': ('80,81,631,1080,3128,8000,8080,8888', ''),
    'dns': ('53', '53,137,5353,5355'),
    'ftp': ('21,2811', ''),
    'ssh': ('22', ''),
    'irc': ('6666-6669', ''),
    'ssl': ('443,563,585,614,636,989,990,992,993,995,5223', '443'),
    'krb': ('88', '88'),
    'ntp': ('', '123'),
    'rdp': ('3389', '3389'),
    'redis': ('6379', ''),
    'pop3': ('', ''),
    'smtp': ('25,587', ''),
}


def bare(*scripts):
    """Options of a zeek -b test that loads the given base/protocols scripts."""
    tcp = ','.join(p for p in (SCRIPT_PORTS[s][0] for s in scripts) if p)
    udp = ','.join(p for p in [PACKET_PROTOCOL_UDP] + [SCRIPT_PORTS[s][1] for s in scripts] if p)
    return ['--likely-tcp=' + tcp, '--likely-udp=' + udp]


# What each test's script (%INPUT) changes that the tracker has an option for. Cases not listed
# run bare with nothing loaded (-b) or with Zeek's defaults.
CASE_OPTIONS = {
    'core.erspanIII': bare(),
    'core.history-flip': bare('http') + ['--local=125.190.109.0/24'],
    'core.pbb': bare(),
    'core.pcap.dynamic-filter': bare('http', 'dns'),
    'core.q-in-q': bare(),
    'core.radiotap': bare('dns'),
    'core.skip_analyzer': bare() + ['--skip-bytes=38'],
    'core.tcp.miss-end-data': ['--report-gaps-for-partial'],
    'core.tcp.missing-syn': bare('http'),
    'core.tcp.reassembly-known-ports': bare('http'),
    'core.tunnels.analyzer-confirmation': bare('http'),
    'core.tunnels.ayiya-large-identity': bare(),
    'core.tunnels.geneve-ipv6': bare(),
    'core.tunnels.geneve': bare(),
    'core.tunnels.gre-aruba-amsdu': bare(),
    'core.tunnels.gre-in-gre': bare(),
    'core.tunnels.gre-over-udp': bare('dns', 'http'),
    'core.tunnels.gre-pptp': bare('dns'),
    'core.tunnels.gre': bare('dns', 'ssh', 'ntp'),
    'core.tunnels.gtp.different_dl_and_ul': bare('http'),
    'core.tunnels.gtp.inner_ipv6': bare('dns'),
    'core.tunnels.gtp.opt_header': bare('ssl'),
    'core.tunnels.teredo_bubble_with_payload': bare('http'),
    'core.tunnels.vxlan': bare(),
    'core.unknown-ip-protocol': bare(),
    'core.vntag': bare(),
    'core.wlanmon': bare('dns'),
    'scripts.base.frameworks.logging.field-extension-complex': bare(),
    'scripts.base.frameworks.logging.field-extension': bare(),
    'scripts.base.frameworks.logging.scope_sep': bare(),
    'scripts.base.protocols.ftp.cwd-navigation': bare('ftp'),
    'scripts.base.protocols.ftp.ftp-invalid-reply-code': bare('ftp'),
    'scripts.base.protocols.ftp.ftp-ipv6': bare('ftp'),
    'scripts.base.protocols.ftp.ftp-max-command-length': bare('ftp'),
    'scripts.base.protocols.ftp.ftp-missing-space-after-reply-code': bare('ftp'),
    'scripts.base.protocols.http.http-connect': bare('http', 'smtp'),
    'scripts.base.protocols.irc.basic': bare('irc'),
    'scripts.base.protocols.irc.starttls': bare('irc', 'ssl'),
    'scripts.base.protocols.krb.krb-service-name': bare('krb'),
    'scripts.base.protocols.ntp.misordered-ntp': bare('ntp'),
    'scripts.base.protocols.pop3.bad-list-retr-crafted': bare('pop3'),
    'scripts.base.protocols.pop3.starttls': bare('pop3', 'ssl'),
    'scripts.base.protocols.rdp.rdpeudp-handshake-fail': bare('rdp'),
    'scripts.base.protocols.rdp.rdpeudp-handshake-success': bare('rdp'),
    'scripts.base.protocols.redis.django-cloud': bare('redis'),
}

# Differences that are deliberate: (case, the connection's key fields as Zeek logs them, or None
# for every connection of the case) -> why.
EXPECTED = {
    ('scripts.base.protocols.ftp.ftp-max-command-length',
     ('127.0.0.1', '58634', '127.0.0.1', '21', 'tcp', '6')):
        "the 'X' in the history is Zeek's FTP analyzer reaching a command length limit: "
        'protocol analysis, which steer does not do',
    ('scripts.base.protocols.ntp.misordered-ntp',
     ('192.168.1.95', '123', '17.253.4.253', '123', 'udp', '17')):
        "Zeek's NTP analyzer turns the roles round when the first datagram is a server's reply "
        "(history 'D^'): protocol analysis, which steer does not do",
}


def pcap_ports(frame, linktype):
    """The (sport, dport) of a TCP or UDP packet in an Ethernet or raw frame, or None."""
    off = 0
    if linktype == 1:
        if len(frame) < 14:
            return None
        etype, off = struct.unpack('!H', frame[12:14])[0], 14
        while etype in (0x8100, 0x88a8) and len(frame) >= off + 4:
            etype, off = struct.unpack('!H', frame[off + 2:off + 4])[0], off + 4
        if etype not in (0x0800, 0x86dd):
            return None
    if len(frame) < off + 1:
        return None
    if frame[off] >> 4 == 4:
        ihl = (frame[off] & 15) * 4
        proto, l4 = frame[off + 9], off + ihl
    elif frame[off] >> 4 == 6:
        proto, l4 = frame[off + 6], off + 40
    else:
        return None
    if proto not in (6, 17) or len(frame) < l4 + 4:
        return None
    return struct.unpack('!HH', frame[l4:l4 + 4])


def dynamic_filter(src, dst):
    """core.pcap.dynamic-filter's script installs the capture filter 'port 80' after the first
    packet of a connection and 'port 53' after the second: the capture Zeek saw."""
    with open(src, 'rb') as f:
        data = f.read()
    magic = struct.unpack('<I', data[:4])[0]
    endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    out, off, seen = [data[:24]], 24, 0
    while off + 16 <= len(data):
        caplen = struct.unpack(endian + 'I', data[off + 8:off + 12])[0]
        rec = data[off:off + 16 + caplen]
        off += 16 + caplen
        ports = pcap_ports(rec[16:], linktype)
        want = None if seen == 0 else (80 if seen == 1 else 53)
        if want is not None and (ports is None or want not in ports):
            continue
        if ports is not None:
            seen += 1
        out.append(rec)
    with open(dst, 'wb') as f:
        f.write(b''.join(out))


# Cases whose script changed what Zeek read: the capture is rewritten the same way first.
CASE_INPUT = {
    'core.pcap.dynamic-filter': dynamic_filter,
}


def read_log(text):
    fields, rows = None, []
    for line in text.splitlines():
        if line.startswith('#fields'):
            fields = line.split('\t')[1:]
        elif line and not line.startswith('#'):
            if fields is None:
                raise ValueError('conn.log without a #fields line')
            row = dict(zip(fields, line.split('\t')))
            # A test may set Log::scope_sep: id_orig_h is id.orig_h.
            for f in list(row):
                if f.startswith('id_'):
                    row['id.' + f[3:]] = row.pop(f)
            rows.append(row)
    return rows


def key(row):
    return tuple(row.get(k, '?') for k in KEY)


def match(zeek, ours):
    """Pairs Zeek's rows with ours: by the connection key, then most fields alike."""
    pool = collections.defaultdict(list)
    for r in ours:
        pool[key(r)].append(r)
    pairs = []
    for z in zeek:
        cands = pool.get(key(z), [])
        best = max(cands, key=lambda r: sum(r.get(f) == z.get(f) for f in COMPARED),
                   default=None)
        if best is not None:
            cands.remove(best)
        pairs.append((z, best))
    extra = [r for rs in pool.values() for r in rs]
    return pairs, extra


def run_case(template, oracle, case, trace, checksums_off):
    opts = list(CASE_OPTIONS.get(case, []))
    if checksums_off:
        opts.append('-C')
    with tempfile.TemporaryDirectory() as logdir:
        trace = os.path.join(oracle, trace)
        if case in CASE_INPUT:
            filtered = os.path.join(logdir, 'input.pcap')
            CASE_INPUT[case](trace, filtered)
            trace = filtered
        cmd = template.format(trace=shlex.quote(trace),
                              options=' '.join(shlex.quote(o) for o in opts),
                              logdir=shlex.quote(logdir))
        res = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        if res.returncode != 0:
            raise RuntimeError(f'{cmd}: exit {res.returncode}: {res.stderr.strip()}')
        if '{logdir}' in template:
            with open(os.path.join(logdir, 'conn.log')) as f:
                return read_log(f.read())
        return read_log(res.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('command', help='template of the command writing conn.log')
    ap.add_argument('--source', default=os.path.join(os.path.dirname(__file__), '..', '..'),
                    help='the source root (the oracle is looked for beside it)')
    ap.add_argument('--case', action='append', help='only these cases')
    ap.add_argument('-v', '--verbose', action='store_true', help='show every difference')
    args = ap.parse_args()

    oracle = os.environ.get('STEER_ZEEK_ORACLE') or os.path.join(args.source, '..', 'shared',
                                                                 'zeek-oracle')
    manifest = os.path.join(oracle, 'MANIFEST.tsv')
    if not os.path.exists(manifest):
        print(f'zeek_oracle: SKIP: no oracle at {oracle} (set STEER_ZEEK_ORACLE)')
        return 77

    total = same = expected = 0
    unexplained = []
    with open(manifest) as f:
        lines = [l.rstrip('\n').split('\t') for l in f if l.strip()][1:]
    for case, trace, baseline, cmdline in lines:
        if args.case and case not in args.case:
            continue
        with open(os.path.join(oracle, baseline)) as f:
            zeek = read_log(f.read())
        ours = run_case(args.command, oracle, case, trace, ' -C ' in f' {cmdline} ')
        pairs, extra = match(zeek, ours)
        ok = 0
        for z, r in pairs:
            diffs = [(c, z.get(c), r.get(c) if r else None) for c in COMPARED
                     if r is None or z.get(c) != r.get(c)]
            if not diffs:
                ok += 1
                continue
            why = EXPECTED.get((case, key(z))) or EXPECTED.get((case, None))
            if why:
                expected += 1
            else:
                unexplained.append((case, key(z), diffs))
            if args.verbose or not why:
                what = 'missing' if r is None else ', '.join(
                    f'{c}: zeek {a} steer {b}' for c, a, b in diffs)
                print(f'  {case} {" ".join(key(z))}: {what}' + (f' [expected: {why}]' if why else ''))
        for r in extra:
            k = key(r)
            rev = (k[2], k[3], k[0], k[1]) + k[4:]
            why = EXPECTED.get((case, k)) or EXPECTED.get((case, rev)) or EXPECTED.get((case, None))
            if why and args.verbose:
                print(f'  {case} {" ".join(k)}: not in Zeek\'s log [expected: {why}]')
            elif not why:
                print(f'  {case} {" ".join(k)}: not in Zeek\'s log')
                unexplained.append((case, k, 'extra'))
        total += len(pairs)
        same += ok
        print(f'{case}: {ok}/{len(pairs)} identical' + (f', {len(extra)} extra' if extra else ''))
    share = 100.0 * same / total if total else 0.0
    print(f'overall: {same}/{total} connections identical ({share:.1f}%), '
          f'{expected} named as expected differences, {len(unexplained)} unexplained')
    return 1 if unexplained else 0


if __name__ == '__main__':
    sys.exit(main())
