package io.dmactl.core.spi;

/**
 * A reusable flyweight that {@link DmaChannel#poll} fills with completions: ticket, status
 * ({@link OpStatus}), the device's own code and the op's 64-bit result value (the CRC, the compare
 * outcome: see {@link DmaOpKind}; 0 for ops without one) per op. Allocated once per channel owner; the
 * arrays are reused by every poll, so harvesting completions allocates nothing.
 */
public final class CompletionBatch {
    private final long[] tickets;
    private final int[] statuses;
    private final int[] deviceCodes;
    private final long[] resultValues;
    private int count;

    public CompletionBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + " must be positive");
        }
        tickets = new long[capacity];
        statuses = new int[capacity];
        deviceCodes = new int[capacity];
        resultValues = new long[capacity];
    }

    public int capacity() {
        return tickets.length;
    }

    /** Completions held since the last {@link #clear()}. */
    public int count() {
        return count;
    }

    public long ticket(int index) {
        checkIndex(index);
        return tickets[index];
    }

    public int status(int index) {
        checkIndex(index);
        return statuses[index];
    }

    public int deviceCode(int index) {
        checkIndex(index);
        return deviceCodes[index];
    }

    /** The op's result value (see {@link DmaOpKind}); 0 for an op that has none or did not succeed. */
    public long resultValue(int index) {
        checkIndex(index);
        return resultValues[index];
    }

    /** Provider use: empties the batch at the start of a poll. */
    public void clear() {
        count = 0;
    }

    /** Provider use: room left in this poll. */
    public int remaining() {
        return tickets.length - count;
    }

    /**
     * Provider use: appends one completion.
     *
     * @throws IllegalStateException if the batch is full (a provider must stop at {@link #remaining()})
     */
    public void add(long ticket, int status, int deviceCode) {
        add(ticket, status, deviceCode, 0);
    }

    /**
     * Provider use: appends one completion with the op's result value (see {@link DmaOpKind}).
     *
     * @throws IllegalStateException if the batch is full (a provider must stop at {@link #remaining()})
     */
    public void add(long ticket, int status, int deviceCode, long resultValue) {
        int i = count;
        if (i == tickets.length) {
            throw new IllegalStateException("completion batch full at " + i + " entries; poll must stop at remaining()");
        }
        tickets[i] = ticket;
        statuses[i] = status;
        deviceCodes[i] = deviceCode;
        resultValues[i] = resultValue;
        count = i + 1;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("completion index " + index + " outside 0.." + (count - 1));
        }
    }
}
