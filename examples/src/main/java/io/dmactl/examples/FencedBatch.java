package io.dmactl.examples;

import io.dmactl.core.BatchResult;
import io.dmactl.core.DmaRuntime;
import io.dmactl.core.TransferResult;
import io.dmactl.core.location.DmaBuffer;

import java.lang.foreign.ValueLayout;

/**
 * A batch: ops handed to one engine channel with one doorbell. The fence makes the second copy
 * start only after the first completed, so it copies what the first one wrote: A to B, then B to C.
 */
public final class FencedBatch {
    private FencedBatch() {
    }

    /**
     * Runs the example and prints what happened; a failed transfer or wrong data throws.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int length = 64 * 1024;
        try (DmaRuntime dma = DmaRuntime.builder().build();
             DmaBuffer a = dma.allocate(length);
             DmaBuffer b = dma.allocate(length);
             DmaBuffer c = dma.allocate(length)) {
            a.segment().fill((byte) 0x5a);
            BatchResult batch = dma.batch()
                .fill(b, 0, length, 0)           // clear B
                .fence()
                .copy(a, 0, b, 0, length)        // A -> B, after the fill
                .fence()
                .copy(b, 0, c, 0, length)        // B -> C, after A -> B
                .submit();
            for (TransferResult result : batch.all().join()) {
                result.orThrow();
            }
            if (c.segment().get(ValueLayout.JAVA_BYTE, length - 1) != 0x5a || a.segment().mismatch(c.segment()) != -1) {
                throw new IllegalStateException("the fenced chain did not carry A's bytes to C");
            }
            System.out.println("fill, copy and copy in one batch, fenced: C holds A's bytes");
        }
    }
}
