package io.dmactl.vfio;

/**
 * Run by {@link HostPagesMemlockTest} in a child JVM with a small RLIMIT_MEMLOCK and without
 * CAP_IPC_LOCK: tries one allocation above the limit and prints what happened.
 */
public final class MemlockLimitChild {
    private MemlockLimitChild() {
    }

    public static void main(String[] args) {
        long lengthBytes = Long.parseLong(args[0]);
        try (HostPages pages = HostPages.allocate(lengthBytes, PageKind.NORMAL)) {
            System.out.println("allocated " + pages);
        } catch (NativeCallException e) {
            System.out.println("errno=" + e.errnoName());
            System.out.println("message=" + e.getMessage());
        }
    }
}
