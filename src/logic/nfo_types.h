/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Basic types for the pure-logic part of nft_offload.
 *
 * Everything under src/logic/ is built twice: into the kernel module and
 * into the userspace unit tests and fuzzers.  This header is the only
 * place that knows the difference; the logic files include nothing else
 * except each other's headers.
 *
 * In the kernel the annotated network-order types (__be16, __be32, __sum16,
 * __wsum) are the kernel's own, so sparse sees them as restricted types.
 * In userspace they are plain unsigned integers and __force is empty.
 */
#ifndef NFO_LOGIC_TYPES_H
#define NFO_LOGIC_TYPES_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <asm/byteorder.h>

#define nfo_cpu_to_be16(x)	cpu_to_be16(x)
#define nfo_cpu_to_be32(x)	cpu_to_be32(x)
#define nfo_be16_to_cpu(x)	be16_to_cpu(x)
#define nfo_be32_to_cpu(x)	be32_to_cpu(x)

#else /* !__KERNEL__ */

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <endian.h>

/* The kernel's fixed-size types, for the usual Linux ABIs (checked below). */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

typedef u16 __be16;
typedef u32 __be32;
typedef u16 __sum16;
typedef u32 __wsum;

#ifndef __force
#define __force
#endif

#ifndef likely
#define likely(x)	__builtin_expect(!!(x), 1)
#endif
#ifndef unlikely
#define unlikely(x)	__builtin_expect(!!(x), 0)
#endif

#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif

#define nfo_cpu_to_be16(x)	((__be16)htobe16(x))
#define nfo_cpu_to_be32(x)	((__be32)htobe32(x))
#define nfo_be16_to_cpu(x)	((u16)be16toh(x))
#define nfo_be32_to_cpu(x)	((u32)be32toh(x))

#endif /* __KERNEL__ */

/*
 * Compile-time assertion usable at file scope, in both worlds: C11
 * static_assert from <linux/build_bug.h> or <assert.h>.
 */
#define nfo_static_assert(expr) static_assert(expr, #expr)

nfo_static_assert(sizeof(u8) == 1 && sizeof(u16) == 2);
nfo_static_assert(sizeof(u32) == 4 && sizeof(u64) == 8);

/* Protocol numbers the logic cares about (IANA, same as <linux/in.h>). */
#define NFO_IPPROTO_TCP		6
#define NFO_IPPROTO_UDP		17
#define NFO_IPPROTO_GRE		47

/* Address families as stored in struct nfo_pkt and struct nfo_tuple. */
#define NFO_FAMILY_IPV4		4
#define NFO_FAMILY_IPV6		6

/*
 * Big-endian loads from a byte buffer with no alignment requirement.
 * The "get" helpers return host-order numbers; the "raw" helpers return
 * the field exactly as it sits on the wire, typed as network order.
 */
static inline u16 nfo_get_be16(const u8 *p)
{
	return (u16)((p[0] << 8) | p[1]);
}

static inline u32 nfo_get_be32(const u8 *p)
{
	return ((u32)p[0] << 24) | ((u32)p[1] << 16) |
	       ((u32)p[2] << 8) | (u32)p[3];
}

static inline void nfo_put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline __be16 nfo_raw_be16(const u8 *p)
{
	__be16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline __be32 nfo_raw_be32(const u8 *p)
{
	__be32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Native-order words of a byte buffer, as checksums and hashes take them. */
static inline u32 nfo_load32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline u64 nfo_load64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif /* NFO_LOGIC_TYPES_H */
