/*
 * Prints what the C compiler thinks of every struct, constant and function that
 * dmactl's generated bindings use, one fact per line:
 *
 *   struct <name> size <bytes>
 *   field <struct>.<field> offset <bytes> size <bytes>     (size 0: flexible array)
 *   const <name> <value>
 *   function <name> returns <bytes> args <bytes>...        (sizes of the C types)
 *   function <name> variadic returns <bytes> args <bytes>...  (fixed arguments only)
 *
 * GeneratedLayoutTest compiles this with the system cc, runs it, and checks each
 * line against the Java layouts jextract generated from the same header. It also
 * checks that every symbol in vfio.args / libc.args is listed here, so a symbol
 * added there without a line here fails the test.
 *
 * Each FUNCTION line states the prototype in full; the compiler rejects the probe
 * if the header declares the function with different types.
 */
#include "dmactl_native.h"

#include <stddef.h>
#include <stdio.h>

#define STRUCT(s) printf("struct %s size %zu\n", #s, sizeof(struct s))
#define FIELD(s, f) \
    printf("field %s.%s offset %zu size %zu\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *) 0)->f))
#define FLEXIBLE_FIELD(s, f) printf("field %s.%s offset %zu size 0\n", #s, #f, offsetof(struct s, f))
#define CONST(c) printf("const %s %lld\n", #c, (long long) (c))

#define SAME_TYPE(a, b) __builtin_types_compatible_p(a, b)

/* SIZES(t1, t2, ...) -> sizeof(t1), sizeof(t2), ... for up to six types. */
#define SIZES_1(a) sizeof(a)
#define SIZES_2(a, ...) sizeof(a), SIZES_1(__VA_ARGS__)
#define SIZES_3(a, ...) sizeof(a), SIZES_2(__VA_ARGS__)
#define SIZES_4(a, ...) sizeof(a), SIZES_3(__VA_ARGS__)
#define SIZES_5(a, ...) sizeof(a), SIZES_4(__VA_ARGS__)
#define SIZES_6(a, ...) sizeof(a), SIZES_5(__VA_ARGS__)
#define SIZES_PICK(_1, _2, _3, _4, _5, _6, name, ...) name
#define SIZES(...) SIZES_PICK(__VA_ARGS__, SIZES_6, SIZES_5, SIZES_4, SIZES_3, SIZES_2, SIZES_1)(__VA_ARGS__)

#define FUNCTION(name, ret, ...)                                                          \
    do {                                                                                  \
        _Static_assert(SAME_TYPE(__typeof__(&name), ret (*)(__VA_ARGS__)),               \
                       #name " is not declared as " #ret " " #name "(" #__VA_ARGS__ ")"); \
        printf("function %s returns %zu args", #name, sizeof(ret));                       \
        print_sizes((size_t[]) {SIZES(__VA_ARGS__), 0});                                  \
    } while (0)
#define VARIADIC_FUNCTION(name, ret, ...)                                                        \
    do {                                                                                         \
        _Static_assert(SAME_TYPE(__typeof__(&name), ret (*)(__VA_ARGS__, ...)),                 \
                       #name " is not declared as " #ret " " #name "(" #__VA_ARGS__ ", ...)");  \
        printf("function %s variadic returns %zu args", #name, sizeof(ret));                     \
        print_sizes((size_t[]) {SIZES(__VA_ARGS__), 0});                                         \
    } while (0)

/* Prints a 0-terminated list of sizes and ends the line. */
static void print_sizes(const size_t *sizes) {
    for (; *sizes != 0; sizes++) {
        printf(" %zu", *sizes);
    }
    printf("\n");
}

static void structs(void) {
    STRUCT(vfio_info_cap_header);
    FIELD(vfio_info_cap_header, id);
    FIELD(vfio_info_cap_header, version);
    FIELD(vfio_info_cap_header, next);

    STRUCT(vfio_group_status);
    FIELD(vfio_group_status, argsz);
    FIELD(vfio_group_status, flags);

    STRUCT(vfio_device_info);
    FIELD(vfio_device_info, argsz);
    FIELD(vfio_device_info, flags);
    FIELD(vfio_device_info, num_regions);
    FIELD(vfio_device_info, num_irqs);
    FIELD(vfio_device_info, cap_offset);

    STRUCT(vfio_region_info);
    FIELD(vfio_region_info, argsz);
    FIELD(vfio_region_info, flags);
    FIELD(vfio_region_info, index);
    FIELD(vfio_region_info, cap_offset);
    FIELD(vfio_region_info, size);
    FIELD(vfio_region_info, offset);

    STRUCT(vfio_region_sparse_mmap_area);
    FIELD(vfio_region_sparse_mmap_area, offset);
    FIELD(vfio_region_sparse_mmap_area, size);

    STRUCT(vfio_region_info_cap_sparse_mmap);
    FIELD(vfio_region_info_cap_sparse_mmap, header);
    FIELD(vfio_region_info_cap_sparse_mmap, nr_areas);
    FIELD(vfio_region_info_cap_sparse_mmap, reserved);
    FLEXIBLE_FIELD(vfio_region_info_cap_sparse_mmap, areas);

    STRUCT(vfio_region_info_cap_type);
    FIELD(vfio_region_info_cap_type, header);
    FIELD(vfio_region_info_cap_type, type);
    FIELD(vfio_region_info_cap_type, subtype);

    STRUCT(vfio_irq_info);
    FIELD(vfio_irq_info, argsz);
    FIELD(vfio_irq_info, flags);
    FIELD(vfio_irq_info, index);
    FIELD(vfio_irq_info, count);

    STRUCT(vfio_irq_set);
    FIELD(vfio_irq_set, argsz);
    FIELD(vfio_irq_set, flags);
    FIELD(vfio_irq_set, index);
    FIELD(vfio_irq_set, start);
    FIELD(vfio_irq_set, count);
    FLEXIBLE_FIELD(vfio_irq_set, data);

    STRUCT(vfio_iommu_type1_info);
    FIELD(vfio_iommu_type1_info, argsz);
    FIELD(vfio_iommu_type1_info, flags);
    FIELD(vfio_iommu_type1_info, iova_pgsizes);
    FIELD(vfio_iommu_type1_info, cap_offset);

    STRUCT(vfio_iova_range);
    FIELD(vfio_iova_range, start);
    FIELD(vfio_iova_range, end);

    STRUCT(vfio_iommu_type1_info_cap_iova_range);
    FIELD(vfio_iommu_type1_info_cap_iova_range, header);
    FIELD(vfio_iommu_type1_info_cap_iova_range, nr_iovas);
    FIELD(vfio_iommu_type1_info_cap_iova_range, reserved);
    FLEXIBLE_FIELD(vfio_iommu_type1_info_cap_iova_range, iova_ranges);

    STRUCT(vfio_iommu_type1_info_dma_avail);
    FIELD(vfio_iommu_type1_info_dma_avail, header);
    FIELD(vfio_iommu_type1_info_dma_avail, avail);

    STRUCT(vfio_iommu_type1_dma_map);
    FIELD(vfio_iommu_type1_dma_map, argsz);
    FIELD(vfio_iommu_type1_dma_map, flags);
    FIELD(vfio_iommu_type1_dma_map, vaddr);
    FIELD(vfio_iommu_type1_dma_map, iova);
    FIELD(vfio_iommu_type1_dma_map, size);

    STRUCT(vfio_iommu_type1_dma_unmap);
    FIELD(vfio_iommu_type1_dma_unmap, argsz);
    FIELD(vfio_iommu_type1_dma_unmap, flags);
    FIELD(vfio_iommu_type1_dma_unmap, iova);
    FIELD(vfio_iommu_type1_dma_unmap, size);
    FLEXIBLE_FIELD(vfio_iommu_type1_dma_unmap, data);

    STRUCT(rlimit);
    FIELD(rlimit, rlim_cur);
    FIELD(rlimit, rlim_max);

    STRUCT(pollfd);
    FIELD(pollfd, fd);
    FIELD(pollfd, events);
    FIELD(pollfd, revents);
}

static void constants(void) {
    /* container */
    CONST(VFIO_API_VERSION);
    CONST(VFIO_TYPE1v2_IOMMU);
    CONST(VFIO_GET_API_VERSION);
    CONST(VFIO_CHECK_EXTENSION);
    CONST(VFIO_SET_IOMMU);
    CONST(VFIO_IOMMU_GET_INFO);
    CONST(VFIO_IOMMU_MAP_DMA);
    CONST(VFIO_IOMMU_UNMAP_DMA);
    /* group */
    CONST(VFIO_GROUP_GET_STATUS);
    CONST(VFIO_GROUP_SET_CONTAINER);
    CONST(VFIO_GROUP_UNSET_CONTAINER);
    CONST(VFIO_GROUP_GET_DEVICE_FD);
    CONST(VFIO_GROUP_FLAGS_VIABLE);
    /* device */
    CONST(VFIO_DEVICE_GET_INFO);
    CONST(VFIO_DEVICE_GET_REGION_INFO);
    CONST(VFIO_DEVICE_GET_IRQ_INFO);
    CONST(VFIO_DEVICE_SET_IRQS);
    CONST(VFIO_DEVICE_RESET);
    CONST(VFIO_DEVICE_FLAGS_RESET);
    CONST(VFIO_DEVICE_FLAGS_PCI);
    /* regions */
    CONST(VFIO_REGION_INFO_FLAG_READ);
    CONST(VFIO_REGION_INFO_FLAG_WRITE);
    CONST(VFIO_REGION_INFO_FLAG_MMAP);
    CONST(VFIO_REGION_INFO_FLAG_CAPS);
    CONST(VFIO_REGION_INFO_CAP_SPARSE_MMAP);
    CONST(VFIO_REGION_INFO_CAP_TYPE);
    CONST(VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
    CONST(VFIO_PCI_BAR0_REGION_INDEX);
    CONST(VFIO_PCI_BAR5_REGION_INDEX);
    CONST(VFIO_PCI_ROM_REGION_INDEX);
    CONST(VFIO_PCI_CONFIG_REGION_INDEX);
    CONST(VFIO_PCI_VGA_REGION_INDEX);
    /* interrupts */
    CONST(VFIO_PCI_INTX_IRQ_INDEX);
    CONST(VFIO_PCI_MSI_IRQ_INDEX);
    CONST(VFIO_PCI_MSIX_IRQ_INDEX);
    CONST(VFIO_PCI_ERR_IRQ_INDEX);
    CONST(VFIO_PCI_REQ_IRQ_INDEX);
    CONST(VFIO_IRQ_INFO_EVENTFD);
    CONST(VFIO_IRQ_INFO_MASKABLE);
    CONST(VFIO_IRQ_INFO_AUTOMASKED);
    CONST(VFIO_IRQ_INFO_NORESIZE);
    CONST(VFIO_IRQ_SET_DATA_NONE);
    CONST(VFIO_IRQ_SET_DATA_EVENTFD);
    CONST(VFIO_IRQ_SET_ACTION_MASK);
    CONST(VFIO_IRQ_SET_ACTION_UNMASK);
    CONST(VFIO_IRQ_SET_ACTION_TRIGGER);
    /* IOMMU info and DMA mapping */
    CONST(VFIO_IOMMU_INFO_PGSIZES);
    CONST(VFIO_IOMMU_INFO_CAPS);
    CONST(VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
    CONST(VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
    CONST(VFIO_DMA_MAP_FLAG_READ);
    CONST(VFIO_DMA_MAP_FLAG_WRITE);
    /* libc */
    CONST(O_RDWR);
    CONST(O_CLOEXEC);
    CONST(PROT_READ);
    CONST(PROT_WRITE);
    CONST(MAP_SHARED);
    CONST(MAP_ANONYMOUS);
    CONST(MAP_POPULATE);
    CONST(MFD_CLOEXEC);
    CONST(MFD_HUGETLB);
    CONST(MFD_HUGE_2MB);
    CONST(_SC_PAGESIZE);
    CONST(RLIMIT_MEMLOCK);
    CONST(EFD_CLOEXEC);
    CONST(POLLIN);
    CONST(EINTR);
    CONST(EINVAL);
}

static void functions(void) {
    VARIADIC_FUNCTION(open, int, const char *, int);
    VARIADIC_FUNCTION(ioctl, int, int, unsigned long);
    FUNCTION(close, int, int);
    FUNCTION(read, ssize_t, int, void *, size_t);
    FUNCTION(write, ssize_t, int, const void *, size_t);
    FUNCTION(pread, ssize_t, int, void *, size_t, off_t);
    FUNCTION(pwrite, ssize_t, int, const void *, size_t, off_t);
    FUNCTION(mmap, void *, void *, size_t, int, int, int, off_t);
    FUNCTION(munmap, int, void *, size_t);
    FUNCTION(mlock, int, const void *, size_t);
    FUNCTION(munlock, int, const void *, size_t);
    FUNCTION(memfd_create, int, const char *, unsigned int);
    FUNCTION(ftruncate, int, int, off_t);
    FUNCTION(sysconf, long, int);
    FUNCTION(getrlimit, int, __rlimit_resource_t, struct rlimit *);
    FUNCTION(eventfd, int, unsigned int, int);
    FUNCTION(poll, int, struct pollfd *, nfds_t, int);
    FUNCTION(strerror, char *, int);
    FUNCTION(strerrorname_np, const char *, int);
}

/* <linux/idxd.h>: the DSA descriptor and completion record (idxd.args). The bitfield words
 * (pasid/priv, flags/opcode, invalid_flags) have no offsetof; jextract emits them as padding,
 * and the BITFIELD lines below print where the compiler puts each field's bits. */
#define BITFIELD(s, word_offset, f, value)                                            \
    do {                                                                              \
        union { struct s v; unsigned char raw[sizeof(struct s)]; } u;                 \
        memset(&u, 0, sizeof u);                                                      \
        u.v.f = (value);                                                              \
        unsigned long long w = 0;                                                     \
        for (int i = 3; i >= 0; i--) w = (w << 8) | u.raw[(word_offset) + i];         \
        printf("const %s_%s_IN_WORD_%d %llu\n", #s, #f, (word_offset), w);           \
    } while (0)

static void idxd(void) {
    STRUCT(dsa_hw_desc);
    FIELD(dsa_hw_desc, completion_addr);
    FIELD(dsa_hw_desc, src_addr);
    FIELD(dsa_hw_desc, pattern);
    FIELD(dsa_hw_desc, desc_list_addr);
    FIELD(dsa_hw_desc, dst_addr);
    FIELD(dsa_hw_desc, src2_addr);
    FIELD(dsa_hw_desc, comp_pattern);
    FIELD(dsa_hw_desc, xfer_size);
    FIELD(dsa_hw_desc, desc_count);
    FIELD(dsa_hw_desc, int_handle);
    FIELD(dsa_hw_desc, rsvd1);
    FIELD(dsa_hw_desc, expected_res);
    FIELD(dsa_hw_desc, dest2);
    FIELD(dsa_hw_desc, crc_seed);
    FIELD(dsa_hw_desc, op_specific);
    BITFIELD(dsa_hw_desc, 4, flags, 0xffffff);
    BITFIELD(dsa_hw_desc, 4, opcode, 0xff);
    BITFIELD(dsa_hw_desc, 0, pasid, 0xfffff);
    BITFIELD(dsa_hw_desc, 0, priv, 1);

    STRUCT(dsa_completion_record);
    FIELD(dsa_completion_record, status);
    FIELD(dsa_completion_record, result);
    FIELD(dsa_completion_record, rsvd);
    FIELD(dsa_completion_record, bytes_completed);
    FIELD(dsa_completion_record, fault_addr);
    FIELD(dsa_completion_record, crc_val);
    FIELD(dsa_completion_record, op_specific);
    BITFIELD(dsa_completion_record, 16, invalid_flags, 0xffffff);

    CONST(DSA_OPCODE_NOOP);
    CONST(DSA_OPCODE_BATCH);
    CONST(DSA_OPCODE_DRAIN);
    CONST(DSA_OPCODE_MEMMOVE);
    CONST(DSA_OPCODE_MEMFILL);
    CONST(DSA_OPCODE_COMPARE);
    CONST(DSA_OPCODE_COMPVAL);
    CONST(DSA_OPCODE_DUALCAST);
    CONST(DSA_OPCODE_CRCGEN);

    CONST(IDXD_OP_FLAG_FENCE);
    CONST(IDXD_OP_FLAG_BOF);
    CONST(IDXD_OP_FLAG_CRAV);
    CONST(IDXD_OP_FLAG_RCR);
    CONST(IDXD_OP_FLAG_RCI);
    CONST(IDXD_OP_FLAG_CC);

    CONST(DSA_COMP_NONE);
    CONST(DSA_COMP_SUCCESS);
    CONST(DSA_COMP_SUCCESS_PRED);
    CONST(DSA_COMP_PAGE_FAULT_NOBOF);
    CONST(DSA_COMP_PAGE_FAULT_IR);
    CONST(DSA_COMP_BATCH_FAIL);
    CONST(DSA_COMP_BATCH_PAGE_FAULT);
    CONST(DSA_COMP_DR_OFFSET_NOINC);
    CONST(DSA_COMP_DR_OFFSET_ERANGE);
    CONST(DSA_COMP_DIF_ERR);
    CONST(DSA_COMP_BAD_OPCODE);
    CONST(DSA_COMP_INVALID_FLAGS);
    CONST(DSA_COMP_NOZERO_RESERVE);
    CONST(DSA_COMP_XFER_ERANGE);
    CONST(DSA_COMP_DESC_CNT_ERANGE);
    CONST(DSA_COMP_DR_ERANGE);
    CONST(DSA_COMP_OVERLAP_BUFFERS);
    CONST(DSA_COMP_DCAST_ERR);
    CONST(DSA_COMP_DESCLIST_ALIGN);
    CONST(DSA_COMP_INT_HANDLE_INVAL);
    CONST(DSA_COMP_CRA_XLAT);
    CONST(DSA_COMP_CRA_ALIGN);
    CONST(DSA_COMP_ADDR_ALIGN);
    CONST(DSA_COMP_PRIV_BAD);
    CONST(DSA_COMP_TRAFFIC_CLASS_CONF);
    CONST(DSA_COMP_PFAULT_RDBA);
    CONST(DSA_COMP_HW_ERR1);
    CONST(DSA_COMP_HW_ERR_DRB);
    CONST(DSA_COMP_TRANSLATION_FAIL);
    CONST(DSA_COMP_STATUS_MASK);
    CONST(DSA_COMP_STATUS_WRITE);
}

int main(void) {
    structs();
    constants();
    functions();
    idxd();
    return 0;
}
