package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls dmactl makes, each one a downcall that captures errno
 * ({@link Linker.Option#captureCallState}) and turns a failure into a
 * {@link NativeCallException} naming the call and what it was about.
 *
 * <p>Descriptors and addresses come from the jextract-generated {@link Native};
 * only the handles are built here, because the generated ones do not capture
 * errno. The variadic calls ({@code open}, {@code ioctl}) get one handle per
 * argument shape, as the C calling convention for variadic arguments requires.
 *
 * <p>Every method is safe to call from any thread: the errno capture buffer is
 * per thread and allocated once, so a call allocates nothing except where it
 * must turn a Java string into a C string.
 */
final class LibC {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(PathElement.groupElement("errno")).withInvokeExactBehavior();

    // The captured errno lands in this per-thread buffer. An automatic arena frees it
    // once the thread (and so its ThreadLocal value) is gone.
    private static final ThreadLocal<MemorySegment> CAPTURE_BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final int EINTR = Native.EINTR();

    // Variadic calls: the fixed arguments first, then one handle per variadic argument shape.
    // GeneratedLayoutTest checks the fixed part against the C prototypes.
    /** {@code int open(const char *path, int flags, ...)}: the fixed arguments. */
    static final FunctionDescriptor OPEN_FIXED = FunctionDescriptor.of(Native.C_INT, Native.C_POINTER, Native.C_INT);
    /** {@code int ioctl(int fd, unsigned long request, ...)}: the fixed arguments. */
    static final FunctionDescriptor IOCTL_FIXED = FunctionDescriptor.of(Native.C_INT, Native.C_INT, Native.C_LONG);

    private static final MethodHandle OPEN = variadic(Native.open.address(), OPEN_FIXED, Native.C_INT);
    private static final MethodHandle IOCTL_POINTER = variadic(Native.ioctl.address(), IOCTL_FIXED, Native.C_POINTER);
    private static final MethodHandle IOCTL_LONG = variadic(Native.ioctl.address(), IOCTL_FIXED, Native.C_LONG);
    private static final MethodHandle CLOSE = capturing(Native.close$address(), Native.close$descriptor());
    private static final MethodHandle READ = capturing(Native.read$address(), Native.read$descriptor());
    private static final MethodHandle WRITE = capturing(Native.write$address(), Native.write$descriptor());
    private static final MethodHandle PREAD = capturing(Native.pread$address(), Native.pread$descriptor());
    private static final MethodHandle PWRITE = capturing(Native.pwrite$address(), Native.pwrite$descriptor());
    private static final MethodHandle MMAP = capturing(Native.mmap$address(), Native.mmap$descriptor());
    private static final MethodHandle MUNMAP = capturing(Native.munmap$address(), Native.munmap$descriptor());
    private static final MethodHandle MLOCK = capturing(Native.mlock$address(), Native.mlock$descriptor());
    private static final MethodHandle MUNLOCK = capturing(Native.munlock$address(), Native.munlock$descriptor());
    private static final MethodHandle MEMFD_CREATE =
            capturing(Native.memfd_create$address(), Native.memfd_create$descriptor());
    private static final MethodHandle FTRUNCATE =
            capturing(Native.ftruncate$address(), Native.ftruncate$descriptor());
    private static final MethodHandle EVENTFD = capturing(Native.eventfd$address(), Native.eventfd$descriptor());
    private static final MethodHandle POLL = capturing(Native.poll$address(), Native.poll$descriptor());
    private static final MethodHandle SYSCONF = capturing(Native.sysconf$address(), Native.sysconf$descriptor());
    private static final MethodHandle GETRLIMIT =
            capturing(Native.getrlimit$address(), Native.getrlimit$descriptor());

    /** {@code (void *) -1}, what {@code mmap} returns on failure. */
    static final long MAP_FAILED = -1L;

    /** {@link #poll} returns this when a signal interrupted it before any fd was ready. */
    static final int POLL_INTERRUPTED = -1;

    private LibC() {
    }

    private static MethodHandle capturing(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }

    private static MethodHandle variadic(MemorySegment address, FunctionDescriptor fixed, MemoryLayout variadicArgument) {
        return LINKER.downcallHandle(address, fixed.appendArgumentLayouts(variadicArgument), CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(fixed.argumentLayouts().size()));
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    // The downcall handles only throw what the native code cannot (linkage errors); keep
    // those unchecked and visible instead of wrapping every call site in a catch.
    private static AssertionError unexpected(String call, Throwable t) {
        return new AssertionError("downcall " + call + " threw unexpectedly", t);
    }

    /** {@code open(path, flags)}; returns the new fd. */
    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment capture = CAPTURE_BUFFER.get();
            int fd = (int) OPEN.invokeExact(capture, cPath, flags, 0);
            if (fd < 0) {
                throw new NativeCallException("open", path, errno(capture));
            }
            return fd;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("open", t);
        }
    }

    /** {@code close(fd)}; {@code subject} names what the fd was for. */
    static void close(int fd, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) CLOSE.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw unexpected("close", t);
        }
        // No retry on EINTR: on Linux the fd is released even then, and a retry could close a reused fd.
        if (result < 0 && errno(capture) != EINTR) {
            throw new NativeCallException("close(fd " + fd + ")", subject, errno(capture));
        }
    }

    /** {@code ioctl(fd, request, pointer)}; returns the ioctl's non-negative result. */
    static int ioctl(int fd, VfioIoctl request, String subject, MemorySegment argument) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) IOCTL_POINTER.invokeExact(capture, fd, request.number(), argument);
        } catch (Throwable t) {
            throw unexpected("ioctl", t);
        }
        if (result < 0) {
            throw new NativeCallException("ioctl(" + request + ")", subject, errno(capture));
        }
        return result;
    }

    /** {@code ioctl(fd, request, value)} for requests that take an integer (or nothing). */
    static int ioctl(int fd, VfioIoctl request, String subject, long argument) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) IOCTL_LONG.invokeExact(capture, fd, request.number(), argument);
        } catch (Throwable t) {
            throw unexpected("ioctl", t);
        }
        if (result < 0) {
            throw new NativeCallException("ioctl(" + request + ")", subject, errno(capture));
        }
        return result;
    }

    /** {@code read(fd, buffer, byteCount)}, retried on EINTR; returns the bytes read. */
    static long read(int fd, MemorySegment buffer, long byteCount, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        while (true) {
            long result;
            try {
                result = (long) READ.invokeExact(capture, fd, buffer, byteCount);
            } catch (Throwable t) {
                throw unexpected("read", t);
            }
            if (result >= 0) {
                return result;
            }
            if (errno(capture) != EINTR) {
                throw new NativeCallException("read(" + byteCount + " bytes)", subject, errno(capture));
            }
        }
    }

    /** {@code write(fd, buffer, byteCount)}, retried on EINTR; returns the bytes written. */
    static long write(int fd, MemorySegment buffer, long byteCount, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        while (true) {
            long result;
            try {
                result = (long) WRITE.invokeExact(capture, fd, buffer, byteCount);
            } catch (Throwable t) {
                throw unexpected("write", t);
            }
            if (result >= 0) {
                return result;
            }
            if (errno(capture) != EINTR) {
                throw new NativeCallException("write(" + byteCount + " bytes)", subject, errno(capture));
            }
        }
    }

    /** {@code pread(fd, buffer, byteCount, offset)}, retried on EINTR; returns the bytes read. */
    static long pread(int fd, MemorySegment buffer, long byteCount, long offset, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        while (true) {
            long result;
            try {
                result = (long) PREAD.invokeExact(capture, fd, buffer, byteCount, offset);
            } catch (Throwable t) {
                throw unexpected("pread", t);
            }
            if (result >= 0) {
                return result;
            }
            if (errno(capture) != EINTR) {
                throw new NativeCallException("pread(" + byteCount + " bytes at 0x" + Long.toHexString(offset) + ")",
                        subject, errno(capture));
            }
        }
    }

    /** {@code pwrite(fd, buffer, byteCount, offset)}, retried on EINTR; returns the bytes written. */
    /**
     * {@code write(fd, buffer, byteCount)} for a fast path: the byte count written, or
     * {@code -errno}; retries EINTR, throws nothing for an errno and allocates nothing.
     */
    static long writeOrErrno(int fd, MemorySegment buffer, long byteCount) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        while (true) {
            long result;
            try {
                result = (long) WRITE.invokeExact(capture, fd, buffer, byteCount);
            } catch (Throwable t) {
                throw unexpected("write", t);
            }
            if (result >= 0) {
                return result;
            }
            int errno = errno(capture);
            if (errno != EINTR) {
                return -errno;
            }
        }
    }

    static long pwrite(int fd, MemorySegment buffer, long byteCount, long offset, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        while (true) {
            long result;
            try {
                result = (long) PWRITE.invokeExact(capture, fd, buffer, byteCount, offset);
            } catch (Throwable t) {
                throw unexpected("pwrite", t);
            }
            if (result >= 0) {
                return result;
            }
            if (errno(capture) != EINTR) {
                throw new NativeCallException("pwrite(" + byteCount + " bytes at 0x" + Long.toHexString(offset) + ")",
                        subject, errno(capture));
            }
        }
    }

    /**
     * {@code mmap(NULL, lengthBytes, prot, flags, fd, offset)}; returns the mapping's address.
     * {@code hint} (may be null) is appended to the failure message.
     */
    static long mmap(long lengthBytes, int prot, int flags, int fd, long offset, String subject, String hint) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(capture, MemorySegment.NULL, lengthBytes, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw unexpected("mmap", t);
        }
        if (address.address() == MAP_FAILED) {
            throw new NativeCallException("mmap(" + lengthBytes + " bytes at offset 0x" + Long.toHexString(offset) + ")",
                    subject, errno(capture), hint);
        }
        return address.address();
    }

    /** {@code munmap(address, lengthBytes)}. */
    static void munmap(long address, long lengthBytes, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) MUNMAP.invokeExact(capture, MemorySegment.ofAddress(address), lengthBytes);
        } catch (Throwable t) {
            throw unexpected("munmap", t);
        }
        if (result < 0) {
            throw new NativeCallException("munmap(0x" + Long.toHexString(address) + ", " + lengthBytes + " bytes)",
                    subject, errno(capture));
        }
    }

    /** {@code mlock(address, lengthBytes)}; {@code hint} (may be null) is appended to the failure message. */
    static void mlock(long address, long lengthBytes, String subject, String hint) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) MLOCK.invokeExact(capture, MemorySegment.ofAddress(address), lengthBytes);
        } catch (Throwable t) {
            throw unexpected("mlock", t);
        }
        if (result < 0) {
            throw new NativeCallException("mlock(" + lengthBytes + " bytes)", subject, errno(capture), hint);
        }
    }

    /** {@code munlock(address, lengthBytes)}. */
    static void munlock(long address, long lengthBytes, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) MUNLOCK.invokeExact(capture, MemorySegment.ofAddress(address), lengthBytes);
        } catch (Throwable t) {
            throw unexpected("munlock", t);
        }
        if (result < 0) {
            throw new NativeCallException("munlock(" + lengthBytes + " bytes)", subject, errno(capture));
        }
    }

    /** {@code memfd_create(name, flags)}; returns the new fd. */
    static int memfdCreate(String name, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cName = arena.allocateFrom(name);
            MemorySegment capture = CAPTURE_BUFFER.get();
            int fd = (int) MEMFD_CREATE.invokeExact(capture, cName, flags);
            if (fd < 0) {
                throw new NativeCallException("memfd_create(flags 0x" + Integer.toHexString(flags) + ")", name,
                        errno(capture));
            }
            return fd;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("memfd_create", t);
        }
    }

    /** {@code ftruncate(fd, lengthBytes)}. */
    static void ftruncate(int fd, long lengthBytes, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) FTRUNCATE.invokeExact(capture, fd, lengthBytes);
        } catch (Throwable t) {
            throw unexpected("ftruncate", t);
        }
        if (result < 0) {
            throw new NativeCallException("ftruncate(" + lengthBytes + " bytes)", subject, errno(capture));
        }
    }

    /** {@code eventfd(initialValue, flags)}; returns the new fd. */
    static int eventfd(int initialValue, int flags) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int fd;
        try {
            fd = (int) EVENTFD.invokeExact(capture, initialValue, flags);
        } catch (Throwable t) {
            throw unexpected("eventfd", t);
        }
        if (fd < 0) {
            throw new NativeCallException("eventfd", "a new eventfd", errno(capture));
        }
        return fd;
    }

    /**
     * {@code poll(fds, count, timeoutMillis)}; returns how many fds are ready (0 on timeout),
     * or {@link #POLL_INTERRUPTED} if a signal came first, so the caller can retry with the time left.
     */
    static int poll(MemorySegment pollFds, long count, int timeoutMillis, String subject) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        int result;
        try {
            result = (int) POLL.invokeExact(capture, pollFds, count, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected("poll", t);
        }
        if (result < 0) {
            if (errno(capture) == EINTR) {
                return POLL_INTERRUPTED;
            }
            throw new NativeCallException("poll", subject, errno(capture));
        }
        return result;
    }

    /** {@code sysconf(name)}; {@code what} names the setting for the message. */
    static long sysconf(int name, String what) {
        MemorySegment capture = CAPTURE_BUFFER.get();
        long result;
        try {
            result = (long) SYSCONF.invokeExact(capture, name);
        } catch (Throwable t) {
            throw unexpected("sysconf", t);
        }
        if (result < 0) {
            throw new NativeCallException("sysconf", what, errno(capture));
        }
        return result;
    }

    /** The soft {@code RLIMIT_MEMLOCK} in bytes ({@code RLIM_INFINITY} shows as -1). */
    static long memlockLimitBytes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment limit = io.dmactl.vfio.ffi.rlimit.allocate(arena);
            MemorySegment capture = CAPTURE_BUFFER.get();
            int result = (int) GETRLIMIT.invokeExact(capture, Native.RLIMIT_MEMLOCK(), limit);
            if (result < 0) {
                throw new NativeCallException("getrlimit", "RLIMIT_MEMLOCK", errno(capture));
            }
            return io.dmactl.vfio.ffi.rlimit.rlim_cur(limit);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected("getrlimit", t);
        }
    }
}
