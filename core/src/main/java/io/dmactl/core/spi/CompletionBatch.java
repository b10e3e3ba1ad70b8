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

    /**
     * A batch holding up to {@code capacity} completions; allocates its arrays once, here.
     *
     * @param capacity the most completions one poll may add, positive
     */
    public CompletionBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity " + capacity + " must be positive");
        }
        tickets = new long[capacity];
        statuses = new int[capacity];
        deviceCodes = new int[capacity];
        resultValues = new long[capacity];
    }

    /**
     * The most completions one poll may add.
     *
     * @return the capacity, positive
     */
    public int capacity() {
        return tickets.length;
    }

    /**
     * Completions held since the last {@link #clear()}.
     *
     * @return the number of completions, 0..capacity
     */
    public int count() {
        return count;
    }

    /**
     * The ticket of completion {@code index}, as its enqueue returned it.
     *
     * @param index 0..count-1
     * @return the op's ticket
     */
    public long ticket(int index) {
        checkIndex(index);
        return tickets[index];
    }

    /**
     * The status of completion {@code index}, one of {@link OpStatus}.
     *
     * @param index 0..count-1
     * @return the status code
     */
    public int status(int index) {
        checkIndex(index);
        return statuses[index];
    }

    /**
     * The device's own error code of completion {@code index}; 0 unless the status is DEVICE_ERROR.
     *
     * @param index 0..count-1
     * @return the device's code, or 0
     */
    public int deviceCode(int index) {
        checkIndex(index);
        return deviceCodes[index];
    }

    /**
     * The op's result value (see {@link DmaOpKind}); 0 for an op that has none or did not succeed.
     *
     * @param index 0..count-1
     * @return the result value, or 0
     */
    public long resultValue(int index) {
        checkIndex(index);
        return resultValues[index];
    }

    /** Provider use: empties the batch at the start of a poll. */
    public void clear() {
        count = 0;
    }

    /**
     * Provider use: room left in this poll.
     *
     * @return capacity minus count
     */
    public int remaining() {
        return tickets.length - count;
    }

    /**
     * Provider use: appends one completion.
     *
     * @param ticket the ticket the op's enqueue returned
     * @param status one of {@link OpStatus}
     * @param deviceCode the device's own error code, 0 unless {@code status} is DEVICE_ERROR
     * @throws IllegalStateException if the batch is full (a provider must stop at {@link #remaining()})
     */
    public void add(long ticket, int status, int deviceCode) {
        add(ticket, status, deviceCode, 0);
    }

    /**
     * Provider use: appends one completion with the op's result value (see {@link DmaOpKind}).
     *
     * @param ticket the ticket the op's enqueue returned
     * @param status one of {@link OpStatus}
     * @param deviceCode the device's own error code, 0 unless {@code status} is DEVICE_ERROR
     * @param resultValue the op's result value (the CRC, the compare outcome), 0 when it has none
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
