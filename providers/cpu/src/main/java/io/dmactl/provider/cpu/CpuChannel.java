package io.dmactl.provider.cpu;

import io.dmactl.core.spi.CompletionInterrupt;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static io.dmactl.provider.cpu.CpuDescriptor.REG_SLEEPING;

/**
 * One cpu-engine channel. The producer side (descriptor stores, doorbell release, completion
 * acquire) is {@link DescriptorRingChannel}'s; what this class adds is nudging the executor, the
 * channel's device, when a doorbell may have found it parked. Single owner thread, nothing allocated.
 */
final class CpuChannel extends DescriptorRingChannel {
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final CpuExecutor executor;

    // ---- below here: not on the I/O path ----
    private final int index;
    private final SoftInterrupt interrupt;

    CpuChannel(int index, RingMemory memory, SoftInterrupt interrupt, CpuExecutor executor) {
        super(memory);
        this.index = index;
        this.interrupt = interrupt;
        this.executor = executor;
    }

    @Override
    protected void doorbellRung(long doorbell) {
        // Store-load barrier: the doorbell store (a release in submit()) must be visible before we
        // read SLEEPING, or an executor that checked the doorbell just before our store could park
        // and miss it.
        VarHandle.fullFence();
        if ((int) INT.getVolatile(registers(), REG_SLEEPING) != 0) {
            executor.wake();
        }
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public CompletionInterrupt interrupt() {
        return interrupt;
    }

    /**
     * Engine reset, executor halted, owner paused: drop everything enqueued so far (it will never
     * be reported) and restart both sides at the current tail.
     */
    void restartAfterHalt() {
        executor.resume(restartRing());
    }
}
