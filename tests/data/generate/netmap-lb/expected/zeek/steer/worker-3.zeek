# steer 0.1.0, plan e95b56389df98e12 (profile netmap-lb): restricts [worker-3]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:02" };
