# steer 0.1.0, plan 4b8ec744c96d0377 (profile openflow13): restricts [worker-4]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "vlan 103" };
