// steer 0.1.0, plan 0c3a7e77d4832273 (profile click): Click userlevel configuration splitting by the plan's xor buckets
// Run: click steer.click. 8 buckets, 3 workers; frames leave with the worker's destination MAC.
// IPv4 and IPv6 are hashed untagged and under one 802.1Q/802.1ad tag (0x8100, 0x88a8,
// 0x9100); QinQ, MPLS, PPPoE and IP frames cut before their addresses or with a bad
// version or header length take the non-IP path, as steerlb --emulate click does.

// IN (eth1) should have no IP address and GRO/LRO off (ethtool -K eth1 gro off lro off).
// Linux takes the outermost 802.1Q/802.1ad tag off a received frame before a packet socket
// sees it, and FromDevice's Linux method does not put it back: tagged frames are
// hashed by what is under that tag and leave without it. A Click built with
// libpcap keeps the tag with METHOD PCAP.
src :: FromDevice(eth1, PROMISC true, SNAPLEN 65535);
out :: Queue(4096) -> ToDevice(eth2);
w_worker_1 :: StoreEtherAddress(02:53:54:00:00:00, dst) -> out;
w_worker_2 :: StoreEtherAddress(02:53:54:00:00:01, dst) -> out;
w_worker_3 :: StoreEtherAddress(02:53:54:00:00:02, dst) -> out;
eth :: Classifier(12/0800 14/40%f0 !14/40%fc !14/44, 12/86dd 14/60%f0, 12/8100 16/0800 18/40%f0 !18/40%fc !18/44, 12/88a8 16/0800 18/40%f0 !18/40%fc !18/44, 12/9100 16/0800 18/40%f0 !18/40%fc !18/44, 12/8100 16/86dd 18/60%f0, 12/88a8 16/86dd 18/60%f0, 12/9100 16/86dd 18/60%f0, -);

// u4: IPv4
u4_0_0 :: Classifier(29/01%01 33/00%01, 29/00%01 33/01%01, 29/00%01 33/00%01, 29/01%01 33/01%01, -);
u4_1_0 :: Classifier(29/02%02 33/00%02, 29/00%02 33/02%02, -);
u4_1_1 :: Classifier(29/02%02 33/00%02, 29/00%02 33/02%02, -);
u4_2_0 :: Classifier(29/04%04 33/00%04, 29/00%04 33/04%04, -);
u4_2_1 :: Classifier(29/04%04 33/00%04, 29/00%04 33/04%04, -);
u4_2_2 :: Classifier(29/04%04 33/00%04, 29/00%04 33/04%04, -);
u4_2_3 :: Classifier(29/04%04 33/00%04, 29/00%04 33/04%04, -);

// u6: IPv6
u6_0_0 :: Classifier(37/01%01 53/00%01, 37/00%01 53/01%01, 37/00%01 53/00%01, 37/01%01 53/01%01, -);
u6_1_0 :: Classifier(37/02%02 53/00%02, 37/00%02 53/02%02, -);
u6_1_1 :: Classifier(37/02%02 53/00%02, 37/00%02 53/02%02, -);
u6_2_0 :: Classifier(37/04%04 53/00%04, 37/00%04 53/04%04, -);
u6_2_1 :: Classifier(37/04%04 53/00%04, 37/00%04 53/04%04, -);
u6_2_2 :: Classifier(37/04%04 53/00%04, 37/00%04 53/04%04, -);
u6_2_3 :: Classifier(37/04%04 53/00%04, 37/00%04 53/04%04, -);

// t4: IPv4 under one tag
t4_0_0 :: Classifier(33/01%01 37/00%01, 33/00%01 37/01%01, 33/00%01 37/00%01, 33/01%01 37/01%01, -);
t4_1_0 :: Classifier(33/02%02 37/00%02, 33/00%02 37/02%02, -);
t4_1_1 :: Classifier(33/02%02 37/00%02, 33/00%02 37/02%02, -);
t4_2_0 :: Classifier(33/04%04 37/00%04, 33/00%04 37/04%04, -);
t4_2_1 :: Classifier(33/04%04 37/00%04, 33/00%04 37/04%04, -);
t4_2_2 :: Classifier(33/04%04 37/00%04, 33/00%04 37/04%04, -);
t4_2_3 :: Classifier(33/04%04 37/00%04, 33/00%04 37/04%04, -);

// t6: IPv6 under one tag
t6_0_0 :: Classifier(41/01%01 57/00%01, 41/00%01 57/01%01, 41/00%01 57/00%01, 41/01%01 57/01%01, -);
t6_1_0 :: Classifier(41/02%02 57/00%02, 41/00%02 57/02%02, -);
t6_1_1 :: Classifier(41/02%02 57/00%02, 41/00%02 57/02%02, -);
t6_2_0 :: Classifier(41/04%04 57/00%04, 41/00%04 57/04%04, -);
t6_2_1 :: Classifier(41/04%04 57/00%04, 41/00%04 57/04%04, -);
t6_2_2 :: Classifier(41/04%04 57/00%04, 41/00%04 57/04%04, -);
t6_2_3 :: Classifier(41/04%04 57/00%04, 41/00%04 57/04%04, -);

// nm: non-IP by the MAC pair
nm_0_0 :: Classifier(11/01%01 5/00%01, 11/00%01 5/01%01, -);
nm_1_0 :: Classifier(11/02%02 5/00%02, 11/00%02 5/02%02, -);
nm_1_1 :: Classifier(11/02%02 5/00%02, 11/00%02 5/02%02, -);
nm_2_0 :: Classifier(11/04%04 5/00%04, 11/00%04 5/04%04, -);
nm_2_1 :: Classifier(11/04%04 5/00%04, 11/00%04 5/04%04, -);
nm_2_2 :: Classifier(11/04%04 5/00%04, 11/00%04 5/04%04, -);
nm_2_3 :: Classifier(11/04%04 5/00%04, 11/00%04 5/04%04, -);

// u4 connections
u4_0_0 [0] -> u4_1_1;
u4_0_0 [1] -> u4_1_1;
u4_0_0 [2] -> u4_1_0;
u4_0_0 [3] -> u4_1_0;
u4_0_0 [4] -> nm_0_0;
u4_1_0 [0] -> u4_2_2;
u4_1_0 [1] -> u4_2_2;
u4_1_0 [2] -> u4_2_0;
u4_1_1 [0] -> u4_2_3;
u4_1_1 [1] -> u4_2_3;
u4_1_1 [2] -> u4_2_1;
u4_2_0 [0] -> w_worker_3;
u4_2_0 [1] -> w_worker_3;
u4_2_0 [2] -> w_worker_2;
u4_2_1 [0] -> w_worker_3;
u4_2_1 [1] -> w_worker_3;
u4_2_1 [2] -> w_worker_2;
u4_2_2 [0] -> w_worker_2;
u4_2_2 [1] -> w_worker_2;
u4_2_2 [2] -> w_worker_1;
u4_2_3 [0] -> w_worker_1;
u4_2_3 [1] -> w_worker_1;
u4_2_3 [2] -> w_worker_1;

// u6 connections
u6_0_0 [0] -> u6_1_1;
u6_0_0 [1] -> u6_1_1;
u6_0_0 [2] -> u6_1_0;
u6_0_0 [3] -> u6_1_0;
u6_0_0 [4] -> nm_0_0;
u6_1_0 [0] -> u6_2_2;
u6_1_0 [1] -> u6_2_2;
u6_1_0 [2] -> u6_2_0;
u6_1_1 [0] -> u6_2_3;
u6_1_1 [1] -> u6_2_3;
u6_1_1 [2] -> u6_2_1;
u6_2_0 [0] -> w_worker_3;
u6_2_0 [1] -> w_worker_3;
u6_2_0 [2] -> w_worker_2;
u6_2_1 [0] -> w_worker_3;
u6_2_1 [1] -> w_worker_3;
u6_2_1 [2] -> w_worker_2;
u6_2_2 [0] -> w_worker_2;
u6_2_2 [1] -> w_worker_2;
u6_2_2 [2] -> w_worker_1;
u6_2_3 [0] -> w_worker_1;
u6_2_3 [1] -> w_worker_1;
u6_2_3 [2] -> w_worker_1;

// t4 connections
t4_0_0 [0] -> t4_1_1;
t4_0_0 [1] -> t4_1_1;
t4_0_0 [2] -> t4_1_0;
t4_0_0 [3] -> t4_1_0;
t4_0_0 [4] -> nm_0_0;
t4_1_0 [0] -> t4_2_2;
t4_1_0 [1] -> t4_2_2;
t4_1_0 [2] -> t4_2_0;
t4_1_1 [0] -> t4_2_3;
t4_1_1 [1] -> t4_2_3;
t4_1_1 [2] -> t4_2_1;
t4_2_0 [0] -> w_worker_3;
t4_2_0 [1] -> w_worker_3;
t4_2_0 [2] -> w_worker_2;
t4_2_1 [0] -> w_worker_3;
t4_2_1 [1] -> w_worker_3;
t4_2_1 [2] -> w_worker_2;
t4_2_2 [0] -> w_worker_2;
t4_2_2 [1] -> w_worker_2;
t4_2_2 [2] -> w_worker_1;
t4_2_3 [0] -> w_worker_1;
t4_2_3 [1] -> w_worker_1;
t4_2_3 [2] -> w_worker_1;

// t6 connections
t6_0_0 [0] -> t6_1_1;
t6_0_0 [1] -> t6_1_1;
t6_0_0 [2] -> t6_1_0;
t6_0_0 [3] -> t6_1_0;
t6_0_0 [4] -> nm_0_0;
t6_1_0 [0] -> t6_2_2;
t6_1_0 [1] -> t6_2_2;
t6_1_0 [2] -> t6_2_0;
t6_1_1 [0] -> t6_2_3;
t6_1_1 [1] -> t6_2_3;
t6_1_1 [2] -> t6_2_1;
t6_2_0 [0] -> w_worker_3;
t6_2_0 [1] -> w_worker_3;
t6_2_0 [2] -> w_worker_2;
t6_2_1 [0] -> w_worker_3;
t6_2_1 [1] -> w_worker_3;
t6_2_1 [2] -> w_worker_2;
t6_2_2 [0] -> w_worker_2;
t6_2_2 [1] -> w_worker_2;
t6_2_2 [2] -> w_worker_1;
t6_2_3 [0] -> w_worker_1;
t6_2_3 [1] -> w_worker_1;
t6_2_3 [2] -> w_worker_1;

// nm connections
nm_0_0 [0] -> nm_1_1;
nm_0_0 [1] -> nm_1_1;
nm_0_0 [2] -> nm_1_0;
nm_1_0 [0] -> nm_2_2;
nm_1_0 [1] -> nm_2_2;
nm_1_0 [2] -> nm_2_0;
nm_1_1 [0] -> nm_2_3;
nm_1_1 [1] -> nm_2_3;
nm_1_1 [2] -> nm_2_1;
nm_2_0 [0] -> w_worker_3;
nm_2_0 [1] -> w_worker_3;
nm_2_0 [2] -> w_worker_2;
nm_2_1 [0] -> w_worker_3;
nm_2_1 [1] -> w_worker_3;
nm_2_1 [2] -> w_worker_2;
nm_2_2 [0] -> w_worker_2;
nm_2_2 [1] -> w_worker_2;
nm_2_2 [2] -> w_worker_1;
nm_2_3 [0] -> w_worker_1;
nm_2_3 [1] -> w_worker_1;
nm_2_3 [2] -> w_worker_1;

// EtherType dispatch
src -> eth;
eth [0] -> u4_0_0;
eth [1] -> u6_0_0;
eth [2] -> t4_0_0;
eth [3] -> t4_0_0;
eth [4] -> t4_0_0;
eth [5] -> t6_0_0;
eth [6] -> t6_0_0;
eth [7] -> t6_0_0;
eth [8] -> nm_0_0;
