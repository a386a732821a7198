# steer 0.1.0, plan f16cfb738873e161 (profile ovs): restricts [worker-1]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:00" };
