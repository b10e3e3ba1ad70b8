package io.dmactl.bench;

import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.provider.cpu.DescriptorRingChannel;
import io.dmactl.provider.cpu.RingMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.dmactl.provider.cpu.CpuDescriptor.*;

/**
 * A channel whose "hardware" finishes every op the moment the doorbell rings, on the submitting
 * thread, without moving a byte: what is left to measure is the channel API itself (descriptor
 * stores, doorbell release, completion acquire, status harvest), the way a driver pays for it.
 *
 * <p>The producer side is the cpu engine's own {@link DescriptorRingChannel}, so the bookkeeping
 * is that of a real ring: consecutive tickets, {@link #NO_SPACE} once {@link #capacity()} ops are
 * unharvested, descriptors the device cannot run complete INVALID. Only the device side (the
 * synchronous completion in {@link #doorbellRung}) is this class's own. Benchmark-only: it
 * reports SUCCESS for copies and fills it never performed.
 */
final class NoopChannel extends DescriptorRingChannel {
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    /** Device side: the next ticket the device will complete. */
    private long deviceHead;

    // ---- below here: not on the I/O path ----
    private final int index;

    NoopChannel(int index, RingMemory memory) {
        super(memory);
        this.index = index;
    }

    /** The "device": completes everything up to the doorbell at once. */
    @Override
    protected void doorbellRung(long doorbell) {
        // Acquire: pairs with the doorbell release in submit(), as a device's fetch would.
        long visible = (long) LONG.getAcquire(registers(), REG_DOORBELL);
        // Locals, not calls in the loop: this body is inlined deep into the caller, where the JIT's
        // node budget may already be spent and a per-op call would remain.
        MemorySegment descriptors = descriptors();
        MemorySegment statuses = statuses();
        long mask = capacity() - 1;
        for (long ticket = deviceHead; ticket != visible; ticket++) {
            long slot = ticket & mask;
            int opcode = descriptors.get(ValueLayout.JAVA_INT, slot * BYTES + CONTROL) & OP_MASK;
            int result = opcode == OP_INVALID ? OpStatus.INVALID : OpStatus.SUCCESS;
            statuses.set(ValueLayout.JAVA_INT, slot * STATUS_BYTES, result);
        }
        deviceHead = visible;
        // Release: each status store above happens-before poll()'s acquire of COMPLETED.
        LONG.setRelease(registers(), REG_COMPLETED, visible);
    }

    @Override
    public int index() {
        return index;
    }

    /** No interrupts: the owner polls. */
    @Override
    public CompletionInterrupt interrupt() {
        return null;
    }

    /** Engine reset: drop what is unharvested (never reported) and restart both sides at the current tail. */
    void restart() {
        deviceHead = restartRing();
    }
}
