/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nft-offload diagnose`: the decision table.
 *
 * The query layer gathers plain facts (module, sysctl, flowtables, rules,
 * the module's statistics, the conntrack entry and the devices of both of
 * its directions) into a struct diag_facts; diag_run() walks the chain from
 * the module to the flow and names the first broken link with its cause,
 * an explanation naming the objects involved and a fix.  No system calls
 * here: everything is unit tested in userspace (tests/unit/test_diag.c).
 *
 * Order of the checks (the first failing one is the cause):
 *   module_missing / inkernel_flowtable, sysctl_off, no_hw_offload (a
 *   flowtable the kernel refused for `flags offload`; named instead of
 *   no_flowtable when it explains why there is none), no_flowtable,
 *   no_flow_rule, rule_not_reached, then with an address: no_connection,
 *   device_not_in_flowtable, helper, ct_state, mtu, not_offloaded, and
 *   finally offloaded.  Without an address: none.
 *
 * A bridge, VLAN or PPP device listed in the flowtable instead of the
 * devices under it is no fault (firewall4 lists br-lan and wan.7 for
 * software offloading): its packets are caught there, once the bridge,
 * VLAN or PPP code ran.  A passing check says so.
 */
#ifndef NFO_TOOL_LOGIC_DIAG_H
#define NFO_TOOL_LOGIC_DIAG_H

#include <stdbool.h>
#include <stdint.h>

#define DIAG_IFNAMSIZ		16	/* IFNAMSIZ */
#define DIAG_NAME_MAX		257	/* nf_tables names and the NUL */
#define DIAG_MAX_PORTS		8
#define DIAG_MAX_DEVS		16	/* devices of one flowtable */
#define DIAG_MAX_FT		8
#define DIAG_MAX_RULES		16
#define DIAG_MAX_STATS		160
#define DIAG_MAX_CHECKS		24
#define DIAG_TEXT_MAX		1024

enum diag_cause {
	DIAG_NONE,
	DIAG_OFFLOADED,
	DIAG_MODULE_MISSING,
	DIAG_INKERNEL_FLOWTABLE,
	DIAG_SYSCTL_OFF,
	DIAG_NO_FLOWTABLE,
	DIAG_NO_HW_OFFLOAD,
	DIAG_NO_FLOW_RULE,
	DIAG_RULE_NOT_REACHED,
	DIAG_NO_CONNECTION,
	DIAG_DEVICE_NOT_IN_FLOWTABLE,
	DIAG_HELPER,
	DIAG_CT_STATE,
	DIAG_MTU,
	DIAG_NOT_OFFLOADED,
	DIAG_HW_PENDING,	/* in software; its rules queued for the driver */
	DIAG_HW_REFUSED,	/* in software; a driver refused its rules */
	DIAG_HW_OFF,		/* in software: nf_flow_offload_hw is 0 */
	DIAG_CAUSE_MAX
};

enum diag_dev_kind {
	DIAG_DEV_PLAIN,		/* Ethernet, veth, ...: packets arrive here */
	DIAG_DEV_BRIDGE,
	DIAG_DEV_VLAN,
	DIAG_DEV_PPP,		/* a PPPoE session's ppp device */
	DIAG_DEV_OTHER,		/* tunnels and the like: listed as they are */
};

struct diag_dev {
	char name[DIAG_IFNAMSIZ];
	enum diag_dev_kind kind;
	int mtu;		/* 0: unknown */
	/*
	 * For a bridge, VLAN or PPP device: the devices at the bottom of its
	 * stack that the packets really arrive on (a bridge: the port behind
	 * which the peer is, or every port when that is not known; a PPP
	 * device: the devices that carry PPPoE sessions).
	 */
	unsigned int n_ports;
	char ports[DIAG_MAX_PORTS][DIAG_IFNAMSIZ];
};

struct diag_flowtable {
	char family[16];	/* inet, ip, ip6 */
	char table[DIAG_NAME_MAX];
	char name[DIAG_NAME_MAX];
	bool hw_offload;	/* flags offload */
	int prio;		/* hook priority (for the fix's command) */
	unsigned int n_devs;
	struct diag_dev devs[DIAG_MAX_DEVS];
};

/* A rule with a flow add / flow offload statement. */
struct diag_rule {
	char family[16];
	char table[DIAG_NAME_MAX];
	char chain[DIAG_NAME_MAX];
	char flowtable[DIAG_NAME_MAX];
	bool has_counter;	/* a counter precedes the statement */
	uint64_t packets;	/* that counter */
};

struct diag_stat {
	char name[64];
	uint64_t value;
};

/* Directions of a connection's devices. */
enum diag_dir {
	DIAG_ORIG_IN,		/* where the originator's packets come in */
	DIAG_REPLY_IN,		/* where the replies come in */
	DIAG_ORIG_OUT,		/* where the originator's packets leave */
	DIAG_REPLY_OUT,
	DIAG_DIR_MAX
};

struct diag_conn {
	char desc[160];		/* "tcp 10.0.1.2:40000 -> 10.0.2.2:5001" */
	bool tcp;
	char state[24];		/* TCP state name as conntrack prints it */
	bool seen_reply;	/* IPS_SEEN_REPLY */
	bool assured;		/* IPS_ASSURED */
	bool offloaded;		/* IPS_OFFLOAD ([OFFLOAD]) */
	char helper[32];	/* conntrack helper attached, "" if none */
	bool have_dev[DIAG_DIR_MAX];
	struct diag_dev dev[DIAG_DIR_MAX];
	/* From the module's flow listing, when the flow is in it. */
	bool listed;
	char ft_table[DIAG_NAME_MAX];
	char ft_name[DIAG_NAME_MAX];
	uint64_t packets[2], bytes[2];	/* orig, reply */
	/* Its hardware state (the listing's hw, hw_err, hw_tries). */
	char hw[16];
	char hw_err[32];
	uint64_t hw_tries;
	uint64_t hw_packets;
};

struct diag_facts {
	bool module_loaded;
	bool inkernel_flowtable;	/* nf_flow_table is loaded instead */
	bool sysctl_known;
	bool sysctl_on;			/* net.netfilter.nf_flow_offload */

	unsigned int n_ft;
	struct diag_flowtable ft[DIAG_MAX_FT];

	unsigned int n_rules;
	struct diag_rule rules[DIAG_MAX_RULES];

	/* /proc/net/stat/nft_offload, as read. */
	unsigned int n_stats;
	struct diag_stat stats[DIAG_MAX_STATS];
	/* The last flowtable the kernel refused for hardware offload. */
	char hw_refused_dev[DIAG_IFNAMSIZ];
	char hw_refused_table[DIAG_NAME_MAX];
	char hw_refused_ft[DIAG_NAME_MAX];

	/* Address asked about (text as given), and the entry found. */
	bool addr_given;
	char addr[80];
	bool conn_found;
	struct diag_conn conn;
};

struct diag_check {
	const char *check;	/* stable name: "module", "sysctl", ... */
	bool ok;
	char detail[320];
};

struct diag_result {
	enum diag_cause cause;
	char explanation[DIAG_TEXT_MAX];
	char fix[DIAG_TEXT_MAX];
	unsigned int n_checks;
	struct diag_check checks[DIAG_MAX_CHECKS];
};

/* Walk the chain; fills @r completely. */
void diag_run(const struct diag_facts *f, struct diag_result *r);

/*
 * Stable id of a cause ("none", "offloaded", "module_missing",
 * "inkernel_flowtable", "sysctl_off", "no_flowtable", "no_hw_offload",
 * "no_flow_rule", "rule_not_reached", "no_connection",
 * "device_not_in_flowtable", "helper", "ct_state", "mtu", "not_offloaded"),
 * or "unknown".
 */
const char *diag_cause_name(enum diag_cause c);

/* Exit status of `nft-offload diagnose`: 0 none/offloaded, 1 otherwise. */
int diag_exit_code(const struct diag_result *r);

/* A statistic's value, or 0 when the module does not report it. */
uint64_t diag_stat(const struct diag_facts *f, const char *name);

/*
 * Parses /proc/net/nft_offload_hw_refused ("family=F table=T flowtable=N
 * dev=D error=E", names \ooo-escaped; empty while nothing was refused)
 * into @f's hw_refused_* members.  Unknown keys are skipped.  Returns 0,
 * or -1 when a line lacks dev, table or flowtable or is malformed.
 */
int diag_parse_hw_refused(const char *text, struct diag_facts *f);

/*
 * Parses /proc/net/pppoe (a header line, then "SID MAC DEVICE" per PPPoE
 * session of the netns) into @devs, the distinct devices that carry a
 * session, at most @max.  Returns their number, or -1 when a line is
 * malformed.  The file does not say which PPP device a session belongs
 * to: every session's device stands for the ports of every PPP device.
 */
int diag_parse_pppoe(const char *text, char (*devs)[DIAG_IFNAMSIZ],
		     unsigned int max);

/* Sum of every refused_* statistic plus offloaded: `flow add` evaluations. */
uint64_t diag_attempts(const struct diag_facts *f);

#endif /* NFO_TOOL_LOGIC_DIAG_H */
