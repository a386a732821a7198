# steer 0.1.0, plan a944e290d1e86e80 (profile pfring): restricts [worker-4]'s capture to its share of the split
redef restrict_filters += { ["steer"] = "ether dst 02:53:54:00:00:03" };
# lb_procs = 4 over AF_PACKET fanout: the kernel reassembles IPv4 fragments before it picks
# a process, so that none is split from its flow (PACKET_FANOUT_FLAG_DEFRAG).
@ifdef ( AF_Packet::enable_defrag )
redef AF_Packet::enable_defrag = T;
@endif
