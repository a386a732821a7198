#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# hostile_out.sh BINDIR: what the commands write, attacked (issue 13 items 1, 3, 6, 7, 9, 10,
# 15, 19): an output that is the input, symbolic links, FIFOs and devices as outputs,
# unwritable and full outputs, "-" as standard output everywhere, interrupted runs, one
# --stats document per line, and no empty output left by a run that never started.
set -uo pipefail
bin=$(cd "$1" && pwd)
lb=$bin/steerlb ctl=$bin/steerctl sc=$bin/steercheck sd=$bin/steerd
. "$(dirname "$0")/../lib/harness.sh"
th_init hostile_out
etc=$TH_ROOT/etc
"$ctl" synth --flows 300 --seed 3 --out "$T/t.pcap" || bad "synth"
n=$($PCAP count "$T/t.pcap")

# --- item 1: an output that is the input is refused, and the input stays intact
cp "$T/t.pcap" "$T/x.pcap"
expect_msg 2 "-w is the input" -- "$lb" -c "$etc" -r "$T/x.pcap" -w "$T/x.pcap"
has "$T/err" "x.pcap is the input" "-w input refusal named"
check "input intact after -w" -- cmp "$T/t.pcap" "$T/x.pcap"
ln -s x.pcap "$T/link.pcap"
expect_msg 2 "-w is the input through a link" -- "$lb" -c "$etc" -r "$T/x.pcap" -w "$T/link.pcap"
expect_msg 2 "-w is standard input's file" -- "$lb" -c "$etc" -r - -w "$T/x.pcap" <"$T/x.pcap"
mkdir "$T/s"
"$lb" -c "$etc" -r "$T/t.pcap" --split "$T/s" || bad "split"
cp "$T/s/worker-1.pcap" "$T/w1.pcap"
expect_msg 2 "--split over its input" -- "$lb" -c "$etc" -r "$T/s/worker-1.pcap" --split "$T/s"
has "$T/err" "worker-1.pcap is the input" "split refusal named"
check "split input intact" -- cmp "$T/w1.pcap" "$T/s/worker-1.pcap"
expect_msg 2 "--stats is the input" -- "$lb" -c "$etc" -r "$T/x.pcap" --stats "$T/x.pcap"
check "input intact after --stats" -- cmp "$T/t.pcap" "$T/x.pcap"
expect_msg 2 "-w is a --split file" -- "$lb" -c "$etc" -r "$T/t.pcap" --split "$T/s" \
	-w "$T/s/worker-2.pcap"
expect_msg 2 "synth --truth is --out" -- "$ctl" synth --flows 5 --out "$T/tt" --truth "$T/tt"
expect_msg 2 "steercheck --html is an input" -- "$sc" -c "$etc" pcap --html "$T/w1.pcap" \
	worker-1="$T/w1.pcap"
check "steercheck input intact" -- cmp "$T/w1.pcap" "$T/s/worker-1.pcap"

# --- item 3: a symbolic link stays a link, a FIFO and a device are written through
echo old >"$T/target.json"
ln -s target.json "$T/stats-link.json"
expect 0 "--stats through a link" -- "$lb" -c "$etc" -r "$T/t.pcap" --stats "$T/stats-link.json"
if [ -L "$T/stats-link.json" ]; then ok; else bad "--stats replaced the symbolic link"; fi
json "$T/target.json" "the link's target holds the stats" "d['packets'] == $n"
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
reader=$!
expect 0 "--stats into a FIFO" -- "$lb" -c "$etc" -r "$T/t.pcap" --stats "$T/fifo"
wait "$reader"
if [ -p "$T/fifo" ]; then ok; else bad "--stats replaced the FIFO"; fi
json "$T/fifo.out" "the FIFO's reader got the stats" "d['packets'] == $n"
cat "$T/fifo" >"$T/fifo.pcap" &
reader=$!
expect 0 "-w into a FIFO" -- "$lb" -c "$etc" -r "$T/t.pcap" -w "$T/fifo"
wait "$reader"
check "-w FIFO's capture" -- test "$($PCAP count "$T/fifo.pcap")" -eq "$n"
expect 0 "--stats /dev/null" -- "$lb" -c "$etc" -r "$T/t.pcap" --stats /dev/null
if [ -c /dev/null ]; then ok; else bad "/dev/null is no longer a device"; fi
ls -a /dev | grep -q '^\.null\.' && bad "a temporary left in /dev"

# --- item 9: an output that cannot be written is an error with its reason, exit 2
expect_msg 2 "--stats in a missing directory" -- "$lb" -c "$etc" -r "$T/t.pcap" \
	--stats "$T/nonexistent/x.json"
has "$T/err" "No such file or directory" "--stats reason given"
lines "$T/err" 1 "--stats error said once"
expect_msg 2 "--stats - to a full device" -- sh -c "'$lb' -c '$etc' -r '$T/t.pcap' --stats - >/dev/full"
has "$T/err" "No space left on device" "full stdout reason"
expect_msg 2 "--stats to a full device" -- "$lb" -c "$etc" -r "$T/t.pcap" --stats /dev/full
expect_msg 2 "-w to a full device" -- "$lb" -c "$etc" -r "$T/t.pcap" -w /dev/full
has "$T/err" "/dev/full" "-w full named"
expect_msg 2 "synth to a full device" -- "$ctl" synth --flows 50 --out /dev/full
expect_msg 2 "steercheck --html to a full device" -- "$sc" -c "$etc" pcap --html /dev/full \
	"$T/s/worker-1.pcap" "$T/s/worker-2.pcap" "$T/s/worker-3.pcap" "$T/s/worker-4.pcap"
expect_msg 2 "steercheck --json to a full stdout" -- sh -c "'$sc' -c '$etc' pcap --json '$T/s/worker-1.pcap' >/dev/full"
expect_msg 2 "steerctl plan to a full stdout" -- sh -c "'$ctl' -c '$etc' plan >/dev/full"
expect_msg 2 "steerd -r --stats to a full stdout" -- sh -c "'$sd' -r '$T/t.pcap' --log-dir '$T/logs' --stats >/dev/full"
expect_msg 2 "steerd -r into a missing log directory's file" -- "$sd" -r "$T/t.pcap" \
	--log-dir "$T/t.pcap/logs"
mkdir -p "$T/ro" && chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
	expect_msg 2 "--stats in a read-only directory" -- "$lb" -c "$etc" -r "$T/t.pcap" \
		--stats "$T/ro/x.json"
	ls -a "$T/ro" | grep -q 'x.json' && bad "a temporary left in a read-only directory"
fi

# --- item 10: "-" is standard output everywhere, and its errors are seen
mkdir "$T/cwd"
(cd "$T/cwd" && "$lb" -c "$etc" -r "$T/t.pcap" -w - >"$T/stdout.pcap") || bad "-w -"
check "-w - is a capture on stdout" -- test "$($PCAP count "$T/stdout.pcap")" -eq "$n"
(cd "$T/cwd" && "$ctl" synth --flows 5 --out - >"$T/synth-stdout.pcap") || bad "synth --out -"
check "synth --out - on stdout" -- test "$($PCAP count "$T/synth-stdout.pcap")" -gt 0
(cd "$T/cwd" && "$ctl" synth --flows 5 --out "$T/s5.pcap" --truth - >"$T/truth.txt") ||
	bad "synth --truth -"
has "$T/truth.txt" "F 1 " "synth --truth - on stdout"
(cd "$T/cwd" && "$sc" -c "$etc" pcap --html - "$T/s/worker-1.pcap" >"$T/report.html" 2>/dev/null)
has "$T/report.html" "<html" "steercheck --html - on stdout"
if [ -z "$(ls -A "$T/cwd")" ]; then ok; else bad "a file named '-' was created: $(ls -A "$T/cwd")"; fi
expect_msg 2 "-w - and --stats - together" -- "$lb" -c "$etc" -r "$T/t.pcap" -w - --stats -
expect_msg 2 "--split -" -- "$lb" -c "$etc" -r "$T/t.pcap" --split -
expect_msg 2 "synth --out - --truth -" -- "$ctl" synth --flows 5 --out - --truth -
expect_msg 2 "-w - to a full device" -- sh -c "'$lb' -c '$etc' -r '$T/t.pcap' -w - >/dev/full"
expect_msg 2 "synth --out - to a full device" -- sh -c "'$ctl' synth --flows 50 --out - >/dev/full"
expect_msg 2 "generate --out -" -- "$ctl" -c "$etc" generate --out -
expect_msg 2 "keys --out -" -- "$ctl" -c "$etc" keys --out -
expect_msg 2 "steerd --log-dir -" -- "$sd" -r "$T/t.pcap" --log-dir -
(cd "$T/cwd" && "$sd" -r - --log-dir "$T/sdlogs" --seed 1 <"$T/t.pcap") || bad "steerd -r -"
has "$T/sdlogs/conn.log" "#path	conn" "steerd -r - reads standard input"

# --- the cluster's commands, for the same classes: unwritable output, odd names, "-"
expect_msg 2 "steerctl status to a full stdout" -- sh -c "'$ctl' -c '$etc' status >/dev/full"
has "$T/err" "No space left on device" "status: write error said"
expect_msg 2 "steerctl stop of a name that is not UTF-8" -- "$ctl" -c "$etc" stop "$(printf 'w\xff')"
has "$T/err" 'w\xff' "odd name shown escaped"
expect_msg 2 "steerd --node of a name that is not UTF-8" -- "$sd" -c "$etc" --node "$(printf 'w\xff')" --check
has "$T/err" 'w\xff' "steerd: odd name shown escaped"
expect_msg 2 "steerd --node ../x" -- "$sd" -c "$etc" --node ../x --check
touch "$T/afile"
expect_msg 2 "keys --out a file" -- "$ctl" -c "$etc" keys --out "$T/afile"
expect_msg 2 "steerd -r: a log directory that is a file" -- "$sd" -r "$T/t.pcap" --log-dir "$T/afile"

# --- item 19: --stats - writes one document per line, at SIGUSR1 and at the end
mkfifo "$T/slow"
(exec 3>"$T/slow"; cat "$T/t.pcap" >&3; sleep 30) &
writer=$!
TH_PIDS+=("$writer")
"$lb" -c "$etc" -r "$T/slow" --stats - >"$T/stats.lines" 2>"$T/stats.err" &
lbpid=$!
TH_PIDS+=("$lbpid")
sleep 0.5
kill -USR1 "$lbpid"
sleep 0.3
# --- item 7: a reader of a pipe that stays open stops within about 100 ms of SIGTERM
t0=$(date +%s%N)
kill -TERM "$lbpid"
wait "$lbpid"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
th_stop "$writer"
if [ "$ms" -lt 1000 ]; then ok; else bad "SIGTERM took $ms ms on a quiet pipe"; fi
# --- item 6: an interrupted run says so: exit 1, and the stats' error
if [ "$rc" -eq 1 ]; then ok; else bad "interrupted run: exit $rc, wanted 1"; fi
has "$T/stats.err" "interrupted by SIGTERM" "interruption said on stderr"
lines "$T/stats.lines" 2 "two --stats documents (SIGUSR1, end), one per line"
if python3 -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert not docs[0]["final"] and docs[1]["final"], "final flags"
assert docs[1]["error"].startswith("interrupted by SIGTERM"), docs[1]["error"]
assert docs[1]["packets"] == int(sys.argv[2]), docs[1]["packets"]
' "$T/stats.lines" "$n"; then ok; else bad "--stats lines: $(head -c 400 "$T/stats.lines")"; fi
# a file read to its end is not interrupted
expect 0 "complete run" -- "$lb" -c "$etc" -r "$T/t.pcap" --stats "$T/full.json"
json "$T/full.json" "complete run has no error" "d['error'] is None and d['final']"

# --- item 15 (second half): a run that fails at start-up leaves no output behind
expect_msg 2 "start-up failure" -- "$lb" -c "$etc" -r "$T/t.pcap" -w "$T/never.pcap" \
	--split "$T/never" --port-map=1=nonexistent0
if [ ! -e "$T/never.pcap" ] && [ -z "$(ls -A "$T/never" 2>/dev/null)" ]; then ok; else
	bad "a failed start left outputs: $(ls -la "$T/never.pcap" "$T/never" 2>&1)"
fi
ls -a "$T" | grep -q '^\.never' && bad "a failed start left a temporary"
echo keep >"$T/keep.pcap"
expect_msg 2 "start-up failure keeps the old file" -- "$lb" -c "$etc" -r "$T/t.pcap" \
	-w "$T/keep.pcap" --port-map=1=nonexistent0
has "$T/keep.pcap" "keep" "old -w file untouched"

th_done
