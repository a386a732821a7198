#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# zeek.sh STEERCTL: the zeekctl files of "steerctl generate", read back with Python's configparser
# as zeekctl reads node.cfg (zeekctl itself is not installable here).
#  - node.cfg carries every key a node has in the configuration's node.cfg, value for value
#    (pin_cpus, env_vars, zone_id, af_packet_*, other plugins' keys, lb_method = pf_ring, the
#    user's aux_scripts), except what steer must change, and its header lists each change:
#    steer's script added to aux_scripts, a colliding AF_PACKET fanout id moved, defrag on;
#  - workers split over AF_PACKET fanout get AF_Packet::enable_defrag in their script, the
#    others not;
#  - a '%' in a value: configparser fails on it, and steer warns naming file and line;
#  - VLAN delivery to a worker captured by Zeek's AF_Packet source is refused by generate and
#    plan --check, naming the worker and node.cfg's line;
#  - the zeekctl plugin is valid Python declaring exactly the steer keys the loader knows;
#  - --zeek-site DIR copies the scripts into DIR/steer/; the README says so, and that -f in
#    ZeekArgs replaces every restrict_filters entry.
set -uo pipefail
ctl=$1
. "$(dirname "$0")/../lib/harness.sh"
th_init zeek
data=$TH_ROOT/tests/data/generate/zeek

expect_msg 0 "generate --only zeek" -- "$ctl" -c "$data" generate --only zeek --out "$T/gen"
z=$T/gen/zeek
python3 - "$data/node.cfg" "$z/node.cfg" <<'EOF' && ok || bad "node.cfg does not carry the configuration's keys"
import configparser, re, sys
src, out = configparser.ConfigParser(), configparser.ConfigParser()
src.read(sys.argv[1])
out.read(sys.argv[2])  # zeekctl's reader: a file it cannot read fails here
header = [l for l in open(sys.argv[2]) if l.startswith('#   ')]
bad = []
changed = {('worker-1', 'aux_scripts'): 'site/extra steer/worker-1',
           ('worker-4', 'af_packet.fanout_id'): '41',
           ('worker-4', 'af_packet_enable_defrag'): 'T'}
for sect in src.sections():
    if not out.has_section(sect):
        bad.append('[%s] missing' % sect)
        continue
    for key, val in src.items(sect):
        want = changed.get((sect, key), val)
        if out.get(sect, key, fallback=None) != want:
            bad.append('[%s] %s = %r, wanted %r' % (sect, key, out.get(sect, key, fallback=None), want))
        if (sect, key) in changed and not any('[%s] %s' % (sect, key) in l for l in header):
            bad.append('[%s] %s changed without a word in the header' % (sect, key))
    if sect.startswith('worker-'):
        if not re.search(r'(^| )steer/%s$' % sect, out.get(sect, 'aux_scripts')):
            bad.append('[%s] aux_scripts lacks steer/%s' % (sect, sect))
        extra = set(k for k, _ in out.items(sect)) - set(k for k, _ in src.items(sect))
        if extra - {'aux_scripts'}:
            bad.append('[%s] keys added: %s' % (sect, extra))
if out.get('worker-1', 'lb_method') != 'pf_ring':
    bad.append('lb_method = pf_ring not kept')
if bad:
    print('\n'.join('  ' + b for b in bad))
sys.exit(1 if bad else 0)
EOF
has "$z/node.cfg" "[worker-4] af_packet.fanout_id=41 (was 40): another AF_PACKET worker on cap1.example has its group" "the moved fanout id is explained"
for w in 2 3 4 5; do has "$z/steer/worker-$w.zeek" "redef AF_Packet::enable_defrag = T;" "worker-$w (AF_PACKET fanout) defragments"; done
lacks "$z/steer/worker-1.zeek" "enable_defrag" "worker-1 (pf_ring) has no AF_Packet setting"
has "$z/steer/worker-1.zeek" 'redef restrict_filters += { ["steer"] = "ether dst 02:00:00:00:00:11" };' "worker-1's filter"

# the README: installation, --zeek-site, the plugin, -f in ZeekArgs
has "$z/README" "steerctl generate --zeek-site DIR" "README names --zeek-site"
has "$z/README" "SitePluginPath" "README says where the plugin goes"
has "$z/README" "A -f in ZeekArgs (zeekctl.cfg) replaces every restrict_filters entry" "README warns about -f"

# the plugin: Python, class Steer, nodeKeys = exactly the steer keys the loader knows (the
# loader names them when it meets one it does not know)
cp -r "$data" "$T/cfg"
printf 'steer.bogus = 1\n' >>"$T/cfg/node.cfg"
"$ctl" -c "$T/cfg" plan --check >/dev/null 2>"$T/known"
python3 - "$z/plugins/steer.py" "$T/known" <<'EOF' && ok || bad "the zeekctl plugin"
import ast, re, sys
src = open(sys.argv[1]).read()
tree = ast.parse(src)  # valid Python
compile(src, sys.argv[1], 'exec')
cls = [n for n in tree.body if isinstance(n, ast.ClassDef)]
assert len(cls) == 1 and any(getattr(b, 'attr', '') == 'Plugin' for b in cls[0].bases), 'one Plugin class'
fn = {f.name: f for f in cls[0].body if isinstance(f, ast.FunctionDef)}
assert {'__init__', 'name', 'pluginVersion', 'init', 'nodeKeys'} <= set(fn), fn.keys()
ret = lambda f: [n.value for n in ast.walk(f) if isinstance(n, ast.Return)][0]
assert ast.literal_eval(ret(fn['name'])) == 'steer'
keys = ast.literal_eval(ret(fn['nodeKeys']))
known = re.search(r'known: ([^)]*)\)', open(sys.argv[2]).read()).group(1)
loader = [k.strip()[len('steer.'):] for k in known.split(',')]
print('  plugin keys %s, loader keys %s' % (keys, loader))
assert keys == loader
EOF

# a '%' in a value: what zeekctl's configparser fails on; steer names file and line
cp -r "$data" "$T/pct"
sed -i 's/^env_vars = LABEL=edge,MODE=fast$/env_vars = LABEL=50%,MODE=fast/' "$T/pct/node.cfg"
line=$(grep -n 'LABEL=50%' "$T/pct/node.cfg" | cut -d: -f1)
expect_msg 0 "generate with a '%'" -- "$ctl" -c "$T/pct" generate --only zeek --out "$T/pct-out"
has "$T/err" "$T/pct/node.cfg:$line: warning: [worker-1] env_vars: '%' in the value: zeekctl cannot load this file" "the '%' warning names file and line"
python3 -c '
import configparser, sys
c = configparser.ConfigParser(); c.read(sys.argv[1])
try:
    c.get("worker-1", "env_vars")
except configparser.InterpolationError:
    sys.exit(0)
sys.exit(1)' "$T/pct-out/zeek/node.cfg" && ok || bad "configparser reads a '%' value (the warning would be needless)"

# VLAN delivery to a worker Zeek captures with AF_Packet: refused by generate and plan --check
cp -r "$data" "$T/vlan"
printf 'delivery = vlan\n' >>"$T/vlan/steer.cfg"
line=$(grep -n '^\[worker-2\]' "$T/vlan/node.cfg" | cut -d: -f1)
msg="node.cfg:$line: [worker-2] delivery = vlan with Zeek's AF_Packet source: the kernel takes the tag off before Zeek filters the frame"
expect_msg 2 "generate: vlan delivery to AF_Packet" -- "$ctl" -c "$T/vlan" generate --out "$T/vlan-out"
has "$T/err" "$msg" "generate names the worker and why"
expect_msg 2 "plan --check: vlan delivery to AF_Packet" -- "$ctl" -c "$T/vlan" plan --check
has "$T/err" "$msg" "plan --check names the worker and why"
sed -i '/^lb_method/d; /^lb_procs/d; /^af_packet/d' "$T/vlan/node.cfg"
expect_msg 0 "vlan delivery to libpcap workers" -- "$ctl" -c "$T/vlan" generate --out "$T/vlan-ok"
has "$T/vlan-ok/zeek/steer/worker-2.zeek" '"vlan 101"' "a libpcap worker's vlan filter"

# --zeek-site: the scripts copied into the site directory's steer/
mkdir -p "$T/site"
expect_msg 0 "generate --zeek-site" -- "$ctl" -c "$data" generate --only zeek --out "$T/o2" --zeek-site "$T/site"
for w in 1 2 3 4 5; do
	cmp -s "$T/o2/zeek/steer/worker-$w.zeek" "$T/site/steer/worker-$w.zeek" && ok || bad "worker-$w.zeek not copied into the site"
done
expect_msg 2 "--zeek-site to nowhere" -- "$ctl" -c "$data" generate --only zeek --out "$T/o3" --zeek-site "$T/nosuch"
has "$T/err" "--zeek-site $T/nosuch: no such directory" "--zeek-site names the missing directory"
th_done
