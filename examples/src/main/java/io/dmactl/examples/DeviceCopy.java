package io.dmactl.examples;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.EngineInfo;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.spi.Direction;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.spi.ExecutionKind;

import java.io.PrintStream;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;

/**
 * A host-to-host copy moved by a DMA device, not the CPU: the first hardware engine that copies
 * memory to memory (the LSI53C895A's SCRIPTS processor on the testbed, an I/OAT engine on a
 * server; bound to vfio-pci, its provider on the class path: this module has lsi's and ioat's, add
 * dmactl-provider-dsa for DSA), checked byte for byte. A
 * machine without one prints why it skipped and exits with {@value #SKIPPED} (automake's "skipped"
 * status), so a script can tell "nothing to run on" from a failure. Run with
 * {@code --enable-native-access=ALL-UNNAMED}, as root for VFIO; arguments, if any, name the only
 * providers to open (e.g. {@code lsi}: opening a device's engine resets the device).
 */
public final class DeviceCopy {
    /** Exit status when this machine has no engine to run on. */
    public static final int SKIPPED = 77;
    static final int BYTES = 64 * 1024;

    private DeviceCopy() {
    }

    public static void main(String[] args) {
        int status = run(System.out, args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * @param providers the only providers to open; none: every provider on the class path
     * @return 0 after a verified copy, {@link #SKIPPED} when there is no hardware engine to copy with
     */
    public static int run(PrintStream out, String... providers) {
        DmaRuntime.Builder builder = DmaRuntime.builder();
        if (providers.length > 0) {
            builder.onlyProviders(providers);
        }
        try (DmaRuntime dma = builder.build()) {
            Optional<EngineInfo> device = dma.engines().stream().filter(DeviceCopy::copiesMemoryToMemory).findFirst();
            if (device.isEmpty()) {
                List<String> engines = dma.engines().stream().map(EngineInfo::name).toList();
                out.println("skipped: no hardware engine here copies memory to memory (engines: " + engines
                    + "; bind a supported device to vfio-pci, e.g. `dmactl bind ADDR`, and run as root)");
                dma.diagnostics().forEach(line -> out.println("  " + (line.length() > 160 ? line.substring(0, 157) + "..." : line)));
                return SKIPPED;
            }
            String engine = device.get().name();
            try (DmaBuffer source = dma.allocate(BYTES);
                 DmaBuffer destination = dma.allocate(BYTES)) {
                for (long i = 0; i < BYTES; i += 8) {
                    source.segment().set(ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
                }
                // via(engine): this engine, not the one the cost model would pick (the cpu engine for small copies).
                TransferResult result = dma.via(engine).copy(source, destination).join().orThrow();
                long mismatch = source.segment().mismatch(destination.segment());
                if (mismatch != -1) {
                    throw new IllegalStateException(engine + " copied wrong bytes: first difference at byte " + mismatch);
                }
                out.printf("copied %d bytes host to host on %s in %.1f us, byte for byte%n", result.lengthBytes(), engine,
                    result.latencyNanos() / 1e3);
                return 0;
            }
        }
    }

    private static boolean copiesMemoryToMemory(EngineInfo engine) {
        EngineCapabilities caps = engine.capabilities();
        return engine.unavailable().isEmpty() && caps.execution() == ExecutionKind.HARDWARE && caps.supports(DmaOpKind.COPY)
            && caps.supports(Direction.MEM_TO_MEM);
    }
}
