package io.dmactl.cli.selftest;

/**
 * One checked transfer of a route.
 *
 * @param lengthBytes       bytes moved
 * @param sourceOffset      where in the source the bytes start (host buffer or window)
 * @param destinationOffset where in the destination they go (host buffer, window or private space)
 * @param seed              the pattern's seed: no two cases move the same bytes
 */
public record SelftestCase(long lengthBytes, long sourceOffset, long destinationOffset, long seed) {

    public SelftestCase {
        if (lengthBytes <= 0 || sourceOffset < 0 || destinationOffset < 0) {
            throw new IllegalArgumentException("case " + lengthBytes + " bytes from +" + sourceOffset + " to +"
                    + destinationOffset + ": length must be positive, offsets not negative");
        }
    }

    @Override
    public String toString() {
        return lengthBytes + " bytes, source +" + sourceOffset + ", destination +" + destinationOffset;
    }
}
