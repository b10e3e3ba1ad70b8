package io.dmactl.core.engine;

import io.dmactl.core.memory.IovaMapping;

/**
 * One end of a transfer in an engine's terms.
 *
 * @param space   0 for the bus space, else the engine's private space id
 * @param address IOVA / CPU address in space 0, byte offset in a private space
 * @param mapping the IOMMU mapping reference taken for it (released when the transfer ends), or null
 */
public record ResolvedAddress(int space, long address, IovaMapping mapping) {
}
