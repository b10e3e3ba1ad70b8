package io.dmactl.examples;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DmaBuffer;

import java.lang.foreign.ValueLayout;

/**
 * The first program: copy one buffer into another and wait for it. Runs on any machine (the cpu
 * engine); with a device bound to vfio-pci and its provider on the class path, the runtime picks
 * the engine by the cost model. Run with {@code --enable-native-access=ALL-UNNAMED}.
 */
public final class CopyWithFuture {
    private CopyWithFuture() {
    }

    /**
     * Runs the example and prints what happened; a failed transfer or wrong data throws.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try (DmaRuntime dma = DmaRuntime.builder().build();
             DmaBuffer source = dma.allocate(1 << 20);
             DmaBuffer destination = dma.allocate(1 << 20)) {
            for (long i = 0; i < source.lengthBytes(); i += 8) {
                source.segment().set(ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L);
            }
            // join() drives the channel on this thread: no hand-off to another thread.
            TransferResult result = dma.copy(source, destination).join().orThrow();
            long mismatch = source.segment().mismatch(destination.segment());
            if (mismatch != -1) {
                throw new IllegalStateException("destination differs from the source at byte " + mismatch);
            }
            System.out.printf("copied %d bytes on %s in %.1f us%n", result.lengthBytes(), result.engine(),
                result.latencyNanos() / 1e3);
        }
    }
}
