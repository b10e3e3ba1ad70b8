package io.dmactl.vfio;

/**
 * A part of a region that may be mmapped, from the region's sparse-mmap capability
 * (e.g. a BAR minus the page holding its MSI-X table).
 *
 * @param offset    start of the area, relative to the region
 * @param sizeBytes length of the area
 */
public record SparseMmapArea(long offset, long sizeBytes) {
}
