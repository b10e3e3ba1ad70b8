package io.dmactl.provider.edu;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.LocationKind;
import io.dmactl.core.spi.AddressingMode;
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

import java.lang.foreign.MemorySegment;

import static io.dmactl.provider.edu.EduRegisters.BAR_BYTES;
import static io.dmactl.provider.edu.EduRegisters.DMA_MASK_BITS;
import static io.dmactl.provider.edu.EduRegisters.IDENTIFICATION;
import static io.dmactl.provider.edu.EduRegisters.USABLE_BUFFER_BYTES;

/**
 * One opened edu device: the control path. Opening follows the device's needs step by step:
 * map BAR0, check IDENTIFICATION, reset if VFIO can (it cannot for edu) and quiesce
 * ({@link EduQuiesce}), enable bus mastering (vfio-pci leaves it off), route MSI 0 to an eventfd
 * (MSI mode) or INTx to an eventfd plus an unmask eventfd (INTx mode), declare the device buffer
 * as the private space {@value #BUFFER_SPACE_NAME}.
 *
 * <p>The device buffer is declared {@value EduRegisters#USABLE_BUFFER_BYTES} bytes long, not
 * 4096: QEMU 7.2 stops the VM on a DMA that touches the buffer's last byte, so that byte is not
 * offered. Every edu DMA has the buffer at one end, so no transfer is ever longer than the
 * engine's max transfer: a longer one does not fit the location and the core refuses it, with the
 * range and the location in the message, before any register is written.
 */
final class EduEngine implements DmaEngine {
    /** Name of the device buffer's private space (the runtime prefixes the engine name). */
    static final String BUFFER_SPACE_NAME = "buffer";

    /**
     * Between two reads of a register a wait polls (quiesce): each read traps into QEMU's device
     * model, and a DMA takes about 100 ms there, so polling faster gains nothing.
     */
    static final long REGISTER_POLL_PAUSE_NANOS = 20_000;

    private final String name;
    private final VfioDevice device;
    private final MmioRegisters registers;
    /** VfioDevice.MSI or VfioDevice.INTX: the IRQ index the trigger eventfd is on (unused when polling). */
    private final int irqIndex;
    /** The interrupt's trigger eventfd; null when polling. */
    private final EventFd triggerEventFd;
    /** INTx mode: each signal unmasks INTx in the kernel; null otherwise. */
    private final EventFd unmaskEventFd;
    private final EduChannel channel;
    private final EngineCapabilities capabilities;
    private final long quiesceTimeoutNanos;
    private boolean closed;

    private EduEngine(String name, VfioDevice device, MmioRegisters registers, int irqIndex, EventFd triggerEventFd,
                      EventFd unmaskEventFd, EduChannel channel, EngineCapabilities capabilities, long quiesceTimeoutNanos) {
        this.name = name;
        this.device = device;
        this.registers = registers;
        this.irqIndex = irqIndex;
        this.triggerEventFd = triggerEventFd;
        this.unmaskEventFd = unmaskEventFd;
        this.channel = channel;
        this.capabilities = capabilities;
        this.quiesceTimeoutNanos = quiesceTimeoutNanos;
    }

    /**
     * Brings the device up and declares its buffer through {@code context}. On failure, undoes
     * what it did to the device (interrupts, bus mastering) and rethrows; the device itself stays
     * open (its owner closes it).
     */
    static EduEngine open(EngineContext context, VfioDevice device, EduSettings settings) {
        String name = context.engineName();
        MemorySegment bar = device.mapRegion(VfioDevice.BAR0_REGION + EduRegisters.BAR);
        if (bar.byteSize() < BAR_BYTES) {
            throw new IllegalStateException(name + ": BAR0 of " + device.pciAddress() + " is " + bar.byteSize()
                + " bytes; an edu's is " + BAR_BYTES);
        }
        MmioRegisters registers = new MmioRegisters(bar.asSlice(0, BAR_BYTES), "edu " + device.pciAddress() + " BAR0",
            REGISTER_POLL_PAUSE_NANOS);
        int identification = registers.read32(IDENTIFICATION);
        if (!EduRegisters.isSupported(identification)) {
            throw new IllegalStateException(name + ": " + device.pciAddress() + " IDENTIFICATION reads 0x"
                + Integer.toHexString(identification) + "; this driver knows edu 1.x (0x01xx00ed)");
        }
        if (device.info().canReset()) {
            device.reset();
        }
        EduQuiesce.quiesce(registers, settings.quiesceTimeoutNanos());
        int irqIndex = settings.completion() == CompletionMode.INTX ? VfioDevice.INTX : VfioDevice.MSI;
        EventFd eventFd = null;
        EventFd unmaskFd = null;
        boolean busMaster = false;
        try {
            device.enableBusMaster();
            busMaster = true;
            if (settings.completion() == CompletionMode.MSI) {
                IrqInfo msi = device.irqInfo(VfioDevice.MSI);
                if (msi.count() < 1 || !msi.eventFdCapable()) {
                    throw new IllegalStateException(name + ": " + device.pciAddress() + " offers no MSI vector on an eventfd ("
                        + msi + "); open it with edu.completion=poll");
                }
                eventFd = EventFd.create();
                device.setIrqEventFds(VfioDevice.MSI, 0, eventFd);
            } else if (settings.completion() == CompletionMode.INTX) {
                IrqInfo intx = device.irqInfo(VfioDevice.INTX);
                if (intx.count() < 1 || !intx.eventFdCapable() || !intx.maskable()) {
                    throw new IllegalStateException(name + ": " + device.pciAddress() + " offers no maskable INTx on an"
                        + " eventfd (" + intx + "); open it with edu.completion=msi or poll");
                }
                eventFd = EventFd.create();
                // With no MSI enabled, edu raises INTx (QEMU 7.2 edu_raise_irq).
                device.setIrqEventFds(VfioDevice.INTX, 0, eventFd);
                unmaskFd = EventFd.create();
                // After the trigger: the kernel takes an unmask eventfd only for an enabled INTx.
                device.setIrqUnmaskEventFd(VfioDevice.INTX, 0, unmaskFd);
            }
            DevicePrivateSpace buffer = context.declarePrivateSpace(BUFFER_SPACE_NAME, USABLE_BUFFER_BYTES, 1);
            EventFd unmask = unmaskFd;
            EduChannel channel = new EduChannel(0, registers, buffer.spaceId(), settings.ringSize(),
                eventFd == null ? null : new EventFdInterrupt(eventFd), unmask == null ? null : unmask::signal);
            return new EduEngine(name, device, registers, irqIndex, eventFd, unmaskFd, channel, capabilities(settings),
                settings.quiesceTimeoutNanos());
        } catch (RuntimeException e) {
            throw undo(device, irqIndex, eventFd, unmaskFd, busMaster, e);
        }
    }

    private static EngineCapabilities capabilities(EduSettings settings) {
        return EngineCapabilities.builder()
            .ops(DmaOpKind.COPY)
            // DEV_TO_DEV: a device window (another device's BAR, mapped into this domain) <-> the buffer.
            .directions(Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
            .addressing(AddressingMode.IOVA)
            .execution(ExecutionKind.HARDWARE)
            .maxTransferBytes(USABLE_BUFFER_BYTES)
            .alignmentBytes(1)
            .dmaMaskBits(DMA_MASK_BITS)
            .maxSgEntries(1)
            .ringSize(settings.ringSize())
            .channelCount(1)
            .interrupts(settings.completion() != CompletionMode.POLL)
            .inOrderCompletion(true)
            // Every edu DMA has the device buffer at one end: host<->window is not an edu transfer.
            .requiresOwnPrivateEnd(true)
            // One buffer, and a DMA always has bus memory at the other end: no buffer-to-buffer copy.
            .maxPrivateCopyBytes(0)
            .build();
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public DmaChannel channel(int index) {
        if (index != 0) {
            throw new IndexOutOfBoundsException(name + ": channel " + index + " does not exist; edu has channel 0 only");
        }
        return channel;
    }

    /**
     * There is no device reset: waits for the running DMA (which cannot be stopped) and drops
     * every outstanding op. In INTx mode it also unmasks INTx, after quiesce acknowledged every
     * interrupt: an interrupt whose op is dropped here would otherwise leave the line masked.
     *
     * @throws IllegalStateException if the device stays busy past the quiesce timeout
     */
    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        EduQuiesce.quiesce(registers, quiesceTimeoutNanos);
        if (unmaskEventFd != null) {
            device.unmaskIrq(VfioDevice.INTX, 0);
        }
        channel.dropOutstanding();
    }

    /**
     * A DMA_COMMAND value edu should never show, seen by the channel since the last reset (see
     * {@link DmaCommandFaults}), or null. A field read while healthy.
     */
    @Override
    public String fatalCondition() {
        return channel.faults().fatalCondition(name);
    }

    /** Quiesces, detaches the interrupt eventfds, turns bus mastering off. The device is closed by its owner. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            EduQuiesce.quiesce(registers, quiesceTimeoutNanos);
        } catch (RuntimeException e) {
            failure = e; // still detach and stop mastering: with bus mastering off the device cannot reach memory
        }
        failure = undo(device, irqIndex, triggerEventFd, unmaskEventFd, true, failure);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Detaches the interrupt (if any: disabling the index drops its trigger and INTx's unmask
     * eventfd), closes the eventfds and turns bus mastering off, going on past failures.
     *
     * @return {@code primary} with later failures suppressed, or the first failure if there was no primary
     */
    private static RuntimeException undo(VfioDevice device, int irqIndex, EventFd eventFd, EventFd unmaskFd,
                                         boolean busMaster, RuntimeException primary) {
        RuntimeException failure = primary;
        if (eventFd != null) {
            try {
                device.disableIrqs(irqIndex);
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
            eventFd.close();
        }
        if (unmaskFd != null) {
            unmaskFd.close();
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
        return name + " (" + device.pciAddress() + ")";
    }
}
