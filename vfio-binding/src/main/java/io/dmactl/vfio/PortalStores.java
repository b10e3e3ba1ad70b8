package io.dmactl.vfio;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The 64-byte direct stores that submit a descriptor to an Intel DSA (or IAA) work-queue portal:
 * MOVDIR64B for dedicated work queues, ENQCMD for shared ones (which answers whether the device
 * accepted the descriptor). Pure FFM: each instruction is a few bytes of machine code in an
 * executable page ({@link MachineCode}), detected with CPUID leaf 7 (ECX bit 27 MOVDIRI, 28
 * MOVDIR64B, 29 ENQCMD), and refused with a clear message on a CPU without it; the store routine
 * is never even loaded there.
 *
 * <p><b>Ordering.</b> Each store routine runs {@code SFENCE} first, so every earlier store of this
 * thread (the descriptor body it reads, and the completion record the caller cleared for the device
 * to write) is globally visible before the 64-byte portal write; the portal write itself is a single
 * 64-byte write, not torn (MOVDIR64B: "64-byte write atomicity"), and weakly ordered after it:
 * a caller that must order a later store after the submission issues its own fence. The descriptor
 * is read with ordinary loads and need not be aligned; the destination (the portal) must be
 * 64-byte aligned, or the CPU faults, so a misaligned destination is refused before any store.
 *
 * <p>What cannot be tested without a device: ENQCMD needs the process's PASID in the IA32_PASID
 * MSR (the kernel sets it once the process has bound an SVA context on an idxd device), else the
 * instruction faults; its tests here cover detection and refusal only.
 */
public final class PortalStores {
    /** Bytes one portal store writes. */
    public static final int STORE_BYTES = 64;
    /** CPUID.(EAX=7, ECX=0):ECX bit of MOVDIRI. */
    public static final int CPUID7_ECX_MOVDIRI = 1 << 27;
    /** CPUID.(EAX=7, ECX=0):ECX bit of MOVDIR64B. */
    public static final int CPUID7_ECX_MOVDIR64B = 1 << 28;
    /** CPUID.(EAX=7, ECX=0):ECX bit of ENQCMD. */
    public static final int CPUID7_ECX_ENQCMD = 1 << 29;

    /** int cpuidEax(int leaf, int subleaf): push rbx; mov eax, edi; mov ecx, esi; cpuid; pop rbx; ret. */
    static final byte[] CPUID_EAX_CODE = bytes(0x53, 0x89, 0xf8, 0x89, 0xf1, 0x0f, 0xa2, 0x5b, 0xc3);
    /** int cpuidEcx(int leaf, int subleaf): as above, then mov eax, ecx. */
    static final byte[] CPUID_ECX_CODE = bytes(0x53, 0x89, 0xf8, 0x89, 0xf1, 0x0f, 0xa2, 0x89, 0xc8, 0x5b, 0xc3);
    /** void movdir64b(void *portal, const void *descriptor): sfence; movdir64b rdi, [rsi]; ret. */
    static final byte[] MOVDIR64B_CODE = bytes(0x0f, 0xae, 0xf8, 0x66, 0x0f, 0x38, 0xf8, 0x3e, 0xc3);
    /**
     * int enqcmd(void *portal, const void *descriptor): sfence; enqcmd rdi, [rsi]; setz al;
     * movzx eax, al; ret. ZF set = the device did not accept it (retry): returns 1 then, 0 when accepted.
     */
    static final byte[] ENQCMD_CODE = bytes(0x0f, 0xae, 0xf8, 0xf2, 0x0f, 0x38, 0xf8, 0x3e, 0x0f, 0x94, 0xc0, 0x0f, 0xb6,
            0xc0, 0xc3);

    private static final FunctionDescriptor CPUID = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT);
    private static final FunctionDescriptor STORE = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.ADDRESS);
    private static final FunctionDescriptor STORE_VOID = FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS);

    /** What this CPU offers, read once. */
    private static final Features FEATURES = detect();

    /**
     * The portal-store instructions this CPU offers, from CPUID leaf 7 sub-leaf 0 (all false when
     * the CPU's highest leaf is below 7, or this is not x86-64).
     *
     * @param movdiri MOVDIRI is offered (CPUID.7.0:ECX bit 27)
     * @param movdir64b MOVDIR64B is offered (CPUID.7.0:ECX bit 28)
     * @param enqcmd ENQCMD is offered (CPUID.7.0:ECX bit 29)
     * @param cpuid7Ecx the raw ECX of leaf 7 (0 when unavailable), for diagnostics
     */
    public record Features(boolean movdiri, boolean movdir64b, boolean enqcmd, int cpuid7Ecx) {
        static Features of(int cpuid7Ecx) {
            return new Features((cpuid7Ecx & CPUID7_ECX_MOVDIRI) != 0, (cpuid7Ecx & CPUID7_ECX_MOVDIR64B) != 0,
                    (cpuid7Ecx & CPUID7_ECX_ENQCMD) != 0, cpuid7Ecx);
        }
    }

    private PortalStores() {
    }

    /**
     * What this CPU offers (detected once, with CPUID).
     *
     * @return the features
     */
    public static Features features() {
        return FEATURES;
    }

    /** CPUID leaf {@code leaf}, sub-leaf {@code subleaf}: EAX. x86-64 only. */
    static int cpuidEax(int leaf, int subleaf) {
        return call(CpuidCode.EAX, leaf, subleaf);
    }

    /** CPUID leaf {@code leaf}, sub-leaf {@code subleaf}: ECX. x86-64 only. */
    static int cpuidEcx(int leaf, int subleaf) {
        return call(CpuidCode.ECX, leaf, subleaf);
    }

    private static int call(MethodHandle cpuid, int leaf, int subleaf) {
        try {
            return (int) cpuid.invokeExact(leaf, subleaf);
        } catch (Throwable t) {
            throw new AssertionError("cpuid downcall failed", t);
        }
    }

    private static Features detect() {
        if (!MachineCode.isX86_64()) {
            return Features.of(0);
        }
        return cpuidEax(0, 0) >= 7 ? Features.of(cpuidEcx(7, 0)) : Features.of(0);
    }

    /**
     * Writes the 64 bytes at {@code descriptor} to {@code portal + offsetBytes} with MOVDIR64B
     * (a DSA dedicated work queue's portal), after an SFENCE (see the class comment on ordering).
     *
     * @param portal the mapped portal (a work queue's page of the device BAR)
     * @param offsetBytes the 64-byte aligned offset in {@code portal}
     * @param descriptor the 64-byte descriptor, 64-byte aligned
     * @throws IllegalArgumentException      if the destination is not 64-byte aligned, or either
     *                                       range is not 64 bytes inside its segment (nothing is stored)
     * @throws UnsupportedOperationException if this CPU has no MOVDIR64B (nothing is stored)
     */
    public static void movdir64b(MemorySegment portal, long offsetBytes, MemorySegment descriptor) {
        checkStore("MOVDIR64B", portal, offsetBytes, descriptor);
        if (!FEATURES.movdir64b()) {
            throw unsupported("MOVDIR64B", CPUID7_ECX_MOVDIR64B, 28);
        }
        try {
            Movdir64bCode.HANDLE.invokeExact(portal.asSlice(offsetBytes, STORE_BYTES), descriptor);
        } catch (Throwable t) {
            throw new AssertionError("movdir64b downcall failed", t);
        }
    }

    /**
     * Submits the 64 bytes at {@code descriptor} to a shared work queue's portal with ENQCMD, after
     * an SFENCE; the CPU adds the process's PASID.
     *
     * @param portal the mapped portal (a work queue's page of the device BAR)
     * @param offsetBytes the 64-byte aligned offset in {@code portal}
     * @param descriptor the 64-byte descriptor, 64-byte aligned
     * @return true if the device accepted the descriptor, false if the queue was full (retry later)
     * @throws IllegalArgumentException      as {@link #movdir64b}
     * @throws UnsupportedOperationException if this CPU has no ENQCMD (nothing is stored)
     */
    public static boolean enqcmd(MemorySegment portal, long offsetBytes, MemorySegment descriptor) {
        checkStore("ENQCMD", portal, offsetBytes, descriptor);
        if (!FEATURES.enqcmd()) {
            throw unsupported("ENQCMD", CPUID7_ECX_ENQCMD, 29);
        }
        try {
            return (int) EnqcmdCode.HANDLE.invokeExact(portal.asSlice(offsetBytes, STORE_BYTES), descriptor) == 0;
        } catch (Throwable t) {
            throw new AssertionError("enqcmd downcall failed", t);
        }
    }

    private static void checkStore(String instruction, MemorySegment portal, long offsetBytes, MemorySegment descriptor) {
        if (!portal.isNative() || !descriptor.isNative()) {
            throw new IllegalArgumentException(instruction + " needs native memory on both sides (portal "
                    + (portal.isNative() ? "native" : "on the heap") + ", descriptor " + (descriptor.isNative() ? "native" : "on the heap") + ")");
        }
        if (offsetBytes < 0 || offsetBytes > portal.byteSize() - STORE_BYTES) {
            throw new IllegalArgumentException(instruction + " destination offset " + offsetBytes + " leaves no " + STORE_BYTES
                    + " bytes in a portal segment of " + portal.byteSize() + " bytes");
        }
        long destination = portal.address() + offsetBytes;
        if ((destination & (STORE_BYTES - 1)) != 0) {
            throw new IllegalArgumentException(instruction + " destination 0x" + Long.toHexString(destination) + " (offset "
                    + offsetBytes + ") is not 64-byte aligned; the CPU would fault");
        }
        if (descriptor.byteSize() < STORE_BYTES) {
            throw new IllegalArgumentException(instruction + " descriptor of " + descriptor.byteSize() + " bytes is shorter than "
                    + STORE_BYTES);
        }
    }

    private static UnsupportedOperationException unsupported(String instruction, int bit, int bitIndex) {
        return new UnsupportedOperationException("this CPU has no " + instruction + " (CPUID.(EAX=7,ECX=0):ECX bit " + bitIndex
                + " is clear; ECX = 0x" + Integer.toHexString(FEATURES.cpuid7Ecx()) + "): DSA portals need Sapphire Rapids or"
                + " later (a VM must pass the CPU feature through)");
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    // The code pages, each loaded on first use: CPUID at detection, a store only once its CPU check passed.

    private static final class CpuidCode {
        static final MethodHandle EAX = MachineCode.load("cpuid-eax", CPUID_EAX_CODE, CPUID);
        static final MethodHandle ECX = MachineCode.load("cpuid-ecx", CPUID_ECX_CODE, CPUID);
    }

    private static final class Movdir64bCode {
        static final MethodHandle HANDLE = MachineCode.load("movdir64b", MOVDIR64B_CODE, STORE_VOID, Linker.Option.critical(false));
    }

    private static final class EnqcmdCode {
        static final MethodHandle HANDLE = MachineCode.load("enqcmd", ENQCMD_CODE, STORE, Linker.Option.critical(false));
    }
}
