package io.dmactl.provider.dsa;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Makes a page of this process present again after the device reported a fault on it (shared
 * virtual addressing: the device's page walk found no translation). Only ever called with an
 * address inside the faulting op's own ranges, which the core resolved from memory it keeps mapped.
 */
final class PageToucher {
    private static final VarHandle BYTE = ValueLayout.JAVA_BYTE.varHandle();

    private PageToucher() {
    }

    /** Reads the byte; for a fault on a write, writes it back (the op owns it and has not written it yet). */
    static void touch(long address, boolean forWrite) {
        MemorySegment page = MemorySegment.ofAddress(address).reinterpret(1);
        byte value = (byte) BYTE.getVolatile(page, 0L);
        if (forWrite) {
            BYTE.setVolatile(page, 0L, value);
        }
    }
}
