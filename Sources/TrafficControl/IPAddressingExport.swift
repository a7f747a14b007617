// `IPPrefix` is part of TrafficControl's API (a `ShapedUser` is bound to them), so every
// importer of TrafficControl sees it. It lives in IPAddressing, a pure target, so that the
// LibreQoS importer and its fuzz target can parse addresses without linking netlink or BPF.
@_exported import IPAddressing
