package io.dmactl.core.sim;

import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;

import java.util.Objects;

/**
 * A channel that hands every call to another one. Tests that need a real engine with one fault
 * (a copy a byte short, a device that stops reporting) extend it and override only the broken call.
 */
public class ForwardingChannel implements DmaChannel {
    protected final DmaChannel inner;

    public ForwardingChannel(DmaChannel inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        return inner.enqueueCopy(srcSpace, srcAddress, dstSpace, dstAddress, lengthBytes, flags);
    }

    @Override
    public long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags) {
        return inner.enqueueFill(pattern, dstSpace, dstAddress, lengthBytes, flags);
    }

    @Override
    public long enqueueCompare(int aSpace, long aAddress, int bSpace, long bAddress, int lengthBytes, int flags) {
        return inner.enqueueCompare(aSpace, aAddress, bSpace, bAddress, lengthBytes, flags);
    }

    @Override
    public long enqueueComparePattern(long pattern, int space, long address, int lengthBytes, int flags) {
        return inner.enqueueComparePattern(pattern, space, address, lengthBytes, flags);
    }

    @Override
    public long enqueueCrc32c(int space, long address, int lengthBytes, int seed, int flags) {
        return inner.enqueueCrc32c(space, address, lengthBytes, seed, flags);
    }

    @Override
    public long enqueueDualcast(int srcSpace, long srcAddress, int dst1Space, long dst1Address, int dst2Space, long dst2Address,
                                int lengthBytes, int flags) {
        return inner.enqueueDualcast(srcSpace, srcAddress, dst1Space, dst1Address, dst2Space, dst2Address, lengthBytes, flags);
    }

    @Override
    public void submit() {
        inner.submit();
    }

    @Override
    public int poll(CompletionBatch out) {
        return inner.poll(out);
    }

    @Override
    public int capacity() {
        return inner.capacity();
    }

    @Override
    public int index() {
        return inner.index();
    }

    @Override
    public CompletionInterrupt interrupt() {
        return inner.interrupt();
    }
}
