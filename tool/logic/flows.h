/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow listing /proc/net/nft_offload_flows: one line per offloaded
 * flow, "key=value" fields separated by single spaces.  Values never
 * contain spaces: the kernel escapes a space, backslash, '=' and every
 * byte that is not printable ASCII in a name as \ooo (octal).  Unknown
 * keys are skipped, so new fields can be added without breaking readers.
 *
 *   family proto table_family table flowtable ct_id
 *   {orig,reply}_{src,dst,sport,dport,iif,oif,xmit,nat,packets,bytes}
 *   age idle timeout hw [hw_err hw_tries hw_retry_in hw_packets hw_bytes]
 *   flags
 *
 * sport/dport are absent for protocols without ports.  nat is "none" or a
 * comma list of what the direction rewrites (saddr, daddr, sport, dport).
 * flags is "none" or a comma list (teardown).  table_family is the
 * flowtable's table's family as nft spells it (ip, ip6, inet).  age, idle and timeout are
 * seconds (timeout: until the idle timeout ends the flow).  hw is "none"
 * outside `flags offload` flowtables, else the flow's hardware state
 * (pending, offloaded, partial, refused, retrying, off); hw_err is the last
 * refusal as KIND:ERRNO (no_driver:-67, eopnotsupp:-95, enospc:-28, ...)
 * with the pushes refused in a row and the seconds to the next one;
 * hw_packets and hw_bytes what the hardware forwarded, as last polled.
 */
#ifndef NFO_TOOL_FLOWS_H
#define NFO_TOOL_FLOWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NFO_NAME_MAX	257	/* nf_tables names: 256 bytes and the NUL */
#define NFO_IFNAME_MAX	16	/* IFNAMSIZ */
#define NFO_ADDRSTR_MAX	46	/* INET6_ADDRSTRLEN */

union nfo_addr {
	uint8_t		b[16];
	uint32_t	w[4];
};

struct nfo_flow_rec_dir {
	char		src[NFO_ADDRSTR_MAX];
	char		dst[NFO_ADDRSTR_MAX];
	union nfo_addr	saddr;		/* parsed src/dst, for filters */
	union nfo_addr	daddr;
	bool		has_ports;
	uint16_t	sport;
	uint16_t	dport;
	char		iif[NFO_IFNAME_MAX];
	char		oif[NFO_IFNAME_MAX];
	char		xmit[16];
	char		nat[40];
	uint64_t	packets;
	uint64_t	bytes;
};

struct nfo_flow_rec {
	int		family;		/* AF_INET or AF_INET6 */
	char		proto[16];	/* name, or the number as text */
	int		l4proto;	/* IP protocol number, -1 unknown */
	char		table_family[8];	/* "" when not listed */
	char		table[NFO_NAME_MAX];
	char		flowtable[NFO_NAME_MAX];
	uint32_t	ct_id;		/* conntrack's id (conntrack -o id) */
	struct nfo_flow_rec_dir dir[2];	/* [0] original, [1] reply */
	uint64_t	age;
	uint64_t	idle;
	uint64_t	timeout;
	char		hw[16];
	char		hw_err[32];	/* "" when none */
	uint64_t	hw_tries;
	bool		has_retry;
	uint64_t	hw_retry_in;
	uint64_t	hw_packets;
	uint64_t	hw_bytes;
	char		flags[40];
};

struct nfo_flowv {
	struct nfo_flow_rec	*v;
	size_t			n;
};

/*
 * Parses one line (without or with its newline).  Returns 0, or -1 when a
 * required field (family, proto, both directions' src and dst) is missing
 * or a value is malformed.
 */
int nfo_flow_parse_line(const char *line, struct nfo_flow_rec *rec);

/*
 * The next line of the text at *@p: sets @line and @len (newline not
 * counted), moves *@p past it; false at the end of the text.  Shared by
 * the parsers of the module's files.
 */
bool nfo_next_line(const char **p, const char **line, size_t *len);

/*
 * Calls @fn with each "key=value" field of @line (@len bytes; fields
 * separated by single spaces; the key may be empty).  -1 on a field
 * without '=' or when @fn returns non-zero, else 0.  Shared by the
 * parsers of the module's files.
 */
int nfo_kv_fields(const char *line, size_t len,
		  int (*fn)(void *arg, const char *k, size_t klen,
			    const char *v, size_t vlen),
		  void *arg);

/*
 * The decimal number of @len bytes at @s, at most @max, into *@out; -1 when
 * empty, not all digits or too large.
 */
int nfo_parse_uint(const char *s, size_t len, uint64_t max, uint64_t *out);

/* Parses a whole listing; skips empty lines.  -1 on a malformed line. */
int nfo_flows_parse(const char *text, struct nfo_flowv *out);
void nfo_flowv_free(struct nfo_flowv *v);

/*
 * Undoes the kernel's \ooo escaping of @in (@in_len bytes) into @out
 * (size @len, NUL-terminated); -1 when too long, when it would hold a NUL,
 * or on a backslash not followed by three octal digits.  Shared by the
 * flow listing and the hw-refusal record parsers.
 */
int nfo_unescape(const char *in, size_t in_len, char *out, size_t len);

/* IP protocol number from a name or a number ("tcp", "17"); -1 unknown. */
int nfo_proto_number(const char *s);
const char *nfo_proto_name(int l4proto);	/* NULL when no name */

/* Filters of `nft-offload flows`; unset members match everything. */
struct nfo_flow_filter {
	bool		has_src, has_dst;
	int		src_family, dst_family;
	union nfo_addr	src, dst;
	int		src_plen, dst_plen;	/* prefix lengths */
	int		port;			/* -1: any */
	int		l4proto;		/* -1: any */
	char		dev[NFO_IFNAME_MAX];	/* "": any */
};

void nfo_filter_init(struct nfo_flow_filter *f);
/* "ADDR" or "ADDR/LEN", IPv4 or IPv6; -1 when malformed. */
int nfo_filter_set_addr(struct nfo_flow_filter *f, bool dst, const char *s);
int nfo_filter_set_port(struct nfo_flow_filter *f, const char *s);
int nfo_filter_set_proto(struct nfo_flow_filter *f, const char *s);
int nfo_filter_set_dev(struct nfo_flow_filter *f, const char *s);

/*
 * --src matches the connection's initiator before or after NAT (original
 * source, reply destination), --dst its responder (original destination,
 * reply source); --port any port of either tuple; --dev any input or
 * output device of either direction.
 */
bool nfo_filter_match(const struct nfo_flow_filter *f,
		      const struct nfo_flow_rec *rec);

enum nfo_sort {
	NFO_SORT_NONE,
	NFO_SORT_BYTES,		/* both directions' bytes, largest first */
	NFO_SORT_AGE,		/* oldest first */
};

int nfo_sort_parse(const char *s, enum nfo_sort *out);
void nfo_flows_sort(struct nfo_flowv *v, enum nfo_sort how);

/* Keeps the flows @f matches, in order. */
void nfo_flows_filter(struct nfo_flowv *v, const struct nfo_flow_filter *f);

#endif /* NFO_TOOL_FLOWS_H */
