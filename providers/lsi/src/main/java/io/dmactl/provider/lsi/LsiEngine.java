package io.dmactl.provider.lsi;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.location.DmaBuffer;
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
import io.dmactl.vfio.pci.PciDevice;
import io.dmactl.vfio.pci.PciResource;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import static io.dmactl.provider.lsi.LsiRegisters.DCNTL;
import static io.dmactl.provider.lsi.LsiRegisters.DIEN;
import static io.dmactl.provider.lsi.LsiRegisters.DMODE;
import static io.dmactl.provider.lsi.LsiRegisters.DSTAT;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT1;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT1_SRUN;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT_ABRT;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT_DIP;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT_INTF;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT_SIP;
import static io.dmactl.provider.lsi.LsiRegisters.ISTAT_SRST;
import static io.dmactl.provider.lsi.LsiRegisters.SCRATCHA;
import static io.dmactl.provider.lsi.LsiRegisters.SIEN0;
import static io.dmactl.provider.lsi.LsiRegisters.SIEN1;
import static io.dmactl.provider.lsi.LsiRegisters.SIST0;
import static io.dmactl.provider.lsi.LsiRegisters.SIST1;

/**
 * One opened LSI53C8xx: the control path. Opening follows the chip's needs step by step: map the
 * register BAR (BAR1), reset the chip (ISTAT.SRST pulse, after an ISTAT.ABRT if SCRIPTS run),
 * check it answers (SCRATCHA reads back), set DMODE/DCNTL/DIEN/SIEN to "automatic start, memory
 * space, no interrupts", clear any pending status, turn bus mastering on, in INTx mode route INTx
 * to an eventfd with an unmask eventfd and enable DIEN for the INT and the DMA errors, take DMA memory for the
 * SCRIPTS program below 4 GiB, and on a 53C895A declare the SCRIPTS RAM (BAR2) as the private
 * space {@value #RAM_SPACE_NAME}, which the chip reaches at the IOVA its BAR is mapped at.
 *
 * <p>The chip's register BARs are never declared as windows (the runtime refuses a window on a
 * device a provider drives), so under an IOMMU no move can reach them; where bus addresses are
 * physical, their ranges are the {@link MoveCheck} guard and every move touching them is refused.
 */
final class LsiEngine implements DmaEngine {
    static final String RAM_SPACE_NAME = "scripts-ram";
    /** SCRIPTS RAM of the LSI53C895A: 8 KiB (BAR2). */
    static final int RAM_BYTES = 8192;
    /** Between two reads of ISTAT while waiting at reset. */
    static final long REGISTER_POLL_PAUSE_NANOS = 10_000;
    /** DIEN in INTx mode: the chain's INT (SIR) and every DMA error cause raise the interrupt. */
    static final int INTX_SOURCES = LsiRegisters.DSTAT_SIR | LsiRegisters.DSTAT_ERRORS;
    /** Written to SCRATCHA and read back at open: the chip answers. */
    static final int LIVENESS_PATTERN = 0x4C53_4921;

    private final String name;
    private final VfioDevice device;
    private final MmioRegisters registers;
    private final LsiChannel channel;
    private final EngineCapabilities capabilities;
    private final EngineContext context;
    private final DmaBuffer scriptMemory;
    private final long resetTimeoutNanos;
    /** INTx mode: the trigger and unmask eventfds; null when polling. */
    private final EventFd triggerEventFd;
    private final EventFd unmaskEventFd;
    private boolean closed;

    private LsiEngine(String name, VfioDevice device, MmioRegisters registers, LsiChannel channel,
                      EngineCapabilities capabilities, EngineContext context, DmaBuffer scriptMemory, long resetTimeoutNanos,
                      EventFd triggerEventFd, EventFd unmaskEventFd) {
        this.triggerEventFd = triggerEventFd;
        this.unmaskEventFd = unmaskEventFd;
        this.name = name;
        this.device = device;
        this.registers = registers;
        this.channel = channel;
        this.capabilities = capabilities;
        this.context = context;
        this.scriptMemory = scriptMemory;
        this.resetTimeoutNanos = resetTimeoutNanos;
    }

    static LsiEngine open(EngineContext context, VfioDevice device, LsiSettings settings) {
        String name = context.engineName();
        MemorySegment bar = device.mapRegion(VfioDevice.BAR0_REGION + LsiRegisters.MMIO_BAR);
        if (bar.byteSize() < LsiRegisters.REGISTER_BLOCK_BYTES) {
            throw new IllegalStateException(name + ": BAR1 of " + device.pciAddress() + " is " + bar.byteSize()
                + " bytes; the LSI53C8xx operating registers take " + LsiRegisters.REGISTER_BLOCK_BYTES);
        }
        MmioRegisters registers = new MmioRegisters(bar.asSlice(0, LsiRegisters.REGISTER_BLOCK_BYTES),
            "lsi " + device.pciAddress() + " BAR1", REGISTER_POLL_PAUSE_NANOS);
        resetChip(registers, settings.resetTimeoutNanos(), name);
        registers.write32(SCRATCHA, LIVENESS_PATTERN);
        int echo = registers.read32(SCRATCHA);
        registers.write32(SCRATCHA, 0);
        if (echo != LIVENESS_PATTERN) {
            throw new IllegalStateException(name + ": " + device.pciAddress() + " SCRATCHA reads back 0x"
                + Integer.toHexString(echo) + " after writing 0x" + Integer.toHexString(LIVENESS_PATTERN)
                + "; this is no LSI53C8xx this driver can use");
        }
        boolean busMaster = false;
        DmaBuffer script = null;
        EventFd trigger = null;
        EventFd unmask = null;
        try {
            device.enableBusMaster();
            busMaster = true;
            if (settings.intx()) {
                IrqInfo intx = device.irqInfo(VfioDevice.INTX);
                if (intx.count() < 1 || !intx.eventFdCapable() || !intx.maskable()) {
                    throw new IllegalStateException(name + ": " + device.pciAddress() + " offers no maskable INTx on an"
                        + " eventfd (" + intx + "); open it with lsi.completion=poll");
                }
                trigger = EventFd.create();
                device.setIrqEventFds(VfioDevice.INTX, 0, trigger);
                unmask = EventFd.create();
                // After the trigger: the kernel takes an unmask eventfd only for an enabled INTx.
                device.setIrqUnmaskEventFd(VfioDevice.INTX, 0, unmask);
                registers.write8(DIEN, INTX_SOURCES);
            }
            int maxMoves = Math.min(settings.ringSize(), Scripts.MAX_MOVES_PER_CHAIN);
            script = context.memoryPool().allocate(Scripts.chainBytes(maxMoves));
            long scriptBus = context.deviceAddress(script, MoveCheck.DMA_MASK_BITS);
            Optional<PciDevice> pci = context.pciDevice();
            boolean hasRam = pci.map(d -> d.deviceId() == LsiProvider.DEVICE_ID_53C895A).orElse(true);
            int ramSpace = -1;
            long ramBus = 0;
            if (hasRam) {
                MemorySegment ram = device.mapRegion(VfioDevice.BAR0_REGION + LsiRegisters.RAM_BAR);
                if (ram.byteSize() < RAM_BYTES) {
                    throw new IllegalStateException(name + ": BAR2 of " + device.pciAddress() + " is " + ram.byteSize()
                        + " bytes; the LSI53C895A SCRIPTS RAM is " + RAM_BYTES);
                }
                DevicePrivateSpace space = context.declarePrivateSpace(RAM_SPACE_NAME, RAM_BYTES, 1);
                ramSpace = space.spaceId();
                ramBus = context.deviceAddress(space, ram.asSlice(0, RAM_BYTES), MoveCheck.DMA_MASK_BITS);
            }
            MoveCheck check = new MoveCheck(ramSpace, ramBus, RAM_BYTES, guardRanges(context, pci));
            EventFd unmaskFd = unmask;
            LsiChannel channel = new LsiChannel(0, registers, check, script.segment(), scriptBus, settings.ringSize(),
                trigger == null ? null : new EventFdInterrupt(trigger), unmaskFd == null ? null : unmaskFd::signal);
            return new LsiEngine(name, device, registers, channel, capabilities(settings, hasRam), context, script,
                settings.resetTimeoutNanos(), trigger, unmask);
        } catch (RuntimeException e) {
            if (trigger != null) {
                registers.write8(DIEN, 0);
                try {
                    device.disableIrqs(VfioDevice.INTX);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                trigger.close();
            }
            if (unmask != null) {
                unmask.close();
            }
            if (busMaster) {
                try {
                    device.disableBusMaster();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (script != null) {
                context.releaseAfterDevice(script);
            }
            throw e;
        }
    }

    /**
     * The bus ranges of the chip's own register BARs a move must never touch. Behind an IOMMU bus
     * addresses are IOVAs and the register BARs are mapped at none (nothing declares them), so
     * there is nothing to compare: physical BAR addresses there would only collide with ordinary
     * IOVAs. Without an IOMMU domain the bus addresses are physical and both BARs are guarded.
     */
    static long[] guardRanges(EngineContext context, Optional<PciDevice> pci) {
        if (context.hasIommuDomain() || pci.isEmpty()) {
            return new long[0];
        }
        return physicalRegisterRanges(pci.get());
    }

    /** BAR0 and BAR1 of {@code device} as {first, last, ...} (absent BARs left out). */
    static long[] physicalRegisterRanges(PciDevice device) {
        long[] ranges = new long[4];
        int n = 0;
        for (int bar : new int[] {LsiRegisters.IO_BAR, LsiRegisters.MMIO_BAR}) {
            Optional<PciResource> resource = device.bar(bar);
            if (resource.isPresent() && resource.get().endAddress() > resource.get().startAddress()) {
                ranges[n++] = resource.get().startAddress();
                ranges[n++] = resource.get().endAddress();
            }
        }
        return java.util.Arrays.copyOf(ranges, n);
    }

    private static EngineCapabilities capabilities(LsiSettings settings, boolean hasRam) {
        EngineCapabilities.Builder b = EngineCapabilities.builder()
            .ops(DmaOpKind.COPY)
            .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
            .addressing(AddressingMode.IOVA)
            .execution(ExecutionKind.HARDWARE)
            .maxTransferBytes(Scripts.MAX_MOVE_BYTES)
            .alignmentBytes(1)
            .dmaMaskBits(MoveCheck.DMA_MASK_BITS)
            .maxSgEntries(1)
            .ringSize(settings.ringSize())
            .channelCount(1)
            .interrupts(settings.intx())
            .inOrderCompletion(true);
        if (hasRam) {
            b.reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW, LocationKind.DEVICE_PRIVATE)
                // A copy inside the RAM is one move too. QEMU copies a move front to back through a
                // 4 KiB bounce buffer, so overlapping ranges more than 4 KiB apart are not memmove-safe.
                .maxPrivateCopyBytes(RAM_BYTES);
        } else {
            b.reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW);
        }
        return b.build();
    }

    /**
     * Resets the chip: ISTAT.ABRT first if SCRIPTS run (then waits for the abort's DMA interrupt),
     * then an ISTAT.SRST pulse; programs DMODE, DCNTL, DIEN, SIEN0/1 to 0; reads DSTAT, SIST0 and
     * SIST1 to clear them; and checks ISTAT shows nothing pending and SCRIPTS stopped.
     */
    static void resetChip(MmioRegisters r, long timeoutNanos, String name) {
        if ((r.read8(ISTAT1) & ISTAT1_SRUN) != 0) {
            r.write8(ISTAT, ISTAT_ABRT);
            awaitAny8(r, ISTAT, ISTAT_DIP, timeoutNanos);
            r.read8(DSTAT);
            r.write8(ISTAT, 0);
        }
        r.write8(ISTAT, ISTAT_SRST);
        r.write8(ISTAT, 0);
        // DMODE 0: burst length 2, SCRIPTS start when DSP is written (MAN 0), moves in memory space (SIOM, DIOM 0).
        r.write8(DMODE, 0);
        r.write8(DCNTL, 0);
        r.write8(DIEN, 0);
        r.write8(SIEN0, 0);
        r.write8(SIEN1, 0);
        r.read8(DSTAT);
        r.read8(SIST0);
        r.read8(SIST1);
        r.write8(ISTAT, ISTAT_INTF); // INTF is cleared by writing it
        int istat = r.read8(ISTAT);
        int istat1 = r.read8(ISTAT1);
        if ((istat & (ISTAT_DIP | ISTAT_SIP | ISTAT_INTF)) != 0 || (istat1 & ISTAT1_SRUN) != 0) {
            throw new IllegalStateException(name + ": after a software reset ISTAT reads 0x" + Integer.toHexString(istat)
                + " and ISTAT1 0x" + Integer.toHexString(istat1) + "; expected nothing pending and SCRIPTS stopped");
        }
    }

    private static void awaitAny8(MmioRegisters r, long offset, int bits, long timeoutNanos) {
        long start = System.nanoTime();
        while ((r.read8(offset) & bits) == 0) {
            if (System.nanoTime() - start > timeoutNanos) {
                throw new IllegalStateException(r.subject() + ": register 0x" + Long.toHexString(offset)
                    + " did not show bits 0x" + Integer.toHexString(bits) + " within " + timeoutNanos / 1_000_000 + " ms");
            }
            LockSupport.parkNanos(REGISTER_POLL_PAUSE_NANOS);
        }
    }

    @Override
    public EngineCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public DmaChannel channel(int index) {
        if (index != 0) {
            throw new IndexOutOfBoundsException(name + ": channel " + index + " does not exist; the SCRIPTS engine has channel 0 only");
        }
        return channel;
    }

    /** Aborts and resets the chip, then drops every outstanding op. */
    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        resetChip(registers, resetTimeoutNanos, name);
        if (triggerEventFd != null) {
            registers.write8(DIEN, INTX_SOURCES);
            // The reset lowered the line; an interrupt whose chain is dropped here would otherwise leave it masked.
            device.unmaskIrq(VfioDevice.INTX, 0);
        }
        channel.dropOutstanding();
    }

    @Override
    public String fatalCondition() {
        String fault = channel.fault();
        return fault == null ? null : name + ": " + fault;
    }

    /** Resets the chip, turns bus mastering off and gives the SCRIPTS memory back. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            resetChip(registers, resetTimeoutNanos, name);
        } catch (RuntimeException e) {
            failure = e;
        }
        if (triggerEventFd != null) {
            try {
                device.disableIrqs(VfioDevice.INTX); // drops the trigger and the unmask eventfd
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
            triggerEventFd.close();
            unmaskEventFd.close();
        }
        try {
            device.disableBusMaster();
        } catch (RuntimeException e) {
            failure = collect(failure, e);
        }
        context.releaseAfterDevice(scriptMemory);
        if (failure != null) {
            throw failure;
        }
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
