package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AddressSpaceTest {

    @Test
    void offsetsAreCpuAddresses() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cell = arena.allocate(ValueLayout.JAVA_LONG);
            cell.set(ValueLayout.JAVA_LONG, 0, 0x1122_3344_5566_7788L);
            assertEquals(0x1122_3344_5566_7788L, AddressSpace.all().get(ValueLayout.JAVA_LONG, cell.address()));
            AddressSpace.all().set(ValueLayout.JAVA_LONG, cell.address(), 42L);
            assertEquals(42L, cell.get(ValueLayout.JAVA_LONG, 0));
        }
    }

    @Test
    void spansTheWholeAddressSpaceFromZero() {
        assertEquals(0L, AddressSpace.all().address());
        assertEquals(Long.MAX_VALUE, AddressSpace.all().byteSize());
    }
}
