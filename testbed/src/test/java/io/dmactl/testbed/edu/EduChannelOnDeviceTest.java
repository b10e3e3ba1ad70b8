package io.dmactl.testbed.edu;

import io.dmactl.core.conformance.EngineFixture.HostRegion;
import io.dmactl.core.conformance.ProviderFixture;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.VfioIommuDomain;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.ByteChecks;
import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.vfio.HostPages;
import io.dmactl.vfio.PageKind;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciSysfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.dmactl.core.spi.DmaChannel.FLAG_SUBMIT;
import static io.dmactl.core.spi.DmaChannel.SPACE_BUS;
import static io.dmactl.testbed.edu.EduTestbed.DMA_WAIT_SECONDS;
import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.assertFilled;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * edu's channel driven directly, as the core's channel worker drives it: completion by MSI on the
 * VFIO eventfd and by polling, refused descriptors that never reach a register, and the IOMMU
 * stopping a DMA aimed at an IOVA that is not mapped. The device is opened here through the
 * vfio-binding layer, in a container of this test's own.
 */
@Tag("testbed")
class EduChannelOnDeviceTest {
    private VfioContainer container;
    private ProviderFixture fixture;
    private final CompletionBatch batch = new CompletionBatch(16);

    private VfioDevice device;

    private ProviderFixture open(String completion) {
        container = VfioContainer.open();
        device = container.attachGroup(TestbedEnvironment.eduGroup()).openDevice(TestbedEnvironment.eduPci());
        fixture = new ProviderFixture(new EduProvider(),
            Optional.of(PciSysfs.system().require(PciAddress.parse(TestbedEnvironment.eduPci()))), Optional.of(device),
            new VfioIommuDomain(container), Map.of(EduProvider.OPTION_COMPLETION, completion), new ArenaPageSource(4096));
        return fixture;
    }

    @AfterEach
    void close() {
        try {
            if (fixture != null) {
                fixture.close();
            }
        } finally {
            if (container != null) {
                container.close();
            }
        }
    }

    private DevicePrivateSpace buffer() {
        return fixture.privateSpaces().getFirst();
    }

    /** Polls until one completion arrives; returns its status, failing after the timeout. */
    private int awaitOne(DmaChannel channel, long ticket) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DMA_WAIT_SECONDS);
        while (channel.poll(batch) == 0) {
            if (System.nanoTime() - deadline > 0) {
                fail("ticket " + ticket + " did not complete within " + DMA_WAIT_SECONDS + " s");
            }
            Thread.onSpinWait();
        }
        assertEquals(1, batch.count());
        assertEquals(ticket, batch.ticket(0));
        return batch.status(0);
    }

    @Test
    void msiOnTheEventFdSignalsEachCompletion() {
        DmaChannel channel = open("msi").engine().channel(0);
        CompletionInterrupt msi = channel.interrupt();
        assertTrue(fixture.engine().capabilities().interrupts());
        HostRegion host = fixture.allocateHost(2 * 4096);
        byte[] data = pattern(2000, 1);
        write(host.segment(), 0, data);
        int space = buffer().spaceId();

        assertFalse(msi.await(0), "an interrupt before any DMA");
        long toDevice = channel.enqueueCopy(SPACE_BUS, host.busAddress(), space, 10, data.length, FLAG_SUBMIT);
        assertEquals(0, channel.poll(batch), "edu needs ~100 ms per DMA; nothing can be done yet");
        long start = System.nanoTime();
        assertTrue(msi.await(TimeUnit.SECONDS.toNanos(DMA_WAIT_SECONDS)), "no MSI for the DMA to the device buffer");
        long msiNanos = System.nanoTime() - start;
        assertEquals(1, channel.poll(batch), "the MSI came, so the DMA must be done at the first poll");
        assertEquals(toDevice, batch.ticket(0));
        assertEquals("SUCCESS", OpStatus.name(batch.status(0)));

        long toHost = channel.enqueueCopy(space, 10, SPACE_BUS, host.busAddress() + 4096, data.length, FLAG_SUBMIT);
        assertTrue(msi.await(TimeUnit.SECONDS.toNanos(DMA_WAIT_SECONDS)), "no MSI for the DMA back to host memory");
        assertEquals(1, channel.poll(batch));
        assertEquals(toHost, batch.ticket(0));
        assertEquals("SUCCESS", OpStatus.name(batch.status(0)));
        assertBytes(data, host.segment(), 4096, "host memory after the round trip signalled by MSI");
        assertFalse(msi.await(TimeUnit.MILLISECONDS.toNanos(300)), "a third MSI without a third DMA");
        System.out.printf("edu MSI arrived %.1f ms after the command%n", msiNanos / 1e6);
    }

    @Test
    void pollingCompletesWithoutAnyInterrupt() {
        DmaChannel channel = open("poll").engine().channel(0);
        try (EduRegisterView registers = EduRegisterView.of(device)) {
            assertNull(channel.interrupt(), "polling mode offers no interrupt");
            assertFalse(fixture.engine().capabilities().interrupts());
            HostRegion host = fixture.allocateHost(2 * 4096);
            byte[] data = pattern(4095, 2);
            write(host.segment(), 1, data);
            int space = buffer().spaceId();
            long toDevice = channel.enqueueCopy(SPACE_BUS, host.busAddress() + 1, space, 0, data.length, FLAG_SUBMIT);
            assertEquals("SUCCESS", OpStatus.name(awaitOne(channel, toDevice)));
            long toHost = channel.enqueueCopy(space, 0, SPACE_BUS, host.busAddress() + 4096, 4095, FLAG_SUBMIT);
            assertEquals("SUCCESS", OpStatus.name(awaitOne(channel, toHost)));
            assertBytes(data, host.segment(), 4096, "host memory after a polled round trip");
            EduRegisterView.Snapshot last = registers.snapshot();
            assertEquals(0x2, last.command(), "edu-to-RAM, done, no interrupt requested: " + last);
            assertEquals(0, last.interruptStatus(), "polling must not make edu raise interrupts: " + last);
        }
    }

    @Test
    void refusedDescriptorsCompleteInvalidAndWriteNoRegister() {
        DmaChannel channel = open("msi").engine().channel(0);
        try (EduRegisterView registers = EduRegisterView.of(device)) {
            HostRegion host = fixture.allocateHost(4096);
            int space = buffer().spaceId();
            // A good DMA first, so the registers hold values a refused op would have to overwrite.
            long good = channel.enqueueCopy(SPACE_BUS, host.busAddress() + 3, space, 321, 1234, FLAG_SUBMIT);
            assertEquals("SUCCESS", OpStatus.name(awaitOne(channel, good)));
            EduRegisterView.Snapshot before = registers.snapshot();
            assertEquals(host.busAddress() + 3, before.source(), before.toString());
            assertEquals(0x40000 + 321, before.destination(), before.toString());
            assertEquals(1234, before.count(), before.toString());

            long[] refused = {
                channel.enqueueCopy(SPACE_BUS, host.busAddress(), space, 0, 0, 0),          // a count of 0
                channel.enqueueCopy(SPACE_BUS, host.busAddress(), space, 0, 4096, 0),       // the whole 4 KiB
                channel.enqueueCopy(SPACE_BUS, host.busAddress(), space, 4095, 1, 0),       // ends at 0x41000
                channel.enqueueCopy(space, 3000, SPACE_BUS, host.busAddress(), 2000, 0),    // past the buffer
                channel.enqueueCopy(space, -1, SPACE_BUS, host.busAddress(), 16, 0),        // before the buffer
                channel.enqueueCopy(space, 0, SPACE_BUS, 1L << 28, 16, 0),                  // beyond the 28-bit mask
                channel.enqueueCopy(SPACE_BUS, host.busAddress(), SPACE_BUS, host.busAddress() + 2048, 16, 0),
                channel.enqueueCopy(space + 1, 0, SPACE_BUS, host.busAddress(), 16, 0),     // unknown space
                channel.enqueueFill(0x0101010101010101L, space, 0, 64, 0),
            };
            channel.submit();
            assertEquals(refused.length, channel.poll(batch), "refused ops complete at the first poll");
            for (int i = 0; i < refused.length; i++) {
                assertEquals(refused[i], batch.ticket(i));
                assertEquals("INVALID", OpStatus.name(batch.status(i)), "op " + i);
                assertNotEquals(0, batch.deviceCode(i), "op " + i + " carries its refusal reason");
            }
            assertEquals(before, registers.snapshot(), "a refused op wrote a register");
        }
    }

    /**
     * A DMA aimed at an IOVA that was mapped and then unmapped: the IOMMU stops it, the memory that
     * used to be there is unchanged, and the guest kernel logs the DMAR fault with that address.
     * edu itself cannot tell (it has no error status), so the op completes SUCCESS on the device side.
     */
    @Test
    void theIommuBlocksADmaToAnUnmappedIovaAndTheKernelLogsTheFault() throws Exception {
        DmaChannel channel = open("msi").engine().channel(0);
        int space = buffer().spaceId();
        HostRegion host = fixture.allocateHost(4096);
        byte[] data = pattern(256, 3);
        write(host.segment(), 0, data);
        long load = channel.enqueueCopy(SPACE_BUS, host.busAddress(), space, 0, data.length, FLAG_SUBMIT);
        assertEquals("SUCCESS", OpStatus.name(awaitOne(channel, load)));

        // Far below the IOVAs the fixture's allocator hands out (highest fit under edu's 28-bit mask).
        long staleIova = 0x0010_0000L;
        assertTrue(host.busAddress() > staleIova + 4096, "fixture memory at 0x" + Long.toHexString(host.busAddress()));
        try (HostPages victim = HostPages.allocate(4096, PageKind.NORMAL)) {
            MemorySegment victimPage = victim.segment();
            victimPage.fill((byte) 0x3c);
            container.mapDma(victimPage, staleIova, true, true);
            container.unmapDma(staleIova, 4096);
            long kernelLogBefore = KernelLog.lineCount();

            long stray = channel.enqueueCopy(space, 0, SPACE_BUS, staleIova + 0x40, data.length, FLAG_SUBMIT);
            assertEquals("SUCCESS", OpStatus.name(awaitOne(channel, stray)), "edu reports no error of its own");

            assertFilled(victimPage, 0, 4096, (byte) 0x3c, "the page that used to be at IOVA 0x" + Long.toHexString(staleIova));
            // VT-d records the faulting page (the kernel may print the page or the exact address): match
            // "fault addr 0x" + the page number, which the 7-hex-digit address starts with either way.
            String fault = KernelLog.awaitLine(kernelLogBefore, "fault addr 0x" + Long.toHexString(staleIova >>> 12),
                TimeUnit.SECONDS.toNanos(10));
            String eduBdf = TestbedEnvironment.eduPci().substring("0000:".length());
            assertTrue(fault.contains("DMAR") && fault.contains(eduBdf), "the fault line names the IOMMU and edu " + eduBdf
                + ": " + fault);
            System.out.println("guest kernel: " + fault);
        }

        // The device is still usable, and the IOMMU still lets it reach mapped memory.
        long back = channel.enqueueCopy(space, 0, SPACE_BUS, host.busAddress() + 1024, data.length, FLAG_SUBMIT);
        assertEquals("SUCCESS", OpStatus.name(awaitOne(channel, back)));
        assertBytes(data, host.segment(), 1024, "a mapped IOVA after the fault");
    }
}
