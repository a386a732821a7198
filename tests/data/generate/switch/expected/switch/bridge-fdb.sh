# steer 0.1.0, plan a2b885268d07f5cc (profile commodity-switch): the same entries on a Linux bridge: sh bridge-fdb.sh (ports ${STEER_PORT_PREFIX:-swp}N)
set -e
prefix=${STEER_PORT_PREFIX:-swp}
bridge fdb replace 02:53:54:00:00:00 dev "${prefix}1" master static vlan 100  # worker-1
bridge fdb replace 02:53:54:00:00:01 dev "${prefix}2" master static vlan 101  # worker-2
bridge fdb replace 02:53:54:00:00:02 dev "${prefix}3" master static vlan 102  # worker-3
bridge fdb replace 02:53:54:00:00:03 dev "${prefix}4" master static vlan 103  # worker-4
