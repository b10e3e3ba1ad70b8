package io.dmactl.vfio;

import java.lang.foreign.MemorySegment;

/**
 * This process's whole virtual address space as one segment, for code that is handed raw CPU
 * addresses and must not create a segment per access (the cpu engine's executors address every
 * descriptor's source and destination through it).
 *
 * <p>The segment starts at address 0, is {@code Long.MAX_VALUE} bytes long and has the global
 * scope: no bounds or lifetime check protects anything reached through it. It lives here so that
 * only this module calls the restricted {@link MemorySegment#reinterpret(long)}; a caller must
 * guarantee on its own that every address it uses lies in live memory it may touch.
 */
public final class AddressSpace {
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private AddressSpace() {
    }

    /**
     * The whole address space: offset {@code n} is CPU address {@code n}.
     *
     * @return a segment of all 2^63 - 1 bytes at address 0
     */
    public static MemorySegment all() {
        return ALL;
    }
}
