# steer 0.1.0, plan e95b56389df98e12 (profile netmap-lb): netmap lb command line per host and interface
# lb hashes (Toeplitz, key 0x506d, ports + 'B') and sends hash % npipes; the plan predicts it
# when its hash is netmap-lb. Run each line on its host.
lb -i netmap:eth1 -p steer0:2  # on cap1.example
lb -i netmap:eth2 -p steer1:1  # on cap1.example
lb -i netmap:eth1 -p steer2:1  # on cap2.example
