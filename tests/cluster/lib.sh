# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/lib.sh: what the cluster tests share: a cluster in a temporary directory on free
# ports (so that parallel runs and other checkouts do not collide), bounded waits, the records
# of a stream read back from live files and archives, and a cleanup that leaves no process.
# Sourced with BIN (the directory of steerd and steerctl) set.

set -euo pipefail
# The shared harness: its time limit (before anything is made) and python3.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/steer-cluster.XXXXXX")
CTL="$BIN/steerctl"
STEERD="$BIN/steerd"
export STEERD

fail() { echo "FAIL: $*" >&2; exit 1; }
note() { echo "-- $*"; }

# Every steerd this test started, by the pid files under its state directories (at any depth:
# the demo's cluster is two levels down), if that process still runs with a configuration of
# this test's (a pid file left by a crash may name another process by now). cleanup [STATUS]:
# the test's exit status (default $?); a test's own EXIT trap passes it on.
cleanup() {
	local rc=${1:-$?}
	local f p logs
	while IFS= read -r f; do
		p=$(cat "$f" 2>/dev/null) || continue
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$T/" && kill -9 "$p" 2>/dev/null
	done < <(find "$T" -path '*/state/*/steerd.pid' 2>/dev/null)
	logs=$(find "$T" -path '*/state/*/stderr.log' 2>/dev/null | sort) || true
	# A daemon's sanitizer report (ASan, UBSan, LeakSanitizer) fails the test.
	# shellcheck disable=SC2086
	if [ -n "$logs" ] && grep -l 'Sanitizer\|runtime error:' $logs 2>/dev/null; then
		echo "FAIL: a sanitizer report in a node's stderr.log" >&2
		grep -h -A20 'Sanitizer\|runtime error:' $logs >&2 || true
		[ $rc -ne 0 ] || rc=1
	fi
	if [ $rc -ne 0 ]; then
		for f in $logs; do
			echo "== $f"
			tail -n 15 "$f"
		done
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$T"
	exit $rc
}
# A signal ends the test as a failure, through cleanup (a test that adds to it sets its own EXIT
# trap, which calls cleanup "$rc" last; set -e holds in traps too: its commands must not fail).
trap cleanup EXIT
trap 'echo "FAIL: SIGINT: cleaning up" >&2; exit 130' INT
trap 'echo "FAIL: SIGTERM (interrupted, or past its time limit): cleaning up" >&2; exit 143' TERM

# A base port with n consecutive free ports there and n at base+1000 (metrics).
free_base() {
	python3 - "$1" <<'EOF'
import random, socket, sys
n = int(sys.argv[1])
# Below the kernel's ephemeral ports: an outgoing connection cannot take one of ours between
# this check and the bind.
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    low = 32768
top = low - 1000 - n if low - 1000 - n > 12000 else 59000
for _ in range(200):
    base = random.randrange(10000, top)
    socks = []
    try:
        for p in list(range(base, base + n)) + list(range(base + 1000, base + 1000 + n)):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
    except OSError:
        continue
    finally:
        for s in socks:
            s.close()
    print(base)
    sys.exit(0)
sys.exit("no free ports")
EOF
}

# idle_pcap FILE: a capture file with no packet (a pcap header only).
idle_pcap() {
	printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' >"$1"
}

# make_cluster DIR NLOGGERS NWORKERS [steer.cfg lines...]: node.cfg with a manager, loggers,
# NPROXIES proxies (default 1) and workers on 127.0.0.1, steer.cfg with free ports, 200 ms
# heartbeats and directories inside DIR. EXTRA_PROCS reserves ports for processes the caller
# adds. The workers read a capture with no packet (steer.read = idle.pcap) rather than
# capture lo, which needs root: these tests are about the cluster, not capture (the lab
# tests capture). A worker added by the caller gets the same with $IDLE_WORKER.
IDLE_WORKER='interface = lo
steer.read = idle.pcap'
make_cluster() {
	local dir=$1 nl=$2 nw=$3 i
	shift 3
	mkdir -p "$dir"
	idle_pcap "$dir/idle.pcap"
	{
		printf '[manager]\ntype = manager\nhost = 127.0.0.1\n\n'
		if [ "$nl" -eq 1 ]; then
			printf '[logger]\ntype = logger\nhost = 127.0.0.1\n\n'
		else
			for i in $(seq 1 "$nl"); do
				printf '[logger-%d]\ntype = logger\nhost = 127.0.0.1\n\n' "$i"
			done
		fi
		for i in $(seq 1 "${NPROXIES:-1}"); do
			printf '[proxy-%d]\ntype = proxy\nhost = 127.0.0.1\n\n' "$i"
		done
		for i in $(seq 1 "$nw"); do
			printf '[worker-%d]\ntype = worker\nhost = 127.0.0.1\n%s\n\n' "$i" "$IDLE_WORKER"
		done
	} >"$dir/node.cfg"
	local base
	base=$(free_base $((1 + nl + ${NPROXIES:-1} + nw + ${EXTRA_PROCS:-0})))
	{
		echo "base_port = $base"
		echo "metrics_port = $((base + 1000))"
		echo "log_dir = logs"
		echo "spool_dir = spool"
		echo "state_dir = state"
		echo "heartbeat_interval = 200ms"
		echo "heartbeat_misses = 3"
		echo "stop_timeout = 20s"
		for l in "$@"; do echo "$l"; done
	} >"$dir/steer.cfg"
	echo "$base"
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.1 s until it succeeds; false on timeout.
# COMMAND runs anew at each poll, but a $(...) among its words is expanded once, before the
# first: what must be read again each time goes in a function (metric_is, has_lines below).
wait_for() {
	local until=$(($(date +%s%N) / 1000000 + $1 * 1000))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $(($(date +%s%N) / 1000000)) -lt $until ] || return 1
		sleep 0.1
	done
}

pid_of() { cat "$1/state/$2/steerd.pid"; }

# has_lines N PATTERN FILE: at least N lines of FILE match PATTERN (grep's basic expression).
has_lines() { [ "$(grep -c -- "$2" "$3" 2>/dev/null)" -ge "$1" ]; }

# metric_is URL NAME VALUE: the first sample of NAME at URL is VALUE.
metric_is() { [ "$(metric "$1" "$2")" = "$3" ]; }

# The manager's view of a node: up, down or unseen.
heartbeat_of() {
	"$CTL" -c "$1" status --json "$2" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["heartbeat"])' || true
}

# Every record of STREAM (live files and archives, gzip or not) as "node n" lines; with json
# the lines are parsed as JSON objects.
records() {
	python3 - "$1" "$2" "${3:-tsv}" <<'EOF'
import glob, gzip, json, os, sys
d, stream, fmt = sys.argv[1:4]
files = glob.glob(os.path.join(d, "spool", "*", stream + ".log"))
files += glob.glob(os.path.join(d, "logs", "*", stream + ".*"))
for f in sorted(files):
    op = gzip.open if f.endswith(".gz") else open
    with op(f, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.endswith("\n"):
                sys.exit(f"{f}: a partial last line")
            if line.startswith("#"):
                continue
            if fmt == "json":
                r = json.loads(line)
                print(r["node"], r["n"])
            else:
                ts, node, n = line.rstrip("\n").split("\t")
                print(node, n)
EOF
}

# check_exactly_once DIR STREAM NODE:COUNT...: every number 1..COUNT of each NODE once, and
# nothing else.
check_exactly_once() {
	local d=$1 s=$2
	shift 2
	records "$d" "$s" "${FORMAT:-tsv}" | python3 -c '
import collections, sys
want = {a.split(":")[0]: int(a.split(":")[1]) for a in sys.argv[1:]}
seen = collections.Counter(tuple(l.split()) for l in sys.stdin)
bad = 0
for (node, n), k in seen.items():
    if k != 1:
        print(f"{node} {n}: {k} times"); bad += 1
    if node not in want or not 1 <= int(n) <= want[node]:
        print(f"{node} {n}: not written by anyone"); bad += 1
for node, count in want.items():
    miss = [n for n in range(1, count + 1) if (node, str(n)) not in seen]
    if miss:
        print(f"{node}: {len(miss)} missing, e.g. {miss[:5]}"); bad += 1
print(f"{sum(seen.values())} records, {len(seen)} distinct")
sys.exit(1 if bad else 0)
' "$@"
}

# emitted NODE_DIR: true once a test record source has written and seen acknowledged all.
emitted() { [ -f "$1/emit.summary" ]; }

# check_shared DIR COUNT WORKER...: every worker's shared.recv (what its test source received:
# "KEY LATENCY" lines) holds every key NODE:1..NODE:COUNT of every other listed worker exactly
# once, and nothing else.
check_shared() {
	local d=$1 count=$2
	shift 2
	python3 - "$d" "$count" "$@" <<'PY'
import collections, sys
d, count, workers = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
bad = 0
for w in workers:
    seen = collections.Counter(l.split()[0] for l in open(f"{d}/state/{w}/shared.recv"))
    want = {f"{o}:{i}" for o in workers if o != w for i in range(1, count + 1)}
    dup = [k for k, c in seen.items() if c > 1]
    missing = want - set(seen)
    extra = set(seen) - want
    print(f"{w}: {sum(seen.values())} received, {len(dup)} twice, {len(missing)} missing, "
          f"{len(extra)} unexpected")
    if dup or missing or extra:
        bad += 1
        for what, v in (("twice", dup), ("missing", missing), ("unexpected", extra)):
            if v:
                print(f"  {what}: {sorted(v)[:5]}")
sys.exit(1 if bad else 0)
PY
}

# received_all DIR COUNT WORKER...: waits (60 s at most) until each worker's test source has
# recorded COUNT insertions of the others (shared.recv, flushed every 200 ms), so that a stop
# cuts off no delivery still on its way; check_shared then says whether each came once.
received_all() {
	local d=$1 count=$2 w
	shift 2
	for w in "$@"; do
		wait_for 60 has_lines "$count" . "$d/state/$w/shared.recv" ||
			fail "$w received $(grep -c . "$d/state/$w/shared.recv") insertions, not $count"
	done
}

# metric URL NAME: the value of the first sample of NAME at URL.
metric() {
	curl -s "$1" | awk -v m="$2" '$1 ~ "^"m"({|$)" {print $2; exit}'
}

# rows DIR STREAM: every record of STREAM (TSV; live files and archives) as JSON objects, one a
# line, keyed by the #fields of its file.
rows() {
	python3 - "$1" "$2" <<'EOF2'
import glob, gzip, json, os, sys
d, stream = sys.argv[1:3]
files = glob.glob(os.path.join(d, "spool", "*", stream + ".log"))
files += glob.glob(os.path.join(d, "logs", "*", stream + ".*"))
for f in sorted(files):
    op = gzip.open if f.endswith(".gz") else open
    fields = None
    with op(f, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#fields"):
                fields = line.split("\t")[1:]
            elif not line.startswith("#"):
                print(json.dumps(dict(zip(fields, line.split("\t")))))
EOF2
}
