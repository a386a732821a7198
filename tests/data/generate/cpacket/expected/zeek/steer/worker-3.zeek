# steer 0.1.0, plan c4671e27a7cade4c (profile cpacket-cvu): restricts [worker-3]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:02" };
