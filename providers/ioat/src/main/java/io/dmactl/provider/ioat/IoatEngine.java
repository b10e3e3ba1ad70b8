package io.dmactl.provider.ioat;

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
import io.dmactl.core.spi.ExecutionKind;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.dmactl.provider.ioat.IoatDeviceRegisters.CBVER;
import static io.dmactl.provider.ioat.IoatDeviceRegisters.CHANCNT;
import static io.dmactl.provider.ioat.IoatDeviceRegisters.DMACAPABILITY;
import static io.dmactl.provider.ioat.IoatDeviceRegisters.FIELD_MASK_4_0;
import static io.dmactl.provider.ioat.IoatDeviceRegisters.INTRCTRL;
import static io.dmactl.provider.ioat.IoatDeviceRegisters.XFERCAP;

/**
 * One opened QuickData function: the control path. Opening, step by step:
 * <ol>
 * <li>read CBVER and refuse anything older than 3.0; read CHANCNT, XFERCAP and DMACAPABILITY
 *     (bits 4:0 of the first two) and turn them into capabilities: one engine channel per hardware
 *     channel, XFERCAP as the longest op (the core splits longer transfers), FILL where
 *     DMACAPABILITY has FILL_BLOCK;</li>
 * <li>INTRCTRL = 0 (no interrupts while resetting), bus mastering on;</li>
 * <li>per channel: reset ({@link IoatChannelControl#resetHardware()}), a DMA buffer with the
 *     descriptor ring and the 8-byte completion area, mapped into the engine's IOMMU domain;</li>
 * <li>with MSI-X: vector n to channel n's eventfd, INTRCTRL = MSIX_VECTOR_CONTROL | MASTER_INT_EN;</li>
 * <li>per channel: program CHANCTRL, CHANCMP, CHAINADDR and run one null descriptor.</li>
 * </ol>
 * A failure undoes what was done (channels reset, interrupts detached, bus mastering off) and
 * names the register and value. Closing resets every channel, detaches the interrupts and turns
 * bus mastering off; a channel whose reset fails keeps its memory (the device might still use it).
 */
final class IoatEngine implements DmaEngine {
    /** Address bits the engine emits (64-bit descriptors and registers; Linux sets a 64-bit DMA mask). */
    static final int DMA_MASK_BITS = 64;
    /** The longest op declared when XFERCAP allows more: an op length is an int. */
    static final int MAX_DECLARED_TRANSFER_BYTES = 1 << 30;

    private final String name;
    private final EngineContext context;
    private final IoatFunction function;
    private final IoatChannel[] channels;
    private final DmaBuffer[] memory;
    private final EngineCapabilities capabilities;
    private final String identity;
    private boolean closed;

    private IoatEngine(String name, EngineContext context, IoatFunction function, IoatChannel[] channels, DmaBuffer[] memory,
                       EngineCapabilities capabilities, String identity) {
        this.name = name;
        this.context = context;
        this.function = function;
        this.channels = channels;
        this.memory = memory;
        this.capabilities = capabilities;
        this.identity = identity;
    }

    static IoatEngine open(EngineContext context, IoatFunction function, IoatSettings settings) {
        String name = context.engineName();
        IoatMmio mmio = function.registers();
        int cbver = mmio.read8(CBVER);
        if (cbver < IoatDeviceRegisters.CBVER_3_0) {
            throw new IllegalStateException(name + ": " + function.address() + " CBVER reads 0x" + Integer.toHexString(cbver)
                + " (QuickData " + IoatDeviceRegisters.versionText(cbver) + "); this driver needs 3.0 or newer"
                + " (a descriptor ring driven through DMACOUNT)");
        }
        int chancnt = mmio.read8(CHANCNT) & FIELD_MASK_4_0;
        if (chancnt == 0) {
            throw new IllegalStateException(name + ": " + function.address() + " CHANCNT reads 0: the function has no DMA channel");
        }
        int xfercap = mmio.read8(XFERCAP) & FIELD_MASK_4_0;
        if (xfercap == 0) {
            throw new IllegalStateException(name + ": " + function.address() + " XFERCAP reads 0; Linux's ioatdma and this"
                + " driver take that as a function without a usable transfer size");
        }
        int dmacap = mmio.read32(DMACAPABILITY);
        int channelCount = Math.min(chancnt, settings.maxChannels());
        int maxTransfer = xfercap >= 30 ? MAX_DECLARED_TRANSFER_BYTES : 1 << xfercap;
        boolean fill = (dmacap & IoatDeviceRegisters.CAP_FILL_BLOCK) != 0;
        String identity = "CBVER " + IoatDeviceRegisters.versionText(cbver) + ", CHANCNT " + chancnt + ", XFERCAP 2^" + xfercap
            + ", DMACAPABILITY 0x" + Integer.toHexString(dmacap) + " (" + IoatDeviceRegisters.capabilityText(dmacap) + ")";
        if (settings.msix() && function.msixVectors() < channelCount) {
            throw new IllegalStateException(name + ": " + function.address() + " offers " + function.msixVectors()
                + " MSI-X vectors, " + channelCount + " channels need one each; open it with " + IoatSettings.COMPLETION + "=poll");
        }

        int ringSlots = 2 * settings.ringSize();
        long ringBytes = (long) ringSlots * IoatDescriptor.BYTES;
        IoatChannel[] channels = new IoatChannel[channelCount];
        DmaBuffer[] memory = new DmaBuffer[channelCount];
        boolean[] resetOk = new boolean[channelCount];
        boolean busMaster = false;
        boolean interrupts = false;
        mmio.write8(INTRCTRL, 0);
        try {
            function.enableBusMaster();
            busMaster = true;
            CompletionInterrupt[] signals = new CompletionInterrupt[channelCount];
            if (settings.msix()) {
                signals = function.enableMsix(channelCount);
                interrupts = true;
            }
            for (int i = 0; i < channelCount; i++) {
                long base = IoatDeviceRegisters.channelBase(i);
                memory[i] = context.memoryPool().allocate(ringBytes + IoatDescriptor.BYTES);
                long iova = context.deviceAddress(memory[i], DMA_MASK_BITS);
                MemorySegment segment = memory[i].segment();
                channels[i] = new IoatChannel(i, mmio, base, segment.asSlice(0, ringBytes), iova,
                    segment.asSlice(ringBytes, Long.BYTES), iova + ringBytes, settings.ringSize(), maxTransfer, fill,
                    signals[i], settings.resetTimeoutNanos(), name);
                channels[i].control.resetHardware();
                resetOk[i] = true;
            }
            if (settings.msix()) {
                mmio.write8(INTRCTRL, IoatDeviceRegisters.INTRCTRL_MSIX_VECTOR_CONTROL | IoatDeviceRegisters.INTRCTRL_MASTER_INT_EN);
            }
            for (IoatChannel c : channels) {
                c.control.startWithNull();
            }
        } catch (RuntimeException e) {
            RuntimeException failure = e;
            for (int i = 0; i < channelCount; i++) {
                if (channels[i] != null) {
                    try {
                        channels[i].control.resetHardware();
                        resetOk[i] = true;
                    } catch (RuntimeException r) {
                        resetOk[i] = false;
                        failure.addSuppressed(r);
                    }
                }
            }
            failure = undo(mmio, function, interrupts, busMaster, failure);
            for (int i = 0; i < channelCount; i++) {
                if (memory[i] != null && (channels[i] == null || resetOk[i])) {
                    context.releaseAfterDevice(memory[i]);
                }
            }
            throw failure;
        }
        EngineCapabilities caps = EngineCapabilities.builder()
            .ops(fill ? new DmaOpKind[] {DmaOpKind.COPY, DmaOpKind.FILL} : new DmaOpKind[] {DmaOpKind.COPY})
            // Everything the IOMMU domain reaches: host memory and other devices' BARs (peer to peer).
            .directions(Direction.MEM_TO_MEM, Direction.MEM_TO_DEV, Direction.DEV_TO_MEM, Direction.DEV_TO_DEV)
            .reaches(LocationKind.HOST_MEMORY, LocationKind.DEVICE_WINDOW)
            .addressing(AddressingMode.IOVA)
            .execution(ExecutionKind.HARDWARE)
            .maxTransferBytes(maxTransfer)
            .alignmentBytes(1)
            .dmaMaskBits(DMA_MASK_BITS)
            .maxSgEntries(1)
            .ringSize(settings.ringSize())
            .channelCount(channelCount)
            .interrupts(settings.msix())
            .inOrderCompletion(true)
            .build();
        return new IoatEngine(name, context, function, channels, memory, caps, identity);
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

    /** CBVER, CHANCNT, XFERCAP and DMACAPABILITY as read at open. */
    String identity() {
        return identity;
    }

    /** Channel {@code index}'s recovery count, for tests and diagnostics. */
    long recoveries(int index) {
        return channels[index].control.recoveries();
    }

    /**
     * Resets every channel and starts it again with a null descriptor: every op not yet reported
     * is dropped (the core fails it), tickets continue.
     *
     * @throws IllegalStateException if a channel does not come back; the core then retires the engine
     */
    @Override
    public synchronized void reset() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        RuntimeException failure = null;
        for (IoatChannel c : channels) {
            try {
                c.control.resetHardware();
                c.control.startWithNull();
            } catch (RuntimeException e) {
                c.stopped = true;
                if (failure == null) {
                    failure = new IllegalStateException(name + ": channel " + c.index() + " did not come back from reset: "
                        + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The first retired channel's reason (forged completion, failed recovery), or null. Field reads only. */
    @Override
    public String fatalCondition() {
        for (IoatChannel c : channels) {
            String reason = c.control.retiredReason();
            if (reason != null) {
                return reason;
            }
        }
        return null;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        List<DmaBuffer> release = new ArrayList<>();
        for (int i = 0; i < channels.length; i++) {
            try {
                channels[i].stopped = true;
                channels[i].control.resetHardware();
                release.add(memory[i]);
            } catch (RuntimeException e) {
                // Its memory stays allocated: a channel that did not reset may still write it.
                failure = collect(failure, e);
            }
        }
        failure = undo(function.registers(), function, true, true, failure);
        for (DmaBuffer b : release) {
            context.releaseAfterDevice(b);
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** INTRCTRL = 0, interrupts detached, bus mastering off; going on past failures. */
    private static RuntimeException undo(IoatMmio mmio, IoatFunction function, boolean interrupts, boolean busMaster,
                                         RuntimeException primary) {
        RuntimeException failure = primary;
        try {
            mmio.write8(INTRCTRL, 0);
        } catch (RuntimeException e) {
            failure = collect(failure, e);
        }
        if (interrupts) {
            try {
                function.disableInterrupts();
            } catch (RuntimeException e) {
                failure = collect(failure, e);
            }
        }
        if (busMaster) {
            try {
                function.disableBusMaster();
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
        return name + " (" + function.address() + ", " + identity + ")";
    }
}
