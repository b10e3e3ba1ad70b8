package io.dmactl.cli;

import io.dmactl.cli.host.DeviceInUseException;
import io.dmactl.cli.location.LocationSyntaxException;
import io.dmactl.core.NoEngineAvailableException;
import io.dmactl.core.IovaExhaustedException;
import io.dmactl.core.PoolExhaustedException;
import io.dmactl.vfio.NativeCallException;
import io.dmactl.vfio.VfioException;
import io.dmactl.vfio.pci.NoSuchPciDeviceException;
import io.dmactl.vfio.pci.PciBindFailedException;
import io.dmactl.vfio.pci.PciBindRefusedException;
import io.dmactl.vfio.pci.PciException;
import io.dmactl.vfio.pci.PciPermissionException;
import picocli.CommandLine;

import java.nio.file.AccessDeniedException;

/**
 * What dmactl's exit status means, the same for every command, so scripts can tell "not
 * here" from "not allowed" from "not safe". {@code --help} lists the codes each command uses.
 */
public final class ExitCodes implements CommandLine.IExitCodeExceptionMapper {

    /** Done as asked (also: nothing needed doing). */
    public static final int OK = 0;
    /** The operation ran and failed: a transfer ended in error, verification found a mismatch, the kernel did not complete a bind. */
    public static final int FAILURE = 1;
    /** The command line is wrong: unknown option, malformed address, location or size, a size past the end of a location. */
    public static final int USAGE = 2;
    /** The device, provider or engine named does not exist, or none can serve the request. */
    public static final int NOT_FOUND = 3;
    /** The system refused access: this needs root (or access to /dev/vfio). */
    public static final int PERMISSION = 4;
    /** The machine lacks something: no PCI bus or IOMMU, VFIO or the driver module not loaded, the testbed cannot start. */
    public static final int UNAVAILABLE = 5;
    /** Refused for safety, nothing changed: the host uses the device, its IOMMU group is not viable, DMA without an IOMMU was not accepted, a bridge. */
    public static final int REFUSED = 6;
    /** A bug in dmactl; --verbose prints the stack trace. Please report it. */
    public static final int INTERNAL = 70;

    // Lines for the exit code lists of --help (picocli's "code:description" form).
    public static final String OK_LINE = OK + ":done as asked (or nothing needed doing)";
    public static final String FAILURE_LINE = FAILURE + ":the operation ran and failed (transfer error, verification mismatch, bind not completed)";
    public static final String USAGE_LINE = USAGE + ":bad command line: unknown option, malformed address/location/size, size past the end of a location";
    public static final String NOT_FOUND_LINE = NOT_FOUND + ":no such device, provider or engine, or none can serve the request";
    public static final String PERMISSION_LINE = PERMISSION + ":permission denied: needs root (or access to /dev/vfio)";
    public static final String UNAVAILABLE_LINE = UNAVAILABLE + ":the machine lacks it: no PCI bus/IOMMU, VFIO or driver module not loaded, no testbed";
    public static final String REFUSED_LINE = REFUSED + ":refused for safety, nothing changed: device in use by the host, IOMMU group not viable, no --no-iommu";
    public static final String INTERNAL_LINE = INTERNAL + ":a bug in dmactl (--verbose shows the stack trace)";

    @Override
    public int getExitCode(Throwable exception) {
        return of(exception);
    }

    /** The exit code for an exception that ended a command. */
    public static int of(Throwable exception) {
        return switch (exception) {
            case DmactlException e -> e.exitCode();
            case CommandLine.ParameterException e -> USAGE;
            case LocationSyntaxException e -> USAGE;
            case NoSuchPciDeviceException e -> NOT_FOUND;
            case NoEngineAvailableException e -> NOT_FOUND;
            case PciPermissionException e -> PERMISSION;
            case AccessDeniedException e -> PERMISSION;
            case DeviceInUseException e -> REFUSED;
            case PciBindRefusedException e -> switch (e.reason()) {
                case DRIVER_NOT_LOADED, NO_IOMMU_GROUP -> UNAVAILABLE;
                case NO_IOMMU_NOT_ACCEPTED, GROUP_NOT_VIABLE, BRIDGE -> REFUSED;
            };
            case PciBindFailedException e -> FAILURE;
            // Anything else sysfs says (no PCI bus, unreadable attributes) is about the machine.
            case PciException e -> UNAVAILABLE;
            case NativeCallException e -> switch (e.errnoName()) {
                case "EACCES", "EPERM" -> PERMISSION;
                case "ENOENT", "ENODEV", "ENXIO" -> UNAVAILABLE;
                default -> FAILURE;
            };
            case VfioException e -> UNAVAILABLE;
            // Out of lockable DMA memory or IOVA space: the machine cannot give what was asked.
            case PoolExhaustedException e -> UNAVAILABLE;
            case IovaExhaustedException e -> UNAVAILABLE;
            case java.io.UncheckedIOException e when e.getCause() instanceof AccessDeniedException -> PERMISSION;
            default -> INTERNAL;
        };
    }

    /** For picocli: one instance maps every command's exceptions. */
    ExitCodes() {
    }
}
