package io.dmactl.provider.cpu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.sim.FakeIommuDomain;
import io.dmactl.core.sim.ForwardingEngine;
import io.dmactl.core.sim.ForwardingProvider;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A SHARED_VIRTUAL engine through the runtime: the cpu engine's executors address memory by CPU
 * virtual address, which is exactly what an SVA device does, so the cpu engine declared as SVA
 * hardware stands in for DSA through idxd. Even with an IOMMU domain in the runtime nothing is
 * mapped for it, it is chosen as hardware, and registered client memory never reaches it.
 */
class SharedVirtualRuntimeTest {

    /** The cpu engine, described as an SVA hardware engine. */
    private static final class SvaProvider extends ForwardingProvider {
        SvaProvider() {
            super("sva", new CpuProvider());
        }

        @Override
        protected DmaEngine wrap(DmaEngine opened, EngineContext context) {
            EngineCapabilities cpu = opened.capabilities();
            EngineCapabilities sva = new EngineCapabilities(cpu.ops(), cpu.directions(), cpu.reaches(), AddressingMode.SHARED_VIRTUAL,
                ExecutionKind.HARDWARE, cpu.maxTransferBytes(), cpu.alignmentBytes(), cpu.dmaMaskBits(), cpu.maxSgEntries(),
                cpu.ringSize(), cpu.channelCount(), cpu.interrupts(), cpu.inOrderCompletion(), cpu.requiresOwnPrivateEnd(),
                cpu.maxPrivateCopyBytes());
            return new ForwardingEngine(opened, channel -> channel) {
                @Override
                public EngineCapabilities capabilities() {
                    return sva;
                }
            };
        }
    }

    @Test
    void hostLocationsReachItByVirtualAddressAndNothingIsMapped() {
        FakeIommuDomain domain = new FakeIommuDomain("iommu");
        try (DmaRuntime dma = RuntimeInternals.emulatedIommu(RuntimeInternals.pageSource(DmaRuntime.builder().discoverProviders(false), new ArenaPageSource(4096))
                 .poolLimitBytes(64L << 20), domain).provider(new SvaProvider()).provider(new CpuProvider()).build();
             DmaBuffer src = dma.allocate(1 << 20);
             DmaBuffer dst = dma.allocate(1 << 20)) {
            byte[] data = new byte[1 << 20];
            new Random(12).nextBytes(data);
            MemorySegment.copy(data, 0, src.segment(), ValueLayout.JAVA_BYTE, 0, data.length);
            TransferResult copy = dma.copy(src, 0, dst, 0, 1 << 20).join();
            assertEquals("sva", copy.engine(), "1 MiB is above the cpu threshold: the SVA engine is hardware");
            assertArrayEquals(data, dst.segment().toArray(ValueLayout.JAVA_BYTE));
            CRC32C reference = new CRC32C();
            reference.update(data);
            TransferResult crc = dma.via("sva").crc32c(dst, 0, 1 << 20, 0).join();
            assertEquals(reference.getValue(), crc.crc32c());
            assertEquals(0, domain.mapCalls(), "nothing is mapped into the IOMMU domain for an SVA engine");
            assertEquals("cpu", dma.copy(src, 0, dst, 0, 64).join().engine(), "below the threshold the software engine wins");
        }
    }

    @Test
    void registeredClientMemoryIsRefusedNamingWhy() {
        try (Arena arena = Arena.ofShared();
             DmaRuntime dma = RuntimeInternals.pageSource(DmaRuntime.builder().discoverProviders(false), new ArenaPageSource(4096))
                 .poolLimitBytes(64L << 20).provider(new SvaProvider()).build()) {
            DmaBuffer client = dma.register(arena.allocate(1 << 16, 4096));
            DmaBuffer pool = dma.allocate(1 << 16);
            NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
                () -> dma.copy(client, 0, pool, 0, 1 << 16));
            assertTrue(e.getMessage().contains("sva: addresses memory by shared virtual address and the runtime does not lock"
                + " registered client memory"), e.getMessage());
            client.close();
            pool.close();
        }
    }
}
