package io.dmactl.core.completion;

import java.util.Optional;

/**
 * The records the {@link EngineSupervisor} hands a {@link ChannelWorker} on the control path,
 * and the worker's life as an enum. Each request carries an epoch that the worker acknowledges
 * once it is in the requested state, so the supervisor waits for the answer to <em>this</em>
 * request and never mistakes a state left over from an earlier one for it.
 */
final class WorkerControl {

    private WorkerControl() {
    }

    /** Where a worker is in its life; written by the worker only. */
    enum WorkerState {
        /** Constructed, thread not running yet. */
        NEW,
        /** Feeding and harvesting its channel. */
        RUNNING,
        /** Outside its channel, waiting for the next request (an engine reset is under way). */
        PAUSED,
        /** Queued work failed, ring drained or given up on; outside its channel until stopped. */
        DRAINED,
        /** Gone for good; whoever submits afterwards fails the transfer itself. */
        STOPPED,
        /** Its thread failed; it never touches the channel again and waits to be stopped. */
        CRASHED
    }

    /** What the supervisor asks of a worker. */
    enum Command {
        /** Serve the channel. */
        RUN,
        /** Leave the channel and stay out of it until the next request. */
        PAUSE,
        /** Fail queued work, wait (bounded) for the ring to empty, then stay out of the channel. */
        DRAIN,
        /** Fail everything and end the thread. */
        STOP
    }

    /**
     * One request. The worker acknowledges {@code epoch} once it is in the requested state
     * (PAUSE: paused; DRAIN: drained; RUN: back at work); a STOP is awaited by joining the thread.
     *
     * @param epoch              strictly increasing per worker; 0 is the worker's initial RUN
     * @param drainDeadlineNanos for DRAIN: until when the ring may still complete (worker's clock)
     */
    record Request(long epoch, Command command, long drainDeadlineNanos) {
        static final Request INITIAL = new Request(0, Command.RUN, 0);
    }

    /**
     * The engine was reset and dropped everything in its rings: the {@code generation}-th such
     * notice. The worker applies each generation once, in its own thread, before it touches the
     * channel again. Published before the request that resumes (or stops) the worker.
     *
     * @param reason given to the ops the reset dropped as their ABORTED reason
     */
    record ResetNotice(long generation, ResetRule rule, Optional<String> reason) {
        static final ResetNotice NONE = new ResetNotice(0, ResetRule.ABORT_ALL, Optional.empty());
    }
}
