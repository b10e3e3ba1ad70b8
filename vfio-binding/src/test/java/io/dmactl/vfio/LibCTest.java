package io.dmactl.vfio;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LibCTest {

    @Test
    void failedOpenNamesCallPathAndErrno() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> LibC.open("/nonexistent/dmactl-test", 0));
        assertEquals("open on /nonexistent/dmactl-test failed: ENOENT (2) No such file or directory", e.getMessage());
        assertEquals(2, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open", e.call());
        assertEquals("/nonexistent/dmactl-test", e.subject());
    }

    @Test
    void ioctlOnABadFdNamesTheRequest() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> LibC.ioctl(-1, VfioIoctl.VFIO_GET_API_VERSION, "fd -1", 0L));
        assertEquals("ioctl(VFIO_GET_API_VERSION) on fd -1 failed: EBADF (9) Bad file descriptor", e.getMessage());
    }

    @Test
    void hintIsAppendedAndUnknownErrnoStillReads() {
        NativeCallException e = new NativeCallException("mlock(4096 bytes)", "host memory", 12, "raise it");
        assertEquals("mlock(4096 bytes) on host memory failed: ENOMEM (12) Cannot allocate memory; raise it",
                e.getMessage());
        NativeCallException unknown = new NativeCallException("x", "y", 4242);
        assertEquals("x on y failed: errno4242 (4242) Unknown error 4242", unknown.getMessage());
    }
}
