#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/cluster/metrics.sh BIN: every node serves Prometheus metrics on consecutive ports from
# metrics_port (manager, logger, proxy, workers): scraped with curl, the text exposition format
# checked line by line, and the figures checked against what the nodes did.
BIN=$1
. "$(dirname "$0")/lib.sh"

C=$T/c
make_cluster "$C" 1 1 "batch_interval = 200ms" >/dev/null
mport=$(($(sed -n 's/^base_port = //p' "$C/steer.cfg") + 1000))
"$CTL" -c "$C" start manager logger proxy-1 >/dev/null
"$STEERD" -c "$C" --node worker-1 --daemon --test-records 1000 --test-rate 2000 >/dev/null
wait_for 30 emitted "$C/state/worker-1" || fail "worker-1: records not acknowledged"

i=0
for node in manager logger proxy-1 worker-1; do
	port=$((mport + i))
	i=$((i + 1))
	curl -sf -D "$T/$node.h" "127.0.0.1:$port/metrics" >"$T/$node.m" || fail "$node: no metrics on $port"
	grep -qi '^content-type: text/plain; version=0.0.4' "$T/$node.h" || fail "$node: content type"
	code=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port/nothing")
	[ "$code" = 404 ] || fail "$node: /nothing gave $code"
done

# scrape: every node's metrics into $T/NODE.m
scrape() {
	local i=0 node
	for node in manager logger proxy-1 worker-1; do
		curl -sf "127.0.0.1:$((mport + i))/metrics" >"$T/$node.m" || return 1
		i=$((i + 1))
	done
}
# figures: the scraped figures against what the nodes did
figures() {
	python3 - "$T" <<'PY'
import re, sys
T = sys.argv[1]
sample = re.compile(r'^([a-z_]+)\{node="([^"]+)"((?:,[a-z_]+="[^"]*")*)\} (-?[0-9]+(?:\.[0-9]+)?)$')
def parse(node):
    m, typed = {}, set()
    for line in open(f"{T}/{node}.m"):
        line = line.rstrip("\n")
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            parts = line.split(" ", 3)
            if line.startswith("# TYPE "):
                assert parts[3] in ("counter", "gauge"), line
                typed.add(parts[2])
            continue
        s = sample.match(line)
        assert s, f"{node}: not a sample: {line!r}"
        name, who, labels, v = s.groups()
        assert who == node, line
        assert name in typed, f"{node}: {name} without # TYPE before it"
        m[name + labels] = float(v)
    return m
roles = {"manager": "manager", "logger": "logger", "proxy-1": "proxy", "worker-1": "worker"}
M = {n: parse(n) for n in roles}
for n, r in roles.items():
    m = M[n]
    assert m[f'steer_node_info,role="{r}",version="0.1.0"'] == 1, n
    assert 0 < m["steer_uptime_seconds"] < 120, n
    if n != "manager":
        assert m["steer_heartbeats_sent_total"] >= 1, n
        assert m["steer_messages_sent_total"] >= m["steer_heartbeats_sent_total"], n
    assert all(m[f'steer_messages_dropped_total,reason="{r}"'] == 0 for r in
               ("truncated", "foreign", "version", "invalid", "unauthorized", "unexpected")), n
w, l, mg = M["worker-1"], M["logger"], M["manager"]
assert w["steer_log_records_added_total"] == 1000 and w["steer_log_records_acked_total"] == 1000, w
assert w["steer_log_outbox_batches"] == 0
assert "steer_capture_packets_received_total" in w and "steer_capture_packets_dropped_total" in w
assert "steer_capture_packets_received_total" not in l
# The logger wrote worker-1's records and the manager's cluster.log lines.
assert l["steer_log_records_written_total"] >= 1000, l
assert l['steer_log_batches_received_total,verdict="new"'] >= 10, l
assert l["steer_bytes_received_total"] > l["steer_log_bytes_written_total"] >= 30000, l
for peer in roles:
    assert mg[f'steer_cluster_node_up,peer="{peer}"'] == 1, peer
    assert mg[f'steer_cluster_heartbeat_age_seconds,peer="{peer}"'] < 1, peer
assert mg["steer_heartbeats_received_total"] >= 3
print("metrics of", ", ".join(roles), "ok")
PY
}
# The gauges settle within a heartbeat and a store tick of the last acknowledgement: asked
# again until they hold (20 s at most); then the figures, and what is wrong if they do not.
settled() { scrape && figures; }
wait_for 20 settled || true
scrape || fail "metrics no longer served"
figures || fail "metrics"
"$CTL" -c "$C" stop >/dev/null
echo PASS
