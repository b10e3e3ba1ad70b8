package io.dmactl.examples;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.ExecutionKind;
import io.dmactl.core.spi.OpStatus;

import java.lang.foreign.MemorySegment;

/**
 * The provider SPI in one file: a software engine whose "device" runs each op with
 * {@link MemorySegment#copy} when the doorbell rings, registered with a runtime and used through
 * it like any other. A real provider (see providers/) would write descriptors into device memory in
 * {@code enqueueCopy}, ring a doorbell register in {@code submit} and read completion records in
 * {@code poll}; the contract is the same. To be found with {@code ServiceLoader} instead, list the
 * provider in {@code META-INF/services/io.dmactl.core.spi.DmaProvider}. core/README.md, "Writing
 * a provider", has the rest (devices, IOMMU, interrupts, the conformance suite).
 */
public final class MinimalProvider {
    private MinimalProvider() {
    }

    public static void main(String[] args) {
        try (DmaRuntime dma = DmaRuntime.builder().discoverProviders(false).provider(new MemcpyProvider()).build();
             DmaBuffer source = dma.allocate(64 * 1024);
             DmaBuffer destination = dma.allocate(64 * 1024)) {
            source.segment().fill((byte) 0x5a);
            TransferResult result = dma.via("memcpy").copy(source, destination).join().orThrow();
            long mismatch = source.segment().mismatch(destination.segment());
            if (mismatch != -1) {
                throw new IllegalStateException("destination differs from the source at byte " + mismatch);
            }
            System.out.printf("the memcpy engine copied %d bytes: %s%n", result.lengthBytes(), result.status());
        }
    }

    /** Found by name; needs no device. {@code open} is called once per runtime. */
    static final class MemcpyProvider implements DmaProvider {
        @Override
        public String name() {
            return "memcpy";
        }

        @Override
        public DeviceRequirement devices() {
            return DeviceRequirement.none();
        }

        @Override
        public DmaEngine open(EngineContext context) {
            return new MemcpyEngine(context.intOption("memcpy.ringSize", 64));
        }
    }

    /** What it can do (checked once by the core, which keeps every transfer inside it) and its one channel. */
    static final class MemcpyEngine implements DmaEngine {
        private final EngineCapabilities capabilities;
        private final MemcpyChannel channel;

        MemcpyEngine(int ringSize) {
            capabilities = EngineCapabilities.builder()
                .ops(DmaOpKind.COPY)
                .directions(Direction.MEM_TO_MEM)
                .reaches(LocationKind.HOST_MEMORY)
                .addressing(AddressingMode.CPU_VIRTUAL) // the core resolves host buffers to CPU addresses
                .execution(ExecutionKind.SOFTWARE)
                .ringSize(ringSize)
                .inOrderCompletion(true)
                .build();
            channel = new MemcpyChannel(ringSize);
        }

        @Override
        public EngineCapabilities capabilities() {
            return capabilities;
        }

        @Override
        public DmaChannel channel(int index) {
            return channel;
        }

        /** Called with the channel's owner paused: drop everything not yet reported. */
        @Override
        public void reset() {
            channel.dropUnreported();
        }

        @Override
        public void close() {
        }
    }

    /**
     * The fast path, used by one thread at a time: tickets are consecutive, at most
     * {@link #capacity()} ops are accepted and not yet reported by {@link #poll}, each is reported
     * exactly once. Plain arrays, no allocation per op.
     */
    static final class MemcpyChannel implements DmaChannel {
        private final long[] source;
        private final long[] destination;
        private final int[] length;
        private final int[] status;
        private final int mask;
        private long next; // the next ticket to hand out
        private long done; // the "device" ran every op below this ticket
        private long reported; // poll reported every op below this ticket

        MemcpyChannel(int ringSize) {
            source = new long[ringSize];
            destination = new long[ringSize];
            length = new int[ringSize];
            status = new int[ringSize];
            mask = ringSize - 1;
        }

        @Override
        public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            if (next - reported == capacity()) {
                return NO_SPACE;
            }
            int slot = (int) (next & mask);
            source[slot] = srcAddress;
            destination[slot] = dstAddress;
            // Never throw for a bad descriptor: it completes INVALID (this engine has no private spaces).
            length[slot] = srcSpace == SPACE_BUS && dstSpace == SPACE_BUS ? lengthBytes : 0;
            long ticket = next++;
            if ((flags & FLAG_SUBMIT) != 0) {
                submit();
            }
            return ticket;
        }

        @Override
        public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
            throw new UnsupportedOperationException("not declared: the core never sends a FILL here");
        }

        /** The doorbell: this "device" runs every op so far, in order (so fences hold trivially). */
        @Override
        public void submit() {
            for (; done < next; done++) {
                int slot = (int) (done & mask);
                if (length[slot] <= 0) {
                    status[slot] = OpStatus.INVALID;
                    continue;
                }
                MemorySegment.copy(MemorySegment.ofAddress(source[slot]).reinterpret(length[slot]), 0,
                    MemorySegment.ofAddress(destination[slot]).reinterpret(length[slot]), 0, length[slot]);
                status[slot] = OpStatus.SUCCESS;
            }
        }

        @Override
        public int poll(CompletionBatch out) {
            out.clear();
            while (reported < done && out.remaining() > 0) {
                out.add(reported, status[(int) (reported & mask)], 0);
                reported++;
            }
            return out.count();
        }

        void dropUnreported() {
            done = next;
            reported = next; // tickets are never rewound
        }

        @Override
        public int capacity() {
            return mask + 1;
        }

        @Override
        public int index() {
            return 0;
        }

        @Override
        public CompletionInterrupt interrupt() {
            return null; // no interrupts: the core polls
        }
    }
}
