package io.dmactl.bench;

import io.dmactl.core.conformance.EngineFixture.HostRegion;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A source filled with a pattern and a destination of the same size, both from the engine under
 * test, and the check after a run that the engine really copied. Benchmarks copy the fields they
 * use into their own state at setup, so the measured loop reads no extra object.
 */
record CopyPair(HostRegion source, HostRegion destination) {

    static CopyPair allocate(EngineUnderTest under, int lengthBytes) {
        CopyPair pair = new CopyPair(under.allocate(lengthBytes), under.allocate(lengthBytes));
        MemorySegment source = pair.source.segment();
        for (long i = 0; i < lengthBytes; i++) {
            source.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7));
        }
        return pair;
    }

    /** Throws naming the first byte where the destination differs from the source. */
    void requireCopied(String what) {
        long mismatch = source.segment().mismatch(destination.segment());
        if (mismatch != -1) {
            throw new IllegalStateException(what + ": destination differs from source at byte " + mismatch);
        }
    }
}
