/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place where differences between supported kernels are absorbed.
 * It is force-included into every file of the module (see Kbuild); the logic
 * tests only NFO_* capability macros, which compat/probe.sh derives from the
 * target kernel's headers.  No LINUX_VERSION_CODE tests anywhere.
 */
#ifndef NFO_COMPAT_H
#define NFO_COMPAT_H

#include "compat/compat-gen.h"

/*
 * nft_expr_ops.reduce: the expression only reads registers, so where the
 * field exists it gets the stock read-only reducer.
 */
#ifdef NFO_HAVE_EXPR_REDUCE
#define NFO_EXPR_OPS_REDUCE	.reduce = NFT_REDUCE_READONLY,
#else
#define NFO_EXPR_OPS_REDUCE
#endif

#endif /* NFO_COMPAT_H */
