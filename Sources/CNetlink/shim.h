#ifndef TIERD_CNETLINK_SHIM_H
#define TIERD_CNETLINK_SHIM_H
#include <netlink/netlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/tc.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/class.h>
#include <netlink/route/classifier.h>
#include <netlink/route/action.h>
#include <netlink/route/act/mirred.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/qdisc/fifo.h>
#include <netlink/route/qdisc/fq_codel.h>
#include <netlink/route/cls/u32.h>
#include <linux/pkt_sched.h>
#include <linux/pkt_cls.h>
#include <linux/gen_stats.h>
#include <linux/if_link.h>
#include <linux/if_ether.h>
#include <linux/netlink.h>
#include <linux/tc_act/tc_mirred.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <net/if.h>

/// setns(2) for a network namespace. Glibc only declares setns() under _GNU_SOURCE,
/// which Swift's Glibc module does not define, so go through the raw syscall.
static inline int tierd_setns_net(int fd) {
    return (int)syscall(SYS_setns, fd, 0x40000000 /* CLONE_NEWNET */);
}

/// The kernel's thread id: setns() changes the calling thread only, and tests use it to check that.
static inline long tierd_gettid(void) {
    return syscall(SYS_gettid);
}
#endif
