package io.dmactl.provider.dsa;

import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.spi.AddressingMode;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineContext;

import java.util.ArrayList;
import java.util.List;

import static io.dmactl.provider.dsa.DsaCapabilityRegisters.*;
import static io.dmactl.provider.dsa.DsaConfigTables.*;
import static io.dmactl.provider.dsa.DsaControlRegisters.*;
import static io.dmactl.vfio.IdxdAbi.*;

/**
 * A DSA function this process drives itself through vfio-pci, as DPDK's PCI path does. Open, step
 * by step:
 * <ol>
 * <li>read GENCAP, WQCAP, GRPCAP, ENGCAP, OPCAP and the table offsets; refuse a device without
 *     configuration support (GENCAP.CONFIG_EN) or dedicated mode (WQCAP);</li>
 * <li>GENSTS must read disabled; otherwise RESET_DEVICE first;</li>
 * <li>group 0 gets every engine and the queues dmactl uses (one per channel, at most
 *     {@code dsa.channels}), each queue dedicated, the total WQ size split evenly, limits from
 *     GENCAP; every other queue size 0;</li>
 * <li>bus mastering on, ENABLE_DEVICE, then ENABLE_WQ per queue; each command waits (bounded) for
 *     CMDSTS.ACTIVE to clear and fails with CMDSTS.ERR, GENSTS and SWERR named.</li>
 * </ol>
 * Completion: records polled, and with {@code dsa.completion=msix} (default) MSI-X vector n+1 for
 * queue n (RCI with interrupt handle n+1 on the last descriptor of each write, or on the batch
 * descriptor), vector 0 left to the device's own events. Reset: DISABLE_WQ (the device finishes or drops what
 * it holds), RESET_WQ, ENABLE_WQ per queue, then the channels forget. Close: DISABLE_DEVICE, bus
 * mastering off.
 */
final class DsaVfioPath implements DsaEngine.Path {
    static final int DMA_MASK_BITS = 64;
    private final DsaMmio mmio;
    private final long commandTimeoutNanos;
    private final long wqcfgBase;
    private final int wqcfgBytes;
    private final DmaOpKind[] ops;
    private final int[] queues;
    final List<DsaEngine.Binding> bindings = new ArrayList<>();
    /** MSI-X signals by vector (vector 0: the device's own events, 1..n: queue n-1's completions), or null. */
    private CompletionInterrupt[] vectors;

    private DsaVfioPath(DsaMmio mmio, long commandTimeoutNanos, long wqcfgBase, int wqcfgBytes, DmaOpKind[] ops, int[] queues) {
        this.mmio = mmio;
        this.commandTimeoutNanos = commandTimeoutNanos;
        this.wqcfgBase = wqcfgBase;
        this.wqcfgBytes = wqcfgBytes;
        this.ops = ops;
        this.queues = queues;
    }

    static DsaVfioPath bringUp(String name, DsaMmio mmio, int wantedQueues, int queueSize, boolean msix, long commandTimeoutNanos) {
        long gencap = mmio.read64(GENCAP);
        long wqcap = mmio.read64(WQCAP);
        long grpcap = mmio.read64(GRPCAP);
        long engcap = mmio.read64(ENGCAP);
        long tables = mmio.read64(TABLE_OFFSET);
        long[] opcap = new long[4];
        for (int i = 0; i < 4; i++) {
            opcap[i] = mmio.read64(OPCAP + 8L * i);
        }
        String where = name + ": " + mmio.subject();
        if ((gencap & GENCAP_CONFIG_EN) == 0) {
            throw new IllegalStateException(where + " GENCAP 0x" + Long.toHexString(gencap) + " has no configuration support (bit 31);"
                + " its queues are fixed: use it through the idxd driver (provider dsa)");
        }
        if ((wqcap & WQCAP_DEDICATED_MODE) == 0) {
            throw new IllegalStateException(where + " WQCAP 0x" + Long.toHexString(wqcap) + " offers no dedicated mode (bit 49),"
                + " which the portal path needs");
        }
        int numWqs = (int) field(wqcap, WQCAP_NUM_WQS_SHIFT, WQCAP_NUM_WQS_MASK);
        int totalSize = (int) (wqcap & WQCAP_TOTAL_SIZE_MASK);
        int numEngines = (int) (engcap & ENGCAP_NUM_ENGINES_MASK);
        int numGroups = (int) (grpcap & GRPCAP_NUM_GROUPS_MASK);
        if (numWqs == 0 || numEngines == 0 || numGroups == 0 || totalSize == 0) {
            throw new IllegalStateException(where + " reports " + numWqs + " WQs, " + numEngines + " engines, " + numGroups + " groups, total"
                + " WQ size " + totalSize + ": nothing to configure");
        }
        int count = Math.min(wantedQueues, numWqs);
        if (msix && mmio.msixVectors() < count + 1) {
            throw new IllegalStateException(where + " offers " + mmio.msixVectors() + " MSI-X vectors on eventfds; " + count
                + " queues need " + (count + 1) + " (vector 0 is the device's own); open it with dsa.completion=poll");
        }
        int size = Math.min(queueSize, totalSize / count);
        int xferShift = (int) field(gencap, GENCAP_MAX_XFER_SHIFT_SHIFT, GENCAP_MAX_XFER_SHIFT_MASK);
        int batchShift = (int) field(gencap, GENCAP_MAX_BATCH_SHIFT_SHIFT, GENCAP_MAX_BATCH_SHIFT_MASK);
        List<DmaOpKind> offered = new ArrayList<>();
        int[][] needs = {{OPCODE_MEMMOVE}, {OPCODE_MEMFILL}, {OPCODE_COMPARE}, {OPCODE_COMPVAL}, {OPCODE_CRCGEN}, {OPCODE_DUALCAST}};
        DmaOpKind[] kinds = {DmaOpKind.COPY, DmaOpKind.FILL, DmaOpKind.COMPARE, DmaOpKind.COMPARE_PATTERN, DmaOpKind.CRC32C, DmaOpKind.DUALCAST};
        for (int i = 0; i < kinds.length; i++) {
            if (opSupported(opcap, needs[i][0])) {
                offered.add(kinds[i]);
            }
        }
        if (!offered.contains(DmaOpKind.COPY)) {
            throw new IllegalStateException(where + " OPCAP lacks memory move");
        }
        long grpcfgBase = (tables & 0xffff) * TABLE_OFFSET_UNIT_BYTES;
        long wqcfgBase = ((tables >>> 16) & 0xffff) * TABLE_OFFSET_UNIT_BYTES;
        int wqcfgBytes = WQCFG_MIN_BYTES << (int) field(wqcap, WQCAP_WQCFG_SIZE_SHIFT, WQCAP_WQCFG_SIZE_MASK);
        int[] queues = new int[count];
        for (int i = 0; i < count; i++) {
            queues[i] = i;
        }
        DsaVfioPath path = new DsaVfioPath(mmio, commandTimeoutNanos, wqcfgBase, wqcfgBytes, offered.toArray(DmaOpKind[]::new), queues);
        if ((mmio.read32(GENSTS) & GENSTS_STATE_MASK) != STATE_DISABLED) {
            path.command(CMD_RESET_DEVICE, 0, "RESET_DEVICE");
        }
        // Group 0: every engine and our queues; every other group empty.
        for (int g = 0; g < numGroups; g++) {
            long at = grpcfgBase + (long) g * GRPCFG_BYTES;
            for (int w = 0; w < 4; w++) {
                mmio.write64(at + GRPCFG_WQS + 8L * w, g == 0 && w == 0 ? (1L << count) - 1 : 0);
            }
            mmio.write64(at + GRPCFG_ENGINES, g == 0 ? (numEngines >= 64 ? -1L : (1L << numEngines) - 1) : 0);
            mmio.write32(at + GRPCFG_FLAGS, 0);
        }
        for (int wq = 0; wq < numWqs; wq++) {
            long at = wqcfgBase + (long) wq * wqcfgBytes;
            boolean ours = wq < count;
            mmio.write32(at + WQCFG_SIZE, ours ? size : 0);
            mmio.write32(at + WQCFG_THRESHOLD, 0);
            mmio.write32(at + WQCFG_MODE, ours ? WQCFG_MODE_DEDICATED | (1 << WQCFG_PRIORITY_SHIFT) : 0);
            mmio.write32(at + WQCFG_LIMITS, ours ? xferShift | (batchShift << WQCFG_MAX_BATCH_SHIFT_SHIFT) : 0);
        }
        mmio.enableBusMaster();
        try {
            if (msix) {
                path.vectors = mmio.enableMsix(count + 1);
            }
            path.command(CMD_ENABLE_DEVICE, 0, "ENABLE_DEVICE");
            for (int wq : queues) {
                path.command(CMD_ENABLE_WQ, wq, "ENABLE_WQ " + wq);
                String queueName = "wq" + wq;
                WorkQueueInfo info = new WorkQueueInfo(queueName, mmio.subject(), "dedicated", size, "user", "enabled",
                    xferShift >= 31 ? Integer.MAX_VALUE : 1L << xferShift, 1 << batchShift, "dmactl");
                path.bindings.add(new DsaEngine.Binding(info, new PortalWorkQueuePort(mmio, wq, path)));
            }
        } catch (RuntimeException e) {
            try {
                path.command(CMD_DISABLE_DEVICE, 0, "DISABLE_DEVICE");
            } catch (RuntimeException d) {
                e.addSuppressed(d);
            }
            mmio.disableInterrupts();
            mmio.disableBusMaster();
            throw e;
        }
        return path;
    }

    /** Writes CMD and waits (bounded) for CMDSTS.ACTIVE to clear; throws with CMDSTS.ERR, GENSTS and SWERR. */
    void command(int command, int operand, String what) {
        mmio.write32(CMD, DsaControlRegisters.command(command, operand));
        long deadline = System.nanoTime() + commandTimeoutNanos;
        int status;
        while (((status = mmio.read32(CMDSTS)) & CMDSTS_ACTIVE) != 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(mmio.subject() + ": " + what + " still active after " + commandTimeoutNanos / 1_000_000
                    + " ms (CMDSTS 0x" + Integer.toHexString(status) + ")" + swerrSuffix());
            }
            Thread.onSpinWait();
        }
        int err = status & CMDSTS_ERR_MASK;
        if (err != 0) {
            throw new IllegalStateException(mmio.subject() + ": " + what + " failed, CMDSTS.ERR 0x" + Integer.toHexString(err) + ", GENSTS "
                + stateName(mmio.read32(GENSTS)) + swerrSuffix());
        }
    }

    private String swerrSuffix() {
        String swerr = softwareError();
        return swerr != null ? "; " + swerr : "";
    }

    /** SWERR decoded, or null when not valid. */
    String softwareError() {
        return swerrText(mmio.read64(SWERR), mmio.read64(SWERR + 8), mmio.read64(SWERR + 16), mmio.read64(SWERR + 24));
    }

    int queueState(int wq) {
        return mmio.read32(wqcfgBase + (long) wq * wqcfgBytes + WQCFG_STATE) >>> WQCFG_STATE_SHIFT;
    }

    @Override
    public AddressingMode addressing() {
        return AddressingMode.IOVA;
    }

    @Override
    public long deviceAddress(EngineContext context, DmaBuffer buffer) {
        return context.deviceAddress(buffer, DMA_MASK_BITS);
    }

    @Override
    public DmaOpKind[] ops() {
        return ops.clone();
    }

    /** GENSTS halted: the device stopped on a software error and only a device reset brings it back. */
    @Override
    public String fatalCondition() {
        if ((mmio.read32(GENSTS) & GENSTS_STATE_MASK) != STATE_HALTED) {
            return null;
        }
        return mmio.subject() + ": GENSTS reads halted" + swerrSuffix();
    }

    @Override
    public void reset(DsaChannel[] channels, long timeoutNanos) {
        String halted = fatalCondition();
        if (halted != null) {
            // Re-running the whole configuration after RESET_DEVICE is not done here: the engine is retired.
            throw new IllegalStateException(halted + "; the device needs RESET_DEVICE and a new configuration: reopen it");
        }
        for (int i = 0; i < channels.length; i++) {
            int wq = queues[i];
            command(CMD_DISABLE_WQ, wqOperand(wq), "DISABLE_WQ " + wq);
            command(CMD_RESET_WQ, wqOperand(wq), "RESET_WQ " + wq);
            command(CMD_ENABLE_WQ, wq, "ENABLE_WQ " + wq);
            channels[i].forget();
        }
    }

    @Override
    public CompletionInterrupt interrupt(int index) {
        return vectors == null ? null : vectors[index + 1];
    }

    /** The descriptor's interrupt handle for queue {@code index}: its MSI-X table entry (no IMS). */
    @Override
    public int interruptHandle(int index) {
        return vectors == null ? 0 : index + 1;
    }

    @Override
    public void close() {
        try {
            command(CMD_DISABLE_DEVICE, 0, "DISABLE_DEVICE");
        } finally {
            try {
                mmio.disableInterrupts();
            } finally {
                mmio.disableBusMaster();
            }
        }
    }
}
