#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""conn_compare.py: holds a cluster's merged conn.log against one standalone steerd -r's.

  conn_compare.py [--no-times] [--expect-differ] STANDALONE_DIR_OR_FILE MERGED_FILE...

Every record is compared field by field apart from uid (each node draws its own) and the uids in
tunnel_parents (their count is compared); the order of records is free (each node writes its own
connections as they end). With --no-times, ts and duration are left out too (a live replay has
its own clock). Prints the records found on one side only. Exit 0 when both sides hold the same
records (or, with --expect-differ, when they do not), 1 otherwise, 2 on bad input.
"""
import collections
import glob
import gzip
import os
import sys


def records(path):
    op = gzip.open if path.endswith('.gz') else open
    fields, rows = None, []
    with op(path, 'rt', encoding='utf-8') as f:
        for line in f:
            if not line.endswith('\n'):
                sys.exit(f'conn_compare: {path}: a partial last line')
            line = line.rstrip('\n')
            if line.startswith('#fields'):
                fields = line.split('\t')[1:]
            elif line and not line.startswith('#'):
                if fields is None:
                    sys.exit(f'conn_compare: {path}: a record before #fields')
                vals = line.split('\t')
                if len(vals) != len(fields):
                    sys.exit(f'conn_compare: {path}: {len(vals)} fields, want {len(fields)}')
                rows.append(dict(zip(fields, vals)))
    return rows


def key(row, no_times):
    r = dict(row)
    r.pop('uid', None)
    tp = r.get('tunnel_parents', '-')
    r['tunnel_parents'] = '-' if tp == '-' else str(len(tp.split(',')))
    if no_times:
        r.pop('ts', None)
        r.pop('duration', None)
    return tuple(sorted(r.items()))


def show(k):
    d = dict(k)
    return ' '.join(d.get(f, '?') for f in ('id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p',
                                             'proto', 'conn_state', 'history', 'orig_pkts',
                                             'resp_pkts', 'orig_bytes', 'resp_bytes'))


def main():
    args = sys.argv[1:]
    no_times = '--no-times' in args
    expect_differ = '--expect-differ' in args
    args = [a for a in args if a not in ('--no-times', '--expect-differ')]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    ref = args[0]
    if os.path.isdir(ref):
        ref = os.path.join(ref, 'conn.log')
    merged_files = [f for a in args[1:] for f in sorted(glob.glob(a))]
    if not merged_files:
        print(f'conn_compare: no merged conn.log in {args[1:]}', file=sys.stderr)
        return 2
    a = collections.Counter(key(r, no_times) for r in records(ref))
    b = collections.Counter()
    for f in merged_files:
        b.update(key(r, no_times) for r in records(f))
    only_a, only_b = a - b, b - a
    print(f'standalone: {sum(a.values())} connections; merged: {sum(b.values())} '
          f'from {len(merged_files)} file(s); {sum(only_a.values())} only standalone, '
          f'{sum(only_b.values())} only merged')
    for k, n in list(only_a.items())[:10]:
        print(f'  only standalone ({n}x): {show(k)}')
    for k, n in list(only_b.items())[:10]:
        print(f'  only merged ({n}x): {show(k)}')
    same = not only_a and not only_b and sum(a.values()) > 0
    return 0 if same != expect_differ else 1


if __name__ == '__main__':
    sys.exit(main())
