package io.dmactl.provider.nvme;

import io.dmactl.core.dispatch.DispatchPolicy;
import io.dmactl.core.dispatch.Dispatcher;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.dispatch.TransferShape;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.sim.FakeCandidate;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the nvme engine declares decides what the core refuses before submission: a namespace
 * without Copy gets no copy inside it at all, with a message naming the namespace; the limits
 * the core splits by are MDTS for reads and writes and MCL for copies.
 */
class NvmeCopyRefusalTest {
    private static final String ENGINE = "nvme@0000:00:04.0";
    private static final NvmeSettings SETTINGS = new NvmeSettings(2, 64, SubmissionQueuePlacement.HOST, false, 1, 5_000_000_000L);
    private static final ControllerIdentity MDTS_512K = new ControllerIdentity("s", "m", "f", 512 * 1024, 1, true);

    private final Arena arena = Arena.ofConfined();
    private final DmaBuffer host = LocationInternals.newBuffer(1, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DevicePrivateSpace namespace = LocationInternals.newPrivateSpace("ns1", ENGINE, 1, 64L << 20, 512);
    private final Dispatcher dispatcher = new Dispatcher(DispatchPolicy.defaults());

    @AfterEach
    void close() {
        arena.close();
    }

    private EngineCapabilities caps(NvmeNamespace ns) {
        return NvmeEngine.capabilities(SETTINGS, NvmeEngine.maxTransferBytes(MDTS_512K, ns), NvmeEngine.maxCopyBytes(ns));
    }

    @Test
    void aNamespaceWithoutCopyIsRefusedUpFrontNamingTheNamespace() {
        NvmeNamespace noCopy = new NvmeNamespace(1, 131072, 512, false, 0, 1, 0); // ONCS bit 8 clear or MSSRL/MCL 0
        FakeCandidate nvme = new FakeCandidate(ENGINE, caps(noCopy), namespace, false, 0);
        TransferShape inside = copy(namespace, 0, namespace, 1 << 20, 4096);
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
            () -> dispatcher.choose(inside, List.of(nvme)));
        assertTrue(e.getMessage().contains(ENGINE + " ns1") && e.getMessage().contains("no copy inside its device-private memory"),
            e.getMessage());
        assertNull(dispatcher.rejection(copy(host, 0, namespace, 0, 4096), nvme), "writes still go to the namespace");
        assertNull(dispatcher.rejection(copy(namespace, 0, host, 0, 4096), nvme), "and reads");
    }

    @Test
    void theCoreSplitsReadsByMdtsAndCopiesByMcl() {
        NvmeNamespace copy = new NvmeNamespace(1, 131072, 512, true, 128, 8, 256); // MCL 128 KiB
        EngineCapabilities caps = caps(copy);
        assertEquals(512 * 1024, caps.maxTransferBytes(), "MDTS, not MCL");
        assertEquals(128 * 1024, caps.maxPrivateCopyBytes(), "MCL");
        assertEquals(512 * 1024, Dispatcher.chunkBytes(copy(host, 0, namespace, 0, 1 << 20), caps));
        assertEquals(128 * 1024, Dispatcher.chunkBytes(copy(namespace, 0, namespace, 4 << 20, 1 << 20), caps));
        assertNull(dispatcher.rejection(copy(namespace, 0, namespace, 4 << 20, 1 << 20), new FakeCandidate(ENGINE, caps, namespace, false, 0)));
    }

    private static TransferShape copy(io.dmactl.core.location.DmaLocation src, long srcOffset,
                                      io.dmactl.core.location.DmaLocation dst, long dstOffset, long length) {
        return new TransferShape(DmaOpKind.COPY, src, srcOffset, dst, dstOffset, length, 0, null);
    }
}
