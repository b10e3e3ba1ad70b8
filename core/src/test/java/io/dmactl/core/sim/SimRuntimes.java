package io.dmactl.core.sim;

import io.dmactl.core.DmaRuntime;
import io.dmactl.core.internal.RuntimeInternals;
import io.dmactl.core.location.DmaBuffer;
import io.dmactl.core.memory.ArenaPageSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Runtimes over simulated devices for tests: no discovery, arena memory, one fake IOMMU domain. */
public final class SimRuntimes {

    private SimRuntimes() {
    }

    public static DmaRuntime.Builder builder(FakeIommuDomain domain, SimProvider... sims) {
        DmaRuntime.Builder b = DmaRuntime.builder()
            .discoverProviders(false)
            .poolLimitBytes(128L << 20);
        RuntimeInternals.pageSource(b, new ArenaPageSource(4096));
        RuntimeInternals.emulatedIommu(b, domain);
        for (SimProvider sim : sims) {
            b.provider(sim);
        }
        return b;
    }

    public static byte[] randomBytes(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    public static void write(DmaBuffer buffer, long offset, byte[] data) {
        MemorySegment.copy(data, 0, buffer.segment(), ValueLayout.JAVA_BYTE, offset, data.length);
    }

    public static byte[] read(MemorySegment segment, long offset, int length) {
        byte[] out = new byte[length];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, out, 0, length);
        return out;
    }

    public static byte[] read(DmaBuffer buffer, long offset, int length) {
        return read(buffer.segment(), offset, length);
    }
}
