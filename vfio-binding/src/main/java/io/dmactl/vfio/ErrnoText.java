package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

import java.lang.foreign.MemorySegment;

/**
 * errno numbers as names ({@code strerrorname_np}) and texts ({@code strerror}),
 * straight from the C library so they match what {@code perror} would print.
 */
final class ErrnoText {
    // Both functions return pointers to static strings; 256 bytes is far beyond any of them.
    private static final long MAX_TEXT_BYTES = 256;

    private ErrnoText() {
    }

    /** E.g. {@code EPERM}; {@code errno} followed by the number when the C library has no name. */
    static String name(int errno) {
        MemorySegment text = Native.strerrorname_np(errno);
        return text.equals(MemorySegment.NULL) ? "errno" + errno : read(text);
    }

    /** E.g. {@code Operation not permitted}. */
    static String description(int errno) {
        MemorySegment text = Native.strerror(errno);
        return text.equals(MemorySegment.NULL) ? "Unknown error " + errno : read(text);
    }

    private static String read(MemorySegment cString) {
        return cString.reinterpret(MAX_TEXT_BYTES).getString(0);
    }
}
