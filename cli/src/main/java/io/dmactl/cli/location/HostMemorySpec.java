package io.dmactl.cli.location;

import java.util.OptionalLong;

/**
 * {@code mem}, {@code mem:SIZE} or either with {@code +OFFSET}: a fresh DMA buffer from the
 * runtime's pool. Without a size it is as long as the transfer needs (offset plus length).
 *
 * @param lengthBytes the buffer's length when given ({@code mem:SIZE}), else empty
 * @param offsetBytes where the transfer starts in it; below the length when one is given
 */
public record HostMemorySpec(OptionalLong lengthBytes, long offsetBytes) implements LocationSpec {

    public HostMemorySpec {
        if (offsetBytes < 0) {
            throw new IllegalArgumentException("offset " + offsetBytes + " is negative");
        }
        if (lengthBytes.isPresent() && lengthBytes.getAsLong() <= 0) {
            throw new IllegalArgumentException("buffer length " + lengthBytes.getAsLong() + " must be positive");
        }
        if (lengthBytes.isPresent() && offsetBytes >= lengthBytes.getAsLong()) {
            throw new IllegalArgumentException("offset 0x" + Long.toHexString(offsetBytes)
                    + " is not inside the " + lengthBytes.getAsLong() + "-byte buffer");
        }
    }

    /**
     * The buffer length a transfer of {@code transferBytes} needs here.
     *
     * @throws io.dmactl.cli.DmactlException USAGE when offset plus length is past the largest byte count
     */
    public long bufferBytesFor(long transferBytes) {
        return lengthBytes.isPresent() ? lengthBytes.getAsLong() : ByteCount.end(toString(), offsetBytes, transferBytes);
    }

    @Override
    public boolean isHostMemory() {
        return true;
    }

    @Override
    public String toString() {
        String base = lengthBytes.isPresent() ? "mem:" + ByteCount.format(lengthBytes.getAsLong()) : "mem";
        return offsetBytes == 0 ? base : base + "+0x" + Long.toHexString(offsetBytes);
    }
}
