package io.dmactl.core;

/**
 * A snapshot of the runtime's DMA memory pool ({@link DmaRuntime#poolStatistics()}), read-only.
 *
 * @param pageBytes     the pool's page size: every buffer is a multiple of it
 * @param limitBytes    the most memory the pool takes from the system
 * @param reservedBytes memory taken from the system so far (whole chunks)
 * @param usedBytes     memory handed out in live buffers
 * @param liveBuffers   buffers allocated and not yet closed
 */
public record PoolStatistics(long pageBytes, long limitBytes, long reservedBytes, long usedBytes, int liveBuffers) {
}
