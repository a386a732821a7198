# steer 0.1.0, plan 4b32a73cb820d6ee (profile afpacket): restricts [worker-4]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:03" };
