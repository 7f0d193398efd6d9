/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NFO_VERSION_H
#define NFO_VERSION_H

#define NFO_VERSION "0.1.0"

#endif /* NFO_VERSION_H */
