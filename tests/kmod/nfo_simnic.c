// SPDX-License-Identifier: GPL-2.0
/*
 * nfo_simnic: for the tests only, a simulated Ethernet NIC whose ports share
 * one flow offload ASIC, so that a scenario can see what a flowtable with
 * "flags offload" asks of hardware, and what hardware makes of it, on
 * kernels that have no such NIC (Debian's have neither netdevsim's data
 * path nor error injection).  Never shipped.
 *
 * Ports
 *   Pairs like veth: what one port transmits arrives at its peer, which the
 *   other end of the "wire" is.
 *	ip link add NAME type simnic peer name PEER [netns NS]
 *   (ip(8) takes veth's syntax for this kind through the plugin
 *   tests/tools/iplink/link_simnic.c; deleting either port deletes both.)
 *   Ethernet, random addresses, MTU 68..9216, carrier up while both ends are
 *   up, rtnetlink counters; no checksum, segmentation or VLAN offload, so
 *   every frame on the wire is complete.  NETIF_F_HW_TC is on and may be
 *   switched off (ethtool -K PORT hw-tc-offload off): the ASIC then neither
 *   looks at what the port receives nor accepts rules from or to it.  No
 *   ndo_fill_forward_path: flowtable flows through a port are DIRECT and
 *   their REDIRECT names the port itself.
 *
 * Control plane (ndo_setup_tc, TC_SETUP_FT; binder CLSACT_INGRESS only)
 *   bind_simple=0 (default): as mtk_eth_soc, one refcounted callback per
 *	flowtable (flow block) for the whole ASIC; every port the flowtable
 *	holds takes a reference, the last UNBIND removes it.
 *   bind_simple=1: flow_block_cb_setup_simple(), one callback per port;
 *	binding a port that another flowtable holds fails with -EBUSY.
 *   On the last UNBIND the rules that came through that binding are
 *   removed if unbind_flush=1, or kept (as mtk does) and marked stale.
 *   The callback takes TC_SETUP_CLSFLOWER only:
 *   REPLACE validates as mtk_ppe_offload.c does and counts each refusal
 *	(debugfs counter replace_refused_REASON):
 *	-EEXIST	 cookie already held (counter replace_eexist)
 *	-EOPNOTSUPP
 *		 key		a key other than META, CONTROL, BASIC, IPV4/6
 *				addresses, PORTS, TCP, VLAN, CVLAN, or a
 *				partial address or port mask
 *		 no_meta, no_control, no_basic, no_ports   key missing (GRE
 *				has no PORTS)
 *		 ctrl_flags	CONTROL with a flags mask
 *		 addr_type	neither IPv4 nor IPv6 addresses
 *		 l4proto	neither TCP nor UDP
 *		 vlan_proto	VLAN key or VLAN_PUSH not 802.1Q
 *		 action		an action other than MANGLE, REDIRECT, CSUM,
 *				VLAN_POP, VLAN_PUSH, PPPOE_PUSH; two REDIRECTs
 *				(nf sends an 802.1ad push as an empty entry,
 *				id 0, FLOW_ACTION_ACCEPT: refused here)
 *		 ipv6_nat	an IP6 mangle (mtk does no IPv6 NAT)
 *		 redirect	no REDIRECT, or one to a device not ours
 *		 push_limit	more than 2 pushed layers
 *		 pppoe2		a second PPPOE_PUSH
 *		 hw_tc		hw-tc-offload off on the ingress or egress port
 *	-EINVAL	 mangle		ETH offset not 0/4/8, IP4 offset not 12/16,
 *				TCP/UDP offset not 0 (the kernel writes both
 *				ports through offset 0), IP4 on an IPv6 flow
 *		 mac		source or destination not valid unicast
 *	-ENOSPC	 table full (replace_enospc); -ENOMEM (replace_enomem)
 *	and those the knobs below ask for (replace_refused_knob, _nth).
 *	The rewrite (addresses, ports, MACs, pushes, egress port) is worked
 *	out here, once; the egress port is held until the rule goes.
 *   DESTROY, STATS of a cookie not held: -ENOENT.  STATS adds, through
 *	flow_stats_update(), what the rule forwarded since the last STATS
 *	(L3 bytes: IP header and payload) and the jiffies of its last hit
 *	(0 if it never had one).
 *   Callbacks run in process context under one mutex (simnic_lock).
 *
 * Data plane (the "hardware"): a frame arriving at a port from the wire
 *   is looked up before the host sees it.  Parsed: Ethernet addressed to
 *   the port or to its master (a bridge), up to two VLAN tags (802.1Q, 802.1ad), a PPPoE session
 *   (IPv4, IPv6), IPv4 without options or fragments or IPv6, then TCP or
 *   UDP.  Matched on the addresses, ports, protocol, the ingress port
 *   (unless ignore_iif) and, if the rule has VLAN (and CVLAN) keys, the
 *   802.1Q ids in the order received (802.1ad tags and PPPoE are never
 *   matched).  The kernel's rules have no VLAN key, although nf fills one
 *   in: it does not flag it in the dissector's used_keys (6.1 and 6.12),
 *   so no driver sees it; the ASIC then matches whatever tags the frame
 *   carries, as mtk does.  TCP FIN or RST make it miss (unless
 *   ignore_fin).  A hit is
 *   forwarded as hardware does (addresses, ports and MACs rewritten, L4
 *   checksums updated incrementally, a zero UDP checksum left zero, TTL or
 *   hop limit decremented, the header checksum fixed, the ingress VLAN and
 *   PPPoE headers dropped, the rule's VLAN tags then PPPoE header pushed)
 *   straight onto the egress port's wire: the router's stack, qdiscs,
 *   netfilter and its ports' counters never see it.  Everything else goes
 *   to the host as a NIC without offload would deliver it, counted as
 *   punt_REASON:
 *	other	not for the ASIC: another destination MAC, not IP, not
 *		TCP/UDP
 *	parse	malformed, IPv4 options or fragment, more than two tags
 *	miss	no rule
 *	fin	TCP FIN or RST on a rule's flow
 *	unbound	the rule waits for lazy_bind punts before it forwards
 *	ttl	TTL or hop limit 1 or 0
 *	mtu	IP length (plus a pushed PPPoE header) above the egress
 *		port's MTU
 *	egress	the egress port is down or has lost its peer
 *	nomem	no memory to rewrite the frame
 *   A frame the ASIC forwarded meets the next port's lookup too (at most
 *   SIMNIC_MAX_HOPS ports in a row).
 *
 * Knobs (module parameters, writable in /sys/module/nfo_simnic/parameters
 * but bind_simple; errno values are positive numbers, 0 = off):
 *   bind_simple	 (load only) bind model, above
 *   bind_errno		 BIND fails with this errno
 *   refuse		 REPLACE refused, by bit: 0x1 all, 0x2 IPv4, 0x4 IPv6,
 *			 0x8 NAT (any address or port rewrite), 0x10 VLAN
 *			 (any VLAN key or push), 0x20 two VLAN layers (keys
 *			 or pushes), 0x40 PPPoE push, 0x80 TCP, 0x100 UDP.
 *			 (802.1ad pushes and GRE are always refused, as mtk.)
 *   refuse_nth		 every Nth REPLACE is refused
 *   refuse_errno	 errno of those refusals (default EOPNOTSUPP)
 *   table_size		 rules the ASIC holds (default 16384), then -ENOSPC
 *   lazy_bind		 a new rule forwards only after N of its packets were
 *			 punted (mtk binds from RX once a rate is reached)
 *   cb_delay_ms	 each callback sleeps that long first (max 10 s)
 *   destroy_errno	 DESTROY fails with this errno and keeps the rule
 *   stats_no_lastused	 STATS reports no lastused
 *   stats_cumulative	 STATS reports totals, not deltas
 *   stats_l2_bytes	 STATS counts whole received frames, not L3 bytes
 *   ignore_fin		 rules do not match on TCP flags (mtk ignores the key)
 *   ignore_iif		 rules match whatever port the packet came in on
 *   unbind_flush	 the last UNBIND removes the binding's rules
 *
 * debugfs, /sys/kernel/debug/nfo_simnic/ (one record per line, fields
 * "key=value" separated by single spaces, in this order):
 *   table	a rule per line:
 *	cookie=HEX iif=IFINDEX in=PORT|- family=ipv4|ipv6 proto=tcp|udp
 *	src=ADDR sport=N dst=ADDR dport=N vlan=ID[.ID]|- tcpflags=KEY/MASK|-
 *	dmac=MAC smac=MAC nat=saddr,sport,daddr,dport|- new_src=ADDR
 *	new_sport=N new_dst=ADDR new_dport=N pop=N push=vlan:ID,pppoe:SID|-
 *	out=PORT out_ifindex=N pkts=N bytes=N lastused=MSms|never
 *	state=bound|lazy punts=N bind=ID stale=0|1
 *	(pkts and bytes are totals; lastused is the age of the last hit)
 *   counters	"NAME VALUE" per line, every counter always present:
 *	binds bind_refs bind_failed bind_busy unbinds unbind_last
 *	unbind_flushed unbind_kept replace_calls replace_ok replace_eexist
 *	replace_enospc replace_enomem replace_refused_REASON (REASONs above,
 *	and knob, nth) destroy_calls destroy_ok destroy_enoent destroy_failed
 *	stats_calls stats_ok stats_enoent rules_port_gone rules_flushed
 *	hw_forwarded hw_forwarded_bytes punt_REASON (REASONs above)
 *	wire_dropped, then the gauges rules and rules_stale
 *   ports	a port per line:
 *	name=NAME ifindex=N netns=INODE peer=NAME|- peer_ifindex=N up=0|1
 *	hw_tc=0|1 bind=ID hw_rx_packets=N hw_rx_bytes=N hw_tx_packets=N
 *	hw_tx_bytes=N (frames the ASIC took from this port's wire, and put
 *	on it; the port's own counters do not include them)
 *   flush	write anything: every rule goes (counted in rules_flushed)
 *   requests	the last SIMNIC_REQUESTS REPLACE requests as sent, taken or
 *	not, oldest first, one per line, everything but the cookie (for
 *	comparing two flowtables' rules): prio= chain= protocol= keys=
 *	(used_keys, hex), then each used key as NAME=VALUE/MASK[,...] (meta,
 *	control, basic, ipv4, ipv6, tcp, ports, vlan, cvlan), then
 *	actions=A;A;... in order: mangle:HTYPE:OFFSET:MASK:VAL (hex),
 *	vlan_pop, vlan_push:VID:PROTO:PRIO, pppoe_push:SID, csum:FLAGS,
 *	redirect:DEV, or the action's id
 *   requests_clear  write anything: the request log empties
 *
 * Locking: simnic_lock (a mutex) serialises the control plane: BIND,
 * UNBIND, the callbacks, the port notifier, debugfs.  It nests inside
 * RTNL and inside nf's flow_block_lock; nothing is taken inside it.  The
 * data plane reads the rules under RCU (it runs in the transmit path, BH
 * off) and updates their counters with atomics.
 */
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/ppp_defs.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/tcp.h>
#include <linux/u64_stats_sync.h>
#include <linux/udp.h>
#include <linux/veth.h>
#include <net/checksum.h>
#include <net/flow_offload.h>
#include <net/ip.h>
#include <net/pkt_cls.h>
#include <net/rtnetlink.h>

#define SIMNIC_MAX_MTU		9216
/* Ports a frame may cross, forwarded by the ASIC each time, in a row. */
#define SIMNIC_MAX_HOPS		4
/* PPPoE session header (6 bytes) and the PPP protocol after it. */
#define SIMNIC_PPPOE_LEN	8
#define SIMNIC_CB_DELAY_MAX_MS	10000
/* REPLACE requests the log keeps; a line each. */
#define SIMNIC_REQUESTS		64
#define SIMNIC_REQUEST_LEN	1024

/* Knobs: read with READ_ONCE() wherever they are used. */
static bool bind_simple;
module_param(bind_simple, bool, 0444);
MODULE_PARM_DESC(bind_simple,
		 "bind one callback per port with flow_block_cb_setup_simple (-EBUSY in a second flowtable) instead of one refcounted callback per flowtable for the ASIC");

static int bind_errno;
module_param(bind_errno, int, 0644);
MODULE_PARM_DESC(bind_errno, "BIND fails with this errno (0: off)");

static unsigned int refuse;
module_param(refuse, uint, 0644);
MODULE_PARM_DESC(refuse,
		 "refuse REPLACE, bits: 0x1 all, 0x2 IPv4, 0x4 IPv6, 0x8 NAT, 0x10 VLAN, 0x20 two VLAN layers, 0x40 PPPoE, 0x80 TCP, 0x100 UDP");

static unsigned int refuse_nth;
module_param(refuse_nth, uint, 0644);
MODULE_PARM_DESC(refuse_nth, "refuse every Nth REPLACE (0: off)");

static int refuse_errno = EOPNOTSUPP;
module_param(refuse_errno, int, 0644);
MODULE_PARM_DESC(refuse_errno,
		 "errno of the refusals refuse and refuse_nth ask for (default EOPNOTSUPP)");

static unsigned int table_size = 16384;
module_param(table_size, uint, 0644);
MODULE_PARM_DESC(table_size, "rules the ASIC holds; REPLACE beyond: -ENOSPC");

static unsigned int lazy_bind;
module_param(lazy_bind, uint, 0644);
MODULE_PARM_DESC(lazy_bind,
		 "a new rule forwards only after this many of its packets were punted to the host");

static unsigned int cb_delay_ms;
module_param(cb_delay_ms, uint, 0644);
MODULE_PARM_DESC(cb_delay_ms, "each callback sleeps this long first (max 10000)");

static int destroy_errno;
module_param(destroy_errno, int, 0644);
MODULE_PARM_DESC(destroy_errno,
		 "DESTROY fails with this errno and keeps the rule (0: off)");

static bool stats_no_lastused;
module_param(stats_no_lastused, bool, 0644);
MODULE_PARM_DESC(stats_no_lastused, "STATS reports no lastused");

static bool stats_cumulative;
module_param(stats_cumulative, bool, 0644);
MODULE_PARM_DESC(stats_cumulative, "STATS reports totals instead of deltas");

static bool stats_l2_bytes;
module_param(stats_l2_bytes, bool, 0644);
MODULE_PARM_DESC(stats_l2_bytes,
		 "STATS counts received frames' bytes instead of L3 bytes");

static bool ignore_fin;
module_param(ignore_fin, bool, 0644);
MODULE_PARM_DESC(ignore_fin,
		 "rules ignore their TCP flags key: FIN and RST are forwarded too");

static bool ignore_iif;
module_param(ignore_iif, bool, 0644);
MODULE_PARM_DESC(ignore_iif,
		 "rules ignore their ingress ifindex: they match on any port");

static bool unbind_flush;
module_param(unbind_flush, bool, 0644);
MODULE_PARM_DESC(unbind_flush,
		 "the last UNBIND of a flowtable removes its rules (0: keep them, stale, as mtk does)");

#define SIMNIC_REFUSE_ALL	BIT(0)
#define SIMNIC_REFUSE_IPV4	BIT(1)
#define SIMNIC_REFUSE_IPV6	BIT(2)
#define SIMNIC_REFUSE_NAT	BIT(3)
#define SIMNIC_REFUSE_VLAN	BIT(4)
#define SIMNIC_REFUSE_VLAN2	BIT(5)
#define SIMNIC_REFUSE_PPPOE	BIT(6)
#define SIMNIC_REFUSE_TCP	BIT(7)
#define SIMNIC_REFUSE_UDP	BIT(8)

enum simnic_counter {
	SIMNIC_C_BINDS,
	SIMNIC_C_BIND_REFS,
	SIMNIC_C_BIND_FAILED,
	SIMNIC_C_BIND_BUSY,
	SIMNIC_C_UNBINDS,
	SIMNIC_C_UNBIND_LAST,
	SIMNIC_C_UNBIND_FLUSHED,
	SIMNIC_C_UNBIND_KEPT,
	SIMNIC_C_REPLACE_CALLS,
	SIMNIC_C_REPLACE_OK,
	SIMNIC_C_REPLACE_EEXIST,
	SIMNIC_C_REPLACE_ENOSPC,
	SIMNIC_C_REPLACE_ENOMEM,
	SIMNIC_C_REFUSED_KNOB,
	SIMNIC_C_REFUSED_NTH,
	SIMNIC_C_REFUSED_KEY,
	SIMNIC_C_REFUSED_NO_META,
	SIMNIC_C_REFUSED_NO_CONTROL,
	SIMNIC_C_REFUSED_NO_BASIC,
	SIMNIC_C_REFUSED_NO_PORTS,
	SIMNIC_C_REFUSED_CTRL_FLAGS,
	SIMNIC_C_REFUSED_ADDR_TYPE,
	SIMNIC_C_REFUSED_L4PROTO,
	SIMNIC_C_REFUSED_VLAN_PROTO,
	SIMNIC_C_REFUSED_ACTION,
	SIMNIC_C_REFUSED_IPV6_NAT,
	SIMNIC_C_REFUSED_REDIRECT,
	SIMNIC_C_REFUSED_PUSH_LIMIT,
	SIMNIC_C_REFUSED_PPPOE2,
	SIMNIC_C_REFUSED_HW_TC,
	SIMNIC_C_REFUSED_MANGLE,
	SIMNIC_C_REFUSED_MAC,
	SIMNIC_C_DESTROY_CALLS,
	SIMNIC_C_DESTROY_OK,
	SIMNIC_C_DESTROY_ENOENT,
	SIMNIC_C_DESTROY_FAILED,
	SIMNIC_C_STATS_CALLS,
	SIMNIC_C_STATS_OK,
	SIMNIC_C_STATS_ENOENT,
	SIMNIC_C_RULES_PORT_GONE,
	SIMNIC_C_RULES_FLUSHED,
	SIMNIC_C_HW_FORWARDED,
	SIMNIC_C_HW_FORWARDED_BYTES,
	SIMNIC_C_PUNT_OTHER,
	SIMNIC_C_PUNT_PARSE,
	SIMNIC_C_PUNT_MISS,
	SIMNIC_C_PUNT_FIN,
	SIMNIC_C_PUNT_UNBOUND,
	SIMNIC_C_PUNT_TTL,
	SIMNIC_C_PUNT_MTU,
	SIMNIC_C_PUNT_EGRESS,
	SIMNIC_C_PUNT_NOMEM,
	SIMNIC_C_WIRE_DROPPED,
	SIMNIC_C_MAX
};

/* The debugfs names; keep them stable, scenarios parse them. */
static const char * const simnic_counter_names[SIMNIC_C_MAX] = {
	[SIMNIC_C_BINDS]		= "binds",
	[SIMNIC_C_BIND_REFS]		= "bind_refs",
	[SIMNIC_C_BIND_FAILED]		= "bind_failed",
	[SIMNIC_C_BIND_BUSY]		= "bind_busy",
	[SIMNIC_C_UNBINDS]		= "unbinds",
	[SIMNIC_C_UNBIND_LAST]		= "unbind_last",
	[SIMNIC_C_UNBIND_FLUSHED]	= "unbind_flushed",
	[SIMNIC_C_UNBIND_KEPT]		= "unbind_kept",
	[SIMNIC_C_REPLACE_CALLS]	= "replace_calls",
	[SIMNIC_C_REPLACE_OK]		= "replace_ok",
	[SIMNIC_C_REPLACE_EEXIST]	= "replace_eexist",
	[SIMNIC_C_REPLACE_ENOSPC]	= "replace_enospc",
	[SIMNIC_C_REPLACE_ENOMEM]	= "replace_enomem",
	[SIMNIC_C_REFUSED_KNOB]		= "replace_refused_knob",
	[SIMNIC_C_REFUSED_NTH]		= "replace_refused_nth",
	[SIMNIC_C_REFUSED_KEY]		= "replace_refused_key",
	[SIMNIC_C_REFUSED_NO_META]	= "replace_refused_no_meta",
	[SIMNIC_C_REFUSED_NO_CONTROL]	= "replace_refused_no_control",
	[SIMNIC_C_REFUSED_NO_BASIC]	= "replace_refused_no_basic",
	[SIMNIC_C_REFUSED_NO_PORTS]	= "replace_refused_no_ports",
	[SIMNIC_C_REFUSED_CTRL_FLAGS]	= "replace_refused_ctrl_flags",
	[SIMNIC_C_REFUSED_ADDR_TYPE]	= "replace_refused_addr_type",
	[SIMNIC_C_REFUSED_L4PROTO]	= "replace_refused_l4proto",
	[SIMNIC_C_REFUSED_VLAN_PROTO]	= "replace_refused_vlan_proto",
	[SIMNIC_C_REFUSED_ACTION]	= "replace_refused_action",
	[SIMNIC_C_REFUSED_IPV6_NAT]	= "replace_refused_ipv6_nat",
	[SIMNIC_C_REFUSED_REDIRECT]	= "replace_refused_redirect",
	[SIMNIC_C_REFUSED_PUSH_LIMIT]	= "replace_refused_push_limit",
	[SIMNIC_C_REFUSED_PPPOE2]	= "replace_refused_pppoe2",
	[SIMNIC_C_REFUSED_HW_TC]	= "replace_refused_hw_tc",
	[SIMNIC_C_REFUSED_MANGLE]	= "replace_refused_mangle",
	[SIMNIC_C_REFUSED_MAC]		= "replace_refused_mac",
	[SIMNIC_C_DESTROY_CALLS]	= "destroy_calls",
	[SIMNIC_C_DESTROY_OK]		= "destroy_ok",
	[SIMNIC_C_DESTROY_ENOENT]	= "destroy_enoent",
	[SIMNIC_C_DESTROY_FAILED]	= "destroy_failed",
	[SIMNIC_C_STATS_CALLS]		= "stats_calls",
	[SIMNIC_C_STATS_OK]		= "stats_ok",
	[SIMNIC_C_STATS_ENOENT]		= "stats_enoent",
	[SIMNIC_C_RULES_PORT_GONE]	= "rules_port_gone",
	[SIMNIC_C_RULES_FLUSHED]	= "rules_flushed",
	[SIMNIC_C_HW_FORWARDED]		= "hw_forwarded",
	[SIMNIC_C_HW_FORWARDED_BYTES]	= "hw_forwarded_bytes",
	[SIMNIC_C_PUNT_OTHER]		= "punt_other",
	[SIMNIC_C_PUNT_PARSE]		= "punt_parse",
	[SIMNIC_C_PUNT_MISS]		= "punt_miss",
	[SIMNIC_C_PUNT_FIN]		= "punt_fin",
	[SIMNIC_C_PUNT_UNBOUND]		= "punt_unbound",
	[SIMNIC_C_PUNT_TTL]		= "punt_ttl",
	[SIMNIC_C_PUNT_MTU]		= "punt_mtu",
	[SIMNIC_C_PUNT_EGRESS]		= "punt_egress",
	[SIMNIC_C_PUNT_NOMEM]		= "punt_nomem",
	[SIMNIC_C_WIRE_DROPPED]		= "wire_dropped",
};

/* Event counts, from any context. */
static atomic64_t simnic_counters[SIMNIC_C_MAX];

static void simnic_count(enum simnic_counter c)
{
	atomic64_inc(&simnic_counters[c]);
}

/* What a packet is looked up by: hashed whole, so zero what is unused. */
struct simnic_key {
	struct in6_addr src;	/* IPv4: s6_addr32[0], the rest 0 */
	struct in6_addr dst;
	__be16 sport;
	__be16 dport;
	u8 family;		/* 4 or 6 */
	u8 proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	u8 pad[2];
};

static_assert(sizeof(struct simnic_key) % sizeof(u32) == 0);

/* What the rewrite changes (simnic_rule.nat). */
#define SIMNIC_NAT_SADDR	BIT(0)
#define SIMNIC_NAT_SPORT	BIT(1)
#define SIMNIC_NAT_DADDR	BIT(2)
#define SIMNIC_NAT_DPORT	BIT(3)

/*
 * A rule the ASIC holds: one direction of a flow.  Found by cookie
 * (control plane, under simnic_lock) and by key (data plane, RCU; changed
 * under simnic_lock).  Freed after a grace period.
 */
struct simnic_rule {
	struct hlist_node by_cookie;
	struct hlist_node by_key;
	struct rcu_head rcu;
	unsigned long cookie;
	struct simnic_key key;

	/* Match beyond the key; set before the rule is published. */
	int iif;			/* META ingress_ifindex as sent */
	bool iif_any;			/* META without an ifindex mask */
	/*
	 * The port of that ifindex if it is ours: only compared in the data
	 * plane; its name is read under simnic_lock, which the port's
	 * NETDEV_UNREGISTER takes (and removes the rule) before it goes.
	 */
	const struct net_device *in_dev;
	/* 802.1Q ids the VLAN keys want, outer first; 0: any tags match */
	u8 nvid;
	u16 vid[2];
	__be16 tcp_flags;		/* TCP key; tcp_mask 0: none */
	__be16 tcp_mask;

	/* The rewrite, worked out at REPLACE. */
	u8 eth[2 * ETH_ALEN];		/* destination, source */
	u8 nat;				/* SIMNIC_NAT_* */
	__be32 nat_saddr;		/* IPv4 only: mtk does no IPv6 NAT */
	__be32 nat_daddr;
	__be16 nat_ports[2];		/* source, destination */
	u8 npop;			/* VLAN_POPs: for the dump only */
	u8 npush;
	struct {
		__be16 proto;
		u16 vid;
	} push[2];			/* outer first */
	bool pppoe;			/* PPPoE pushed inside the tags */
	u16 pppoe_sid;
	struct net_device *out_dev;	/* REDIRECT, held by the rule */
	netdevice_tracker out_tracker;

	/* Binding the rule came through; stale once it went. simnic_lock */
	u32 bind_id;
	bool stale;

	/* Lazy binding: forwards once punts reaches bind_after. */
	u32 bind_after;
	atomic_t punts;
	bool bound;			/* READ_ONCE/WRITE_ONCE */

	/* Hits, from the data plane. */
	atomic64_t pkts;
	atomic64_t bytes;		/* L3 */
	atomic64_t l2bytes;		/* received frames */
	unsigned long lastused;		/* jiffies; 0: never. READ/WRITE_ONCE */

	/* What STATS reported last; simnic_lock. */
	u64 rep_pkts;
	u64 rep_bytes;
	u64 rep_l2bytes;
};

/* A flowtable's binding in the ASIC model: the callback's private data. */
struct simnic_binding {
	struct net *net;		/* the flowtable's, alive while bound */
	u32 id;
};

/* A port's counters: each _PACKETS is followed by its _BYTES. */
enum simnic_stat {
	SIMNIC_S_RX_PACKETS,
	SIMNIC_S_RX_BYTES,
	SIMNIC_S_TX_PACKETS,
	SIMNIC_S_TX_BYTES,
	SIMNIC_S_HW_RX_PACKETS,		/* taken by the ASIC from the wire */
	SIMNIC_S_HW_RX_BYTES,
	SIMNIC_S_HW_TX_PACKETS,		/* put on the wire by the ASIC */
	SIMNIC_S_HW_TX_BYTES,
	SIMNIC_S_RX_DROPPED,
	SIMNIC_S_TX_DROPPED,
	SIMNIC_S_MAX
};

/* Per CPU; written with BH off, in the transmit path. */
struct simnic_stats {
	u64_stats_t v[SIMNIC_S_MAX];
	struct u64_stats_sync syncp;
};

/* netdev_priv() of a port. */
struct simnic_port {
	struct net_device __rcu *peer;	/* set once, cleared by dellink */
	struct net_device *dev;
	struct simnic_stats __percpu *stats;
	struct list_head list;		/* simnic_ports; simnic_lock */
	u32 bind_id;			/* bind_simple: its binding; simnic_lock */
};

/*
 * The control plane's lock: the rule tables' writers, simnic_nrules,
 * simnic_ports, the bind bookkeeping (simnic_block_cbs, simnic_port_cbs,
 * simnic_bind_seq, simnic_replaces, simnic_port.bind_id), and what the
 * rules say is under it.  Taken inside RTNL and nf's flow_block_lock.
 */
static DEFINE_MUTEX(simnic_lock);
static DEFINE_HASHTABLE(simnic_cookies, 10);
static DEFINE_HASHTABLE(simnic_keys, 12);
static unsigned int simnic_nrules;
static LIST_HEAD(simnic_ports);
/* The ASIC's callbacks (driver_block_list); the list is its identity too */
static LIST_HEAD(simnic_block_cbs);
/* bind_simple's per-port callbacks */
static LIST_HEAD(simnic_port_cbs);
static u32 simnic_bind_seq;
static unsigned int simnic_replaces;
static u32 simnic_hash_seed __read_mostly;

static const struct net_device_ops simnic_netdev_ops;

static bool simnic_is_port(const struct net_device *dev)
{
	return dev->netdev_ops == &simnic_netdev_ops;
}

/* A knob's errno as a negative error (0 stays 0). */
static int simnic_errno(int value)
{
	if (value <= -MAX_ERRNO || value >= MAX_ERRNO)
		return -EINVAL;
	return value > 0 ? -value : value;
}

static u32 simnic_key_hash(const struct simnic_key *key)
{
	return jhash2((const u32 *)key, sizeof(*key) / sizeof(u32),
		      simnic_hash_seed);
}

static struct simnic_rule *simnic_find(unsigned long cookie)
{
	struct simnic_rule *rule;

	lockdep_assert_held(&simnic_lock);
	hash_for_each_possible(simnic_cookies, rule, by_cookie, cookie)
		if (rule->cookie == cookie)
			return rule;
	return NULL;
}

static void simnic_rule_free_rcu(struct rcu_head *head)
{
	struct simnic_rule *rule = container_of(head, struct simnic_rule, rcu);

	netdev_put(rule->out_dev, &rule->out_tracker);
	kfree(rule);
}

static void simnic_rule_remove(struct simnic_rule *rule)
{
	lockdep_assert_held(&simnic_lock);
	hash_del(&rule->by_cookie);
	hash_del_rcu(&rule->by_key);
	simnic_nrules--;
	call_rcu(&rule->rcu, simnic_rule_free_rcu);
}

/* Remove every rule; returns how many went. */
static unsigned int simnic_flush_all(void)
{
	struct simnic_rule *rule;
	struct hlist_node *tmp;
	unsigned int n = 0;
	int bkt;

	lockdep_assert_held(&simnic_lock);
	hash_for_each_safe(simnic_cookies, bkt, tmp, rule, by_cookie) {
		simnic_rule_remove(rule);
		n++;
	}
	return n;
}

/* ---- REPLACE: from flow_rule to simnic_rule ---- */

/* The keys a rule may carry. */
#define SIMNIC_KEYS (BIT_ULL(FLOW_DISSECTOR_KEY_META) |			\
		     BIT_ULL(FLOW_DISSECTOR_KEY_CONTROL) |		\
		     BIT_ULL(FLOW_DISSECTOR_KEY_BASIC) |		\
		     BIT_ULL(FLOW_DISSECTOR_KEY_IPV4_ADDRS) |		\
		     BIT_ULL(FLOW_DISSECTOR_KEY_IPV6_ADDRS) |		\
		     BIT_ULL(FLOW_DISSECTOR_KEY_PORTS) |		\
		     BIT_ULL(FLOW_DISSECTOR_KEY_TCP) |			\
		     BIT_ULL(FLOW_DISSECTOR_KEY_VLAN) |			\
		     BIT_ULL(FLOW_DISSECTOR_KEY_CVLAN))

static int simnic_match_vlan(struct simnic_rule *rule,
			     const struct flow_match_vlan *m, int *reason)
{
	if (m->mask->vlan_tpid != htons(0xffff) ||
	    m->key->vlan_tpid != htons(ETH_P_8021Q)) {
		*reason = SIMNIC_C_REFUSED_VLAN_PROTO;
		return -EOPNOTSUPP;
	}
	if (m->mask->vlan_id != VLAN_VID_MASK) {
		*reason = SIMNIC_C_REFUSED_KEY;
		return -EOPNOTSUPP;
	}
	rule->vid[rule->nvid++] = m->key->vlan_id;
	return 0;
}

/* The ingress port, if ours; with hw-tc-offload off, the rule is refused. */
static int simnic_match_iif(struct simnic_rule *rule, struct net *net,
			    int *reason)
{
	struct net_device *dev;
	int err = 0;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, rule->iif);
	if (dev && simnic_is_port(dev)) {
		rule->in_dev = dev;
		if (!tc_can_offload(dev)) {
			*reason = SIMNIC_C_REFUSED_HW_TC;
			err = -EOPNOTSUPP;
		}
	}
	rcu_read_unlock();
	return err;
}

static int simnic_rule_match(struct simnic_rule *rule, struct flow_rule *fr,
			     struct net *net, int *reason)
{
	struct flow_match_control control;
	struct flow_match_basic basic;
	struct flow_match_ports ports;
	struct flow_match_meta meta;
	unsigned int key;
	u16 addr_type;

	*reason = SIMNIC_C_REFUSED_KEY;
	for (key = 0; key < FLOW_DISSECTOR_KEY_MAX; key++)
		if (flow_rule_match_key(fr, key) && !(SIMNIC_KEYS & BIT_ULL(key)))
			return -EOPNOTSUPP;
	*reason = SIMNIC_C_REFUSED_NO_META;
	if (!flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_META))
		return -EOPNOTSUPP;
	*reason = SIMNIC_C_REFUSED_NO_CONTROL;
	if (!flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_CONTROL))
		return -EOPNOTSUPP;
	*reason = SIMNIC_C_REFUSED_NO_BASIC;
	if (!flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_BASIC))
		return -EOPNOTSUPP;

	flow_rule_match_control(fr, &control);
	*reason = SIMNIC_C_REFUSED_CTRL_FLAGS;
	if (control.mask->flags)
		return -EOPNOTSUPP;
	flow_rule_match_basic(fr, &basic);
	addr_type = control.key->addr_type;
	*reason = SIMNIC_C_REFUSED_ADDR_TYPE;
	if (addr_type == FLOW_DISSECTOR_KEY_IPV4_ADDRS &&
	    flow_rule_match_key(fr, addr_type) &&
	    basic.key->n_proto == htons(ETH_P_IP)) {
		struct flow_match_ipv4_addrs addrs;

		flow_rule_match_ipv4_addrs(fr, &addrs);
		*reason = SIMNIC_C_REFUSED_KEY;
		if (addrs.mask->src != htonl(~0U) ||
		    addrs.mask->dst != htonl(~0U))
			return -EOPNOTSUPP;
		rule->key.family = 4;
		rule->key.src.s6_addr32[0] = addrs.key->src;
		rule->key.dst.s6_addr32[0] = addrs.key->dst;
	} else if (addr_type == FLOW_DISSECTOR_KEY_IPV6_ADDRS &&
		   flow_rule_match_key(fr, addr_type) &&
		   basic.key->n_proto == htons(ETH_P_IPV6)) {
		struct flow_match_ipv6_addrs addrs;

		flow_rule_match_ipv6_addrs(fr, &addrs);
		*reason = SIMNIC_C_REFUSED_KEY;
		if (memchr_inv(&addrs.mask->src, 0xff, sizeof(addrs.mask->src)) ||
		    memchr_inv(&addrs.mask->dst, 0xff, sizeof(addrs.mask->dst)))
			return -EOPNOTSUPP;
		rule->key.family = 6;
		rule->key.src = addrs.key->src;
		rule->key.dst = addrs.key->dst;
	} else {
		return -EOPNOTSUPP;
	}

	/* Checked before the protocol: GRE fails here, as it does on mtk. */
	*reason = SIMNIC_C_REFUSED_NO_PORTS;
	if (!flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_PORTS))
		return -EOPNOTSUPP;
	*reason = SIMNIC_C_REFUSED_L4PROTO;
	if (basic.mask->ip_proto != 0xff ||
	    (basic.key->ip_proto != IPPROTO_TCP &&
	     basic.key->ip_proto != IPPROTO_UDP))
		return -EOPNOTSUPP;
	rule->key.proto = basic.key->ip_proto;
	flow_rule_match_ports(fr, &ports);
	*reason = SIMNIC_C_REFUSED_KEY;
	if (ports.mask->src != htons(0xffff) || ports.mask->dst != htons(0xffff))
		return -EOPNOTSUPP;
	rule->key.sport = ports.key->src;
	rule->key.dport = ports.key->dst;

	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_TCP)) {
		struct flow_match_tcp tcp;

		flow_rule_match_tcp(fr, &tcp);
		rule->tcp_flags = tcp.key->flags & tcp.mask->flags;
		rule->tcp_mask = tcp.mask->flags;
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_VLAN)) {
		struct flow_match_vlan vlan;
		int err;

		flow_rule_match_vlan(fr, &vlan);
		err = simnic_match_vlan(rule, &vlan, reason);
		if (err)
			return err;
		if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_CVLAN)) {
			flow_rule_match_cvlan(fr, &vlan);
			err = simnic_match_vlan(rule, &vlan, reason);
			if (err)
				return err;
		}
	} else if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_CVLAN)) {
		return -EOPNOTSUPP;
	}

	flow_rule_match_meta(fr, &meta);
	rule->iif = meta.key->ingress_ifindex;
	rule->iif_any = !meta.mask->ingress_ifindex;
	if (rule->iif_any)
		return 0;
	return simnic_match_iif(rule, net, reason);
}

/* word = (word & mask) | val, on the raw bytes, as a generic pedit. */
static void simnic_mangle_word(void *field, u32 mask, u32 val)
{
	u32 word;

	memcpy(&word, field, sizeof(word));
	word = (word & mask) | (val & ~mask);
	memcpy(field, &word, sizeof(word));
}

static int simnic_rule_mangle(struct simnic_rule *rule,
			      const struct flow_action_entry *act, int *reason)
{
	u32 off = act->mangle.offset;
	void *field;

	*reason = SIMNIC_C_REFUSED_MANGLE;
	switch (act->mangle.htype) {
	case FLOW_ACT_MANGLE_HDR_TYPE_ETH:
		if (off > 2 * ETH_ALEN - sizeof(u32) || off % sizeof(u32))
			return -EINVAL;
		field = rule->eth + off;
		break;
	case FLOW_ACT_MANGLE_HDR_TYPE_IP4:
		if (rule->key.family != 4)
			return -EINVAL;
		if (off == offsetof(struct iphdr, saddr))
			field = &rule->nat_saddr;
		else if (off == offsetof(struct iphdr, daddr))
			field = &rule->nat_daddr;
		else
			return -EINVAL;
		break;
	case FLOW_ACT_MANGLE_HDR_TYPE_IP6:
		*reason = SIMNIC_C_REFUSED_IPV6_NAT;
		return -EOPNOTSUPP;
	case FLOW_ACT_MANGLE_HDR_TYPE_TCP:
	case FLOW_ACT_MANGLE_HDR_TYPE_UDP:
		if (off)
			return -EINVAL;
		field = rule->nat_ports;
		break;
	default:
		*reason = SIMNIC_C_REFUSED_ACTION;
		return -EOPNOTSUPP;
	}
	simnic_mangle_word(field, act->mangle.mask, act->mangle.val);
	return 0;
}

static int simnic_rule_actions(struct simnic_rule *rule, struct flow_rule *fr,
			       int *reason)
{
	const struct flow_action_entry *act;
	int err, i;

	rule->nat_saddr = rule->key.src.s6_addr32[0];
	rule->nat_daddr = rule->key.dst.s6_addr32[0];
	rule->nat_ports[0] = rule->key.sport;
	rule->nat_ports[1] = rule->key.dport;

	flow_action_for_each(i, act, &fr->action) {
		switch (act->id) {
		case FLOW_ACTION_MANGLE:
			err = simnic_rule_mangle(rule, act, reason);
			if (err)
				return err;
			break;
		case FLOW_ACTION_REDIRECT:
			*reason = SIMNIC_C_REFUSED_ACTION;
			if (rule->out_dev)
				return -EOPNOTSUPP;
			*reason = SIMNIC_C_REFUSED_REDIRECT;
			if (!act->dev || !simnic_is_port(act->dev))
				return -EOPNOTSUPP;
			/* nf holds it for the callback; held later if kept */
			rule->out_dev = act->dev;
			break;
		case FLOW_ACTION_CSUM:
			break;
		case FLOW_ACTION_VLAN_POP:
			rule->npop++;
			break;
		case FLOW_ACTION_VLAN_PUSH:
			*reason = SIMNIC_C_REFUSED_VLAN_PROTO;
			if (act->vlan.proto != htons(ETH_P_8021Q))
				return -EOPNOTSUPP;
			*reason = SIMNIC_C_REFUSED_PUSH_LIMIT;
			if (rule->npush + rule->pppoe >= 2)
				return -EOPNOTSUPP;
			rule->push[rule->npush].proto = act->vlan.proto;
			rule->push[rule->npush].vid = act->vlan.vid & VLAN_VID_MASK;
			rule->npush++;
			break;
		case FLOW_ACTION_PPPOE_PUSH:
			*reason = SIMNIC_C_REFUSED_PPPOE2;
			if (rule->pppoe)
				return -EOPNOTSUPP;
			*reason = SIMNIC_C_REFUSED_PUSH_LIMIT;
			if (rule->npush >= 2)
				return -EOPNOTSUPP;
			rule->pppoe = true;
			rule->pppoe_sid = act->pppoe.sid;
			break;
		default:
			*reason = SIMNIC_C_REFUSED_ACTION;
			return -EOPNOTSUPP;
		}
	}

	*reason = SIMNIC_C_REFUSED_REDIRECT;
	if (!rule->out_dev)
		return -EOPNOTSUPP;
	*reason = SIMNIC_C_REFUSED_HW_TC;
	if (!tc_can_offload(rule->out_dev))
		return -EOPNOTSUPP;
	*reason = SIMNIC_C_REFUSED_MAC;
	if (!is_valid_ether_addr(rule->eth) ||
	    !is_valid_ether_addr(rule->eth + ETH_ALEN))
		return -EINVAL;

	if (rule->nat_saddr != rule->key.src.s6_addr32[0])
		rule->nat |= SIMNIC_NAT_SADDR;
	if (rule->nat_daddr != rule->key.dst.s6_addr32[0])
		rule->nat |= SIMNIC_NAT_DADDR;
	if (rule->nat_ports[0] != rule->key.sport)
		rule->nat |= SIMNIC_NAT_SPORT;
	if (rule->nat_ports[1] != rule->key.dport)
		rule->nat |= SIMNIC_NAT_DPORT;
	return 0;
}

/* The refusals the refuse knob asks for. */
static int simnic_rule_knobs(const struct simnic_rule *rule, int *reason)
{
	unsigned int bits = READ_ONCE(refuse);
	unsigned int vlans = max_t(unsigned int, rule->nvid, rule->npush);
	unsigned int what = SIMNIC_REFUSE_ALL;

	what |= rule->key.family == 4 ? SIMNIC_REFUSE_IPV4 : SIMNIC_REFUSE_IPV6;
	what |= rule->key.proto == IPPROTO_TCP ? SIMNIC_REFUSE_TCP :
						 SIMNIC_REFUSE_UDP;
	if (rule->nat)
		what |= SIMNIC_REFUSE_NAT;
	if (vlans)
		what |= SIMNIC_REFUSE_VLAN;
	if (vlans >= 2)
		what |= SIMNIC_REFUSE_VLAN2;
	if (rule->pppoe)
		what |= SIMNIC_REFUSE_PPPOE;
	if (!(bits & what))
		return 0;
	*reason = SIMNIC_C_REFUSED_KNOB;
	return simnic_errno(READ_ONCE(refuse_errno)) ?: -EOPNOTSUPP;
}

/* The request log (debugfs "requests"): a ring under simnic_lock. */
static char *simnic_requests[SIMNIC_REQUESTS];
static unsigned int simnic_requests_next;

/* Append to @buf (of SIMNIC_REQUEST_LEN, used @*len). */
static __printf(3, 4) void simnic_req_add(char *buf, size_t *len,
					  const char *fmt, ...)
{
	va_list args;

	if (*len >= SIMNIC_REQUEST_LEN)
		return;
	va_start(args, fmt);
	*len += vscnprintf(buf + *len, SIMNIC_REQUEST_LEN - *len, fmt, args);
	va_end(args);
}

static void simnic_req_keys(char *b, size_t *n, struct flow_rule *fr)
{
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_META)) {
		struct flow_match_meta m;

		flow_rule_match_meta(fr, &m);
		simnic_req_add(b, n, " meta=%d/%x", m.key->ingress_ifindex,
			       m.mask->ingress_ifindex);
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_CONTROL)) {
		struct flow_match_control m;

		flow_rule_match_control(fr, &m);
		simnic_req_add(b, n, " control=%u/%x,%x/%x", m.key->addr_type,
			       m.mask->addr_type, m.key->flags, m.mask->flags);
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_BASIC)) {
		struct flow_match_basic m;

		flow_rule_match_basic(fr, &m);
		simnic_req_add(b, n, " basic=%04x/%04x,%u/%x",
			       ntohs(m.key->n_proto), ntohs(m.mask->n_proto),
			       m.key->ip_proto, m.mask->ip_proto);
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_IPV4_ADDRS)) {
		struct flow_match_ipv4_addrs m;

		flow_rule_match_ipv4_addrs(fr, &m);
		simnic_req_add(b, n, " ipv4=%pI4/%pI4,%pI4/%pI4",
			       &m.key->src, &m.mask->src, &m.key->dst,
			       &m.mask->dst);
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_IPV6_ADDRS)) {
		struct flow_match_ipv6_addrs m;

		flow_rule_match_ipv6_addrs(fr, &m);
		simnic_req_add(b, n, " ipv6=%pI6c/%pI6c,%pI6c/%pI6c",
			       &m.key->src, &m.mask->src, &m.key->dst,
			       &m.mask->dst);
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_TCP)) {
		struct flow_match_tcp m;

		flow_rule_match_tcp(fr, &m);
		simnic_req_add(b, n, " tcp=%x/%x", ntohs(m.key->flags),
			       ntohs(m.mask->flags));
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_PORTS)) {
		struct flow_match_ports m;

		flow_rule_match_ports(fr, &m);
		simnic_req_add(b, n, " ports=%u/%x,%u/%x", ntohs(m.key->src),
			       ntohs(m.mask->src), ntohs(m.key->dst),
			       ntohs(m.mask->dst));
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_VLAN)) {
		struct flow_match_vlan m;

		flow_rule_match_vlan(fr, &m);
		simnic_req_add(b, n, " vlan=%u/%x,%04x/%04x", m.key->vlan_id,
			       m.mask->vlan_id, ntohs(m.key->vlan_tpid),
			       ntohs(m.mask->vlan_tpid));
	}
	if (flow_rule_match_key(fr, FLOW_DISSECTOR_KEY_CVLAN)) {
		struct flow_match_vlan m;

		flow_rule_match_cvlan(fr, &m);
		simnic_req_add(b, n, " cvlan=%u/%x,%04x/%04x", m.key->vlan_id,
			       m.mask->vlan_id, ntohs(m.key->vlan_tpid),
			       ntohs(m.mask->vlan_tpid));
	}
}

static void simnic_req_actions(char *b, size_t *n, struct flow_rule *fr)
{
	const struct flow_action_entry *a;
	const char *sep = " actions=";
	int i;

	flow_action_for_each(i, a, &fr->action) {
		simnic_req_add(b, n, "%s", sep);
		sep = ";";
		switch (a->id) {
		case FLOW_ACTION_MANGLE:
			simnic_req_add(b, n, "mangle:%u:%u:%08x:%08x",
				       a->mangle.htype, a->mangle.offset,
				       a->mangle.mask, a->mangle.val);
			break;
		case FLOW_ACTION_VLAN_POP:
			simnic_req_add(b, n, "vlan_pop");
			break;
		case FLOW_ACTION_VLAN_PUSH:
			simnic_req_add(b, n, "vlan_push:%u:%04x:%u",
				       a->vlan.vid, ntohs(a->vlan.proto),
				       a->vlan.prio);
			break;
		case FLOW_ACTION_PPPOE_PUSH:
			simnic_req_add(b, n, "pppoe_push:%u", a->pppoe.sid);
			break;
		case FLOW_ACTION_CSUM:
			simnic_req_add(b, n, "csum:%x", a->csum_flags);
			break;
		case FLOW_ACTION_REDIRECT:
			simnic_req_add(b, n, "redirect:%s",
				       a->dev ? a->dev->name : "-");
			break;
		default:
			simnic_req_add(b, n, "id%u", a->id);
			break;
		}
	}
}

/* Log REPLACE request @cls, cookie aside.  Under simnic_lock. */
static void simnic_log_request(struct flow_cls_offload *cls)
{
	struct flow_rule *fr = flow_cls_offload_flow_rule(cls);
	unsigned int slot;
	size_t n = 0;
	char *b;

	lockdep_assert_held(&simnic_lock);
	b = kmalloc(SIMNIC_REQUEST_LEN, GFP_KERNEL);
	if (!b)
		return;
	simnic_req_add(b, &n, "prio=%u chain=%u protocol=%04x keys=%llx",
		       cls->common.prio, cls->common.chain_index,
		       (__force u16)cls->common.protocol,
		       (unsigned long long)fr->match.dissector->used_keys);
	simnic_req_keys(b, &n, fr);
	simnic_req_actions(b, &n, fr);
	slot = simnic_requests_next++ % SIMNIC_REQUESTS;
	kfree(simnic_requests[slot]);
	simnic_requests[slot] = b;
}

static void simnic_requests_clear(void)
{
	unsigned int i;

	lockdep_assert_held(&simnic_lock);
	for (i = 0; i < SIMNIC_REQUESTS; i++) {
		kfree(simnic_requests[i]);
		simnic_requests[i] = NULL;
	}
	simnic_requests_next = 0;
}

static int simnic_replace(struct flow_cls_offload *cls, struct net *net,
			  u32 bind_id)
{
	struct flow_rule *fr = flow_cls_offload_flow_rule(cls);
	unsigned int nth = READ_ONCE(refuse_nth);
	struct simnic_rule *rule;
	int reason, err;

	lockdep_assert_held(&simnic_lock);
	simnic_count(SIMNIC_C_REPLACE_CALLS);
	simnic_log_request(cls);
	if (simnic_find(cls->cookie)) {
		simnic_count(SIMNIC_C_REPLACE_EEXIST);
		return -EEXIST;
	}
	simnic_replaces++;
	if (nth && simnic_replaces % nth == 0) {
		simnic_count(SIMNIC_C_REFUSED_NTH);
		return simnic_errno(READ_ONCE(refuse_errno)) ?: -EOPNOTSUPP;
	}

	rule = kzalloc(sizeof(*rule), GFP_KERNEL);
	if (!rule) {
		simnic_count(SIMNIC_C_REPLACE_ENOMEM);
		return -ENOMEM;
	}
	err = simnic_rule_match(rule, fr, net, &reason);
	if (!err)
		err = simnic_rule_actions(rule, fr, &reason);
	if (!err)
		err = simnic_rule_knobs(rule, &reason);
	/* An egress port on its way out would never be let go of. */
	if (!err && rule->out_dev->reg_state != NETREG_REGISTERED) {
		reason = SIMNIC_C_REFUSED_REDIRECT;
		err = -ENODEV;
	}
	if (!err && simnic_nrules >= READ_ONCE(table_size)) {
		reason = SIMNIC_C_REPLACE_ENOSPC;
		err = -ENOSPC;
	}
	if (err) {
		simnic_count(reason);
		kfree(rule);
		return err;
	}

	rule->cookie = cls->cookie;
	rule->bind_id = bind_id;
	rule->bind_after = READ_ONCE(lazy_bind);
	rule->bound = !rule->bind_after;
	netdev_hold(rule->out_dev, &rule->out_tracker, GFP_KERNEL);
	hash_add(simnic_cookies, &rule->by_cookie, rule->cookie);
	hash_add_rcu(simnic_keys, &rule->by_key, simnic_key_hash(&rule->key));
	simnic_nrules++;
	simnic_count(SIMNIC_C_REPLACE_OK);
	return 0;
}

static int simnic_destroy(struct flow_cls_offload *cls)
{
	struct simnic_rule *rule;
	int err;

	lockdep_assert_held(&simnic_lock);
	simnic_count(SIMNIC_C_DESTROY_CALLS);
	rule = simnic_find(cls->cookie);
	if (!rule) {
		simnic_count(SIMNIC_C_DESTROY_ENOENT);
		return -ENOENT;
	}
	err = simnic_errno(READ_ONCE(destroy_errno));
	if (err) {
		simnic_count(SIMNIC_C_DESTROY_FAILED);
		return err;
	}
	simnic_rule_remove(rule);
	simnic_count(SIMNIC_C_DESTROY_OK);
	return 0;
}

static int simnic_stats(struct flow_cls_offload *cls)
{
	struct simnic_rule *rule;
	u64 pkts, bytes, l2bytes, dpkts, dbytes;
	unsigned long lastused;

	lockdep_assert_held(&simnic_lock);
	simnic_count(SIMNIC_C_STATS_CALLS);
	rule = simnic_find(cls->cookie);
	if (!rule) {
		simnic_count(SIMNIC_C_STATS_ENOENT);
		return -ENOENT;
	}
	pkts = atomic64_read(&rule->pkts);
	bytes = atomic64_read(&rule->bytes);
	l2bytes = atomic64_read(&rule->l2bytes);
	if (READ_ONCE(stats_cumulative)) {
		dpkts = pkts;
		dbytes = READ_ONCE(stats_l2_bytes) ? l2bytes : bytes;
	} else {
		dpkts = pkts - rule->rep_pkts;
		dbytes = READ_ONCE(stats_l2_bytes) ? l2bytes - rule->rep_l2bytes :
						     bytes - rule->rep_bytes;
	}
	rule->rep_pkts = pkts;
	rule->rep_bytes = bytes;
	rule->rep_l2bytes = l2bytes;
	lastused = READ_ONCE(stats_no_lastused) ? 0 : READ_ONCE(rule->lastused);
	flow_stats_update(&cls->stats, dbytes, dpkts, 0, lastused,
			  FLOW_ACTION_HW_STATS_DELAYED);
	simnic_count(SIMNIC_C_STATS_OK);
	return 0;
}

/* TC_SETUP_CLSFLOWER on a binding: @bind_id is the binding's. */
static int simnic_classify(enum tc_setup_type type, void *type_data,
			   struct net *net, struct simnic_port *port,
			   u32 bind_id)
{
	unsigned int delay = READ_ONCE(cb_delay_ms);
	struct flow_cls_offload *cls = type_data;
	int err;

	if (type != TC_SETUP_CLSFLOWER)
		return -EOPNOTSUPP;
	if (delay)
		msleep(min(delay, SIMNIC_CB_DELAY_MAX_MS));

	mutex_lock(&simnic_lock);
	if (port)
		bind_id = port->bind_id;
	switch (cls->command) {
	case FLOW_CLS_REPLACE:
		err = simnic_replace(cls, net, bind_id);
		break;
	case FLOW_CLS_DESTROY:
		err = simnic_destroy(cls);
		break;
	case FLOW_CLS_STATS:
		err = simnic_stats(cls);
		break;
	default:
		err = -EOPNOTSUPP;
		break;
	}
	mutex_unlock(&simnic_lock);
	return err;
}

/* The ASIC model's callback: one per flowtable. */
static int simnic_asic_cb(enum tc_setup_type type, void *type_data,
			  void *cb_priv)
{
	struct simnic_binding *binding = cb_priv;

	return simnic_classify(type, type_data, binding->net, NULL,
			       binding->id);
}

/* bind_simple's callback: one per port, which must allow offload. */
static int simnic_port_cb(enum tc_setup_type type, void *type_data,
			  void *cb_priv)
{
	struct net_device *dev = cb_priv;

	if (!tc_can_offload(dev)) {
		if (type == TC_SETUP_CLSFLOWER &&
		    ((struct flow_cls_offload *)type_data)->command ==
		    FLOW_CLS_REPLACE)
			simnic_count(SIMNIC_C_REFUSED_HW_TC);
		return -EOPNOTSUPP;
	}
	return simnic_classify(type, type_data, dev_net(dev),
			       netdev_priv(dev), 0);
}

/* ---- BIND / UNBIND ---- */

static void simnic_binding_release(void *cb_priv)
{
	kfree(cb_priv);
}

/* A binding ended: its rules go, or stay stale, as unbind_flush says. */
static void simnic_unbind_rules(u32 bind_id)
{
	bool flush = READ_ONCE(unbind_flush);
	struct simnic_rule *rule;
	struct hlist_node *tmp;
	int bkt;

	lockdep_assert_held(&simnic_lock);
	hash_for_each_safe(simnic_cookies, bkt, tmp, rule, by_cookie) {
		if (rule->bind_id != bind_id || rule->stale)
			continue;
		if (flush) {
			simnic_rule_remove(rule);
			simnic_count(SIMNIC_C_UNBIND_FLUSHED);
		} else {
			rule->stale = true;
			simnic_count(SIMNIC_C_UNBIND_KEPT);
		}
	}
}

static int simnic_bind_asic(struct flow_block_offload *bo)
{
	struct simnic_binding *binding;
	struct flow_block_cb *cb;

	bo->driver_block_list = &simnic_block_cbs;
	cb = flow_block_cb_lookup(bo->block, simnic_asic_cb, &simnic_block_cbs);
	if (cb) {
		flow_block_cb_incref(cb);
		simnic_count(SIMNIC_C_BIND_REFS);
		return 0;
	}
	binding = kzalloc(sizeof(*binding), GFP_KERNEL);
	if (!binding)
		return -ENOMEM;
	binding->net = bo->net;
	binding->id = ++simnic_bind_seq;
	cb = flow_block_cb_alloc(simnic_asic_cb, &simnic_block_cbs, binding,
				 simnic_binding_release);
	if (IS_ERR(cb)) {
		kfree(binding);
		return PTR_ERR(cb);
	}
	flow_block_cb_incref(cb);
	flow_block_cb_add(cb, bo);
	list_add_tail(&cb->driver_list, &simnic_block_cbs);
	simnic_count(SIMNIC_C_BINDS);
	return 0;
}

static int simnic_unbind_asic(struct flow_block_offload *bo)
{
	struct simnic_binding *binding;
	struct flow_block_cb *cb;

	cb = flow_block_cb_lookup(bo->block, simnic_asic_cb, &simnic_block_cbs);
	if (!cb)
		return -ENOENT;
	simnic_count(SIMNIC_C_UNBINDS);
	if (flow_block_cb_decref(cb))
		return 0;
	binding = flow_block_cb_priv(cb);
	simnic_unbind_rules(binding->id);
	/* nf frees it, and the binding with it, once we return. */
	flow_block_cb_remove(cb, bo);
	list_del(&cb->driver_list);
	simnic_count(SIMNIC_C_UNBIND_LAST);
	return 0;
}

static int simnic_bind_port(struct net_device *dev,
			    struct flow_block_offload *bo)
{
	struct simnic_port *port = netdev_priv(dev);
	int err;

	err = flow_block_cb_setup_simple(bo, &simnic_port_cbs, simnic_port_cb,
					 dev, dev, true);
	if (err == -EBUSY)
		simnic_count(SIMNIC_C_BIND_BUSY);
	if (err)
		return err;
	port->bind_id = ++simnic_bind_seq;
	simnic_count(SIMNIC_C_BINDS);
	return 0;
}

static int simnic_unbind_port(struct net_device *dev,
			      struct flow_block_offload *bo)
{
	struct simnic_port *port = netdev_priv(dev);
	int err;

	err = flow_block_cb_setup_simple(bo, &simnic_port_cbs, simnic_port_cb,
					 dev, dev, true);
	if (err)
		return err;
	simnic_count(SIMNIC_C_UNBINDS);
	simnic_unbind_rules(port->bind_id);
	port->bind_id = 0;
	simnic_count(SIMNIC_C_UNBIND_LAST);
	return 0;
}

/* Called with nf's flow_block_lock held for writing (and maybe RTNL). */
static int simnic_setup_ft(struct net_device *dev,
			   struct flow_block_offload *bo)
{
	int err;

	if (bo->binder_type != FLOW_BLOCK_BINDER_TYPE_CLSACT_INGRESS)
		return -EOPNOTSUPP;

	mutex_lock(&simnic_lock);
	switch (bo->command) {
	case FLOW_BLOCK_BIND:
		err = simnic_errno(READ_ONCE(bind_errno));
		if (err)
			simnic_count(SIMNIC_C_BIND_FAILED);
		else if (bind_simple)
			err = simnic_bind_port(dev, bo);
		else
			err = simnic_bind_asic(bo);
		break;
	case FLOW_BLOCK_UNBIND:
		if (bind_simple)
			err = simnic_unbind_port(dev, bo);
		else
			err = simnic_unbind_asic(bo);
		break;
	default:
		err = -EOPNOTSUPP;
		break;
	}
	mutex_unlock(&simnic_lock);
	return err;
}

static int simnic_setup_tc(struct net_device *dev, enum tc_setup_type type,
			   void *type_data)
{
	if (type != TC_SETUP_FT)
		return -EOPNOTSUPP;
	return simnic_setup_ft(dev, type_data);
}

/* ---- the data plane ---- */

/* One more in counter @i of @port, and @len in the next if @len. */
static void simnic_stats_add(struct simnic_port *port, enum simnic_stat i,
			     unsigned int len)
{
	struct simnic_stats *stats = this_cpu_ptr(port->stats);

	u64_stats_update_begin(&stats->syncp);
	u64_stats_inc(&stats->v[i]);
	if (len)
		u64_stats_add(&stats->v[i + 1], len);
	u64_stats_update_end(&stats->syncp);
}

static void simnic_drop_rx(struct simnic_port *port, struct sk_buff *skb)
{
	simnic_stats_add(port, SIMNIC_S_RX_DROPPED, 0);
	kfree_skb(skb);
}

/* What the parser found in a frame; offsets from its first byte. */
struct simnic_parsed {
	struct simnic_key key;
	u16 vid[2];			/* 802.1Q ids, outer first */
	u8 nvid;
	u8 ttl;				/* or hop limit */
	__be16 tcp_flags;		/* as the flow dissector has them */
	unsigned int l3off;
	unsigned int l3len;
	unsigned int l4off;
};

static bool simnic_parse_l4(struct sk_buff *skb, struct simnic_parsed *p,
			    int *punt)
{
	unsigned int end = p->l3off + p->l3len;

	*punt = SIMNIC_C_PUNT_PARSE;
	if (p->key.proto == IPPROTO_TCP) {
		const struct tcphdr *th;

		if (!pskb_may_pull(skb, p->l4off + sizeof(*th)))
			return false;
		th = (const struct tcphdr *)(skb->data + p->l4off);
		if (th->doff < 5 || p->l4off + th->doff * 4 > end)
			return false;
		p->tcp_flags = htons((ntohl(tcp_flag_word(th)) >> 16) & 0x0fff);
		p->key.sport = th->source;
		p->key.dport = th->dest;
	} else {
		const struct udphdr *uh;

		if (!pskb_may_pull(skb, p->l4off + sizeof(*uh)))
			return false;
		uh = (const struct udphdr *)(skb->data + p->l4off);
		if (ntohs(uh->len) < sizeof(*uh) ||
		    p->l4off + ntohs(uh->len) > end)
			return false;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
	}
	return true;
}

static bool simnic_parse_ip(struct sk_buff *skb, struct simnic_parsed *p,
			    __be16 proto, int *punt)
{
	unsigned int off = p->l3off;

	*punt = SIMNIC_C_PUNT_PARSE;
	if (proto == htons(ETH_P_IP)) {
		const struct iphdr *iph;

		if (!pskb_may_pull(skb, off + sizeof(*iph)))
			return false;
		iph = (const struct iphdr *)(skb->data + off);
		if (iph->version != 4 || iph->ihl != 5 || ip_is_fragment(iph) ||
		    ip_fast_csum(iph, iph->ihl))
			return false;
		p->l3len = ntohs(iph->tot_len);
		if (p->l3len < sizeof(*iph) || off + p->l3len > skb->len)
			return false;
		p->key.family = 4;
		p->key.proto = iph->protocol;
		p->key.src.s6_addr32[0] = iph->saddr;
		p->key.dst.s6_addr32[0] = iph->daddr;
		p->ttl = iph->ttl;
		p->l4off = off + sizeof(*iph);
	} else {
		const struct ipv6hdr *ip6h;

		if (!pskb_may_pull(skb, off + sizeof(*ip6h)))
			return false;
		ip6h = (const struct ipv6hdr *)(skb->data + off);
		p->l3len = sizeof(*ip6h) + ntohs(ip6h->payload_len);
		if (ip6h->version != 6 || !ip6h->payload_len ||
		    off + p->l3len > skb->len)
			return false;
		p->key.family = 6;
		p->key.proto = ip6h->nexthdr;
		p->key.src = ip6h->saddr;
		p->key.dst = ip6h->daddr;
		p->ttl = ip6h->hop_limit;
		p->l4off = off + sizeof(*ip6h);
	}
	if (p->key.proto != IPPROTO_TCP && p->key.proto != IPPROTO_UDP) {
		*punt = SIMNIC_C_PUNT_OTHER;
		return false;
	}
	return simnic_parse_l4(skb, p, punt);
}

/*
 * Is @dest an address the host takes frames at @dev for: the port's own,
 * or its master's (a bridge's: what a switch sends to the CPU for the
 * router)?  RCU held.
 */
static bool simnic_for_host(struct net_device *dev, const u8 *dest)
{
	struct net_device *master;

	if (ether_addr_equal(dest, dev->dev_addr))
		return true;
	master = netdev_master_upper_dev_get_rcu(dev);
	return master && ether_addr_equal(dest, master->dev_addr);
}

/* Parse a frame (data at its Ethernet header) arriving at @dev. */
static bool simnic_parse(struct net_device *dev, struct sk_buff *skb,
			 struct simnic_parsed *p, int *punt)
{
	unsigned int off = ETH_HLEN, pppoe_len = 0, tags = 0;
	const struct ethhdr *eth;
	__be16 proto;

	memset(p, 0, sizeof(*p));
	*punt = SIMNIC_C_PUNT_OTHER;
	eth = (const struct ethhdr *)skb->data;
	if (skb_is_gso(skb) || !simnic_for_host(dev, eth->h_dest))
		return false;
	proto = eth->h_proto;
	*punt = SIMNIC_C_PUNT_PARSE;
	while (proto == htons(ETH_P_8021Q) || proto == htons(ETH_P_8021AD)) {
		const struct vlan_hdr *vh;

		if (tags++ == 2 || !pskb_may_pull(skb, off + VLAN_HLEN))
			return false;
		vh = (const struct vlan_hdr *)(skb->data + off);
		if (proto == htons(ETH_P_8021Q))
			p->vid[p->nvid++] = ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK;
		proto = vh->h_vlan_encapsulated_proto;
		off += VLAN_HLEN;
	}
	if (proto == htons(ETH_P_PPP_SES)) {
		const u8 *ph;

		if (!pskb_may_pull(skb, off + SIMNIC_PPPOE_LEN))
			return false;
		ph = skb->data + off;
		/* version 1, type 1, code 0 (session data) */
		if (ph[0] != 0x11 || ph[1] != 0)
			return false;
		pppoe_len = get_unaligned_be16(ph + 4);
		switch (get_unaligned_be16(ph + 6)) {
		case PPP_IP:
			proto = htons(ETH_P_IP);
			break;
		case PPP_IPV6:
			proto = htons(ETH_P_IPV6);
			break;
		default:
			*punt = SIMNIC_C_PUNT_OTHER;
			return false;
		}
		off += SIMNIC_PPPOE_LEN;
	}
	if (proto != htons(ETH_P_IP) && proto != htons(ETH_P_IPV6)) {
		*punt = SIMNIC_C_PUNT_OTHER;
		return false;
	}
	p->l3off = off;
	if (!simnic_parse_ip(skb, p, proto, punt))
		return false;
	/* The PPPoE length covers the PPP protocol and the IP packet. */
	if (pppoe_len && pppoe_len < p->l3len + 2) {
		*punt = SIMNIC_C_PUNT_PARSE;
		return false;
	}
	return true;
}

static struct simnic_rule *simnic_lookup(const struct net_device *dev,
					 const struct simnic_parsed *p)
{
	bool any_iif = READ_ONCE(ignore_iif);
	struct simnic_rule *rule;

	hash_for_each_possible_rcu(simnic_keys, rule, by_key,
				   simnic_key_hash(&p->key)) {
		if (memcmp(&rule->key, &p->key, sizeof(p->key)))
			continue;
		if (!any_iif && !rule->iif_any && rule->in_dev != dev)
			continue;
		/* No VLAN key: whatever tags the frame has, as mtk. */
		if (rule->nvid && (rule->nvid != p->nvid ||
				   memcmp(rule->vid, p->vid,
					  p->nvid * sizeof(p->vid[0]))))
			continue;
		return rule;
	}
	return NULL;
}

/* The L4 checksum after a 4-byte change; zero UDP checksums stay zero. */
static void simnic_l4_csum4(struct sk_buff *skb, __sum16 *check, bool udp,
			    __be32 from, __be32 to, bool pseudo)
{
	if (udp && !*check)
		return;
	inet_proto_csum_replace4(check, skb, from, to, pseudo);
	if (udp && !*check)
		*check = CSUM_MANGLED_0;
}

static void simnic_l4_csum2(struct sk_buff *skb, __sum16 *check, bool udp,
			    __be16 from, __be16 to)
{
	if (udp && !*check)
		return;
	inet_proto_csum_replace2(check, skb, from, to, false);
	if (udp && !*check)
		*check = CSUM_MANGLED_0;
}

static void simnic_rewrite_l3(struct sk_buff *skb,
			      const struct simnic_parsed *p,
			      const struct simnic_rule *rule)
{
	bool udp = p->key.proto == IPPROTO_UDP;
	__be16 *ports = (__be16 *)(skb->data + p->l4off);
	__sum16 *check;

	if (udp)
		check = &((struct udphdr *)ports)->check;
	else
		check = &((struct tcphdr *)ports)->check;

	if (p->key.family == 4) {
		struct iphdr *iph = (struct iphdr *)(skb->data + p->l3off);

		if (rule->nat & SIMNIC_NAT_SADDR) {
			simnic_l4_csum4(skb, check, udp, iph->saddr,
					rule->nat_saddr, true);
			csum_replace4(&iph->check, iph->saddr, rule->nat_saddr);
			iph->saddr = rule->nat_saddr;
		}
		if (rule->nat & SIMNIC_NAT_DADDR) {
			simnic_l4_csum4(skb, check, udp, iph->daddr,
					rule->nat_daddr, true);
			csum_replace4(&iph->check, iph->daddr, rule->nat_daddr);
			iph->daddr = rule->nat_daddr;
		}
		ip_decrease_ttl(iph);
	} else {
		((struct ipv6hdr *)(skb->data + p->l3off))->hop_limit--;
	}
	if (rule->nat & SIMNIC_NAT_SPORT) {
		simnic_l4_csum2(skb, check, udp, ports[0], rule->nat_ports[0]);
		ports[0] = rule->nat_ports[0];
	}
	if (rule->nat & SIMNIC_NAT_DPORT) {
		simnic_l4_csum2(skb, check, udp, ports[1], rule->nat_ports[1]);
		ports[1] = rule->nat_ports[1];
	}
}

/*
 * The frame as the egress port sends it.  On failure it is still fit for
 * the host (at most its Ethernet padding is gone).
 */
static int simnic_rewrite(struct sk_buff *skb, const struct simnic_parsed *p,
			  const struct simnic_rule *rule)
{
	unsigned int l2 = ETH_HLEN + rule->npush * VLAN_HLEN +
			  (rule->pppoe ? SIMNIC_PPPOE_LEN : 0);
	unsigned int l4end = p->l4off + (p->key.proto == IPPROTO_TCP ?
					 sizeof(struct tcphdr) :
					 sizeof(struct udphdr));
	u8 *pos;
	int i;

	/* Ethernet padding, if any, does not go along. */
	if (pskb_trim_rcsum(skb, p->l3off + p->l3len))
		return -ENOMEM;
	if (skb_cow_head(skb, l2 > p->l3off ? l2 - p->l3off : 0) ||
	    skb_ensure_writable(skb, l4end))
		return -ENOMEM;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -ENOMEM;

	simnic_rewrite_l3(skb, p, rule);

	__skb_pull(skb, p->l3off);
	pos = skb_push(skb, l2);
	memcpy(pos, rule->eth, sizeof(rule->eth));
	pos += sizeof(rule->eth);
	for (i = 0; i < rule->npush; i++) {
		put_unaligned(rule->push[i].proto, (__be16 *)pos);
		put_unaligned_be16(rule->push[i].vid, pos + 2);
		pos += VLAN_HLEN;
	}
	if (rule->pppoe) {
		put_unaligned(htons(ETH_P_PPP_SES), (__be16 *)pos);
		pos[2] = 0x11;
		pos[3] = 0;
		put_unaligned_be16(rule->pppoe_sid, pos + 4);
		put_unaligned_be16(p->l3len + 2, pos + 6);
		put_unaligned_be16(p->key.family == 4 ? PPP_IP : PPP_IPV6,
				   pos + 8);
	} else {
		put_unaligned(htons(p->key.family == 4 ? ETH_P_IP : ETH_P_IPV6),
			      (__be16 *)pos);
	}
	skb_reset_mac_header(skb);
	return 0;
}

static void simnic_wire(struct net_device *dev, const struct net_device *from,
			struct sk_buff *skb, unsigned int hops);

/*
 * The ASIC's look at a frame arriving at @dev: SIMNIC_C_HW_FORWARDED if it
 * took the frame, else why the host gets it (the frame unchanged).
 */
static int simnic_hw_rx(struct net_device *dev, struct sk_buff *skb,
			unsigned int hops)
{
	unsigned int frame_len = skb->len;
	struct simnic_port *out_port;
	struct simnic_parsed p;
	struct simnic_rule *rule;
	struct net_device *out, *peer;
	int punt;

	if (!simnic_parse(dev, skb, &p, &punt))
		return punt;
	rule = simnic_lookup(dev, &p);
	if (!rule)
		return SIMNIC_C_PUNT_MISS;
	if ((p.tcp_flags & rule->tcp_mask) != rule->tcp_flags &&
	    !READ_ONCE(ignore_fin))
		return SIMNIC_C_PUNT_FIN;
	if (!READ_ONCE(rule->bound)) {
		if (atomic_inc_return(&rule->punts) >= rule->bind_after)
			WRITE_ONCE(rule->bound, true);
		return SIMNIC_C_PUNT_UNBOUND;
	}
	if (p.ttl <= 1)
		return SIMNIC_C_PUNT_TTL;
	out = rule->out_dev;
	if (p.l3len + (rule->pppoe ? SIMNIC_PPPOE_LEN : 0) > READ_ONCE(out->mtu))
		return SIMNIC_C_PUNT_MTU;
	out_port = netdev_priv(out);
	peer = rcu_dereference(out_port->peer);
	if (!peer || !(out->flags & IFF_UP))
		return SIMNIC_C_PUNT_EGRESS;
	if (simnic_rewrite(skb, &p, rule))
		return SIMNIC_C_PUNT_NOMEM;

	atomic64_inc(&rule->pkts);
	atomic64_add(p.l3len, &rule->bytes);
	atomic64_add(frame_len, &rule->l2bytes);
	WRITE_ONCE(rule->lastused, jiffies);
	simnic_count(SIMNIC_C_HW_FORWARDED);
	atomic64_add(p.l3len, &simnic_counters[SIMNIC_C_HW_FORWARDED_BYTES]);
	simnic_stats_add(netdev_priv(dev), SIMNIC_S_HW_RX_PACKETS, frame_len);
	simnic_stats_add(out_port, SIMNIC_S_HW_TX_PACKETS, skb->len);
	/* Nothing of the host's goes along: it never saw the frame. */
	skb_scrub_packet(skb, true);
	skb->dev = out;
	simnic_wire(peer, out, skb, hops + 1);
	return SIMNIC_C_HW_FORWARDED;
}

/* To @dev's host, as a NIC without offload delivers: veth's way. */
static void simnic_host_rx(struct net_device *dev,
			   const struct net_device *from, struct sk_buff *skb)
{
	struct simnic_port *port = netdev_priv(dev);
	unsigned int len = skb->len;

	if (skb_orphan_frags(skb, GFP_ATOMIC)) {
		simnic_drop_rx(port, skb);
		return;
	}
	skb_scrub_packet(skb, !net_eq(dev_net(dev), dev_net(from)));
	skb->priority = 0;
	skb->protocol = eth_type_trans(skb, dev);
	skb_postpull_rcsum(skb, eth_hdr(skb), ETH_HLEN);
	if (netif_rx(skb) == NET_RX_SUCCESS)
		simnic_stats_add(port, SIMNIC_S_RX_PACKETS, len);
	else
		simnic_stats_add(port, SIMNIC_S_RX_DROPPED, 0);
}

/* A frame @from put on the wire arrives at @dev; the ASIC sees it first. */
static void simnic_wire(struct net_device *dev, const struct net_device *from,
			struct sk_buff *skb, unsigned int hops)
{
	unsigned int max = READ_ONCE(dev->mtu) + ETH_HLEN + 2 * VLAN_HLEN;
	int punt;

	if (unlikely(!(dev->flags & IFF_UP) ||
		     !pskb_may_pull(skb, ETH_HLEN) ||
		     (skb->len > max && !skb_is_gso(skb)))) {
		simnic_count(SIMNIC_C_WIRE_DROPPED);
		simnic_drop_rx(netdev_priv(dev), skb);
		return;
	}
	if (hops < SIMNIC_MAX_HOPS && tc_can_offload(dev)) {
		punt = simnic_hw_rx(dev, skb, hops);
		if (punt == SIMNIC_C_HW_FORWARDED)
			return;
		simnic_count(punt);
	}
	simnic_host_rx(dev, from, skb);
}

static netdev_tx_t simnic_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);
	struct net_device *peer;

	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	if (unlikely(!peer)) {
		kfree_skb(skb);
		goto drop;
	}
	/* Tags travel in the frame, as on a wire. */
	if (skb_vlan_tag_present(skb)) {
		skb = __vlan_hwaccel_push_inside(skb);
		if (!skb)
			goto drop;
	}
	skb_tx_timestamp(skb);
	simnic_stats_add(port, SIMNIC_S_TX_PACKETS, skb->len);
	simnic_wire(peer, dev, skb, 0);
	rcu_read_unlock();
	return NETDEV_TX_OK;
drop:
	simnic_stats_add(port, SIMNIC_S_TX_DROPPED, 0);
	rcu_read_unlock();
	return NETDEV_TX_OK;
}

/* ---- ports ---- */

/* The sums over the CPUs of @port's counters. */
static void simnic_stats_read(const struct simnic_port *port,
			      u64 sum[SIMNIC_S_MAX])
{
	u64 v[SIMNIC_S_MAX];
	unsigned int start;
	int cpu, i;

	memset(sum, 0, SIMNIC_S_MAX * sizeof(sum[0]));
	for_each_possible_cpu(cpu) {
		const struct simnic_stats *s = per_cpu_ptr(port->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i < SIMNIC_S_MAX; i++)
				v[i] = u64_stats_read(&s->v[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < SIMNIC_S_MAX; i++)
			sum[i] += v[i];
	}
}

static void simnic_get_stats64(struct net_device *dev,
			       struct rtnl_link_stats64 *tot)
{
	u64 sum[SIMNIC_S_MAX];

	simnic_stats_read(netdev_priv(dev), sum);
	tot->rx_packets = sum[SIMNIC_S_RX_PACKETS];
	tot->rx_bytes = sum[SIMNIC_S_RX_BYTES];
	tot->tx_packets = sum[SIMNIC_S_TX_PACKETS];
	tot->tx_bytes = sum[SIMNIC_S_TX_BYTES];
	tot->rx_dropped = sum[SIMNIC_S_RX_DROPPED];
	tot->tx_dropped = sum[SIMNIC_S_TX_DROPPED];
}

static int simnic_open(struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(port->peer);

	if (!peer)
		return -ENOTCONN;
	if (peer->flags & IFF_UP) {
		netif_carrier_on(dev);
		netif_carrier_on(peer);
	}
	return 0;
}

static int simnic_stop(struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(port->peer);

	netif_carrier_off(dev);
	if (peer)
		netif_carrier_off(peer);
	return 0;
}

static int simnic_get_iflink(const struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);
	struct net_device *peer;
	int ifindex = 0;

	rcu_read_lock();
	peer = rcu_dereference(port->peer);
	if (peer)
		ifindex = peer->ifindex;
	rcu_read_unlock();
	return ifindex;
}

static int simnic_dev_init(struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);

	port->stats = netdev_alloc_pcpu_stats(struct simnic_stats);
	if (!port->stats)
		return -ENOMEM;
	port->dev = dev;
	mutex_lock(&simnic_lock);
	list_add_tail(&port->list, &simnic_ports);
	mutex_unlock(&simnic_lock);
	return 0;
}

static void simnic_dev_uninit(struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);

	mutex_lock(&simnic_lock);
	list_del(&port->list);
	mutex_unlock(&simnic_lock);
}

static void simnic_dev_free(struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);

	free_percpu(port->stats);
}

static const struct net_device_ops simnic_netdev_ops = {
	.ndo_init		= simnic_dev_init,
	.ndo_uninit		= simnic_dev_uninit,
	.ndo_open		= simnic_open,
	.ndo_stop		= simnic_stop,
	.ndo_start_xmit		= simnic_xmit,
	.ndo_get_stats64	= simnic_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_get_iflink		= simnic_get_iflink,
	.ndo_setup_tc		= simnic_setup_tc,
};

static void simnic_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	dev->netdev_ops = &simnic_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = simnic_dev_free;
	dev->hw_features = NETIF_F_HW_TC;
	dev->features = NETIF_F_HW_TC;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = SIMNIC_MAX_MTU;
}

static int simnic_validate(struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN ||
		    !is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG(extack, "simnic: invalid address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static struct rtnl_link_ops simnic_link_ops;

/* Both ends at once, the peer first, as veth does. */
static int simnic_newlink(struct net *src_net, struct net_device *dev,
			  struct nlattr *tb[], struct nlattr *data[],
			  struct netlink_ext_ack *extack)
{
	struct nlattr *peer_tb[IFLA_MAX + 1], **ptb = tb;
	unsigned char assign = NET_NAME_ENUM;
	struct ifinfomsg *ifm = NULL;
	struct simnic_port *port;
	struct net_device *peer;
	char name[IFNAMSIZ];
	struct net *net;
	int err;

	if (data && data[VETH_INFO_PEER]) {
		ifm = nla_data(data[VETH_INFO_PEER]);
		err = rtnl_nla_parse_ifinfomsg(peer_tb, data[VETH_INFO_PEER],
					       extack);
		if (err < 0)
			return err;
		err = simnic_validate(peer_tb, NULL, extack);
		if (err < 0)
			return err;
		ptb = peer_tb;
	}
	if (ifm && ptb[IFLA_IFNAME]) {
		nla_strscpy(name, ptb[IFLA_IFNAME], IFNAMSIZ);
		assign = NET_NAME_USER;
	} else {
		strscpy(name, "simnic%d", IFNAMSIZ);
	}

	net = rtnl_link_get_net(src_net, ptb);
	if (IS_ERR(net))
		return PTR_ERR(net);
	peer = rtnl_create_link(net, name, assign, &simnic_link_ops, ptb,
				extack);
	if (IS_ERR(peer)) {
		put_net(net);
		return PTR_ERR(peer);
	}
	if (!ifm || !ptb[IFLA_ADDRESS])
		eth_hw_addr_random(peer);
	if (ifm && dev->ifindex)
		peer->ifindex = ifm->ifi_index;
	/* The namespace is held until the peer is registered in it. */
	err = register_netdevice(peer);
	put_net(net);
	if (err < 0) {
		free_netdev(peer);
		return err;
	}
	netif_carrier_off(peer);
	err = rtnl_configure_link(peer, ifm, 0, NULL);
	if (err < 0)
		goto unregister_peer;

	if (!tb[IFLA_ADDRESS])
		eth_hw_addr_random(dev);
	if (tb[IFLA_IFNAME])
		nla_strscpy(dev->name, tb[IFLA_IFNAME], IFNAMSIZ);
	else
		strscpy(dev->name, "simnic%d", IFNAMSIZ);
	err = register_netdevice(dev);
	if (err < 0)
		goto unregister_peer;
	netif_carrier_off(dev);

	port = netdev_priv(dev);
	rcu_assign_pointer(port->peer, peer);
	port = netdev_priv(peer);
	rcu_assign_pointer(port->peer, dev);
	return 0;

unregister_peer:
	unregister_netdevice(peer);
	return err;
}

static void simnic_dellink(struct net_device *dev, struct list_head *head)
{
	struct simnic_port *port = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(port->peer);

	/* Senders hold RCU: the devices outlive them by a grace period. */
	RCU_INIT_POINTER(port->peer, NULL);
	unregister_netdevice_queue(dev, head);
	if (peer) {
		port = netdev_priv(peer);
		RCU_INIT_POINTER(port->peer, NULL);
		unregister_netdevice_queue(peer, head);
	}
}

static struct net *simnic_get_link_net(const struct net_device *dev)
{
	struct simnic_port *port = netdev_priv(dev);
	struct net_device *peer = rtnl_dereference(port->peer);

	return peer ? dev_net(peer) : dev_net(dev);
}

static const struct nla_policy simnic_policy[VETH_INFO_MAX + 1] = {
	[VETH_INFO_PEER]	= { .len = sizeof(struct ifinfomsg) },
};

static struct rtnl_link_ops simnic_link_ops = {
	.kind		= "simnic",
	.priv_size	= sizeof(struct simnic_port),
	.setup		= simnic_setup,
	.validate	= simnic_validate,
	.newlink	= simnic_newlink,
	.dellink	= simnic_dellink,
	.policy		= simnic_policy,
	.maxtype	= VETH_INFO_MAX,
	.get_link_net	= simnic_get_link_net,
};

/* A port going (or leaving its namespace) takes its rules along. */
static int simnic_netdev_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct simnic_rule *rule;
	struct hlist_node *tmp;
	int bkt;

	if (event != NETDEV_UNREGISTER || !simnic_is_port(dev))
		return NOTIFY_DONE;
	mutex_lock(&simnic_lock);
	hash_for_each_safe(simnic_cookies, bkt, tmp, rule, by_cookie) {
		if (rule->in_dev == dev || rule->out_dev == dev) {
			simnic_rule_remove(rule);
			simnic_count(SIMNIC_C_RULES_PORT_GONE);
		}
	}
	mutex_unlock(&simnic_lock);
	return NOTIFY_DONE;
}

static struct notifier_block simnic_notifier = {
	.notifier_call	= simnic_netdev_event,
};

/* ---- debugfs ---- */

static struct dentry *simnic_debugfs;

static void simnic_show_addr(struct seq_file *m, const char *name, u8 family,
			     const struct in6_addr *addr)
{
	if (family == 4)
		seq_printf(m, " %s=%pI4", name, &addr->s6_addr32[0]);
	else
		seq_printf(m, " %s=%pI6c", name, addr);
}

static void simnic_show_rewrite(struct seq_file *m,
				const struct simnic_rule *rule)
{
	static const char * const nat_names[] = {
		"saddr", "sport", "daddr", "dport"
	};
	struct in6_addr addr = rule->key.src;
	const char *sep = "";
	unsigned int i;

	seq_printf(m, " dmac=%pM smac=%pM nat=", rule->eth,
		   rule->eth + ETH_ALEN);
	for (i = 0; i < ARRAY_SIZE(nat_names); i++) {
		if (rule->nat & BIT(i)) {
			seq_printf(m, "%s%s", sep, nat_names[i]);
			sep = ",";
		}
	}
	if (!rule->nat)
		seq_puts(m, "-");
	if (rule->key.family == 4)
		addr.s6_addr32[0] = rule->nat_saddr;
	simnic_show_addr(m, "new_src", rule->key.family, &addr);
	seq_printf(m, " new_sport=%u", ntohs(rule->nat_ports[0]));
	addr = rule->key.dst;
	if (rule->key.family == 4)
		addr.s6_addr32[0] = rule->nat_daddr;
	simnic_show_addr(m, "new_dst", rule->key.family, &addr);
	seq_printf(m, " new_dport=%u pop=%u push=", ntohs(rule->nat_ports[1]),
		   rule->npop);
	for (i = 0; i < rule->npush; i++)
		seq_printf(m, "%svlan:%u", i ? "," : "", rule->push[i].vid);
	if (rule->pppoe)
		seq_printf(m, "%spppoe:%u", rule->npush ? "," : "",
			   rule->pppoe_sid);
	if (!rule->npush && !rule->pppoe)
		seq_puts(m, "-");
}

static void simnic_show_rule(struct seq_file *m,
			     const struct simnic_rule *rule)
{
	unsigned long lastused = READ_ONCE(rule->lastused);
	int i;

	seq_printf(m, "cookie=%lx iif=%d in=%s family=ipv%u proto=%s",
		   rule->cookie, rule->iif,
		   rule->in_dev ? rule->in_dev->name : "-", rule->key.family,
		   rule->key.proto == IPPROTO_TCP ? "tcp" : "udp");
	simnic_show_addr(m, "src", rule->key.family, &rule->key.src);
	seq_printf(m, " sport=%u", ntohs(rule->key.sport));
	simnic_show_addr(m, "dst", rule->key.family, &rule->key.dst);
	seq_printf(m, " dport=%u vlan=", ntohs(rule->key.dport));
	for (i = 0; i < rule->nvid; i++)
		seq_printf(m, "%s%u", i ? "." : "", rule->vid[i]);
	if (!rule->nvid)
		seq_puts(m, "-");
	if (rule->tcp_mask)
		seq_printf(m, " tcpflags=%#x/%#x", ntohs(rule->tcp_flags),
			   ntohs(rule->tcp_mask));
	else
		seq_puts(m, " tcpflags=-");
	simnic_show_rewrite(m, rule);
	seq_printf(m, " out=%s out_ifindex=%d pkts=%lld bytes=%lld",
		   rule->out_dev->name, rule->out_dev->ifindex,
		   (long long)atomic64_read(&rule->pkts),
		   (long long)atomic64_read(&rule->bytes));
	if (lastused)
		seq_printf(m, " lastused=%ums",
			   jiffies_to_msecs(jiffies - lastused));
	else
		seq_puts(m, " lastused=never");
	seq_printf(m, " state=%s punts=%d bind=%u stale=%d\n",
		   READ_ONCE(rule->bound) ? "bound" : "lazy",
		   atomic_read(&rule->punts), rule->bind_id, rule->stale);
}

static int table_show(struct seq_file *m, void *v)
{
	struct simnic_rule *rule;
	int bkt;

	mutex_lock(&simnic_lock);
	hash_for_each(simnic_cookies, bkt, rule, by_cookie)
		simnic_show_rule(m, rule);
	mutex_unlock(&simnic_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(table);

static int counters_show(struct seq_file *m, void *v)
{
	unsigned int stale = 0, rules;
	struct simnic_rule *rule;
	int i, bkt;

	for (i = 0; i < SIMNIC_C_MAX; i++)
		seq_printf(m, "%s %lld\n", simnic_counter_names[i],
			   (long long)atomic64_read(&simnic_counters[i]));
	mutex_lock(&simnic_lock);
	rules = simnic_nrules;
	hash_for_each(simnic_cookies, bkt, rule, by_cookie)
		stale += rule->stale;
	mutex_unlock(&simnic_lock);
	seq_printf(m, "rules %u\nrules_stale %u\n", rules, stale);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int ports_show(struct seq_file *m, void *v)
{
	u64 sum[SIMNIC_S_MAX];
	struct simnic_port *port;
	struct net_device *peer;

	mutex_lock(&simnic_lock);
	list_for_each_entry(port, &simnic_ports, list) {
		simnic_stats_read(port, sum);
		seq_printf(m, "name=%s ifindex=%d netns=%u", port->dev->name,
			   port->dev->ifindex, dev_net(port->dev)->ns.inum);
		rcu_read_lock();
		peer = rcu_dereference(port->peer);
		seq_printf(m, " peer=%s peer_ifindex=%d", peer ? peer->name : "-",
			   peer ? peer->ifindex : 0);
		rcu_read_unlock();
		seq_printf(m, " up=%d hw_tc=%d bind=%u",
			   !!(port->dev->flags & IFF_UP),
			   tc_can_offload(port->dev), port->bind_id);
		seq_printf(m, " hw_rx_packets=%llu hw_rx_bytes=%llu hw_tx_packets=%llu hw_tx_bytes=%llu\n",
			   sum[SIMNIC_S_HW_RX_PACKETS], sum[SIMNIC_S_HW_RX_BYTES],
			   sum[SIMNIC_S_HW_TX_PACKETS], sum[SIMNIC_S_HW_TX_BYTES]);
	}
	mutex_unlock(&simnic_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ports);

static ssize_t flush_write(struct file *file, const char __user *buf,
			   size_t len, loff_t *ppos)
{
	unsigned int n;

	mutex_lock(&simnic_lock);
	n = simnic_flush_all();
	mutex_unlock(&simnic_lock);
	atomic64_add(n, &simnic_counters[SIMNIC_C_RULES_FLUSHED]);
	return len;
}

static const struct file_operations flush_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= flush_write,
	.llseek	= noop_llseek,
};

static int requests_show(struct seq_file *m, void *v)
{
	unsigned int i, first;

	mutex_lock(&simnic_lock);
	first = simnic_requests_next > SIMNIC_REQUESTS ?
		simnic_requests_next - SIMNIC_REQUESTS : 0;
	for (i = first; i < simnic_requests_next; i++)
		seq_printf(m, "%s\n", simnic_requests[i % SIMNIC_REQUESTS]);
	mutex_unlock(&simnic_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(requests);

static ssize_t requests_clear_write(struct file *file,
				    const char __user *buf, size_t len,
				    loff_t *ppos)
{
	mutex_lock(&simnic_lock);
	simnic_requests_clear();
	mutex_unlock(&simnic_lock);
	return len;
}

static const struct file_operations requests_clear_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= requests_clear_write,
	.llseek	= noop_llseek,
};

static void simnic_debugfs_init(void)
{
	simnic_debugfs = debugfs_create_dir("nfo_simnic", NULL);
	debugfs_create_file("table", 0444, simnic_debugfs, NULL, &table_fops);
	debugfs_create_file("counters", 0444, simnic_debugfs, NULL,
			    &counters_fops);
	debugfs_create_file("ports", 0444, simnic_debugfs, NULL, &ports_fops);
	debugfs_create_file("flush", 0200, simnic_debugfs, NULL, &flush_fops);
	debugfs_create_file("requests", 0444, simnic_debugfs, NULL,
			    &requests_fops);
	debugfs_create_file("requests_clear", 0200, simnic_debugfs, NULL,
			    &requests_clear_fops);
}

static int __init simnic_module_init(void)
{
	int err;

	simnic_hash_seed = get_random_u32();
	err = register_netdevice_notifier(&simnic_notifier);
	if (err)
		return err;
	err = rtnl_link_register(&simnic_link_ops);
	if (err) {
		unregister_netdevice_notifier(&simnic_notifier);
		return err;
	}
	simnic_debugfs_init();
	return 0;
}

static void __exit simnic_module_exit(void)
{
	debugfs_remove_recursive(simnic_debugfs);
	/* Every port goes: nf unbinds each, the notifier drops their rules. */
	rtnl_link_unregister(&simnic_link_ops);
	unregister_netdevice_notifier(&simnic_notifier);
	mutex_lock(&simnic_lock);
	simnic_flush_all();
	simnic_requests_clear();
	if (!list_empty(&simnic_block_cbs) || !list_empty(&simnic_port_cbs))
		pr_err("nfo_simnic: callbacks still bound at unload\n");
	mutex_unlock(&simnic_lock);
	/* The rules' frees (ours) run before the module goes. */
	rcu_barrier();
}

module_init(simnic_module_init);
module_exit(simnic_module_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("tests only: simulated NIC with a flow offload ASIC");
MODULE_ALIAS_RTNL_LINK("simnic");
