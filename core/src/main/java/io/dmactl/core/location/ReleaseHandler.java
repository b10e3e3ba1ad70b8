package io.dmactl.core.location;

/**
 * What a closable location calls when it is closed by its user: the pool takes a buffer back,
 * the runtime drops a window. Runs after the location's gate closed (nothing in flight), so it
 * may unmap the location from IOMMU domains before its memory is reused.
 *
 * @param <L> the kind of location released
 */
@FunctionalInterface
public interface ReleaseHandler<L extends DmaLocation> {
    /**
     * Takes back or drops {@code location}, which its user has just closed.
     *
     * @param location the closed location
     */
    void release(L location);
}
