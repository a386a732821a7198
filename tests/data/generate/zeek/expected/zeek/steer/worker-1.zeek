# steer 0.1.0, plan c936dfc75f78ca2f (profile steerlb): restricts [worker-1]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:00:00:00:00:11" };
