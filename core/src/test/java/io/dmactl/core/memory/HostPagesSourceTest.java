package io.dmactl.core.memory;

import io.dmactl.core.PoolExhaustedException;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.vfio.NativeCallException;
import io.dmactl.vfio.PageKind;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

/** The pool over real locked memory from vfio-binding (the runtime's default source). */
class HostPagesSourceTest {

    @Test
    void thePoolCarvesLockedHostPages() {
        HostPagesSource source = HostPagesSource.preferHugePages();
        try (DmaMemoryPool pool = new DmaMemoryPool(source, 4096, 2L << 20, 8L << 20)) {
            DmaBuffer a;
            try {
                a = pool.allocate(10_000);
            } catch (PoolExhaustedException e) {
                if (e.getCause() instanceof NativeCallException) {
                    abort("cannot lock memory here: " + e.getMessage());
                }
                throw e;
            }
            DmaBuffer big = pool.allocate(3L << 20);
            assertEquals(0, a.segment().address() % 4096);
            a.segment().set(ValueLayout.JAVA_LONG, 8, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, a.segment().get(ValueLayout.JAVA_LONG, 8));
            assertTrue(pool.describe().contains("locked"), pool.describe());
            long expectedBig = source.kind() == PageKind.HUGE_2M ? 4L << 20 : 3L << 20;
            assertEquals((2L << 20) + expectedBig, pool.reservedBytes());
            big.close();
            a.close();
        }
    }
}
