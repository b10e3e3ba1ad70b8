package io.dmactl.cli;

import io.dmactl.cli.host.DeviceInUseException;
import io.dmactl.cli.host.HostUse;
import io.dmactl.cli.location.LocationSyntaxException;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.vfio.NativeCallException;
import io.dmactl.vfio.VfioException;
import io.dmactl.vfio.pci.NoSuchPciDeviceException;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciBindFailedException;
import io.dmactl.vfio.pci.PciBindRefusedException;
import io.dmactl.vfio.pci.PciException;
import io.dmactl.vfio.pci.PciPermissionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExitCodesTest {

    private static final PciAddress ADDRESS = PciAddress.parse("0000:00:03.0");

    @Test
    void eachKindOfFailureHasItsOwnCode() {
        assertEquals(ExitCodes.USAGE, ExitCodes.of(new LocationSyntaxException("x", "x", "bad")));
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(new NoSuchPciDeviceException(ADDRESS, Path.of("/sys/x"))));
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(new NoEngineAvailableException("none")));
        assertEquals(ExitCodes.PERMISSION, ExitCodes.of(new PciPermissionException(Path.of("/sys/x"), "writing", null)));
        assertEquals(ExitCodes.PERMISSION, ExitCodes.of(new AccessDeniedException("/dev/vfio/2")));
        assertEquals(ExitCodes.REFUSED, ExitCodes.of(new DeviceInUseException(ADDRESS, "nvme",
                List.of(new HostUse(HostUse.Kind.MOUNTED, "nvme0n1", "/")))));
        assertEquals(ExitCodes.FAILURE, ExitCodes.of(new PciBindFailedException(ADDRESS, "probe failed", null)));
        assertEquals(ExitCodes.UNAVAILABLE, ExitCodes.of(new PciException("no PCI devices in sysfs")));
        assertEquals(ExitCodes.UNAVAILABLE, ExitCodes.of(new VfioException("no type1v2")));
        assertEquals(ExitCodes.INTERNAL, ExitCodes.of(new NullPointerException()));
        assertEquals(6, ExitCodes.of(new DmactlException(6, "explicit")));
    }

    @ParameterizedTest
    @EnumSource(PciBindRefusedException.Reason.class)
    void aRefusedBindIsEitherTheMachinesLackOrASafetyRefusal(PciBindRefusedException.Reason reason) {
        int expected = switch (reason) {
            case DRIVER_NOT_LOADED, NO_IOMMU_GROUP -> ExitCodes.UNAVAILABLE;
            case NO_IOMMU_NOT_ACCEPTED, GROUP_NOT_VIABLE, BRIDGE -> ExitCodes.REFUSED;
        };
        assertEquals(expected, ExitCodes.of(new PciBindRefusedException(ADDRESS, reason, "refused")));
    }

    @Test
    void aFailedSystemCallMapsByErrno() {
        assertEquals(ExitCodes.PERMISSION, ExitCodes.of(new NativeCallException("open", "/dev/vfio/vfio", 13)));
        assertEquals(ExitCodes.PERMISSION, ExitCodes.of(new NativeCallException("ioctl(VFIO_GROUP_SET_CONTAINER)", "/dev/vfio/2", 1)));
        assertEquals(ExitCodes.UNAVAILABLE, ExitCodes.of(new NativeCallException("open", "/dev/vfio/vfio", 2)));
        assertEquals(ExitCodes.FAILURE, ExitCodes.of(new NativeCallException("ioctl(VFIO_GROUP_GET_DEVICE_FD)", "/dev/vfio/2", 16)));
    }

    @Test
    void aCommandCannotFailWithSuccess() {
        assertThrows(IllegalArgumentException.class, () -> new DmactlException(0, "ok?"));
        assertThrows(IllegalArgumentException.class, () -> new DmactlException(256, "too big"));
    }
}
