/*
 * The C declarations dmactl's Java code calls through the FFM API.
 *
 * jextract reads this file (see regen and the *.args files next to it) and
 * layout-probe.c includes it, so the generated Java layouts and the C
 * compiler's view of the same structs come from one source.
 *
 * _GNU_SOURCE is needed for memfd_create, MFD_* and MAP_HUGETLB from glibc.
 */
#ifndef DMACTL_NATIVE_H
#define DMACTL_NATIVE_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
/* Before <sys/mman.h>: glibc then skips its own MFD_* and we get MFD_HUGE_2MB too. */
#include <linux/memfd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <linux/vfio.h>
/* Intel DSA descriptor and completion-record formats (the idxd work-queue device's ABI). */
#include <linux/idxd.h>

#endif /* DMACTL_NATIVE_H */
