package io.dmactl.core.dispatch;

import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.internal.LocationInternals;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.sim.FakeCandidate;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatcherTest {
    private final Arena arena = Arena.ofConfined();
    private final DmaBuffer host = LocationInternals.newBuffer(1, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DmaBuffer host2 = LocationInternals.newBuffer(2, arena.allocate(1 << 20, 4096), 1 << 20, false, b -> { });
    private final DeviceWindow window = LocationInternals.newWindow("ivshmem BAR2", "0000:00:05.0", arena.allocate(1 << 16, 4096), 4096, w -> { });
    private final DevicePrivateSpace eduBuffer = LocationInternals.newPrivateSpace("buffer", "edu", 1, 4096, 1);
    private final DevicePrivateSpace namespace = LocationInternals.newPrivateSpace("ns1", "nvme", 1, 1 << 30, 512);

    private final FakeCandidate cpu = new FakeCandidate("cpu", caps(ExecutionKind.SOFTWARE, AddressingMode.CPU_VIRTUAL, 1, Integer.MAX_VALUE,
        List.of(DmaOpKind.COPY, DmaOpKind.FILL), LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW), null, false, 0);
    private final FakeCandidate edu = new FakeCandidate("edu", caps(ExecutionKind.HARDWARE, AddressingMode.IOVA, 1, 4095,
        List.of(DmaOpKind.COPY), LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE), eduBuffer, true, 0);
    private final FakeCandidate nvme = new FakeCandidate("nvme", caps(ExecutionKind.HARDWARE, AddressingMode.IOVA, 4, 128 * 1024,
        List.of(DmaOpKind.COPY), LocationKind.HOST_MEMORY, LocationKind.DEVICE_PRIVATE), namespace, false, 0);

    @AfterEach
    void close() {
        arena.close();
    }

    @Test
    void smallHostCopiesGoToTheCpuAndLargeOnesToHardware() {
        Dispatcher d = new Dispatcher(new DispatchPolicy(List.of(), 4096));
        assertEquals("cpu", d.choose(copy(host, 0, host2, 0, 4095), List.of(edu, cpu)).engineName());
        assertEquals("edu", d.choose(copy(host, 0, host2, 0, 4096), List.of(cpu, edu)).engineName());
        FakeCandidate onlyCpu = cpu;
        assertEquals("cpu", d.choose(copy(host, 0, host2, 0, 1 << 20), List.of(onlyCpu)).engineName(), "fallback for host<->host");
    }

    @Test
    void whyChosenNamesTheCostModelsRuleAndTheFallback() {
        Dispatcher d = new Dispatcher(new DispatchPolicy(List.of(), 4096));
        TransferShape small = copy(host, 0, host2, 0, 64);
        TransferShape large = copy(host, 0, host2, 0, 1 << 20);
        assertEquals("cost model: 64 bytes < cpu threshold 4096 bytes, so a software engine is cheaper (a doorbell and a"
            + " completion cost more than copying on the CPU); cpu is software", d.whyChosen(small, cpu, List.of(edu, cpu)));
        assertTrue(d.whyChosen(large, edu, List.of(cpu, edu)).startsWith("cost model: 1048576 bytes >= cpu threshold 4096"
            + " bytes, so a hardware engine is preferred"), d.whyChosen(large, edu, List.of(cpu, edu)));
        assertTrue(d.whyChosen(large, cpu, List.of(cpu)).endsWith("; no hardware engine can serve it, so a software one does"),
            d.whyChosen(large, cpu, List.of(cpu)));
        FakeCandidate edu2 = new FakeCandidate("edu2", edu.capabilities(), eduBuffer, true, 0);
        Dispatcher preferring = new Dispatcher(new DispatchPolicy(List.of("edu2"), 4096));
        assertTrue(preferring.whyChosen(large, edu2, List.of(cpu, edu, edu2)).endsWith(
            "edu2 is hardware, preferred (rank 1 in the preference list) among 2 such engines"),
            preferring.whyChosen(large, edu2, List.of(cpu, edu, edu2)));
    }

    @Test
    void anEngineThatNeedsItsOwnEndIsNotChosenBetweenTwoOthers() {
        EngineCapabilities eduCaps = EngineCapabilities.builder().ops(DmaOpKind.COPY)
            .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
            .maxTransferBytes(4095).requiresOwnPrivateEnd(true).build();
        FakeCandidate realEdu = new FakeCandidate("edu", eduCaps, eduBuffer, true, 0);
        Dispatcher d = new Dispatcher(new DispatchPolicy(List.of(), 0)); // hardware preferred at every size

        assertEquals("cpu", d.choose(copy(host, 0, window, 0, 4095), List.of(realEdu, cpu)).engineName(),
            "hardware is preferred, but edu cannot serve host -> window");
        assertEquals("edu", d.choose(copy(window, 0, eduBuffer, 0, 4095), List.of(realEdu, cpu)).engineName());
        String why = d.rejection(copy(host, 0, window, 0, 4095), realEdu);
        assertTrue(why != null && why.contains("only in and out of its own device memory")
            && why.contains(host.name()) && why.contains(window.name()), why);
        assertThrows(IllegalArgumentException.class, () -> EngineCapabilities.builder().ops(DmaOpKind.COPY)
            .directions(Direction.MEM_TO_MEM).reaches(LocationKind.HOST_MEMORY).requiresOwnPrivateEnd(true).build());
    }

    @Test
    void thresholdIsConfigurable() {
        Dispatcher d = new Dispatcher(new DispatchPolicy(List.of(), 1 << 20));
        assertEquals("cpu", d.choose(copy(host, 0, host2, 0, 65536), List.of(edu, cpu)).engineName());
    }

    @Test
    void privateSpacesGoOnlyToTheirOwner() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        assertEquals("edu", d.choose(copy(host, 0, eduBuffer, 0, 64), List.of(cpu, nvme, edu)).engineName(),
            "even below the cpu threshold: only edu reaches its buffer");
        assertEquals("nvme", d.choose(copy(namespace, 512, host, 0, 4096), List.of(cpu, edu, nvme)).engineName());
    }

    @Test
    void preferenceThenLoadBreakTies() {
        FakeCandidate busyEdu = new FakeCandidate("edu", edu.capabilities(), eduBuffer, true, 10);
        FakeCandidate idleNvme = new FakeCandidate("nvme", nvme.capabilities(), namespace, false, 0);
        Dispatcher byLoad = new Dispatcher(DispatchPolicy.defaults());
        assertEquals("nvme", byLoad.choose(copy(host, 0, host2, 0, 65536), List.of(busyEdu, idleNvme)).engineName());
        Dispatcher preferEdu = new Dispatcher(new DispatchPolicy(List.of("edu"), 4096));
        assertEquals("edu", preferEdu.choose(copy(host, 0, host2, 0, 65536), List.of(idleNvme, busyEdu)).engineName());
    }

    @Test
    void anExplicitChoiceIsHonouredOrExplained() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        TransferShape small = new TransferShape(DmaOpKind.COPY, host, 0, host2, 0, 64, 0, "edu");
        assertEquals("edu", d.choose(small, List.of(cpu, edu)).engineName(), "explicit beats the cost model");
        TransferShape impossible = new TransferShape(DmaOpKind.COPY, host, 0, namespace, 0, 512, 0, "edu");
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class, () -> d.choose(impossible, List.of(edu, nvme)));
        assertTrue(e.getMessage().contains("nvme: not the requested engine 'edu'"), e.getMessage());
        assertTrue(e.getMessage().contains("edu: cannot reach destination nvme ns1: it is private to engine nvme"), e.getMessage());
    }

    @Test
    void nothingCanServeListsEveryEngineAndWhy() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
            () -> d.choose(copy(eduBuffer, 0, namespace, 0, 512), List.of(cpu, edu, nvme)));
        String m = e.getMessage();
        assertTrue(m.startsWith("no engine can copy 512 bytes from edu buffer (device-private, 4096 bytes) +0 to nvme ns1"), m);
        assertTrue(m.contains("- cpu: does not support direction DEV_TO_DEV") || m.contains("- cpu: cannot reach"), m);
        assertTrue(m.contains("- edu: cannot reach destination nvme ns1: it is private to engine nvme"), m);
        assertTrue(m.contains("- nvme: does not support direction DEV_TO_DEV"), m);
        NoEngineAvailableException none = assertThrows(NoEngineAvailableException.class,
            () -> d.choose(copy(host, 0, host2, 0, 64), List.of()));
        assertTrue(none.getMessage().endsWith("no DMA engine is open"), none.getMessage());
    }

    @Test
    void fillNeedsAnEngineWithFill() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        TransferShape fill = new TransferShape(DmaOpKind.FILL, null, 0, host, 0, 1 << 16, 7, null);
        assertEquals("cpu", d.choose(fill, List.of(edu, cpu)).engineName());
        assertEquals("does not support FILL (offers [COPY])", d.rejection(fill, edu));
    }

    @Test
    void passingOverEnginesThatCannotServeBuildsNoReason() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        // edu cannot fill, and cannot reach nvme's namespace: both are passed over on every dispatch.
        TransferShape fill = new TransferShape(DmaOpKind.FILL, null, 0, host, 0, 1 << 16, 7, null);
        TransferShape toNamespace = copy(host, 0, namespace, 0, 4096);
        List<FakeCandidate> engines = List.of(edu, nvme, cpu);
        Runnable dispatches = () -> {
            for (int i = 0; i < 10_000; i++) {
                if (d.choose(fill, engines) != cpu || d.choose(toNamespace, engines) != nvme) {
                    throw new AssertionError("wrong pick");
                }
            }
        };
        dispatches.run(); // warm: the JIT's own allocations are not per dispatch
        long allocated = io.dmactl.core.conformance.ThreadAllocation.bytesAllocatedBy(dispatches);
        assertEquals(0, allocated, allocated + " bytes over 20,000 dispatches that pass over engines");
        // The reasons are still there when nothing can serve it.
        NoEngineAvailableException none = assertThrows(NoEngineAvailableException.class, () -> d.choose(fill, List.of(edu)));
        assertTrue(none.getMessage().contains("- edu: does not support FILL (offers [COPY])"), none.getMessage());
    }

    @Test
    void windowsNeedAnIommuThatMapsDeviceMemoryOrTheCpu() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        FakeCandidate eduNoP2p = new FakeCandidate("edu", edu.capabilities(), eduBuffer, false, 0);
        assertEquals("its IOMMU domain cannot map device windows for peer-to-peer (source ivshmem BAR2)",
            d.rejection(copy(window, 0, eduBuffer, 0, 64), eduNoP2p));
        assertNull(d.rejection(copy(window, 0, eduBuffer, 0, 64), edu));
        assertEquals("cannot reach device windows (destination ivshmem BAR2)", d.rejection(copy(host, 0, window, 0, 4096), nvme));
    }

    @Test
    void alignmentAndGranularityAreChecked() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        assertEquals("destination offset 100 is not a multiple of 512 bytes (required alignment)",
            d.rejection(copy(host, 0, namespace, 100, 512), nvme));
        assertEquals("source offset 2 is not a multiple of 4 bytes (required alignment)",
            d.rejection(copy(host, 2, namespace, 0, 512), nvme));
        assertEquals("length 1000 is not a multiple of 512 bytes (its alignment)", d.rejection(copy(host, 0, namespace, 0, 1000), nvme));
    }

    @Test
    void longTransfersAreSplitInAlignedChunks() {
        assertEquals(4095, Dispatcher.chunkBytes(copy(host, 0, eduBuffer, 0, 4096), edu.capabilities()));
        assertEquals(128 * 1024, Dispatcher.chunkBytes(copy(host, 0, namespace, 0, 1 << 20), nvme.capabilities()));
        TransferShape fill = new TransferShape(DmaOpKind.FILL, null, 0, host, 0, 1 << 20, 1, null);
        FakeCandidate oddMax = new FakeCandidate("odd", caps(ExecutionKind.HARDWARE, AddressingMode.IOVA, 1, 1001,
            List.of(DmaOpKind.FILL), LocationKind.HOST_MEMORY), null, false, 0);
        assertEquals(1000, Dispatcher.chunkBytes(fill, oddMax.capabilities()), "fill pieces keep the pattern phase: multiples of 8");
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        assertNull(d.rejection(copy(host, 0, host2, 0, 1 << 20), edu), "longer than max transfer is split, not refused");
    }

    @Test
    void copiesInsidePrivateMemoryUseTheirOwnLimitOrAreRefusedUpFront() {
        EngineCapabilities.Builder nvmeLike = EngineCapabilities.builder().ops(DmaOpKind.COPY)
            .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_PRIVATE).alignmentBytes(4)
            .maxTransferBytes(512 * 1024).requiresOwnPrivateEnd(true);
        FakeCandidate withCopy = new FakeCandidate("nvme", nvmeLike.maxPrivateCopyBytes(64 * 1024).build(), namespace, false, 0);
        assertEquals(64 * 1024, Dispatcher.chunkBytes(copy(namespace, 0, namespace, 1 << 20, 1 << 20), withCopy.capabilities()),
            "namespace -> namespace: pieces of the copy limit (MCL)");
        assertEquals(512 * 1024, Dispatcher.chunkBytes(copy(host, 0, namespace, 0, 1 << 20), withCopy.capabilities()),
            "host -> namespace: pieces of the transfer limit (MDTS)");
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        assertNull(d.rejection(copy(namespace, 0, namespace, 1 << 20, 1 << 20), withCopy));

        FakeCandidate noCopy = new FakeCandidate("nvme", nvmeLike.maxPrivateCopyBytes(0).build(), namespace, false, 0);
        assertNull(d.rejection(copy(host, 0, namespace, 0, 4096), noCopy), "reads and writes are unaffected");
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
            () -> d.choose(copy(namespace, 0, namespace, 4096, 512), List.of(noCopy, cpu)));
        assertTrue(e.getMessage().contains("nvme: cannot copy from nvme ns1") && e.getMessage().contains("maxPrivateCopyBytes 0"),
            e.getMessage());
        assertEquals(512 * 1024, EngineCapabilities.builder().ops(DmaOpKind.COPY).directions(Direction.MEM_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY).maxTransferBytes(512 * 1024).build().maxPrivateCopyBytes(), "defaults to max transfer");
        assertThrows(IllegalArgumentException.class, () -> nvmeLike.maxPrivateCopyBytes(2).build(), "below the alignment");
    }

    @Test
    void aBatchGoesToOneEngineThatServesEveryOp() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        List<TransferShape> ops = List.of(copy(host, 0, eduBuffer, 0, 64), copy(eduBuffer, 0, host2, 0, 64));
        assertEquals("edu", d.chooseForAll(ops, List.of(cpu, nvme, edu)).engineName());
        List<TransferShape> mixed = List.of(copy(host, 0, eduBuffer, 0, 64), copy(host, 0, namespace, 0, 512));
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class, () -> d.chooseForAll(mixed, List.of(edu, nvme)));
        assertTrue(e.getMessage().contains("edu: op #1"), e.getMessage());
        assertTrue(e.getMessage().contains("nvme: op #0"), e.getMessage());
    }

    @Test
    void unavailableEnginesAreSkippedWithTheirReason() {
        Dispatcher d = new Dispatcher(DispatchPolicy.defaults());
        FakeCandidate retired = new FakeCandidate("edu", edu.capabilities(), eduBuffer, true, 0, "reset failed: device gone");
        NoEngineAvailableException e = assertThrows(NoEngineAvailableException.class,
            () -> d.choose(copy(host, 0, eduBuffer, 0, 64), List.of(retired)));
        assertTrue(e.getMessage().contains("edu: reset failed: device gone"), e.getMessage());
    }

    private static TransferShape copy(io.dmactl.core.location.DmaLocation src, long so, io.dmactl.core.location.DmaLocation dst,
                                      long dOff, long length) {
        return new TransferShape(DmaOpKind.COPY, src, so, dst, dOff, length, 0, null);
    }

    private static EngineCapabilities caps(ExecutionKind execution, AddressingMode addressing, int alignment, int maxTransfer,
                                           List<DmaOpKind> ops, LocationKind... reaches) {
        EngineCapabilities.Builder b = EngineCapabilities.builder()
            .ops(ops.toArray(DmaOpKind[]::new))
            .reaches(reaches)
            .addressing(addressing)
            .execution(execution)
            .alignmentBytes(alignment)
            .maxTransferBytes(maxTransfer)
            .directions(Direction.MEM_TO_MEM);
        if (List.of(reaches).contains(LocationKind.DEVICE_PRIVATE) || List.of(reaches).contains(LocationKind.DEVICE_WINDOW)) {
            b.directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM);
        }
        if (List.of(reaches).contains(LocationKind.DEVICE_WINDOW)) {
            b.directions(Direction.DEV_TO_DEV); // window <-> device: the peer-to-peer case
        }
        return b.build();
    }
}
