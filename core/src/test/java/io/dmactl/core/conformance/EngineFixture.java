package io.dmactl.core.conformance;

import io.dmactl.core.location.DevicePrivateSpace;
import io.dmactl.core.spi.DmaEngine;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** One engine opened for the conformance suite, with memory it can reach. */
public interface EngineFixture extends AutoCloseable {

    DmaEngine engine();

    /** Zeroed host memory the engine reaches in space 0, with its address there. */
    HostRegion allocateHost(int lengthBytes);

    /** The private spaces the engine declared (space ids on the fast path). */
    List<DevicePrivateSpace> privateSpaces();

    /** Closes the engine, then its memory. */
    @Override
    void close();

    /** @param busAddress the address of {@code segment}'s first byte in the engine's space 0 */
    record HostRegion(MemorySegment segment, long busAddress) {
    }
}
