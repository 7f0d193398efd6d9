// SPDX-License-Identifier: GPL-2.0
/*
 * What diagnose reads beyond query.h: the module's record of a refused
 * hardware offload bind, the devices under PPPoE sessions, and which port
 * of a bridge a neighbour is behind (its link-layer address from the
 * neighbour table, then the bridge's forwarding database), over rtnetlink
 * with libmnl.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>

#include "diag_query.h"

/*
 * The first @size - 1 bytes of file @path into @buf, terminated; an absent
 * file reads as empty.  0 or a negative errno.
 */
static int read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	size_t len = 0;
	int fd, err = 0;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	while ((n = read(fd, buf + len, size - 1 - len)) > 0) {
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	if (n < 0)
		err = -errno;
	close(fd);
	buf[len] = '\0';
	return err;
}

int dq_hw_refused(struct diag_facts *f)
{
	char buf[4096];
	int err;

	f->hw_refused_dev[0] = '\0';
	err = read_small("/proc/net/nft_offload_hw_refused", buf, sizeof(buf));
	if (err)
		return err;
	return diag_parse_hw_refused(buf, f) ? -EPROTO : 0;
}

int dq_pppoe_devices(char (*devs)[DIAG_IFNAMSIZ], unsigned int max)
{
	char buf[8192], *nl;
	int err;

	err = read_small("/proc/net/pppoe", buf, sizeof(buf));
	if (err)
		return err;
	/* A concentrator's thousands of sessions: the whole lines read. */
	if (strlen(buf) == sizeof(buf) - 1) {
		nl = strrchr(buf, '\n');
		if (nl)
			nl[1] = '\0';
	}
	err = diag_parse_pppoe(buf, devs, max);
	return err < 0 ? -EPROTO : err;
}

struct dq_neigh {
	/* What is looked for. */
	int		family;
	int		ifindex;	/* neighbour table: the device */
	const void	*dst;		/* neighbour table: the address */
	size_t		dst_len;
	int		master;		/* FDB: the bridge */
	unsigned char	mac[ETH_ALEN];
	/* What was found. */
	bool		found;
	int		port;
};

static int dq_attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	if (mnl_attr_type_valid(attr, NDA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = attr;
	return MNL_CB_OK;
}

/* Neighbour table entry of (ifindex, dst): its link-layer address. */
static int dq_neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1] = { NULL };
	struct dq_neigh *q = data;

	if (q->found || ndm->ndm_ifindex != q->ifindex)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ndm), dq_attr_cb, tb) < 0)
		return MNL_CB_OK;
	if (!tb[NDA_DST] || !tb[NDA_LLADDR] ||
	    mnl_attr_get_payload_len(tb[NDA_DST]) != q->dst_len ||
	    memcmp(mnl_attr_get_payload(tb[NDA_DST]), q->dst, q->dst_len) ||
	    mnl_attr_get_payload_len(tb[NDA_LLADDR]) != ETH_ALEN)
		return MNL_CB_OK;
	memcpy(q->mac, mnl_attr_get_payload(tb[NDA_LLADDR]), ETH_ALEN);
	q->found = true;
	return MNL_CB_OK;
}

/* FDB entry of a port of the bridge with the MAC looked for. */
static int dq_fdb_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1] = { NULL };
	struct dq_neigh *q = data;

	if (q->found || ndm->ndm_ifindex == q->master)
		return MNL_CB_OK;
	if (mnl_attr_parse(nlh, sizeof(*ndm), dq_attr_cb, tb) < 0)
		return MNL_CB_OK;
	if (!tb[NDA_MASTER] || !tb[NDA_LLADDR] ||
	    mnl_attr_get_u32(tb[NDA_MASTER]) != (uint32_t)q->master ||
	    mnl_attr_get_payload_len(tb[NDA_LLADDR]) != ETH_ALEN ||
	    memcmp(mnl_attr_get_payload(tb[NDA_LLADDR]), q->mac, ETH_ALEN))
		return MNL_CB_OK;
	q->port = ndm->ndm_ifindex;
	q->found = true;
	return MNL_CB_OK;
}

/* Dumps RTM_GETNEIGH of @family through @cb. */
static int dq_dump_neigh(struct mnl_socket *nl, int family, mnl_cb_t cb,
			 struct dq_neigh *q)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE);
	unsigned int seq = (unsigned int)time(NULL), portid;
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	ssize_t n;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = (unsigned char)family;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	while ((n = mnl_socket_recvfrom(nl, buf, MNL_SOCKET_BUFFER_SIZE)) > 0) {
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, q);
		if (ret <= MNL_CB_STOP)
			break;
	}
	ret = n < 0 || ret < 0 ? -errno : 0;
out:
	free(buf);
	return ret;
}

int dq_bridge_port(int bridge, int family, const void *addr, int *port)
{
	struct dq_neigh q;
	struct mnl_socket *nl;
	int err;

	memset(&q, 0, sizeof(q));
	q.family = family;
	q.ifindex = bridge;
	q.dst = addr;
	q.dst_len = family == AF_INET6 ? 16 : 4;
	q.master = bridge;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		goto out;
	}
	err = dq_dump_neigh(nl, family, dq_neigh_cb, &q);
	if (err)
		goto out;
	if (!q.found) {
		err = -ENOENT;
		goto out;
	}
	q.found = false;
	err = dq_dump_neigh(nl, AF_BRIDGE, dq_fdb_cb, &q);
	if (!err && !q.found)
		err = -ENOENT;
	if (!err)
		*port = q.port;
out:
	mnl_socket_close(nl);
	return err;
}
