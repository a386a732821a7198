# steer 0.1.0, plan a944e290d1e86e80 (profile pfring): restricts [worker-2]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:01" };
