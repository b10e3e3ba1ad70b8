package io.dmactl.provider.nvme;

/**
 * What one I/O queue pair's controller got wrong in its completion entries: the record the
 * channel keeps off its hot path, and the health signal for the core's watchdog.
 *
 * <p>A completion entry is <em>dropped</em> when it cannot be trusted (see {@link NvmeChannel#poll}'s
 * checks: SQID, SQ head, command id generation and outstanding-ness). A dropped entry
 * completes nothing. It also means the controller and the driver disagree about which commands
 * are outstanding: a controller that posted an id it was never given may equally lose or repeat
 * one it was. So the first dropped entry makes {@link #fatalCondition()} non-null, and the
 * watchdog resets the engine (the commands in flight end ABORTED with that message; the reset
 * recreates the queues empty, so the two sides agree again) and asks again: {@link #restart()}
 * clears the condition, the counts stay. An entry whose command checks out but whose status uses
 * a reserved status code type completes its op DEVICE_ERROR with the code and is only counted.
 *
 * <p>Threads: the channel's owner thread records (only on the faulty path: nothing here runs for
 * a good entry); the watchdog reads {@link #fatalCondition()} while the owner runs. The details of
 * the first fault are plain fields written before the volatile flag that publishes them, and not
 * written again until {@link #restart()}, which runs while the owner is paused.
 */
final class CompletionFaults {
    /** Why an entry was dropped. */
    static final int WRONG_SQID = 1;
    static final int SQ_HEAD_OUTSIDE_QUEUE = 2;
    static final int SQ_HEAD_PAST_TAIL = 3;
    static final int CID_NOT_OUTSTANDING = 4;
    static final int CID_NOT_FETCHED = 5;

    private final String subject;
    private volatile long dropped;
    private volatile long reservedStatus;
    /** Set by the first dropped entry since the last restart; publishes the fields below. */
    private volatile boolean fatal;
    private int firstReason;
    private int firstCid;
    private int firstSqHead;
    private int firstSqId;
    private int firstStatus;
    /** Built by the watchdog thread the first time it asks, until the next restart. */
    private String message;

    /** @param subject names the queue pair in the message, e.g. "nvme@0000:00:04.0 I/O queue 1" */
    CompletionFaults(String subject) {
        this.subject = subject;
    }

    /** Owner thread: an entry that was dropped, with the fields that condemned it. */
    void dropped(int reason, int cid, int sqHead, int sqId, int status16) {
        if (!fatal) {
            firstReason = reason;
            firstCid = cid;
            firstSqHead = sqHead;
            firstSqId = sqId;
            firstStatus = status16;
        }
        dropped++; // single writer: the owner thread
        fatal = true;
    }

    /** Owner thread: an entry for a live command whose status code type is reserved. */
    void reservedStatus() {
        reservedStatus++;
    }

    /** Entries dropped since the channel was created (survives restarts). */
    long droppedCount() {
        return dropped;
    }

    /** Entries with a reserved status code type since the channel was created. */
    long reservedStatusCount() {
        return reservedStatus;
    }

    /**
     * Null while no entry was dropped since the last restart; else why the engine needs a reset,
     * built once per fault (until the next restart) and prefixed with {@code owner}. Allocates
     * nothing while healthy.
     */
    String fatalCondition(String owner) {
        if (!fatal) {
            return null;
        }
        String m = message;
        if (m == null) {
            m = owner + " " + subject + ": the controller posted a completion entry matching no outstanding command ("
                + reasonText(firstReason) + ": CID 0x" + Integer.toHexString(firstCid) + ", SQHD " + firstSqHead
                + ", SQID " + firstSqId + ", status 0x" + Integer.toHexString(firstStatus) + "); " + dropped
                + " dropped so far; the queue pair needs a controller reset";
            message = m;
        }
        return m;
    }

    /** After the controller reset recreated the queue pair (owner paused): the condition clears, counts stay. */
    void restart() {
        message = null;
        fatal = false;
    }

    static String reasonText(int reason) {
        return switch (reason) {
            case WRONG_SQID -> "SQID is not this queue's";
            case SQ_HEAD_OUTSIDE_QUEUE -> "SQ head outside the queue";
            case SQ_HEAD_PAST_TAIL -> "SQ head past the tail rung, or moving backwards";
            case CID_NOT_OUTSTANDING -> "command id not outstanding (unknown, stale or already completed)";
            case CID_NOT_FETCHED -> "command not yet fetched by the SQ head reported";
            default -> "reason " + reason;
        };
    }
}
