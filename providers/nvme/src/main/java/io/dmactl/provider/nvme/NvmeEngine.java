package io.dmactl.provider.nvme;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.EventFdInterrupt;
import io.dmactl.core.spi.ExecutionKind;
import io.dmactl.vfio.EventFd;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.MmioRegisters;
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciResource;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.dmactl.provider.nvme.NvmeRegisters.CQ_ENTRY_BYTES;
import static io.dmactl.provider.nvme.NvmeRegisters.PAGE_BYTES;
import static io.dmactl.provider.nvme.NvmeRegisters.SQ_ENTRY_BYTES;

/**
 * One opened NVMe controller: the control path. Open follows NVMe 1.4, 7.6.1: map BAR0, disable
 * (CC.EN = 0, wait CSTS.RDY = 0), admin queues in DMA memory, enable, Identify Controller and the
 * namespace, Number of Queues, one I/O CQ/SQ pair per channel (SQ in host memory or the CMB). The
 * namespace is the private space {@code "ns<nsid>"}, addressed by byte offset in whole blocks.
 */
final class NvmeEngine implements DmaEngine {
    private static final int DMA_MASK_BITS = 64;
    private static final System.Logger LOG = System.getLogger(NvmeEngine.class.getName());
    /** Between two reads of a register a wait polls (CSTS.RDY): each read traps into the device model. */
    static final long REGISTER_POLL_PAUSE_NANOS = 50_000;

    private final String name;
    private final VfioDevice device;
    private final NvmeController controller;
    private final ControllerMemoryBuffer cmb;
    private final List<NvmeQueueMemory> queues;
    private final NvmeChannel[] channels;
    private final EventFd[] eventFds;
    private final EngineCapabilities capabilities;
    private final ControllerIdentity identity;
    private final NvmeNamespace namespace;
    /** DMA memory this engine took from the pool (admin queues and identify page, I/O rings, slot pages). */
    private final List<DmaBuffer> ownedMemory;
    /** Where the owned memory goes back, after the runtime closed the device and dropped its mappings. */
    private final EngineContext context;
    private final FatalStatusProbe fatalStatus;
    private boolean closed;

    private NvmeEngine(String name, VfioDevice device, NvmeController controller, ControllerMemoryBuffer cmb,
                       List<NvmeQueueMemory> queues, NvmeChannel[] channels, EventFd[] eventFds,
                       EngineCapabilities capabilities, ControllerIdentity identity, NvmeNamespace namespace,
                       List<DmaBuffer> ownedMemory, EngineContext context) {
        this.name = name;
        this.device = device;
        this.controller = controller;
        this.cmb = cmb;
        this.queues = queues;
        this.channels = channels;
        this.eventFds = eventFds;
        this.capabilities = capabilities;
        this.identity = identity;
        this.namespace = namespace;
        this.ownedMemory = ownedMemory;
        this.context = context;
        CompletionFaults[] faults = new CompletionFaults[channels.length];
        for (int i = 0; i < channels.length; i++) {
            faults[i] = channels[i].faults();
        }
        this.fatalStatus = new FatalStatusProbe(controller, name, faults);
    }

    static NvmeEngine open(EngineContext context, VfioDevice device, NvmeSettings settings) {
        String name = context.engineName();
        MemorySegment bar0 = device.mapRegion(VfioDevice.BAR0_REGION);
        MmioRegisters registers = new MmioRegisters(bar0, "nvme " + device.pciAddress() + " BAR0", REGISTER_POLL_PAUSE_NANOS);
        EventFd[] eventFds = new EventFd[0];
        NvmeController controller = null;
        boolean busMaster = false;
        List<DmaBuffer> owned = new ArrayList<>();
        try {
            DmaBuffer adminMemory = context.memoryPool().allocate(3L * PAGE_BYTES);
            owned.add(adminMemory);
            long adminIova = context.deviceAddress(adminMemory, DMA_MASK_BITS);
            controller = new NvmeController(registers, adminMemory.segment(), adminIova, settings.timeoutNanos());
            controller.disable(); // a crashed earlier owner may have left it running
            device.enableBusMaster();
            busMaster = true;
            ControllerMemoryBuffer cmb = settings.submissionQueue() == SubmissionQueuePlacement.CMB
                ? ControllerMemoryBuffer.open(registers, controller.cap(), device, barBusAddresses(context, name))
                : null;
            controller.enable();
            ControllerIdentity identity = controller.identifyController();
            NvmeNamespace namespace = controller.identifyNamespace(settings.nsid(), identity.copySupported());
            int entries = settings.queueDepth() + 1;
            if (entries > controller.maxQueueEntries()) {
                throw new IllegalArgumentException("option " + NvmeSettings.QUEUE_DEPTH + "=" + settings.queueDepth()
                    + " needs " + entries + "-entry queues; the controller allows " + controller.maxQueueEntries());
            }
            int granted = controller.requestQueuePairs(settings.channels());
            if (granted < settings.channels()) {
                throw new IllegalStateException(name + ": asked for " + settings.channels() + " I/O queue pairs, the controller grants "
                    + granted + "; lower " + NvmeSettings.CHANNELS);
            }
            List<NvmeQueueMemory> queues = new ArrayList<>();
            for (int i = 0; i < settings.channels(); i++) {
                queues.add(queueMemory(context, cmb, settings.queueDepth(), owned));
            }
            CompletionInterrupt[] interrupts = new CompletionInterrupt[settings.channels()];
            if (settings.msix()) {
                IrqInfo msix = device.irqInfo(VfioDevice.MSIX);
                if (msix.count() < settings.channels() + 1 || !msix.eventFdCapable()) {
                    throw new IllegalStateException(name + ": " + device.pciAddress() + " offers " + msix
                        + "; MSI-X needs " + (settings.channels() + 1) + " vectors on eventfds (or use nvme.completion=poll)");
                }
                // Vector 0 belongs to the admin CQ, which is polled; channel i uses vector i + 1.
                eventFds = new EventFd[settings.channels() + 1];
                for (int i = 1; i < eventFds.length; i++) {
                    eventFds[i] = EventFd.create();
                    interrupts[i - 1] = new EventFdInterrupt(eventFds[i]);
                }
                device.setIrqEventFds(VfioDevice.MSIX, 0, eventFds);
            }
            for (int i = 0; i < queues.size(); i++) {
                controller.createQueuePair(i + 1, queues.get(i), settings.msix() ? i + 1 : -1);
            }
            int maxTransfer = maxTransferBytes(identity, namespace);
            int maxCopy = maxCopyBytes(namespace);
            if (maxCopy == 0) {
                LOG.log(System.Logger.Level.INFO, name + ": namespace " + namespace.nsid() + " offers no Copy ("
                    + (identity.copySupported() ? "MSSRL or MCL is 0" : "ONCS bit 8 is clear")
                    + "); copies inside the namespace are refused before submission");
            }
            DevicePrivateSpace space = context.declarePrivateSpace("ns" + namespace.nsid(), namespace.sizeBytes(),
                namespace.blockBytes());
            NvmeChannel[] channels = new NvmeChannel[settings.channels()];
            for (int i = 0; i < channels.length; i++) {
                channels[i] = new NvmeChannel(i, i + 1, queues.get(i), registers, controller.doorbellStride(), namespace,
                    space.spaceId(), maxTransfer, interrupts[i]);
            }
            return new NvmeEngine(name, device, controller, cmb, queues, channels, eventFds,
                capabilities(settings, maxTransfer, maxCopy), identity, namespace, owned, context);
        } catch (RuntimeException e) {
            RuntimeException failure = undo(device, controller, eventFds, busMaster, e);
            if (controller == null || controllerStopped(controller)) {
                failure = releaseMemory(context, owned, failure); // never enabled, or seen disabled: nothing DMAs into it
            }
            throw failure;
        }
    }

    private static long[] barBusAddresses(EngineContext context, String name) {
        PciDevice pci = context.pciDevice().orElseThrow(() -> new IllegalStateException(name
            + ": no PCI description of the device; the CMB's bus address is unknown"));
        long[] addresses = new long[PciResource.BAR_COUNT];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = pci.bar(i).map(PciResource::startAddress).orElse(0L);
        }
        return addresses;
    }

    /**
     * CQ (and a host SQ) in one host DMA buffer; the slot pages (PRP lists, Copy ranges) in a
     * buffer of their own, {@code depth} pages long; the SQ in the CMB when asked.
     */
    private static NvmeQueueMemory queueMemory(EngineContext context, ControllerMemoryBuffer cmb, int depth, List<DmaBuffer> owned) {
        int entries = depth + 1;
        long cqBytes = roundToPage((long) entries * CQ_ENTRY_BYTES);
        long sqBytes = roundToPage((long) entries * SQ_ENTRY_BYTES);
        DmaBuffer rings = context.memoryPool().allocate(cqBytes + (cmb == null ? sqBytes : 0));
        owned.add(rings);
        long ringsIova = context.deviceAddress(rings, DMA_MASK_BITS);
        DmaBuffer slots = context.memoryPool().allocate((long) depth * PAGE_BYTES);
        owned.add(slots);
        long slotsIova = context.deviceAddress(slots, DMA_MASK_BITS);
        MemorySegment cq = rings.segment().asSlice(0, cqBytes);
        MemorySegment sq;
        long sqAddress;
        if (cmb == null) {
            sq = rings.segment().asSlice(cqBytes, sqBytes);
            sqAddress = ringsIova + cqBytes;
        } else {
            sq = cmb.carve(sqBytes);
            sqAddress = cmb.controllerAddress(sq);
        }
        return new NvmeQueueMemory(depth, sq, sqAddress, cq, ringsIova, slots.segment(), slotsIova);
    }

    private static long roundToPage(long bytes) {
        return (bytes + PAGE_BYTES - 1) & -PAGE_BYTES;
    }

    /**
     * The longest Read or Write: the smaller of MDTS and what one PRP list page describes, whole
     * blocks. Copy limits play no part: a Copy moves no data through PRPs (see {@link #maxCopyBytes}).
     */
    static int maxTransferBytes(ControllerIdentity identity, NvmeNamespace namespace) {
        long max = Prp.MAX_TRANSFER_BYTES;
        if (identity.maxTransferBytes() > 0) {
            max = Math.min(max, identity.maxTransferBytes());
        }
        max = max / namespace.blockBytes() * namespace.blockBytes();
        if (max < namespace.blockBytes()) {
            throw new IllegalStateException("namespace " + namespace.nsid() + ": transfers of " + max
                + " bytes cannot hold one " + namespace.blockBytes() + "-byte block");
        }
        return (int) max;
    }

    /**
     * The longest Copy inside the namespace: MCL, and MSSRL blocks per source range times the
     * ranges one command may carry (see {@link NvmeNamespace#maxCopyBytes}); 0 without Copy
     * support, which makes the dispatcher refuse namespace-to-namespace copies up front.
     */
    static int maxCopyBytes(NvmeNamespace namespace) {
        return (int) Math.min(namespace.maxCopyBytes(), Integer.MAX_VALUE / namespace.blockBytes() * (long) namespace.blockBytes());
    }

    static EngineCapabilities capabilities(NvmeSettings settings, int maxTransfer, int maxCopy) {
        EngineCapabilities.Builder builder = EngineCapabilities.builder()
            .ops(DmaOpKind.COPY)
            // A device window is just another bus address: namespace <-> a peer's BAR is peer to peer.
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
            .addressing(AddressingMode.IOVA)
            .execution(ExecutionKind.HARDWARE)
            .maxTransferBytes(maxTransfer)
            .maxPrivateCopyBytes(maxCopy)
            .alignmentBytes(4) // PRP entries are dword aligned; namespace ends are whole blocks (granularity)
            .dmaMaskBits(DMA_MASK_BITS)
            .maxSgEntries(1)
            .ringSize(settings.queueDepth())
            .channelCount(settings.channels())
            .interrupts(settings.msix())
            .inOrderCompletion(false)
            .requiresOwnPrivateEnd(true);
        // DEV_TO_DEV: window <-> namespace always; namespace -> namespace only by Copy, which the
        // dispatcher refuses for a namespace without it (maxPrivateCopyBytes 0).
        return builder.directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV).build();
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public DmaChannel channel(int index) {
        if (index < 0 || index >= channels.length) {
            throw new IndexOutOfBoundsException(name + ": channel " + index + " does not exist; channels 0.." + (channels.length - 1));
        }
        return channels[index];
    }

    ControllerIdentity identity() {
        return identity;
    }

    NvmeNamespace namespace() {
        return namespace;
    }

    /**
     * Controller reset (CC.EN = 0: the controller deletes every I/O queue and forgets every
     * command), then the same bring-up again on the same memory; every channel starts empty.
     * Also the way out of CSTS.CFS.
     */
    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        controller.disable();
        if (cmb != null) {
            cmb.enableMemorySpace();
        }
        controller.enable();
        controller.requestQueuePairs(channels.length);
        for (int i = 0; i < channels.length; i++) {
            controller.createQueuePair(i + 1, queues.get(i), eventFds.length > 0 ? i + 1 : -1);
            channels[i].restart();
        }
    }

    /** A dropped completion entry on any queue pair, or CSTS.CFS, read once per watchdog tick (see {@link FatalStatusProbe}). */
    @Override
    public String fatalCondition() {
        return fatalStatus.poll();
    }

    /**
     * Disables the controller, detaches MSI-X, turns bus mastering off, then hands the engine's
     * DMA memory (admin queues and identify page, I/O rings, PRP-list and Copy-range pages) back
     * to the runtime, which returns it to the pool after it closed the device and dropped the
     * engine's IOVA mappings; but only once CC.EN = 0 and CSTS.RDY = 0 were observed: from then on the
     * controller no longer touches any queue. If it cannot be seen stopped the memory is leaked,
     * on purpose: a controller that may still post completions must not write into reused pages.
     * The device itself is closed by its owner.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        fatalStatus.stop();
        RuntimeException failure = undo(device, controller, eventFds, true, null);
        if (controllerStopped(controller)) {
            failure = releaseMemory(context, ownedMemory, failure);
        } else {
            LOG.log(System.Logger.Level.ERROR, name + ": the controller was not seen disabled (CC.EN = 0, CSTS.RDY = 0); "
                + "its " + ownedMemory.size() + " DMA buffers are left allocated rather than reused under it");
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** CC.EN = 0 and CSTS.RDY = 0: the controller has dropped its queues and does no more DMA for them. */
    private static boolean controllerStopped(NvmeController controller) {
        try {
            return (controller.registers().read32(NvmeRegisters.CC) & NvmeRegisters.CC_EN) == 0
                && (controller.registers().read32(NvmeRegisters.CSTS) & NvmeRegisters.CSTS_RDY) == 0;
        } catch (RuntimeException e) {
            return false; // the registers cannot be read: assume the worst
        }
    }

    /**
     * Hands the memory back to the runtime, which closes it only after the device is closed and the
     * engine's IOVA mappings are dropped ({@link EngineContext#releaseAfterDevice}): closing it here
     * would return pages to the pool while they are still mapped for this controller.
     */
    private static RuntimeException releaseMemory(EngineContext context, List<DmaBuffer> owned, RuntimeException primary) {
        RuntimeException failure = primary;
        for (DmaBuffer buffer : owned) {
            try {
                if (!buffer.isClosed()) {
                    context.releaseAfterDevice(buffer);
                }
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        owned.clear();
        return failure;
    }

    private static RuntimeException undo(VfioDevice device, NvmeController controller, EventFd[] eventFds,
                                         boolean busMaster, RuntimeException primary) {
        RuntimeException failure = primary;
        if (controller != null) {
            try {
                controller.disable();
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        if (eventFds.length > 0) {
            try {
                device.disableIrqs(VfioDevice.MSIX);
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
            for (EventFd fd : eventFds) {
                if (fd != null) {
                    fd.close();
                }
            }
        }
        if (busMaster) {
            try {
                device.disableBusMaster();
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        return failure;
    }

    private static RuntimeException collect(RuntimeException failure, RuntimeException next) {
        if (failure == null) {
            return next;
        }
        failure.addSuppressed(next);
        return failure;
    }

    @Override
    public String toString() {
        return name + " (" + device.pciAddress() + ", " + identity.model() + " " + identity.serial() + ")";
    }
}
