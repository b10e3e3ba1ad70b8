package io.dmactl.vfio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * PCI configuration space of a VFIO device: the config region of the device fd, read and
 * written with pread/pwrite (vfio-pci virtualizes parts of it, so it is never mmapped).
 * Offsets are range- and alignment-checked before any system call. PCI config space is
 * little-endian.
 */
final class ConfigSpace {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int fd;
    private final long fileOffset;
    private final long sizeBytes;
    private final String subject;
    // One buffer for every access: config access is control path, and the methods are synchronized.
    private final MemorySegment buffer;

    /**
     * @param arena      owns the transfer buffer; close it after this object is no longer used
     * @param fileOffset where the config region starts in the device fd
     * @param sizeBytes  the config region's size (256 for PCI, 4096 for PCIe)
     */
    ConfigSpace(int fd, long fileOffset, long sizeBytes, String subject, Arena arena) {
        this.fd = fd;
        this.fileOffset = fileOffset;
        this.sizeBytes = sizeBytes;
        this.subject = subject;
        this.buffer = arena.allocate(Integer.BYTES, Integer.BYTES);
    }

    long sizeBytes() {
        return sizeBytes;
    }

    synchronized int read8(int offset) {
        transfer(offset, Byte.BYTES, false);
        return Byte.toUnsignedInt(buffer.get(ValueLayout.JAVA_BYTE, 0));
    }

    synchronized int read16(int offset) {
        transfer(offset, Short.BYTES, false);
        return Short.toUnsignedInt(buffer.get(U16, 0));
    }

    synchronized int read32(int offset) {
        transfer(offset, Integer.BYTES, false);
        return buffer.get(U32, 0);
    }

    synchronized void write8(int offset, int value) {
        checkUnsigned(value, 0xff, "8");
        checkAccess(offset, Byte.BYTES);
        buffer.set(ValueLayout.JAVA_BYTE, 0, (byte) value);
        transfer(offset, Byte.BYTES, true);
    }

    synchronized void write16(int offset, int value) {
        checkUnsigned(value, 0xffff, "16");
        checkAccess(offset, Short.BYTES);
        buffer.set(U16, 0, (short) value);
        transfer(offset, Short.BYTES, true);
    }

    synchronized void write32(int offset, int value) {
        checkAccess(offset, Integer.BYTES);
        buffer.set(U32, 0, value);
        transfer(offset, Integer.BYTES, true);
    }

    private void transfer(int offset, int widthBytes, boolean write) {
        checkAccess(offset, widthBytes);
        long done = write
                ? LibC.pwrite(fd, buffer, widthBytes, fileOffset + offset, subject + " config space")
                : LibC.pread(fd, buffer, widthBytes, fileOffset + offset, subject + " config space");
        if (done != widthBytes) {
            throw new VfioException((write ? "wrote " : "read ") + done + " of " + widthBytes
                    + " bytes at config offset 0x" + Integer.toHexString(offset) + " of " + subject);
        }
    }

    /** Rejects accesses outside config space or not aligned to their width. */
    void checkAccess(int offset, int widthBytes) {
        if (offset < 0 || offset > sizeBytes - widthBytes) {
            throw new IllegalArgumentException("config offset " + hex(offset) + " (" + widthBytes
                    + " bytes) is outside the " + sizeBytes + "-byte config space of " + subject);
        }
        if (offset % widthBytes != 0) {
            throw new IllegalArgumentException("config offset 0x" + Integer.toHexString(offset)
                    + " is not aligned to the " + widthBytes + "-byte access width (" + subject + ")");
        }
    }

    private static String hex(int offset) {
        return offset < 0 ? Integer.toString(offset) : "0x" + Integer.toHexString(offset);
    }

    private void checkUnsigned(int value, int max, String bits) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException("value 0x" + Integer.toHexString(value) + " does not fit a " + bits
                    + "-bit config register (" + subject + ")");
        }
    }
}
