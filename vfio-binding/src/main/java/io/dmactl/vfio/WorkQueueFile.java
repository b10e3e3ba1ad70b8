package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An Intel DSA/IAA user work queue opened through the kernel's idxd character device
 * ({@code /dev/dsa/wqD.Q}). Opening binds this process's address space to the queue (shared
 * virtual addressing through the queue's PASID); {@link #write} hands the kernel whole 64-byte
 * descriptors, which it forwards to the queue's portal (MOVDIR64B for a dedicated queue, ENQCMDS
 * for a shared one) after checking them. Owned by one thread at a time; closing unbinds.
 */
public final class WorkQueueFile implements AutoCloseable {
    /** Bytes of one descriptor: every write is a multiple of it. */
    public static final int DESCRIPTOR_BYTES = 64;
    /** errno: a shared queue refused the descriptor (ENQCMDS retry), nothing more was taken. */
    public static final int EAGAIN = 11;

    private final String path;
    private final int fd;
    private boolean closed;

    private WorkQueueFile(String path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Opens {@code path} read-write.
     *
     * @param path the work queue's character device, e.g. {@code /dev/dsa/wq0.0}
     * @return the open work queue file; close it
     * @throws NativeCallException with the errno if the kernel refuses (no such queue, queue not
     *                             enabled, permission: the device node belongs to root unless the
     *                             administrator granted it)
     */
    public static WorkQueueFile open(String path) {
        Objects.requireNonNull(path, "path");
        return new WorkQueueFile(path, LibC.open(path, Native.O_RDWR() | Native.O_CLOEXEC()));
    }

    /**
     * The path the work queue was opened at.
     *
     * @return the path
     */
    public String path() {
        return path;
    }

    /**
     * Submits {@code byteCount} bytes of descriptors from {@code descriptors} (one {@code write(2)}).
     * Fast path: allocates nothing, throws nothing for a refusal.
     *
     * @param descriptors the descriptors, each 64 bytes
     * @param byteCount how many bytes to write, a multiple of 64
     * @return the bytes the kernel took (a multiple of {@link #DESCRIPTOR_BYTES}; fewer than asked
     *         when the queue filled), or {@code -errno} when it took none
     * @throws IllegalArgumentException if {@code byteCount} is not a positive multiple of 64 within the segment
     */
    public long write(MemorySegment descriptors, long byteCount) {
        if (byteCount <= 0 || byteCount % DESCRIPTOR_BYTES != 0 || byteCount > descriptors.byteSize()) {
            throw new IllegalArgumentException(path + ": write of " + byteCount + " bytes from a segment of " + descriptors.byteSize()
                + " bytes; it must be a positive multiple of " + DESCRIPTOR_BYTES);
        }
        return LibC.writeOrErrno(fd, descriptors, byteCount);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd, path);
        }
    }
}
