# steer 0.1.0, plan 4b8ec744c96d0377 (profile openflow13): zeekctl plugin declaring steer's node keys
# Copy into a directory of zeekctl.cfg's SitePluginPath. zeekctl then reads the steer.* keys of
# node.cfg (as node attributes steer_mac, ...) without warning that they are unknown;
# the plugin changes nothing else.
import ZeekControl.plugin


class Steer(ZeekControl.plugin.Plugin):
    def __init__(self):
        super().__init__(apiversion=1)

    def name(self):
        return "steer"

    def pluginVersion(self):
        return 1

    def init(self):
        # its node keys are all it adds: nothing to do when zeekctl runs
        return False

    def nodeKeys(self):
        return ["mac", "vlan", "port", "weight", "netns", "read"]
