package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a {@link VfioDevice} refuses before the kernel sees it, without a device: the device wraps
 * an fd of /dev/null, on which every VFIO ioctl fails with ENOTTY. A {@link NativeCallException}
 * therefore shows a call got as far as the kernel; an {@link IllegalArgumentException} or
 * {@link IllegalStateException} shows it was stopped before.
 */
class VfioDeviceTest {
    private static final String ADDRESS = "0000:00:03.0";
    // vfio-pci's shape: regions BAR0-5, ROM, config, VGA; IRQ indexes INTx, MSI, MSI-X, ERR, REQ.
    private static final DeviceInfo PCI_INFO = new DeviceInfo(Native.VFIO_DEVICE_FLAGS_PCI(), 9, 5);

    private VfioDevice device;

    @BeforeEach
    void openStandIn() {
        int fd = LibC.open("/dev/null", Native.O_RDWR() | Native.O_CLOEXEC());
        // Never closed: fd -1 makes their own close fail, and nothing here closes them.
        VfioGroup group = new VfioGroup(new VfioContainer(-1), 7, -1, "/dev/vfio/7");
        Arena arena = Arena.ofShared();
        device = new VfioDevice(group, ADDRESS, fd, arena,
                PCI_INFO, new ConfigSpace(fd, 0, 256, "device " + ADDRESS, arena));
    }

    @AfterEach
    void closeStandIn() {
        device.close();
    }

    /** Config space from a plain file: the command register's other bits must survive both calls. */
    @Test
    void busMasterEnableIsTheOnlyCommandBitTheTogglesTouch(@TempDir Path directory) throws Exception {
        Path configFile = directory.resolve("config");
        byte[] config = new byte[256];
        config[0x04] = 0x03; // I/O and memory space enabled, bus mastering off
        config[0x05] = 0x04; // INTx disable (bit 10)
        Files.write(configFile, config);
        int fd = LibC.open(configFile.toString(), Native.O_RDWR() | Native.O_CLOEXEC());
        Arena arena = Arena.ofShared();
        VfioDevice onFile = new VfioDevice(new VfioGroup(new VfioContainer(-1), 7, -1, "/dev/vfio/7"), ADDRESS, fd,
                arena, PCI_INFO, new ConfigSpace(fd, 0, 256, "device " + ADDRESS, arena));
        try {
            onFile.enableBusMaster();
            assertEquals(0x0407, onFile.configRead16(0x04), "bus master set, the rest kept");
            onFile.disableBusMaster();
            assertEquals(0x0403, onFile.configRead16(0x04), "bus master cleared, the rest kept");
        } finally {
            onFile.close();
        }
    }

    @Test
    void anOpenDeviceTakesRegionQueriesToTheKernel() {
        NativeCallException e = assertThrows(NativeCallException.class, () -> device.regionInfo(0));
        assertEquals("ENOTTY", e.errnoName());
        assertEquals("device " + ADDRESS + " region 0", e.subject());
    }

    @Test
    void mappingDeviceMemoryIsRefusedOffX86BeforeTheKernelIsAsked() {
        for (String arch : new String[] {"aarch64", "riscv64", "ppc64le", "x86", "s390x"}) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> device.mapRegion(VfioDevice.BAR0_REGION, arch), arch);
            assertTrue(e.getMessage().startsWith("device " + ADDRESS + " region 0: refused on " + arch + "."), e.getMessage());
            assertTrue(e.getMessage().contains("x86-64") && e.getMessage().contains("barriers"), e.getMessage());
        }
        for (String arch : new String[] {"amd64", "x86_64"}) {
            NativeCallException e = assertThrows(NativeCallException.class, () -> device.mapRegion(VfioDevice.BAR0_REGION, arch),
                    arch + ": allowed, so the region query reaches the kernel");
            assertEquals("ENOTTY", e.errnoName());
        }
    }

    @Test
    void regionInfoAfterCloseIsRefusedNamingTheDevice() {
        device.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> device.regionInfo(0));
        assertEquals("device " + ADDRESS + " is closed", e.getMessage());
    }

    @Test
    void everyMethodThatReachesTheFdIsRefusedAfterClose() {
        device.close();
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("regionInfo", () -> device.regionInfo(VfioDevice.CONFIG_REGION));
        calls.put("mapRegion", () -> device.mapRegion(VfioDevice.BAR0_REGION));
        calls.put("configRead8", () -> device.configRead8(0));
        calls.put("configRead16", () -> device.configRead16(0));
        calls.put("configRead32", () -> device.configRead32(0));
        calls.put("configWrite8", () -> device.configWrite8(0x3c, 0));
        calls.put("configWrite16", () -> device.configWrite16(0x04, 0));
        calls.put("configWrite32", () -> device.configWrite32(0x10, 0));
        calls.put("enableBusMaster", device::enableBusMaster);
        calls.put("disableBusMaster", device::disableBusMaster);
        calls.put("reset", device::reset);
        calls.put("irqInfo", () -> device.irqInfo(VfioDevice.INTX));
        calls.put("setIrqEventFds", () -> device.setIrqEventFds(VfioDevice.INTX, 0, (EventFd) null));
        calls.put("disableIrqs", () -> device.disableIrqs(VfioDevice.INTX));
        calls.put("maskIrq", () -> device.maskIrq(VfioDevice.INTX, 0));
        calls.put("unmaskIrq", () -> device.unmaskIrq(VfioDevice.INTX, 0));
        calls.put("setIrqUnmaskEventFd", () -> device.setIrqUnmaskEventFd(VfioDevice.INTX, 0, null));
        for (Map.Entry<String, Executable> call : calls.entrySet()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call.getValue(),
                    call.getKey() + " on a closed device");
            assertEquals("device " + ADDRESS + " is closed", e.getMessage(), call.getKey());
        }
        device.close(); // a second close does nothing
    }

    @Test
    void maskAndUnmaskRefuseIndexesTheDeviceLacksBeforeAnyIoctl() {
        assertRefused(() -> device.maskIrq(5, 0), "IRQ index 5 does not exist: device " + ADDRESS + " has IRQ indexes 0..4");
        assertRefused(() -> device.unmaskIrq(-1, 0), "IRQ index -1 does not exist");
        assertRefused(() -> device.setIrqUnmaskEventFd(99, 0, null), "IRQ index 99 does not exist");
    }

    @Test
    void maskAndUnmaskRefuseANegativeVectorBeforeAnyIoctl() {
        assertRefused(() -> device.unmaskIrq(VfioDevice.INTX, -1),
                "vector -1 of IRQ index 0 of device " + ADDRESS + " is negative; cannot unmask it");
        assertRefused(() -> device.maskIrq(VfioDevice.INTX, -3), "cannot mask it");
        assertRefused(() -> device.setIrqUnmaskEventFd(VfioDevice.INTX, Integer.MIN_VALUE, null),
                "cannot unmask on an eventfd it");
    }

    @Test
    void aValidIndexAndVectorGoOnToAskTheKernelWhatTheIndexOffers() {
        // The vector count and maskability come from VFIO_DEVICE_GET_IRQ_INFO, a read-only query:
        // it runs before VFIO_DEVICE_SET_IRQS, so the ioctl that fails here is the query.
        NativeCallException e = assertThrows(NativeCallException.class, () -> device.unmaskIrq(VfioDevice.INTX, 0));
        assertEquals("ENOTTY", e.errnoName());
        assertEquals("device " + ADDRESS + " IRQ index 0", e.subject());
        assertTrue(e.call().contains("VFIO_DEVICE_GET_IRQ_INFO"), e.call());
    }

    private static void assertRefused(Executable call, String expectedText) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expectedText), e.getMessage());
    }
}
