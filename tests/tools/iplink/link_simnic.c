// SPDX-License-Identifier: GPL-2.0
/*
 * link_simnic.so: a plugin for iproute2's ip(8) so that it creates the
 * tests' simulated offload NIC (tests/kmod/nfo_simnic.c) with veth's syntax:
 *
 *	ip link add NAME type simnic peer name PEER [netns NS]
 *
 * ip(8) hands the arguments after "type KIND" to the parser of that kind,
 * which it looks up as the symbol KIND_link_util in LIBDIR/ip/link_KIND.so
 * ($IP_LIB_DIR overrides LIBDIR/ip).  simnic takes the very attributes veth
 * takes (IFLA_INFO_DATA holding VETH_INFO_PEER), so this parser is veth's,
 * which ip(8) exports.  tests/vm/mkinitramfs.sh builds it into the guest.
 */
#include <stdio.h>
#include <linux/netlink.h>

/*
 * The head of iproute2's struct link_util (ip/ip_common.h), as ip(8) reads
 * it: the fields it may look at past parse_opt stay NULL.
 */
struct link_util {
	struct link_util *next;
	const char *id;
	int maxattr;
	int (*parse_opt)(struct link_util *lu, int argc, char **argv,
			 struct nlmsghdr *n);
	void *unused[8];
};

struct link_util *get_link_kind(const char *kind);

static int simnic_parse_opt(struct link_util *lu, int argc, char **argv,
			    struct nlmsghdr *n)
{
	struct link_util *veth = get_link_kind("veth");

	(void)lu;
	if (!veth || !veth->parse_opt) {
		fprintf(stderr, "simnic: this ip(8) has no veth parser\n");
		return -1;
	}
	return veth->parse_opt(veth, argc, argv, n);
}

struct link_util simnic_link_util = {
	.id		= "simnic",
	.parse_opt	= simnic_parse_opt,
};
