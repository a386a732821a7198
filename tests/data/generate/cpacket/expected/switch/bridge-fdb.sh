# steer 0.1.0, plan c4671e27a7cade4c (profile cpacket-cvu): the same entries on a Linux bridge: sh bridge-fdb.sh (ports ${STEER_PORT_PREFIX:-swp}N)
set -e
prefix=${STEER_PORT_PREFIX:-swp}
bridge fdb replace 02:53:54:00:00:00 dev "${prefix}1" master static  # worker-1
bridge fdb replace 02:53:54:00:00:01 dev "${prefix}2" master static  # worker-2
bridge fdb replace 02:53:54:00:00:02 dev "${prefix}3" master static  # worker-3
