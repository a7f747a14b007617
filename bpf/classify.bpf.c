// SPDX-License-Identifier: GPL-2.0
/*
 * tierd's data plane: classification of every packet to its user's HTB class.
 *
 * Why BPF: u32 filters run inside HTB's enqueue, under the root qdisc lock, and walk about
 * N/256 filters per packet; at 50k users that left 10% of the unshaped packet rate. Here the
 * address lookup runs in clsact (before the qdisc, without its lock) in O(1) hash maps for
 * hosts and O(prefix length) tries for prefixes, and its answer travels in skb->priority:
 *
 *   interface egress (download)   tierd_down   dst address -> user's class on the interface
 *   interface ingress (upload)    tierd_up     src address -> user's class on the IFB, then a
 *                                              redirect to the IFB (throttled users only:
 *                                              everybody else never pays for the IFB)
 *   root HTB 7164: of both        tierd_shard  skb->priority's major -> shard class 7164:N,
 *   devices (cls_bpf, direct-                  one array read; the inner HTB then finds the
 *   action, classid 7164:)                     user's class by skb->priority itself (HTB
 *                                              looks priority up among its own classes first)
 *
 * The maps are tierd's state in the kernel, converged like classes (see docs/design.md):
 * keys are addresses in network byte order, values are class handles (major << 16 | minor).
 * A packet whose address is in no map gets priority 0: HTB's default 0 sends it unshaped.
 *
 * Built with `scripts/gen-bpf.sh` (clang -target bpf), embedded in Sources/CTierdBPF.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Sizes are set by the loader before the maps are created (tierd's [network] limits). */
#define HOSTS 1
#define NETS 1

struct net4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct net6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

struct host6_key {
	__u8 addr[16];
};

#define HOST_MAP(name, key_type)                        \
	struct {                                        \
		__uint(type, BPF_MAP_TYPE_HASH);        \
		__uint(map_flags, BPF_F_NO_PREALLOC);   \
		__uint(max_entries, HOSTS);             \
		__type(key, key_type);                  \
		__type(value, __u32);                   \
	} name SEC(".maps")

#define NET_MAP(name, key_type)                         \
	struct {                                        \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);    \
		__uint(map_flags, BPF_F_NO_PREALLOC);   \
		__uint(max_entries, NETS);              \
		__type(key, key_type);                  \
		__type(value, __u32);                   \
	} name SEC(".maps")

HOST_MAP(down_host4, __u32);
HOST_MAP(down_host6, struct host6_key);
NET_MAP(down_net4, struct net4_key);
NET_MAP(down_net6, struct net6_key);
HOST_MAP(up_host4, __u32);
HOST_MAP(up_host6, struct host6_key);
NET_MAP(up_net4, struct net4_key);
NET_MAP(up_net6, struct net6_key);

/* Inner HTB major -> minor of its shard class under the root (0: not one of tierd's). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u32);
} shard_of SEC(".maps");

/* Key 0: the IFB's interface index, where tierd_up redirects throttled users' packets. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} up_config SEC(".maps");

static __always_inline __u32 lookup4(void *hosts, void *nets, __u32 addr)
{
	__u32 *handle = bpf_map_lookup_elem(hosts, &addr);
	if (handle)
		return *handle;
	struct net4_key key = { .prefixlen = 32 };
	__builtin_memcpy(key.addr, &addr, 4);
	handle = bpf_map_lookup_elem(nets, &key);
	return handle ? *handle : 0;
}

static __always_inline __u32 lookup6(void *hosts, void *nets, const struct in6_addr *addr)
{
	struct host6_key host;
	__builtin_memcpy(host.addr, addr, 16);
	__u32 *handle = bpf_map_lookup_elem(hosts, &host);
	if (handle)
		return *handle;
	struct net6_key key = { .prefixlen = 128 };
	__builtin_memcpy(key.addr, addr, 16);
	handle = bpf_map_lookup_elem(nets, &key);
	return handle ? *handle : 0;
}

/* The class of the packet's source (upload) or destination (download) address, or 0. */
static __always_inline __u32 classify(struct __sk_buff *skb, int upload)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return 0;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		if ((void *)(ip + 1) > data_end)
			return 0;
		return upload ? lookup4(&up_host4, &up_net4, ip->saddr)
			      : lookup4(&down_host4, &down_net4, ip->daddr);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		if ((void *)(ip6 + 1) > data_end)
			return 0;
		return upload ? lookup6(&up_host6, &up_net6, &ip6->saddr)
			      : lookup6(&down_host6, &down_net6, &ip6->daddr);
	}
	return 0;
}

SEC("tc")
int tierd_down(struct __sk_buff *skb)
{
	skb->priority = classify(skb, 0);
	/* Let any later filter of the operator's run too; the priority stays set. */
	return TC_ACT_UNSPEC;
}

SEC("tc")
int tierd_up(struct __sk_buff *skb)
{
	__u32 handle = classify(skb, 1);
	if (!handle)
		return TC_ACT_UNSPEC;
	__u32 zero = 0;
	__u32 *ifb = bpf_map_lookup_elem(&up_config, &zero);
	if (!ifb || !*ifb)
		return TC_ACT_UNSPEC; /* fail open: no IFB known, no shaping */
	skb->priority = handle;
	return bpf_redirect(*ifb, 0);
}

SEC("tc")
int tierd_shard(struct __sk_buff *skb)
{
	__u32 major = skb->priority >> 16;
	__u32 *minor = bpf_map_lookup_elem(&shard_of, &major);
	if (!minor || !*minor)
		return TC_ACT_UNSPEC; /* HTB's default 0: unshaped */
	skb->tc_classid = *minor;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
