# steer 0.1.0, plan 0c3a7e77d4832273 (profile click): restricts [worker-1]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:00" };
