package io.dmactl.core.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-aligned memory from a shared arena. Not locked: the kernel pins it when it is mapped for
 * DMA (VFIO type1 pins on map), and it is fine for software engines and tests. The runtime uses
 * locked {@code HostPages} when vfio-binding provides them.
 */
public final class ArenaPageSource implements PageSource {
    private final long pageSizeBytes;

    /**
     * A source of unlocked arena memory in pages of {@code pageSizeBytes} (tests, emulated IOMMUs).
     *
     * @param pageSizeBytes the page size, a power of two
     */
    public ArenaPageSource(long pageSizeBytes) {
        if (pageSizeBytes < 512 || Long.bitCount(pageSizeBytes) != 1) {
            throw new IllegalArgumentException("pageSizeBytes " + pageSizeBytes + " must be a power of two >= 512");
        }
        this.pageSizeBytes = pageSizeBytes;
    }

    @Override
    public Pages allocate(long lengthBytes) {
        if (lengthBytes <= 0 || lengthBytes % pageSizeBytes != 0) {
            throw new IllegalArgumentException("lengthBytes " + lengthBytes + " must be a positive multiple of " + pageSizeBytes);
        }
        Arena arena = Arena.ofShared();
        try {
            MemorySegment segment = arena.allocate(lengthBytes, pageSizeBytes);
            return new ArenaPages(arena, segment);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public long granuleBytes() {
        return pageSizeBytes;
    }

    @Override
    public String describe() {
        return "arena memory, " + pageSizeBytes + "-byte pages, not locked";
    }

    private record ArenaPages(Arena arena, MemorySegment segment) implements Pages {
        @Override
        public void close() {
            arena.close();
        }
    }
}
