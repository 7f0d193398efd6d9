/* SPDX-License-Identifier: GPL-2.0 */
/* What `diagnose` reads beyond query.h (see diag_query.c). */
#ifndef NFO_TOOL_DIAG_QUERY_H
#define NFO_TOOL_DIAG_QUERY_H

#include "logic/diag.h"

/*
 * Fills @f's hw_refused_* from /proc/net/nft_offload_hw_refused (nothing
 * when the file is absent or empty).  0 or a negative errno.
 */
int dq_hw_refused(struct diag_facts *f);

/*
 * The distinct devices that carry PPPoE sessions in this netns, from
 * /proc/net/pppoe (none when it is absent: no pppoe module), at most
 * @max into @devs.  Their number or a negative errno.
 */
int dq_pppoe_devices(char (*devs)[DIAG_IFNAMSIZ], unsigned int max);

/*
 * The port of bridge @bridge (ifindex) behind which the neighbour @addr
 * (4 or 16 bytes, @family AF_INET/AF_INET6) is: *@port gets its ifindex.
 * -ENOENT when the neighbour or its forwarding entry is not known.
 */
int dq_bridge_port(int bridge, int family, const void *addr, int *port);

#endif /* NFO_TOOL_DIAG_QUERY_H */
