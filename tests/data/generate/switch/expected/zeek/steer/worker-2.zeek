# steer 0.1.0, plan a2b885268d07f5cc (profile commodity-switch): restricts [worker-2]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "vlan 101" };
