package io.dmactl.cli.copy;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.host.ProviderCatalog;
import io.dmactl.cli.location.ByteCount;
import io.dmactl.cli.location.FileSpec;
import io.dmactl.cli.location.HostMemorySpec;
import io.dmactl.cli.location.LocationSpec;
import io.dmactl.cli.location.PrivateSpaceSpec;
import io.dmactl.cli.location.WindowSpec;
import io.dmactl.cli.output.UserText;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.DmaTransfers;
import io.dmactl.core.TransferResult;
import io.dmactl.core.device.DeviceSource;
import io.dmactl.core.device.UioDeviceSource;
import io.dmactl.core.device.VfioDeviceSource;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.vfio.pci.UserspaceDriver;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.vfio.pci.PciAddress;
import io.dmactl.vfio.pci.PciSysfs;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs one checked {@link TransferPlan} through a DMA runtime of its own: opens the providers
 * (all, or the one asked for), makes both ends real, copies, writes a file destination out,
 * and compares both ends byte for byte when asked. Everything it opened is closed again.
 */
public final class CopyExecution {
    private boolean devicesMayWriteAnywhereInMemory;

    /** Room for the pool's own chunking on top of the buffers a copy needs. */
    private static final long POOL_SLACK_BYTES = 16L << 20;
    private static final long DEFAULT_POOL_LIMIT_BYTES = 1L << 30;

    private final PciSysfs sysfs;
    private final ProviderCatalog catalog;
    private final Optional<String> provider;
    private final Set<PciAddress> alsoOpen;
    private final Consumer<String> notes;

    /**
     * @param sysfs    where the runtime finds devices bound to vfio-pci (engines and windows)
     * @param catalog  the providers to open
     * @param provider only this provider's engines serve the copy; empty lets the dispatcher choose
     * @param notes    where to say what the runtime did (opened engines, dispatch), for --verbose
     */
    public CopyExecution(PciSysfs sysfs, ProviderCatalog catalog, Optional<String> provider, Consumer<String> notes) {
        this(sysfs, catalog, provider, Set.of(), notes);
    }

    /**
     * @param alsoOpen devices whose engines are opened (and so reset) although no end of the copy
     *                 is on them, so the dispatcher may choose them (e.g. a hardware engine for a
     *                 host-to-host copy)
     */
    /**
     * Drive the plan's devices through UIO (uio_pci_generic) instead of VFIO: the user's opt-in to
     * DMA without an IOMMU (--no-iommu), so the devices can write anywhere in memory. Without it a
     * device bound to uio_pci_generic is refused with that reason before anything is opened.
     */
    public CopyExecution devicesMayWriteAnywhereInMemory(boolean optIn) {
        this.devicesMayWriteAnywhereInMemory = optIn;
        return this;
    }

    public CopyExecution(PciSysfs sysfs, ProviderCatalog catalog, Optional<String> provider, Set<PciAddress> alsoOpen,
                         Consumer<String> notes) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.alsoOpen = Set.copyOf(alsoOpen);
        this.notes = Objects.requireNonNull(notes, "notes");
    }

    /**
     * @throws DmactlException NOT_FOUND when no provider (or not the one asked for) is there or
     *                         can serve the copy, USAGE when the runtime refuses the request
     *                         (bounds, alignment), FAILURE when a file cannot be read or written
     */
    public CopyOutcome run(TransferPlan plan, boolean verify) {
        return inRuntime(plan, poolLimitFor(plan, verify), runtime -> runIn(runtime, plan, verify));
    }

    /**
     * The CRC-32C of the plan's one location ({@link TransferPlan#checkReadOnly(LocationSpec, OptionalLong, PciSysfs,
     * ProviderCatalog)}), computed by a DMA engine that offers it, continuing from {@code seed}.
     *
     * @throws DmactlException as {@link #run}; NOT_FOUND also when no engine offers CRC-32C there
     */
    public TransferResult crc32c(TransferPlan plan, long seed) {
        return inRuntime(plan, poolLimitFor(plan, false), runtime -> {
            try (Endpoint range = openChecked(runtime, plan.source(), plan.lengthBytes())) {
                return transfers(runtime).crc32c(range.location(), range.offsetBytes(), plan.lengthBytes(), seed).join();
            }
        });
    }

    /**
     * Compares the plan's two locations ({@link TransferPlan#checkReadOnly(LocationSpec, LocationSpec, OptionalLong,
     * PciSysfs, ProviderCatalog)}) with a DMA engine that offers COMPARE.
     *
     * @throws DmactlException as {@link #run}; NOT_FOUND also when no engine can compare them
     */
    public TransferResult compare(TransferPlan plan) {
        return inRuntime(plan, poolLimitFor(plan, false), runtime -> {
            try (Endpoint first = openChecked(runtime, plan.source(), plan.lengthBytes());
                 Endpoint second = openChecked(runtime, plan.destination(), plan.lengthBytes())) {
                return transfers(runtime).compare(first.location(), first.offsetBytes(), second.location(), second.offsetBytes(),
                        plan.lengthBytes()).join();
            }
        });
    }

    private Endpoint openChecked(DmaRuntime runtime, LocationSpec spec, long lengthBytes) {
        checkProviderOpen(runtime);
        return Endpoint.open(runtime, spec, lengthBytes, true);
    }

    private DmaTransfers transfers(DmaRuntime runtime) {
        return provider.isPresent() ? runtime.via(provider.get()) : runtime;
    }

    /** Opens a runtime for the plan's ends, runs {@code body} in it, closes it. */
    private <T> T inRuntime(TransferPlan plan, long poolLimitBytes, java.util.function.Function<DmaRuntime, T> body) {
        List<DmaProvider> providers = selectedProviders(plan);
        Set<PciAddress> named = devicesToOpen(plan);
        if (!devicesMayWriteAnywhereInMemory) {
            for (PciAddress address : named) {
                if (sysfs.find(address).map(d -> d.isBoundTo(UserspaceDriver.UIO_PCI_GENERIC.sysfsName())).orElse(false)) {
                    throw new DmactlException(ExitCodes.REFUSED, address + " is bound to uio_pci_generic; "
                            + UioDeviceSource.OPT_IN_HINT);
                }
            }
        }
        DeviceSource devices = devicesMayWriteAnywhereInMemory ? UioDeviceSource.over(sysfs, true) : new VfioDeviceSource(sysfs);
        DmaRuntime.Builder builder = RuntimeInternals.deviceSource(DmaRuntime.builder().discoverProviders(false),
                        new NamedDevices(devices, named))
                .poolLimitBytes(poolLimitBytes);
        providers.forEach(builder::provider);
        // A crc's plan has one location as both ends: its window is opened once.
        for (LocationSpec end : plan.source() == plan.destination() ? List.of(plan.source()) : List.of(plan.source(), plan.destination())) {
            if (end instanceof WindowSpec window) {
                builder.deviceWindow(window.device().toString(), window.barIndex());
            }
        }
        try (DmaRuntime runtime = builder.build()) {
            return body.apply(runtime);
        } catch (IllegalArgumentException e) {
            // The core refuses a request it cannot serve (bounds, alignment, overlap, an engine
            // that is not open) with IllegalArgumentException before touching anything; here
            // that request came straight from the command line.
            throw new DmactlException(ExitCodes.USAGE, e.getMessage(), e);
        }
    }

    /** Says which engines opened (for --verbose) and refuses a --provider that opened none. */
    private void checkProviderOpen(DmaRuntime runtime) {
        runtime.engines().forEach(engine -> notes.accept("engine " + engine.name() + " (provider " + engine.provider()
                + engine.device().map(device -> ", device " + device).orElse("") + ")"
                + engine.unavailable().map(reason -> ": unavailable: " + reason).orElse("")));
        runtime.diagnostics().forEach(note -> notes.accept("runtime: " + note));
        if (provider.isPresent() && runtime.engines().stream().noneMatch(engine -> engine.provider().equals(provider.get()))) {
            throw new DmactlException(ExitCodes.NOT_FOUND, "provider " + UserText.quote(provider.get()) + " has no engine open here"
                    + (runtime.diagnostics().isEmpty() ? "" : "; the runtime said: " + String.join("; ", runtime.diagnostics())));
        }
    }

    private CopyOutcome runIn(DmaRuntime runtime, TransferPlan plan, boolean verify) {
        long length = plan.lengthBytes();
        checkProviderOpen(runtime);
        try (Endpoint source = Endpoint.open(runtime, plan.source(), length, true);
             Endpoint destination = Endpoint.open(runtime, plan.destination(), length, false)) {
            notes.accept(runtime.explainCopy(source.location(), source.offsetBytes(), destination.location(),
                    destination.offsetBytes(), length));
            DmaTransfers transfers = provider.isPresent() ? runtime.via(provider.get()) : runtime;
            TransferResult result = transfers.copy(source.location(), source.offsetBytes(), destination.location(),
                    destination.offsetBytes(), length).join();
            if (!result.isSuccess()) {
                return new CopyOutcome(result, false, OptionalLong.empty());
            }
            destination.finishDestination(length);
            if (!verify) {
                return new CopyOutcome(result, false, OptionalLong.empty());
            }
            List<AutoCloseable> readBacks = new ArrayList<>();
            try {
                MemorySegment sent = source.contents(runtime, length, readBacks);
                MemorySegment received = destination.contents(runtime, length, readBacks);
                long mismatch = MemorySegment.mismatch(sent, 0, length, received, 0, length);
                return new CopyOutcome(result, true, mismatch < 0 ? OptionalLong.empty() : OptionalLong.of(mismatch));
            } finally {
                closeAll(readBacks);
            }
        }
    }

    /**
     * The named provider; else every provider when an end is on a device (they open engines only
     * for the devices the copy names, {@link NamedDevices}), and only the software ones for a copy
     * between host memory: opening a device engine resets the device, which a host-to-host copy
     * has no business doing.
     */
    private List<DmaProvider> selectedProviders(TransferPlan plan) {
        List<DmaProvider> all = catalog.providers();
        if (all.isEmpty()) {
            throw new DmactlException(ExitCodes.NOT_FOUND, "no DMA provider is installed: not even the cpu engine"
                    + " was found on the class path (is cli/target/lib complete?)");
        }
        if (provider.isEmpty()) {
            boolean hostOnly = plan.source().isHostMemory() && plan.destination().isHostMemory();
            return hostOnly && alsoOpen.isEmpty() ? catalog.softwareProviders() : all;
        }
        DmaProvider named = catalog.named(provider.get()).orElseThrow(() -> new DmactlException(ExitCodes.NOT_FOUND,
                "no provider named " + UserText.quote(provider.get()) + "; providers: " + String.join(", ", catalog.names())));
        for (LocationSpec end : List.of(plan.source(), plan.destination())) {
            if (end instanceof PrivateSpaceSpec space) {
                String owner = sysfs.find(space.device()).flatMap(catalog::providerFor).map(DmaProvider::name).orElse("none");
                if (!owner.equals(named.name())) {
                    throw new DmactlException(ExitCodes.NOT_FOUND, "--provider " + named.name() + " cannot reach " + space
                            + ": that memory is private to the engine of " + space.device() + " (provider " + owner + ")");
                }
            }
        }
        return List.of(named);
    }

    /** The PCI functions the copy's ends are on and those asked for with --device: only their engines are opened. */
    private Set<PciAddress> devicesToOpen(TransferPlan plan) {
        Set<PciAddress> devices = new HashSet<>(alsoOpen);
        for (LocationSpec end : List.of(plan.source(), plan.destination())) {
            switch (end) {
                case PrivateSpaceSpec space -> devices.add(space.device());
                case WindowSpec window -> devices.add(window.device());
                default -> {
                }
            }
        }
        return devices;
    }

    private static long poolLimitFor(TransferPlan plan, boolean verify) {
        long readBack = verify ? plan.lengthBytes() : 0;
        long needed = ByteCount.total("host memory for copy " + plan.source().shown() + " -> " + plan.destination().shown()
                        + (verify ? " --verify" : ""), bufferBytes(plan.source(), plan.lengthBytes()),
                bufferBytes(plan.destination(), plan.lengthBytes()), readBack, readBack, POOL_SLACK_BYTES);
        return Math.max(DEFAULT_POOL_LIMIT_BYTES, needed);
    }

    /** Host memory an end takes from the pool (device ends take none; --verify reads them back). */
    private static long bufferBytes(LocationSpec end, long lengthBytes) {
        return switch (end) {
            case HostMemorySpec memory -> memory.bufferBytesFor(lengthBytes);
            case FileSpec file -> lengthBytes;
            default -> 0;
        };
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + resource + " failed: " + e.getMessage(), e);
            }
        }
    }
}
