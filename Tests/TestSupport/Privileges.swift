import Glibc

/// Kernel tests need root (namespaces, qdiscs); they skip with a message otherwise.
public func isRoot() -> Bool { geteuid() == 0 }
