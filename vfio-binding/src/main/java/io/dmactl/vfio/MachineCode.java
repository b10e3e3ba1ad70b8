package io.dmactl.vfio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A few bytes of x86-64 machine code placed in an executable mapping of their own and called
 * through an FFM downcall handle: how dmactl reaches an instruction Java has no intrinsic for
 * (CPUID, MOVDIR64B, ENQCMD) without JNI and without a compiler at run time. The page is mapped
 * read-write, the code copied in, then the page is made read-execute ({@code mprotect}) before
 * anything calls it, so it is never writable and executable at once. The mapping lives as long
 * as the process (a handful of pages for the whole of dmactl; a downcall handle may be cached
 * anywhere, so unmapping under it is never safe).
 *
 * <p>Each routine follows the System V AMD64 calling convention: arguments in rdi, rsi, ..., the
 * result in rax, rbx preserved.
 */
final class MachineCode {
    private static final Linker LINKER = Linker.nativeLinker();
    // <sys/mman.h> on Linux (all architectures dmactl runs on): not in the generated bindings.
    private static final int PROT_READ = 0x1;
    private static final int PROT_WRITE = 0x2;
    private static final int PROT_EXEC = 0x4;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final long PAGE_BYTES = 4096;
    private static final MethodHandle MPROTECT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mprotect").orElseThrow(() -> new ExceptionInInitializerError("libc has no mprotect")),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private MachineCode() {
    }

    /** Whether this JVM runs on x86-64, the only architecture these routines are written for. */
    static boolean isX86_64() {
        String arch = System.getProperty("os.arch");
        return "amd64".equals(arch) || "x86_64".equals(arch);
    }

    /**
     * Places {@code code} in a fresh read-execute page and returns a downcall handle of
     * {@code descriptor} on it.
     *
     * @throws IllegalStateException    if this is not x86-64
     * @throws IllegalArgumentException if the code is empty or longer than a page
     * @throws NativeCallException      if the kernel refuses the mapping or the protection change
     */
    static MethodHandle load(String name, byte[] code, FunctionDescriptor descriptor, Linker.Option... options) {
        if (!isX86_64()) {
            throw new IllegalStateException(name + " is x86-64 machine code; this JVM runs on " + System.getProperty("os.arch"));
        }
        if (code.length == 0 || code.length > PAGE_BYTES) {
            throw new IllegalArgumentException(name + ": " + code.length + " bytes of code must fit in one page of " + PAGE_BYTES);
        }
        long address = LibC.mmap(PAGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, name + " code page", null);
        MemorySegment page = MemorySegment.ofAddress(address).reinterpret(PAGE_BYTES);
        MemorySegment.copy(code, 0, page, ValueLayout.JAVA_BYTE, 0, code.length);
        int result;
        try {
            result = (int) MPROTECT.invokeExact(page, PAGE_BYTES, PROT_READ | PROT_EXEC);
        } catch (Throwable t) {
            throw new AssertionError("mprotect downcall failed", t);
        }
        if (result != 0) {
            LibC.munmap(address, PAGE_BYTES, name + " code page");
            throw new IllegalStateException("mprotect(PROT_READ|PROT_EXEC) of the " + name + " code page failed"
                    + " (a kernel or policy that forbids executable anonymous memory)");
        }
        return LINKER.downcallHandle(page, descriptor, options);
    }

    /** For messages and tests: the bytes as "0f a2 ...". */
    static String hex(byte[] code) {
        StringBuilder s = new StringBuilder();
        for (byte b : code) {
            s.append(s.isEmpty() ? "" : " ").append(String.format("%02x", b & 0xff));
        }
        return s.toString();
    }
}
