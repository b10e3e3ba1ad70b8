package io.dmactl.testbed.edu;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.provider.edu.EduProvider;
import io.dmactl.testbed.TestbedEnvironment;
import io.dmactl.vfio.EventFd;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.NativeCallException;
import io.dmactl.vfio.VfioContainer;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.MmioRegisters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.dmactl.testbed.ByteChecks.assertBytes;
import static io.dmactl.testbed.ByteChecks.pattern;
import static io.dmactl.testbed.ByteChecks.write;
import static io.dmactl.testbed.edu.EduTestbed.DMA_WAIT_SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * edu's legacy INTx, which QEMU 7.2's edu raises while MSI is off: vfio-pci masks the line after
 * each interrupt, so every interrupt after the first needs an unmask. First the VFIO mask/unmask
 * calls on the bare device, then the runtime with {@code edu.completion=intx}.
 */
@Tag("testbed")
class EduIntxTest {
    // edu BAR0 (QEMU docs/specs/edu.rst): interrupt status, raise and acknowledge registers.
    private static final long INTERRUPT_STATUS = 0x24;
    private static final long INTERRUPT_RAISE = 0x60;
    private static final long INTERRUPT_ACK = 0x64;
    private static final long EDU_BAR0_BYTES = 1L << 20;
    private static final long SIGNAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long SILENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    @Test
    void vfioMasksIntxAfterEachInterruptAndUnmaskReleasesThePendingOne() {
        try (VfioContainer container = VfioContainer.open();
             EventFd trigger = EventFd.create();
             EventFd unmask = EventFd.create()) {
            VfioDevice device = container.attachGroup(TestbedEnvironment.eduGroup()).openDevice(TestbedEnvironment.eduPci());
            MmioRegisters registers = new MmioRegisters(device.mapRegion(VfioDevice.BAR0_REGION).asSlice(0, EDU_BAR0_BYTES),
                "edu " + device.pciAddress() + " BAR0", 20_000);
            registers.write32(INTERRUPT_ACK, 0xffff_ffff);

            IrqInfo intx = device.irqInfo(VfioDevice.INTX);
            assertEquals(1, intx.count(), intx.toString());
            assertTrue(intx.eventFdCapable() && intx.maskable() && intx.automasked(), intx.toString());
            IllegalArgumentException noVector = assertThrows(IllegalArgumentException.class,
                () -> device.unmaskIrq(VfioDevice.INTX, 1));
            assertTrue(noVector.getMessage().contains("vector 1 of IRQ index 0 does not exist"), noVector.getMessage());
            IllegalArgumentException msi = assertThrows(IllegalArgumentException.class, () -> device.maskIrq(VfioDevice.MSI, 0));
            assertTrue(msi.getMessage().contains("is not maskable"), msi.getMessage());
            NativeCallException notEnabled = assertThrows(NativeCallException.class, () -> device.unmaskIrq(VfioDevice.INTX, 0));
            assertEquals("EINVAL", notEnabled.errnoName(), "INTx has no trigger yet: " + notEnabled.getMessage());

            device.setIrqEventFds(VfioDevice.INTX, 0, trigger);
            assertFalse(trigger.await(0), "signalled before any interrupt was raised");
            registers.write32(INTERRUPT_RAISE, 0x1);
            assertTrue(trigger.await(SIGNAL_WAIT_NANOS), "no INTx within 10 s");
            registers.write32(INTERRUPT_ACK, 0x1);

            // VFIO masked the line when it delivered that interrupt: the next one waits for an unmask.
            registers.write32(INTERRUPT_RAISE, 0x2);
            assertFalse(trigger.await(SILENCE_NANOS), "a second INTx arrived without an unmask");
            device.unmaskIrq(VfioDevice.INTX, 0);
            assertTrue(trigger.await(SIGNAL_WAIT_NANOS), "the unmask did not deliver the pending INTx");
            assertEquals(0x2, registers.read32(INTERRUPT_STATUS));
            registers.write32(INTERRUPT_ACK, 0x2);

            // An explicit mask holds an interrupt back just the same.
            device.unmaskIrq(VfioDevice.INTX, 0);
            device.maskIrq(VfioDevice.INTX, 0);
            registers.write32(INTERRUPT_RAISE, 0x4);
            assertFalse(trigger.await(SILENCE_NANOS), "INTx delivered while masked");
            device.unmaskIrq(VfioDevice.INTX, 0);
            assertTrue(trigger.await(SIGNAL_WAIT_NANOS), "the unmask did not deliver the INTx raised while masked");
            registers.write32(INTERRUPT_ACK, 0x4);

            // With an unmask eventfd, a signal of it is the unmask.
            device.setIrqUnmaskEventFd(VfioDevice.INTX, 0, unmask);
            unmask.signal();
            registers.write32(INTERRUPT_RAISE, 0x8);
            assertTrue(trigger.await(SIGNAL_WAIT_NANOS), "no INTx after an unmask through the eventfd");
            registers.write32(INTERRUPT_ACK, 0x8);
            registers.write32(INTERRUPT_RAISE, 0x10);
            assertFalse(trigger.await(SILENCE_NANOS), "INTx delivered while automasked");
            unmask.signal();
            assertTrue(trigger.await(SIGNAL_WAIT_NANOS), "the unmask eventfd did not deliver the pending INTx");
            registers.write32(INTERRUPT_ACK, 0x10);

            device.disableIrqs(VfioDevice.INTX);
            unmask.signal();
            registers.write32(INTERRUPT_RAISE, 0x20);
            assertFalse(trigger.await(SILENCE_NANOS), "INTx delivered after disableIrqs");
            registers.write32(INTERRUPT_ACK, 0xffff_ffff);
            assertEquals(0, registers.read32(INTERRUPT_STATUS));
        }
    }

    @Test
    void dmasCompleteOnIntxByteForByteAndEachRaisesAnInterrupt() throws Exception {
        int roundTrips = 4;
        try (DmaRuntime runtime = DmaRuntime.builder().onlyProviders(EduProvider.NAME)
                 .option(EduProvider.OPTION_COMPLETION, "intx").build();
             DmaBuffer host = runtime.allocate(2 * 4096)) {
            assertTrue(runtime.engines().getFirst().capabilities().interrupts(), "intx mode declares interrupts");
            DevicePrivateSpace edu = runtime.privateSpace(EduTestbed.eduEngine(), EduProvider.BUFFER_SPACE);
            // Read while the engine holds INTx: the kernel lists the line only while vfio-pci has it requested.
            long before = vfioIntxInterrupts();
            for (int i = 0; i < roundTrips; i++) {
                int length = 1000 + 700 * i;
                byte[] data = pattern(length, 40 + i);
                write(host.segment(), 13 * i, data);
                TransferResult in = runtime.copy(host, 13 * i, edu, 100 * i, length).get(DMA_WAIT_SECONDS, TimeUnit.SECONDS);
                TransferResult out = runtime.copy(edu, 100 * i, host, 4096 + 7 * i, length)
                    .get(DMA_WAIT_SECONDS, TimeUnit.SECONDS);
                assertEquals(TransferStatus.SUCCESS, in.status(), in.toString());
                assertEquals(TransferStatus.SUCCESS, out.status(), out.toString());
                assertBytes(data, host.segment(), 4096 + 7 * i, "host memory after INTx round trip " + i);
                System.out.printf("edu round trip %d on INTx (%d bytes): %.1f ms to the device, %.1f ms back%n",
                    i, length, in.latencyNanos() / 1e6, out.latencyNanos() / 1e6);
            }
            long after = vfioIntxInterrupts();
            System.out.printf("vfio-intx interrupts of %s: %d before, %d after %d DMAs%n",
                TestbedEnvironment.eduPci(), before, after, 2 * roundTrips);
            // One interrupt per DMA: without the unmask after each, VFIO would deliver only the first.
            assertTrue(after >= before + 2L * roundTrips, "vfio-intx interrupts of " + TestbedEnvironment.eduPci()
                + " went from " + before + " to " + after + " over " + 2 * roundTrips + " DMAs");
        }
    }

    /** Sum over the CPUs of the /proc/interrupts line vfio-pci names vfio-intx(edu's address); fails if there is none. */
    private static long vfioIntxInterrupts() throws IOException {
        long total = 0;
        boolean found = false;
        for (String line : Files.readAllLines(Path.of("/proc/interrupts"))) {
            if (!line.contains("vfio-intx(" + TestbedEnvironment.eduPci() + ")")) {
                continue;
            }
            found = true;
            String[] fields = line.strip().split("\\s+");
            for (int i = 1; i < fields.length && fields[i].chars().allMatch(Character::isDigit); i++) {
                total += Long.parseLong(fields[i]);
            }
        }
        assertTrue(found, "no vfio-intx(" + TestbedEnvironment.eduPci() + ") line in /proc/interrupts");
        return total;
    }
}
