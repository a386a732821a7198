# SPDX-License-Identifier: BSD-2-Clause
# tests/lib/harness.sh: what every test script shares (sourced, not run): a temporary directory
# and processes removed on every exit, pass / fail counters with expect-exit-code, text and golden
# checks, skips (exit 77, "SKIP: why"), and for root tests an isolated run (th_isolate) whose
# namespaces, processes and names cannot meet another run's.
#
#   . "$(dirname "$0")/../lib/harness.sh"
#   th_isolate "$@"     # root tests only: before anything else
#   th_init NAME        # $T: a temporary directory; cleanup on exit, INT, TERM, HUP
#   expect 0 "help" -- "$cmd" --help; has "$T/out" "Usage:" "help text"
#   th_done             # "NAME: P passed, F failed"; exit 0 or 1
#
# Exit status convention (ctest): 0 passed, 1 failed, 77 skipped.

TH_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TH_ROOT=$(cd "$TH_LIB/../.." && pwd)
TH_NAME=${TH_NAME:-$(basename "$0")}
pass=0 fail=0
TH_PIDS=() TH_DEFER=()

# ---- a time limit of its own -----------------------------------------------------------------
# ctest ends a test that overruns its TIMEOUT with SIGKILL to its process tree: no trap runs, so
# its temporary directory stays, and daemons that detached (not in that tree) live on. With
# STEER_TEST_TIMEOUT (tests/CMakeLists.txt sets it to the test's TIMEOUT), the script re-runs
# itself under timeout(1), which sends SIGTERM 30 s earlier to it and its process group (then
# SIGKILL 20 s later): the clean-up of th_init (or tests/cluster/lib.sh) runs. Sourced without
# arguments, this file sees the script's own.
if [ -n "${STEER_TEST_TIMEOUT:-}" ] && [ -z "${TH_TIMED:-}" ] && [ "$STEER_TEST_TIMEOUT" -gt 60 ] &&
	command -v timeout >/dev/null; then
	export TH_TIMED=1
	exec timeout -s TERM -k 20 $((STEER_TEST_TIMEOUT - 30)) bash "$0" "$@"
fi

# ---- isolation -------------------------------------------------------------------------------
# th_isolate "$@": re-runs the calling script (as root) as the first process of new PID, mount
# and network namespaces, with a private /run/netns. Whatever the test makes lives there: the
# named network namespaces it adds are visible to it alone, every process it starts (also
# daemons that detach) is its descendant and is reaped by it, its links are in a network
# namespace of its own, and when it ends, on any path (a failure, a signal, ctest's timeout
# killing unshare), the kernel ends every process left and frees every namespace. Two runs on
# one machine cannot see, let alone disturb, each other. Not root: returns (the test skips).
# STEER_TEST_ISOLATE=0 runs in place (debugging; the test must still clean up after itself).
th_isolate() {
	if [ -n "${TH_ISOLATED:-}" ]; then
		# inside: a private, empty /run/netns (ip netns keeps its names there)
		mkdir -p /run/netns && mount -t tmpfs -o mode=755 steer-test /run/netns \
			|| { echo "SKIP: $TH_NAME: cannot mount a private /run/netns"; exit 77; }
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || return 0
	[ "${STEER_TEST_ISOLATE:-1}" = 0 ] && return 0
	command -v unshare >/dev/null || { echo "SKIP: $TH_NAME: unshare (util-linux) not installed"; exit 77; }
	local u=(unshare --pid --fork --kill-child=TERM --mount --propagation private --mount-proc --net)
	"${u[@]}" true 2>/dev/null \
		|| { echo "SKIP: $TH_NAME: cannot create PID, mount and network namespaces"; exit 77; }
	# The run id is taken out here, where PIDs are unique on the machine (inside, $$ is 1).
	TH_RUNID=${TH_RUNID:-$(printf '%x%02x' $$ $((RANDOM % 256)))}
	export TH_ISOLATED=1 TH_RUNID
	exec "${u[@]}" bash "$0" "$@"
}

# th_runid [PREFIX]: a short name unique to this run ([a-z0-9], at most 12 characters with a
# one-letter prefix), for namespaces, lab ids and links (IFNAMSIZ is 16).
th_runid() {
	TH_RUNID=${TH_RUNID:-$(printf '%x%02x' $$ $((RANDOM % 256)))}
	echo "${1:-}$TH_RUNID"
}

# ---- set-up and clean-up ---------------------------------------------------------------------
th_init() { # NAME
	TH_NAME=$1
	T=$(mktemp -d "${TMPDIR:-/tmp}/steer-test-$TH_NAME.XXXXXX") || { echo "FAIL: mktemp"; exit 1; }
	chmod 755 "$T" # daemons that drop privileges (tcpdump -Z) write here too
	trap th__exit EXIT
	trap 'th__signal HUP 129' HUP
	trap 'th__signal INT 130' INT
	trap 'th__signal TERM 143' TERM
}

th__signal() { # NAME STATUS
	echo "FAIL: $TH_NAME: SIG$1 (interrupted, or past its time limit): cleaning up"
	exit "$2"
}

# th_defer COMMAND...: run COMMAND at exit (last deferred first), whatever the exit path.
th_defer() {
	local q
	printf -v q '%q ' "$@"
	TH_DEFER+=("$q")
}

th__exit() {
	local rc=$?
	trap - EXIT
	trap '' INT TERM HUP # the clean-up runs to its end
	th_stop "${TH_PIDS[@]}"
	# last deferred first; the deferred commands may use any variable name
	while [ ${#TH_DEFER[@]} -gt 0 ]; do
		local th_cmd=${TH_DEFER[-1]}
		unset 'TH_DEFER[-1]'
		eval "$th_cmd" >/dev/null 2>&1
	done
	[ -n "${T:-}" ] && rm -rf "$T"
	exit "$rc"
}

# th_bg COMMAND...: starts COMMAND in the background; its pid in TH_BG, ended (TERM, then KILL
# after 2 s) and reaped at exit unless th_stop did so before.
th_bg() {
	"$@" &
	TH_BG=$!
	TH_PIDS+=("$TH_BG")
}

th_alive() { # PID: running (a zombie is not)
	[ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# th_stop [-SIG] PID...: sends SIG (default TERM), waits up to 2 s, then KILL; reaps them.
th_stop() {
	local sig=TERM p
	case ${1:-} in -*) sig=${1#-}; shift ;; esac
	[ $# -gt 0 ] || return 0
	for p in "$@"; do kill -"$sig" "$p" 2>/dev/null; done
	for _ in $(seq 1 40); do
		local any=0
		for p in "$@"; do th_alive "$p" && any=1; done
		[ $any -eq 0 ] && break
		sleep 0.05
	done
	for p in "$@"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	local keep=() q
	for q in "${TH_PIDS[@]}"; do
		for p in "$@"; do [ "$q" = "$p" ] && continue 2; done
		keep+=("$q")
	done
	TH_PIDS=("${keep[@]}")
	return 0
}

# th_wait_for SECONDS COMMAND...: polls COMMAND every 50 ms until it succeeds (0) or SECONDS
# pass (1).
th_wait_for() {
	local n
	n=$(awk -v s="$1" 'BEGIN { printf "%d", s * 20 }')
	shift
	for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 0.05; done
	"$@"
}

# ---- root, namespaces, tools -----------------------------------------------------------------
th_skip() { echo "SKIP: $TH_NAME: $*"; exit 77; }
th_need() { # COMMAND...: skip unless each is installed
	local c
	for c in "$@"; do command -v "$c" >/dev/null || th_skip "$c not installed (scripts/deps installs it)"; done
}
# th_click: the real Click userlevel driver into TH_CLICK: $STEER_CLICK, else the shared copy
# beside the source tree (../shared/tools/click/click), else click on PATH; without one the test
# skips ("SKIP: no Click").
th_click() {
	local c
	for c in "${STEER_CLICK:-}" "$TH_ROOT/../shared/tools/click/click" "$(command -v click 2>/dev/null)"; do
		[ -n "$c" ] && [ -x "$c" ] && [ ! -d "$c" ] && { TH_CLICK=$c; return 0; }
	done
	echo "SKIP: no Click ($TH_NAME: set STEER_CLICK to the userlevel click binary)"
	exit 77
}
th_need_root() { [ "$(id -u)" -eq 0 ] || th_skip "needs root (${1:-network namespaces})"; }
th_need_netns() {
	th_need ip
	ip netns add "steer-$(th_runid c)" 2>/dev/null || th_skip "cannot create network namespaces"
	ip netns del "steer-$(th_runid c)"
}

# th_netns NAME: a network namespace removed at exit (after the processes in it are ended):
# loopback up, no IPv6 autoconfiguration (only the test's frames cross its links).
th_netns() {
	ip netns add "$1" || { echo "FAIL: ip netns add $1"; exit 1; }
	th_defer th_netns_del "$1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$1" link set lo up
}

# th_netns_del NAME: ends what still runs in NAME, deletes it and waits until it is gone.
th_netns_del() {
	local p
	for p in $(ip netns pids "$1" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$1" 2>/dev/null
	th_wait_for 5 th__netns_gone "$1"
}
th__netns_gone() { ! ip netns list 2>/dev/null | grep -w -- "$1" >/dev/null; }

# th_capture_ready NS IFACE: a packet socket on IFACE in namespace NS has its receive ring
# (libpcap binds the socket before it sets up the ring; frames between the two are lost):
# poll it with th_wait_for before sending what a capture must see.
th_capture_ready() {
	ip netns exec "$1" ss -0 -a -e 2>/dev/null | grep -A2 -- " \*:$2 " | grep ring_rx >/dev/null
}
# th_rx DEV NS...: the frames DEV received in each namespace so far, summed.
th_rx() {
	local dev=$1 ns n=0
	shift
	for ns in "$@"; do
		n=$((n + $(ip -n "$ns" -s -j link show "$dev" |
			python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])')))
	done
	echo "$n"
}
# th_rx_reached N DEV NS...: DEV received at least N frames in the namespaces together.
th_rx_reached() { [ "$(th_rx "${@:2}")" -ge "$1" ]; }

# ---- checks ----------------------------------------------------------------------------------
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect CODE DESCRIPTION -- COMMAND...: runs COMMAND with stdout in $T/out and stderr in $T/err;
# the exit status must be CODE (both shown when it is not).
expect() {
	local want=$1 what=$2 got
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok; else
		bad "$what: exit $got, wanted $want: $*"
		sed 's/^/  stdout: /' "$T/out" | head -20
		sed 's/^/  stderr: /' "$T/err" | head -20
	fi
}

# expect_msg CODE DESCRIPTION -- COMMAND...: as expect, and a non-zero CODE comes with a message
# on stderr.
expect_msg() {
	local before=$fail
	expect "$@"
	[ "$fail" -eq "$before" ] && [ "$1" -ne 0 ] && [ ! -s "$T/err" ] && bad "$2: exit $1 without a message"
	return 0
}

# has FILE TEXT DESCRIPTION: FILE contains the fixed string TEXT.
has() {
	if grep -qF -- "$2" "$1"; then ok; else
		bad "$3: '$2' not in:"
		sed 's/^/  /' "$1" | head -20
	fi
}

# lacks FILE TEXT DESCRIPTION: FILE does not contain TEXT.
lacks() {
	if grep -qF -- "$2" "$1"; then bad "$3: '$2' in $1"; else ok; fi
}

# lines FILE N DESCRIPTION: FILE has exactly N lines.
lines() {
	local n
	n=$(wc -l <"$1")
	if [ "$n" -eq "$2" ]; then ok; else bad "$3: $n lines, wanted $2"; sed 's/^/  /' "$1" | head -20; fi
}

# same FILE GOLDEN DESCRIPTION: FILE equals GOLDEN byte for byte (a file, or a directory tree
# compared recursively); the difference is shown otherwise, with the refresh script to run.
same() {
	if diff -ru "$2" "$1" >"$T/diff" 2>&1; then ok; else
		bad "$3 differs from $2 (${TH_REFRESH:-tests/refresh-golden} regenerates it for review):"
		head -30 "$T/diff"
	fi
}

# check DESCRIPTION -- COMMAND...: COMMAND (a checker) must succeed; its output is shown if not.
check() {
	local what=$1
	shift 2
	if "$@" >"$T/chk" 2>&1; then ok; else
		bad "$what"
		sed 's/^/  /' "$T/chk" | head -15
	fi
}

# json FILE DESCRIPTION PYTHON-EXPRESSION: the expression, evaluated on FILE's JSON as d, holds.
json() {
	if python3 - "$1" "$3" >"$T/py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ok = eval(sys.argv[2])
if not ok:
    print("false:", sys.argv[2])
    print(json.dumps(d)[:1500])
sys.exit(0 if ok else 1)
EOF
	then ok; else bad "$2"; sed 's/^/  /' "$T/py"; fi
}

# th_done: the summary line; exit 0 when nothing failed, else 1.
th_done() {
	if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
		echo "$TH_NAME: passed"
	else
		echo "$TH_NAME: $pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}

# python3 is the distribution's (scripts/deps installs it), or $STEER_PYTHON: a version
# manager's shim first in PATH (pyenv's) costs a quarter of a second a call, and the tests make
# hundreds of calls. TH_PYTHON for commands run by other commands (ip netns exec).
TH_PYTHON=${STEER_PYTHON:-/usr/bin/python3}
[ -x "$TH_PYTHON" ] || TH_PYTHON=$(command -v python3)
python3() { "$TH_PYTHON" "$@"; }

# pcap.py, the shared capture helper: $PCAP SUBCOMMAND ... (tests/lib/pcap.py --help).
PCAP="$TH_PYTHON $TH_LIB/pcap.py"
export PYTHONPATH="$TH_LIB${PYTHONPATH:+:$PYTHONPATH}"
