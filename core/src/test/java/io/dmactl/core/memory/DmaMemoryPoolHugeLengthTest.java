package io.dmactl.core.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lengths a pool with no practical limit cannot carve (more pages than an int counts, or near
 * Long.MAX_VALUE, where rounding up to a page would wrap) are refused with the length named,
 * not with an ArithmeticException from inside, and nothing is taken from the page source.
 */
class DmaMemoryPoolHugeLengthTest {

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, Long.MAX_VALUE - 4095, 1L << 62, 16L << 40, (long) Integer.MAX_VALUE * 4096 + 1})
    void aLengthPastWhatABufferCanHoldIsRefusedNamingIt(long lengthBytes) {
        ArenaPageSource source = new ArenaPageSource(4096);
        try (DmaMemoryPool pool = new DmaMemoryPool(source, 4096, 2L << 20, Long.MAX_VALUE)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pool.allocate(lengthBytes));
            assertTrue(e.getMessage().contains("buffer lengthBytes " + lengthBytes + " is more than one buffer can hold"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("at most " + (long) Integer.MAX_VALUE * 4096 + " bytes"), e.getMessage());
            assertEquals(0, pool.liveBuffers());
        }
    }

    @Test
    void theLargestCarvableLengthIsNotRefusedAsTooLarge() {
        try (DmaMemoryPool pool = new DmaMemoryPool(new ArenaPageSource(4096), 4096, 2L << 20, 4L << 20)) {
            // Within the int page count: refused only by the pool limit, as before.
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pool.allocate((long) Integer.MAX_VALUE * 4096));
            assertTrue(e.getMessage().contains("exceeds the pool limit"), e.getMessage());
        }
    }
}
