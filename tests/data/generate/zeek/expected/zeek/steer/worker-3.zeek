# steer 0.1.0, plan c936dfc75f78ca2f (profile steerlb): restricts [worker-3]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:01" };
# lb_procs = 2 over AF_PACKET fanout: the kernel reassembles IPv4 fragments before it picks
# a process, so that none is split from its flow (PACKET_FANOUT_FLAG_DEFRAG).
@ifdef ( AF_Packet::enable_defrag )
redef AF_Packet::enable_defrag = T;
@endif
