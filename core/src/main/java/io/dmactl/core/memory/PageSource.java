package io.dmactl.core.memory;

import java.lang.foreign.MemorySegment;

/**
 * Where the pool gets its memory: page-aligned, locked native memory (HostPages from vfio-binding,
 * hugepage-backed when the system has hugepages) or, without vfio-binding, arena memory.
 */
public interface PageSource {

    /**
     * Allocates zeroed, page-aligned memory.
     *
     * @param lengthBytes a positive multiple of {@link #granuleBytes()}
     * @return the pages; close them to give them back
     */
    Pages allocate(long lengthBytes);

    /**
     * Allocation lengths are multiples of this: the backing page size (4 KiB, or 2 MiB for hugepages).
     *
     * @return the granule in bytes
     */
    long granuleBytes();

    /**
     * For messages and diagnostics: "hugetlb 2 MiB, locked".
     *
     * @return the description
     */
    String describe();

    /** One allocation; closing it returns the memory to the system. */
    interface Pages extends AutoCloseable {
        /**
         * The memory, valid until the pages are closed.
         *
         * @return the memory
         */
        MemorySegment segment();

        @Override
        void close();
    }
}
