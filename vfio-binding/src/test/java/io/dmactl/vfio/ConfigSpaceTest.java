package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigSpaceTest {
    // fd -1: any access that gets past the checks reaches pread/pwrite and fails with EBADF,
    // so an IllegalArgumentException proves the check ran before the system call.
    private static final int NO_FD = -1;

    @Test
    void offsetsOutsideConfigSpaceAreRejectedBeforeAnySystemCall() {
        try (Arena arena = Arena.ofConfined()) {
            ConfigSpace config = new ConfigSpace(NO_FD, 0x70000000000L, 256, "device 0000:00:03.0", arena);
            assertRejected(() -> config.read32(256), "0x100");
            assertRejected(() -> config.read32(-4), "-4");
            assertRejected(() -> config.read16(255), "0xff");
            assertRejected(() -> config.read8(256), "0x100");
            assertRejected(() -> config.write32(253, 0), "0xfd");
            assertRejected(() -> config.write16(0x1000, 0), "0x1000");
        }
    }

    @Test
    void misalignedAccessesAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            ConfigSpace config = new ConfigSpace(NO_FD, 0, 4096, "device 0000:00:03.0", arena);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.read32(2));
            assertTrue(e.getMessage().contains("not aligned"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> config.write16(1, 0));
        }
    }

    @Test
    void valuesThatDoNotFitTheRegisterAreRejected() {
        try (Arena arena = Arena.ofConfined()) {
            ConfigSpace config = new ConfigSpace(NO_FD, 0, 256, "device 0000:00:03.0", arena);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.write16(4, 0x10000));
            assertTrue(e.getMessage().contains("0x10000") && e.getMessage().contains("16-bit"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> config.write8(4, 0x100));
            assertThrows(IllegalArgumentException.class, () -> config.write8(4, -1));
        }
    }

    @Test
    void inRangeAccessesReachTheSystemCallAtRegionOffsetPlusOffset() {
        try (Arena arena = Arena.ofConfined()) {
            ConfigSpace config = new ConfigSpace(NO_FD, 0x70000000000L, 256, "device 0000:00:03.0", arena);
            NativeCallException e = assertThrows(NativeCallException.class, () -> config.read32(252));
            assertEquals("EBADF", e.errnoName());
            assertEquals("pread(4 bytes at 0x700000000fc)", e.call());
            assertEquals("device 0000:00:03.0 config space", e.subject());
            NativeCallException write = assertThrows(NativeCallException.class, () -> config.write16(4, 0x0406));
            assertEquals("pwrite(2 bytes at 0x70000000004)", write.call());
        }
    }

    private static void assertRejected(org.junit.jupiter.api.function.Executable access, String offsetText) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, access);
        assertTrue(e.getMessage().contains("config offset " + offsetText) && e.getMessage().contains("outside"),
                e.getMessage());
    }
}
