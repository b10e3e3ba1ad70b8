package io.dmactl.core.spi;

/**
 * One queue of an engine: the fast path, modelled on DPDK dmadev.
 *
 * <pre>
 *   owner thread                                  engine ("hardware")
 *   ------------                                  -------------------
 *   t0 = enqueueCopy(...)   writes descriptor t0
 *   t1 = enqueueFill(...)   writes descriptor t1
 *   submit()                release-store of the producer index  ----&gt;  fetches t0, t1 (acquire)
 *                                                                        executes, writes statuses
 *   n = poll(batch)         acquire-load of completions          &lt;----  publishes completion (release)
 *   batch.ticket(i), batch.status(i), batch.deviceCode(i), batch.resultValue(i)
 * </pre>
 *
 * <h2>Contract</h2>
 * <ul>
 * <li>One owner thread: every method here is called by a single thread at a time (the core's
 *     channel worker). No locks inside, and <b>no allocation</b>: rings and trackers are sized at
 *     open.</li>
 * <li>Tickets are consecutive: each accepted enqueue returns the previous ticket + 1 (the first
 *     after open is 0; {@link DmaEngine#reset()} does not rewind them). At most {@link #capacity()}
 *     ops are outstanding (enqueued and not yet reported by poll); beyond that enqueue returns
 *     {@link #NO_SPACE} and changes nothing.</li>
 * <li>Addresses are already resolved by the core: space {@link #SPACE_BUS} is the engine's bus
 *     address space (IOVA, physical address, or CPU pointer for a software engine), spaces 1..n
 *     are the device-private spaces the engine declared, addressed by byte offset.</li>
 * <li>Descriptors are not executed before {@link #submit()} (or an enqueue with
 *     {@link #FLAG_SUBMIT}); one submit rings the doorbell once for everything enqueued since
 *     the last one.</li>
 * <li>A descriptor the engine cannot execute (unknown space, length out of range, misaligned)
 *     is not refused at enqueue: it completes with {@link OpStatus#INVALID} and moves nothing.</li>
 * <li>Every accepted ticket is reported by poll exactly once, unless {@link DmaEngine#reset()}
 *     dropped it (then never). Ops without {@link #FLAG_FENCE} may execute and complete in any
 *     order unless the engine declares in-order completion; an out-of-order engine may accept a
 *     new op whenever fewer than {@link #capacity()} are outstanding (the core tracks tickets in a
 *     table, not by ring slot).</li>
 * </ul>
 */
public interface DmaChannel {
    /** Returned by enqueue when the ring is full; nothing was written. */
    long NO_SPACE = -1L;
    /** This op starts only after every op enqueued before it on this channel has completed. */
    int FLAG_FENCE = 1;
    /** Ring the doorbell right after this op (same as calling {@link #submit()}). */
    int FLAG_SUBMIT = 1 << 1;
    /** Space 0: the engine's bus address space. */
    int SPACE_BUS = 0;

    /**
     * Writes a copy descriptor.
     *
     * @param srcSpace the source's space: {@link #SPACE_BUS} or a private space id
     * @param srcAddress the source's address in that space
     * @param dstSpace the destination's space: {@link #SPACE_BUS} or a private space id
     * @param dstAddress the destination's address in that space
     * @param lengthBytes the op's length in bytes, 1..maxTransferBytes of the engine
     * @param flags {@link #FLAG_FENCE}, {@link #FLAG_SUBMIT}, or 0
     * @return the op's ticket, or {@link #NO_SPACE}
     */
    long enqueueCopy(int srcSpace, long srcAddress, int dstSpace, long dstAddress, int lengthBytes, int flags);

    /**
     * Writes a fill descriptor: the 8 bytes of {@code pattern} (little-endian) repeated from the
     * first destination byte; byte i of the destination receives byte (i mod 8) of the pattern.
     *
     * @param pattern the 8-byte pattern, little-endian
     * @param dstSpace the destination's space: {@link #SPACE_BUS} or a private space id
     * @param dstAddress the destination's address in that space
     * @param lengthBytes the op's length in bytes, 1..maxTransferBytes of the engine
     * @param flags {@link #FLAG_FENCE}, {@link #FLAG_SUBMIT}, or 0
     * @return the op's ticket, or {@link #NO_SPACE}
     */
    long enqueueFill(long pattern, int dstSpace, long dstAddress, int lengthBytes, int flags);

    // The ops below are offered only by engines that declare them in EngineCapabilities.ops(); the
    // core never sends an engine an op it did not declare (the dispatcher refuses the transfer
    // first). So an engine implements exactly the ones it declares, and the defaults here are never
    // reached: if one is, the core broke that promise, and it throws rather than return a ticket
    // or NO_SPACE, either of which the core would take as a real answer.

    /**
     * Writes a compare descriptor: the two ranges are read, nothing is written. The completion's
     * result value is {@link DmaOpKind#COMPARE_EQUAL} or the offset of the first differing byte.
     *
     * @param aSpace the first range's space
     * @param aAddress the first range's address in that space
     * @param bSpace the second range's space
     * @param bAddress the second range's address in that space
     * @param lengthBytes the op's length in bytes, 1..maxTransferBytes of the engine
     * @param flags {@link #FLAG_FENCE}, {@link #FLAG_SUBMIT}, or 0
     * @return the op's ticket, or {@link #NO_SPACE}
     */
    default long enqueueCompare(int aSpace, long aAddress, int bSpace, long bAddress, int lengthBytes, int flags) {
        throw undeclared(DmaOpKind.COMPARE);
    }

    /**
     * Writes a compare-pattern descriptor: byte i of the range against byte (i mod 8) of
     * {@code pattern} (little-endian). Result value as {@link #enqueueCompare}.
     *
     * @param pattern the 8-byte pattern, little-endian
     * @param space the range's space: {@link #SPACE_BUS} or a private space id
     * @param address the range's address in that space
     * @param lengthBytes the op's length in bytes, 1..maxTransferBytes of the engine
     * @param flags {@link #FLAG_FENCE}, {@link #FLAG_SUBMIT}, or 0
     * @return the op's ticket, or {@link #NO_SPACE}
     */
    default long enqueueComparePattern(long pattern, int space, long address, int lengthBytes, int flags) {
        throw undeclared(DmaOpKind.COMPARE_PATTERN);
    }

    /**
     * Writes a CRC-32C descriptor over a range; {@code seed} is the CRC-32C of the data preceding
     * it (0 to start afresh; see {@link DmaOpKind#CRC32C}). The result value is the CRC (unsigned).
     *
     * @param space the range's space: {@link #SPACE_BUS} or a private space id
     * @param address the range's address in that space
     * @param lengthBytes the op's length in bytes, 1..maxTransferBytes of the engine
     * @param seed the CRC-32C of the preceding data, as 32 bits
     * @param flags {@link #FLAG_FENCE}, {@link #FLAG_SUBMIT}, or 0
     * @return the op's ticket, or {@link #NO_SPACE}
     */
    default long enqueueCrc32c(int space, long address, int lengthBytes, int seed, int flags) {
        throw undeclared(DmaOpKind.CRC32C);
    }

    /**
     * Writes a dualcast descriptor: the source copied to both destinations.
     *
     * @param srcSpace the source's space: {@link #SPACE_BUS} or a private space id
     * @param srcAddress the source's address in that space
     * @param dst1Space the first destination's space
     * @param dst1Address the first destination's address in that space
     * @param dst2Space the second destination's space
     * @param dst2Address the second destination's address in that space
     * @param lengthBytes the op's length in bytes, 1..maxTransferBytes of the engine
     * @param flags {@link #FLAG_FENCE}, {@link #FLAG_SUBMIT}, or 0
     * @return the op's ticket, or {@link #NO_SPACE}
     */
    default long enqueueDualcast(int srcSpace, long srcAddress, int dst1Space, long dst1Address, int dst2Space,
                                 long dst2Address, int lengthBytes, int flags) {
        throw undeclared(DmaOpKind.DUALCAST);
    }

    private UnsupportedOperationException undeclared(DmaOpKind op) {
        return new UnsupportedOperationException(getClass().getName() + " (channel " + index() + ") does not implement "
            + op + "; the core sends an engine only the ops its EngineCapabilities.ops() declares");
    }

    /** Makes every descriptor enqueued so far visible to the engine (one doorbell). */
    void submit();

    /**
     * Drains completions into {@code out} (cleared first), at most {@code out.capacity()}.
     *
     * @param out the batch to fill
     * @return the number of completions now in {@code out}
     */
    int poll(CompletionBatch out);

    /**
     * The ring size: the most ops that can be outstanding at once.
     *
     * @return the ring size, a power of two
     */
    int capacity();

    /**
     * This channel's index in its engine, 0..channelCount-1.
     *
     * @return the channel index
     */
    int index();

    /**
     * The completion interrupt of this channel when the engine declares interrupts, else null.
     * Control path: called once at setup.
     *
     * @return the interrupt, or null
     */
    CompletionInterrupt interrupt();
}
