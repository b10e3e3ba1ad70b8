package io.dmactl.core.completion;

import io.dmactl.core.CompletionHandler;
import io.dmactl.core.TransferCallback;
import io.dmactl.core.TransferResult;
import io.dmactl.core.TransferStatus;
import io.dmactl.core.completion.WorkerControl.Command;
import io.dmactl.core.completion.WorkerControl.Request;
import io.dmactl.core.completion.WorkerControl.ResetNotice;
import io.dmactl.core.completion.WorkerControl.WorkerState;
import io.dmactl.core.spi.CompletionBatch;
import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaOpKind;
import io.dmactl.core.spi.OpStatus;
import io.dmactl.core.telemetry.DmactlEvents;
import io.dmactl.core.telemetry.JfrGate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * One {@link DmaChannel} and everything its fast path needs: the inbox of queued transfers, ring
 * feeding in chunks with one doorbell per round, harvesting into a preallocated batch, matching
 * completions to transfers through a tracker array indexed by ticket, and completing them; plus
 * the channel's fallback thread.
 *
 * <p><b>One owner at a time, and clients drive.</b> All of that state belongs to whichever thread
 * holds the channel ({@link #tryEnter()}: a compare-and-set of {@code owner}, never a wait). A
 * client thread that submits takes the channel if it is free and writes its transfer into the
 * ring and rings the doorbell itself; a client that waits ({@code join()} on a runtime future,
 * {@code DmaRuntime.poll()}) harvests on its own thread ({@link #tryDrive()}), and the callbacks
 * of whatever it harvests run there. That is the run-to-completion model of SPDK and DPDK: a
 * synchronous copy costs no thread hand-off at all. The channel's worker thread is the owner of
 * last resort: it feeds what clients queued while the channel was taken, harvests for clients
 * that do not poll (callbacks, futures nobody joins, interrupts), and alone answers control
 * requests (pause, drain, stop), holding the channel for as long as they last. A client gives
 * the channel back after each round, and does not start one while a control request or an
 * engine reset is pending, so the worker always gets in.
 *
 * <p><b>The fallback's cost.</b> A client that leaves work in the ring does not wake the worker
 * per op: after activity the worker watches the channel, waking every
 * {@value #WATCH_PARK_NANOS} ns to take over work nobody drives, and only after
 * {@value #WATCH_WINDOW_NANOS} ns without activity does it sleep deeply; a client that leaves
 * work (or queues into the inbox) while it sleeps deeply wakes it, once per quiet period.
 *
 * <p><b>Bounded.</b> Clients take room on the channel's {@link ChannelAdmission} before they
 * prepare a transfer; the worker gives it back as each transfer finishes (whatever its status,
 * also when it is failed from the inbox), before the transfer's callback runs.
 *
 * <p>Control (pause for an engine reset, drain and stop for close) comes from the
 * {@link EngineSupervisor} as {@link Request} records, each with an epoch the worker acknowledges
 * once it is in the requested state (a handshake per request: a PAUSED state left over from the
 * previous reset never answers the next one); an engine reset reaches it as a {@link ResetNotice}
 * that it applies exactly once. Everything else is owned by the worker thread alone.
 *
 * <p><b>Progress, not age.</b> The watchdog asks {@link #progressSinceNanos()}: since when the
 * oldest op in the ring could run, which is the later of its enqueue and the channel's last
 * completion (as harvested). A healthy engine that is merely busy keeps moving that time forward,
 * so work never times out for having waited behind other work; a channel that completes nothing
 * for the op timeout while it holds work is hung. (On an engine that completes out of order, an
 * op it lost is therefore detected once the channel's other work stops completing, not before.)
 *
 * <p><b>The device is not trusted.</b> A completion whose ticket matches nothing outstanding, or
 * an enqueue that breaks the ticket contract (a ticket out of sequence or already outstanding, a
 * ring fuller than its capacity, NO_SPACE on an empty ring), is a <em>device error</em>
 * ({@link DeviceErrors}: counted, logged at most once a second), ignored (never matched to a live
 * op), and the worker stops feeding the channel and reports a fault ({@link #deviceFault()}) that
 * the watchdog treats as a fatal condition of the engine: it resets the engine, and the ops the
 * reset dropped end ABORTED with the fault as their reason.
 */
public final class ChannelWorker implements Runnable {
    private static final VarHandle REQUEST;
    private static final VarHandle ACKNOWLEDGED_EPOCH;
    private static final VarHandle RESET_NOTICE;
    private static final VarHandle OWNER;
    private static final VarHandle RING_BUSY;
    private static final VarHandle PROGRESS_SINCE_NANOS;
    private static final VarHandle ENGINE_COMPLETIONS;
    private static final VarHandle ACTIVITY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            REQUEST = lookup.findVarHandle(ChannelWorker.class, "request", Request.class);
            ACKNOWLEDGED_EPOCH = lookup.findVarHandle(ChannelWorker.class, "acknowledgedEpoch", long.class);
            RESET_NOTICE = lookup.findVarHandle(ChannelWorker.class, "resetNotice", ResetNotice.class);
            OWNER = lookup.findVarHandle(ChannelWorker.class, "owner", Thread.class);
            RING_BUSY = lookup.findVarHandle(ChannelWorker.class, "ringBusy", boolean.class);
            PROGRESS_SINCE_NANOS = lookup.findVarHandle(ChannelWorker.class, "progressSinceNanos", long.class);
            ENGINE_COMPLETIONS = lookup.findVarHandle(ChannelWorker.class, "engineCompletions", long.class);
            ACTIVITY = lookup.findVarHandle(ChannelWorker.class, "activity", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final System.Logger LOG = System.getLogger(ChannelWorker.class.getName());
    private static final long IDLE_SLEEP_NANOS = 100_000_000L;
    private static final long INTERRUPT_SLICE_NANOS = 10_000_000L;
    private static final long MAX_POLL_PARK_NANOS = 200_000L;
    private static final long CONTROL_PARK_NANOS = 1_000_000L;
    private static final int SPIN_ROUNDS = 64;
    private static final int YIELD_ROUNDS = 128;
    /**
     * Empty ring and inbox: how long the worker spins on the inbox before it yields, and until when
     * it yields before it parks. Waking a parked thread costs 8-45 us on this VM, so a client that
     * submits again soon after its last completion (a synchronous copy loop) should find the worker
     * still awake; yielding after a short spin hands a shared core to that client at once.
     */
    private static final long IDLE_SPIN_NANOS = 5_000L;
    private static final long IDLE_YIELD_NANOS = 50_000L;
    /**
     * A yield that took longer than this ran another thread on our core: the core is shared, and
     * staying awake there only delays the threads we wait for (a client or a software engine), so
     * the worker goes to sleep at once. An uncontended yield is a ~0.4 us system call here.
     */
    private static final long CONTENDED_YIELD_NANOS = 1_000L;
    /** After a contended yield, this many idle episodes sleep at once; the next one probes the core again. */
    private static final int SHARED_CORE_EPISODES = 64;
    /** Idle rounds between two clock reads while spinning: keeps {@code nanoTime} off most rounds. */
    private static final int ROUNDS_PER_CLOCK_READ = 4;
    /**
     * While the channel is active but driven by clients (or was lately), the worker wakes this
     * often to take over work nobody drives: the longest a transfer of a client that stopped
     * polling waits for its fallback.
     */
    static final long WATCH_PARK_NANOS = 200_000L;
    /**
     * A channel whose clients were polling it while the worker stood by is taken over only after
     * this long without any client round while work waits: a polling client descheduled for a
     * moment (a JIT pause, a busy or emulated CPU) keeps its channel; one that stopped polling
     * gets its work finished by the worker within this.
     */
    static final long CLIENT_GONE_NANOS = 1_000_000L;
    /** No activity on the channel for this long: the worker sleeps until a client wakes it. */
    static final long WATCH_WINDOW_NANOS = 20_000_000L;
    /**
     * How long a client waiting for a transfer drives the channel itself before it hands over to
     * the worker and parks: polled engines (the wait is the engine's latency, which the raw
     * channel would spin through too) and interrupt-driven ones (whose interrupt wakes the worker).
     */
    static final long CLIENT_SPIN_POLLED_NANOS = 2_000_000L;
    static final long CLIENT_SPIN_INTERRUPT_NANOS = 50_000L;
    /** Empty client rounds before each further one yields the core (as a raw-channel poll loop does). */
    private static final int CLIENT_BUSY_ROUNDS = 64;

    // ---- hot: touched by the channel's owner on every round ----
    /** Who owns the channel and everything below up to "not on the per-op path" (OWNER); null when free. */
    @SuppressWarnings("unused")
    private volatile Thread owner;
    /** A producer queued into the inbox while the channel was taken: whoever owns it next feeds it. */
    private volatile boolean pendingWork;
    private final DmaChannel channel;
    private final TicketTable inFlight;
    private final CompletionBatch completions;
    private final TransferInbox inbox = new TransferInbox();
    private final LongSupplier clock;
    private PendingTransfer stalled;
    /** The clock as read once in this round (feed or harvest, whichever needed it first); 0 = not read yet. */
    private long roundNanos;
    private boolean roundClockRead;
    private long nextTicket;
    private boolean ticketsKnown;
    private long oldestTicket;
    /** Since when the oldest op in the ring could run (see the class comment); valid while inRing > 0. */
    private long oldestSinceNanos;
    /** The last request acted upon; the hot loop compares the published request's epoch with it. */
    private long handledEpoch;
    /** A device error was seen: the channel's ring state is not trusted, nothing more is fed until a reset. */
    private boolean feedBlocked;
    private int inRing;
    private int unsubmitted;
    private int idleRounds;
    private long idleSinceNanos;
    private int sleepAtOnceEpisodes;
    /** Worker-only: the client round count (ACTIVITY) when it last looked. */
    private long clientRoundsSeen;
    private final TransferPool pool;
    private final CompletionView view = new CompletionView();

    // ---- below here: not on the per-op path ----
    private final String name;
    private final String engineName;
    private final CompletionInterrupt waiter;
    private final ParkingWaiter parkingWaiter;
    /** What the worker waits on while it stands by (never the engine's interrupt: clients harvest then). */
    private final ParkingWaiter standbyWaiter;
    private final boolean interruptDriven;
    private final long opTimeoutNanos;
    private final Executor deliveryExecutor;
    private final ChannelAdmission admission;
    private final long clientSpinNanos;
    private long appliedResetGeneration;
    private Thread thread;

    /** Supervisor to worker: the latest request (release store / acquire load through REQUEST). */
    @SuppressWarnings("unused")
    private volatile Request request = Request.INITIAL;
    /** Worker to supervisor: the epoch of the latest request the worker is in the state of (ACKNOWLEDGED_EPOCH). */
    @SuppressWarnings("unused")
    private volatile long acknowledgedEpoch;
    /** Supervisor to worker: the latest engine reset (RESET_NOTICE). */
    @SuppressWarnings("unused")
    private volatile ResetNotice resetNotice = ResetNotice.NONE;
    /** Supervisor-owned (under its control lock): the epoch of the last request issued. */
    private long issuedEpoch;
    private volatile WorkerState state = WorkerState.NEW;
    /** What the worker waits on right now (the engine's interrupt while it drives, its standby waiter otherwise), or null. */
    private volatile CompletionInterrupt sleepingOn;
    /** The worker sleeps until woken: clients that leave work behind wake it. */
    private volatile boolean deepSleep;
    // Published by the owner with release stores, read with acquire loads (RING_BUSY, PROGRESS_SINCE_NANOS).
    private volatile boolean ringBusy;
    private volatile long progressSinceNanos;
    /** Ops the engine completed as expected (matched to an outstanding ticket, any status); owners' counter (ENGINE_COMPLETIONS). */
    private volatile long engineCompletions;
    /** Rounds clients drove on this channel (ACTIVITY, opaque): while it moves, the worker stands by. */
    private volatile long activity;

    private volatile Throwable crash;
    private final DeviceErrors deviceErrors;
    /**
     * Worker-owned: a transfer whose chunk the engine accepted against the ticket contract, so it
     * is not in the ticket table; failed when the engine is reset (or leaked with the ring).
     */
    private PendingTransfer untracked;
    /** Why the worker is stopping for good (engine retired or closed); given to the transfers it aborts. */
    private volatile Optional<String> stopReason = Optional.empty();
    /** Worker-owned: the reason for ABORTED ops while a reset is being applied, else empty. */
    private Optional<String> droppedReason = Optional.empty();
    /** Worker-owned: the reason given to transfers whose resources are leaked (see {@link #abandonRing}). */
    private Optional<String> leakedReason = Optional.empty();
    private long leakedTransfers;

    /**
     * Pending limit {@value #DEFAULT_PENDING_RINGS} times the ring; see the other constructor.
     *
     * @param engineName the engine's name
     * @param channel the channel this worker owns
     * @param interruptDriven true to sleep on the channel's {@link io.dmactl.core.spi.CompletionInterrupt}, false to
     *     poll
     * @param clock the runtime's nanosecond clock
     * @param opTimeoutNanos how long an op may go without progress before the watchdog resets the engine
     * @param deliveryExecutor where callbacks run; null runs them on the thread that harvests
     */
    public ChannelWorker(String engineName, DmaChannel channel, boolean interruptDriven, LongSupplier clock,
                         long opTimeoutNanos, Executor deliveryExecutor) {
        this(engineName, channel, interruptDriven, clock, opTimeoutNanos, deliveryExecutor,
            defaultPendingLimit(channel.capacity()));
    }

    /**
     * A worker for {@code channel}, not started.
     *
     * @param engineName the engine's name
     * @param channel the channel this worker owns
     * @param interruptDriven true to sleep on the channel's {@link io.dmactl.core.spi.CompletionInterrupt}, false to
     *     poll
     * @param clock the runtime's nanosecond clock
     * @param opTimeoutNanos how long an op may go without progress before the watchdog resets the engine
     * @param deliveryExecutor where callbacks run; null runs them on this worker thread
     * @param pendingLimit     most transfers pending on the channel (see {@link ChannelAdmission})
     */
    public ChannelWorker(String engineName, DmaChannel channel, boolean interruptDriven, LongSupplier clock,
                         long opTimeoutNanos, Executor deliveryExecutor, int pendingLimit) {
        this.engineName = engineName;
        this.name = engineName + "/ch" + channel.index();
        this.deviceErrors = new DeviceErrors(name);
        this.channel = channel;
        this.admission = new ChannelAdmission(name, pendingLimit);
        int capacity = channel.capacity();
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException(name + ": ring capacity " + capacity + " must be a power of two");
        }
        this.inFlight = new TicketTable(capacity);
        this.completions = new CompletionBatch(Math.min(capacity, 256));
        this.clock = clock;
        this.opTimeoutNanos = opTimeoutNanos;
        this.deliveryExecutor = deliveryExecutor;
        CompletionInterrupt interrupt = interruptDriven ? channel.interrupt() : null;
        if (interruptDriven && interrupt == null) {
            throw new IllegalStateException(name + ": the engine declares interrupts but channel " + channel.index()
                + " has no CompletionInterrupt");
        }
        this.interruptDriven = interruptDriven;
        this.parkingWaiter = interruptDriven ? null : new ParkingWaiter();
        this.waiter = interruptDriven ? interrupt : parkingWaiter;
        this.standbyWaiter = interruptDriven ? new ParkingWaiter() : parkingWaiter;
        this.pool = new TransferPool(Math.min(pendingLimit, 4 * capacity));
        this.clientSpinNanos = interruptDriven ? CLIENT_SPIN_INTERRUPT_NANOS : CLIENT_SPIN_POLLED_NANOS;
    }

    /** Starts the owner thread (daemon: a forgotten runtime must not keep the JVM alive). */
    public void start() {
        Thread t = new Thread(this, "dmactl-" + name);
        t.setDaemon(true);
        thread = t;
        standbyWaiter.bind(t);
        if (parkingWaiter != null) {
            parkingWaiter.bind(t);
        }
        t.start();
    }

    /**
     * The channel's name, {@code engine/chN}.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /** Default pending limit per channel: this many rings full of transfers. */
    public static final int DEFAULT_PENDING_RINGS = 4;
    /** Largest pending limit per channel (a bound far beyond it bounds nothing). */
    public static final int MAX_PENDING_LIMIT = 1 << 20;

    /**
     * {@value #DEFAULT_PENDING_RINGS} rings of {@code ringCapacity}, at most {@value #MAX_PENDING_LIMIT}.
     *
     * @param ringCapacity the channel's ring size
     * @return the limit
     */
    public static int defaultPendingLimit(int ringCapacity) {
        return (int) Math.min(MAX_PENDING_LIMIT, (long) DEFAULT_PENDING_RINGS * Math.max(1, ringCapacity));
    }

    /**
     * How many ops the channel's ring holds.
     *
     * @return the ring's capacity
     */
    public int ringCapacity() {
        return channel.capacity();
    }

    /**
     * The channel's backpressure: admit there before preparing a transfer for {@link #submit}.
     *
     * @return the admission
     */
    public ChannelAdmission admission() {
        return admission;
    }

    /**
     * Any thread: hands over a transfer (or the head of a batch chain of {@code ops} transfers)
     * for which the caller was admitted ({@link #admission()}); the permits come back as the
     * transfers complete. Never blocks. If the channel is free the caller takes it and writes the
     * transfer into the ring and rings the doorbell itself; otherwise the transfer is queued for
     * whoever owns the channel.
     *
     * @param head the first transfer of a chain (a batch), each admitted
     * @param ops the transfers in the chain
     */
    public void submit(PendingTransfer head, int ops) {
        if (tryEnterForSubmit()) {
            submitOwnedAndExit(head);
        } else {
            submitQueued(head);
        }
    }

    /**
     * Any thread: takes the channel to submit on it, unless it is taken, a control request or
     * reset is pending, or the channel stopped. On true the caller owns the channel: it may
     * {@link #takePooled()} and must end with {@link #enqueueOwned} (or {@link #givePooled}) and
     * then {@link #exitClient()}.
     *
     * @return true if the calling thread now owns the channel (it must exit); false if another thread does
     */
    public boolean tryEnterForSubmit() {
        if (!tryEnter()) {
            return false;
        }
        if (controlPending()) {
            exitClient();
            return false;
        }
        return true;
    }

    /**
     * Owner only: a record from the channel's pool for a single transfer (see {@link TransferPool}).
     *
     * @return the record
     */
    public PendingTransfer takePooled() {
        return pool.take();
    }

    /**
     * Owner only: gives back a pooled record that was never submitted (its preparation failed).
     *
     * @param t a record from {@link #takePooled()}
     */
    public void givePooled(PendingTransfer t) {
        if (t.pooled) {
            pool.give(t);
        }
    }

    /**
     * Owner only: feeds what others queued first, then {@code head} (and its batch chain), with
     * one doorbell. A channel blocked by a device error keeps it queued until the engine is reset.
     *
     * @param head the first transfer of a chain (a batch), each admitted
     */
    public void enqueueOwned(PendingTransfer head) {
        // The submitter read the clock for the transfer a moment ago: the round goes by it (a clock
        // read costs 30-40 ns on the reference VMs, as much as the rest of a small transfer's submission).
        roundNanos = head.createdNanos;
        roundClockRead = head.createdNanos != 0;
        if (feedBlocked || stalled != null || !inbox.isEmpty()) {
            inbox.offer(head); // behind what others queued (or a blocked channel keeps it until the reset)
        } else {
            stalled = head; // nothing queued before it: straight into the ring
        }
        feed();
        publishProgress();
    }

    /**
     * Owner only: {@link #enqueueOwned}, then gives the channel back; an engine or core failure retires the engine.
     *
     * @param head the first transfer of a chain (a batch), each admitted
     */
    public void submitOwnedAndExit(PendingTransfer head) {
        try {
            enqueueOwned(head);
        } catch (Throwable t) {
            crashedOnClient(t); // the worker fails what is queued and in the ring when it retires the engine
        } finally {
            exitClient();
        }
    }

    /** Queues for the channel's owner; whoever owns it next (or the worker, woken if asleep) feeds it. */
    private void submitQueued(PendingTransfer head) {
        inbox.offer(head);
        pendingWork = true; // volatile store: the link before it, and a store-load barrier before the reads below
        if (tryEnterForSubmit()) {
            try {
                roundClockRead = false;
                pendingWork = false;
                feed();
                publishProgress();
            } catch (Throwable t) {
                crashedOnClient(t);
            } finally {
                exitClient();
            }
        } else {
            wakeIfWaiting(); // the owner, if a client, also checks pendingWork when it leaves
        }
        if (state == WorkerState.STOPPED) {
            abortAfterStop(); // the worker is gone (engine retired or closed): nobody else will
        }
    }

    /**
     * Any thread: one round on the caller's thread (feed what is queued, harvest, deliver
     * completions here) if the channel is free and no control request is pending.
     *
     * @return transfers' ops completed in this round (0 or more), or -1 if the caller could not
     *         take the channel (taken by another thread, or the worker must handle a request first)
     */
    public int tryDrive() {
        if (!pendingWork && !(boolean) RING_BUSY.getAcquire(this)) {
            return 0; // nothing queued, nothing in flight (as last published): not worth taking the channel
        }
        if (!tryEnter()) {
            knock();
            return -1;
        }
        try {
            if (controlPending()) {
                return -1;
            }
            roundClockRead = false;
            if (pendingWork) {
                pendingWork = false;
            }
            feed();
            int done = harvest();
            if (pendingWork) {
                pendingWork = false;
                feed(); // what the callbacks just run here submitted (they could not take the channel: we hold it)
            }
            publishProgress();
            if (done > 0 || inRing > 0) {
                noteActivity(); // a client drives this channel's work: the worker stands by
            }
            return done;
        } catch (Throwable t) {
            crashedOnClient(t);
            return -1;
        } finally {
            exitClient();
        }
    }

    /**
     * A client waits for {@code done} (a future of one of this channel's transfers, or of a batch
     * on it) by driving the channel on its own thread: spin-harvesting for up to the client spin
     * budget ({@value #CLIENT_SPIN_POLLED_NANOS} ns on polled engines, {@value #CLIENT_SPIN_INTERRUPT_NANOS}
     * ns on interrupt-driven ones), yielding the core after every {@value #CLIENT_BUSY_ROUNDS}
     * empty rounds as a raw poll loop does. Returns when {@code done} is, or when the budget ran
     * out, after making sure the worker will finish the work (the caller then blocks on the future).
     *
     * @param done the future to wait for
     * @throws IllegalStateException if the calling thread owns this channel (a completion
     *                               callback waiting for a transfer of its own channel would wait for itself)
     */
    public void driveUntilDone(java.util.concurrent.Future<?> done) {
        driveUntilDone(done, Long.MAX_VALUE);
    }

    /**
     * As {@link #driveUntilDone(java.util.concurrent.Future)}, for at most {@code maxNanos} (a caller's own timeout).
     *
     * @param done the future to wait for
     * @param maxNanos the longest wait, in nanoseconds
     */
    public void driveUntilDone(java.util.concurrent.Future<?> done, long maxNanos) {
        if (done.isDone()) {
            return;
        }
        if (owner == Thread.currentThread()) {
            throw new IllegalStateException("a completion callback on " + name + " waits for a transfer of the same channel;"
                + " it would wait for itself (only this thread can harvest it now): wait outside the callback");
        }
        long startNanos = 0;
        int emptyRounds = 0;
        while (!done.isDone()) {
            int completed = tryDrive();
            if (completed > 0) {
                emptyRounds = 0;
                continue;
            }
            if (++emptyRounds < CLIENT_BUSY_ROUNDS) {
                Thread.onSpinWait();
                continue;
            }
            long now = System.nanoTime();
            if (startNanos == 0) {
                startNanos = now;
            } else if (now - startNanos > Math.min(clientSpinNanos, maxNanos)) {
                requestFallback();
                return;
            }
            Thread.yield();
        }
    }

    /** A client stops driving with work left: make sure the worker is awake to finish it. */
    public void requestFallback() {
        CompletionInterrupt on = sleepingOn;
        (on != null ? on : standbyWaiter).wakeup(); // sticky: a worker about to stand by returns at once
    }

    /**
     * True if the calling thread owns this channel now (it runs this channel's callbacks).
     *
     * @return true if the calling thread owns it
     */
    public boolean ownedByCurrentThread() {
        return owner == Thread.currentThread();
    }

    // ---------------------------------------------------------------- ownership

    /** Takes the channel if nobody owns it: one compare-and-set, never a wait. */
    private boolean tryEnter() {
        return owner == null && OWNER.compareAndSet(this, (Thread) null, Thread.currentThread());
    }

    /**
     * A client owner gives the channel back. If it leaves work in the ring (or someone queued work
     * while it owned the channel) and the worker sleeps deeply, it wakes the worker; a watching
     * worker finds the work by itself within {@value #WATCH_PARK_NANOS} ns.
     */
    public void exitClient() {
        boolean leftWork = inRing > 0 || stalled != null;
        OWNER.setRelease(this, (Thread) null);
        VarHandle.fullFence(); // the release before reading pendingWork and deepSleep: pairs with producers' and the worker's fences
        if (pendingWork || leftWork && deepSleep) {
            wakeIfWaiting();
        }
    }

    /** The worker gives the channel back. @return true if work was queued meanwhile (then it goes round again) */
    private boolean exitWorker() {
        OWNER.setRelease(this, (Thread) null);
        VarHandle.fullFence(); // pairs with the store-load barrier of submitQueued
        return pendingWork;
    }

    /** Owner: the worker has a request or reset to act on first, or the channel is no longer driven by clients. */
    private boolean controlPending() {
        return requestAcquire().epoch() != handledEpoch
            || ((ResetNotice) RESET_NOTICE.getAcquire(this)).generation() != appliedResetGeneration
            || state != WorkerState.RUNNING || crash != null;
    }

    /** Wakes the worker if it waits (on whatever it waits on). */
    private void wakeIfWaiting() {
        CompletionInterrupt on = sleepingOn;
        if (on != null) {
            on.wakeup();
        }
    }

    /**
     * A client wanted to drive the channel but another thread owned it: still a sign that the
     * channel's clients poll, while it holds work. Any thread; a racy increment is fine (the worker
     * only looks for a change).
     */
    private void knock() {
        if ((boolean) RING_BUSY.getAcquire(this)) {
            noteActivity();
        }
    }

    private void noteActivity() {
        ACTIVITY.setOpaque(this, (long) ACTIVITY.getOpaque(this) + 1); // owner-only writer; a hint for the worker
    }

    /** A client round threw (an engine or core bug): the channel is given to the worker, which retires the engine. */
    private void crashedOnClient(Throwable t) {
        if (crash == null) {
            crash = t;
        }
        LOG.log(System.Logger.Level.ERROR, name + ": driving the channel on a client thread failed; the engine is retired", t);
        wake();
    }

    /**
     * Ops the engine has completed on this channel as the contract says (a completion matched to
     * an outstanding ticket, whatever its status): the supervisor's measure of whether an engine
     * that keeps reporting fatal conditions does any work between them.
     *
     * @return the count
     */
    public long engineCompletions() {
        return (long) ENGINE_COMPLETIONS.getAcquire(this);
    }

    /**
     * Transfers admitted and not yet completed.
     *
     * @return the count
     */
    public long outstanding() {
        return admission.pending();
    }

    /**
     * True on the channel's worker thread, and on a client thread while it owns the channel
     * (inside a completion callback it runs): threads that must not wait for this channel.
     *
     * @return true on this worker's thread
     */
    public boolean isWorkerThread() {
        Thread current = Thread.currentThread();
        return current == thread || owner == current;
    }

    @Override
    public void run() {
        state = WorkerState.RUNNING;
        try {
            boolean standingBy = false;
            boolean clientsPolled = false;
            while (true) {
                if (standingBy) {
                    standBy(clientsPolled); // returns when the channel needs this thread
                    clientRoundsSeen = (long) ACTIVITY.getOpaque(this);
                }
                if (!tryEnter()) {
                    standingBy = true; // a client drives the channel
                    clientsPolled = true;
                    continue;
                }
                standingBy = false;
                boolean ringWork;
                int work;
                {
                    Throwable clientCrash = crash;
                    if (clientCrash != null) {
                        throw clientCrash;
                    }
                    roundClockRead = false;
                    Request r = requestAcquire();
                    applyResetIfAny(); // after reading the request: the supervisor publishes a reset before the request
                    if (r.epoch() != handledEpoch) {
                        handledEpoch = r.epoch();
                        switch (r.command()) {
                            case RUN -> acknowledgeRelease(r.epoch());
                            case PAUSE -> {
                                pauseHere(r); // holding the channel: no client enters while the engine resets
                                exitWorker();
                                continue;
                            }
                            case DRAIN -> {
                                drainHere(r);
                                exitWorker();
                                continue;
                            }
                            case STOP -> {
                                stopHere(); // the channel stays owned by this thread for good
                                return;
                            }
                        }
                    }
                    if (pendingWork) {
                        pendingWork = false;
                    }
                    int moved = feed();
                    int done = harvest();
                    publishProgress();
                    work = moved + done;
                    ringWork = inRing > 0 || stalled != null;
                }
                boolean queued = exitWorker();
                long clientRounds = (long) ACTIVITY.getOpaque(this);
                if (clientRounds != clientRoundsSeen) {
                    clientRoundsSeen = clientRounds;
                    standingBy = true; // a client drives this channel itself: leave it to the client
                    clientsPolled = true;
                } else if (work > 0 || queued) {
                    idleRounds = 0;
                } else {
                    standingBy = idle(ringWork);
                    clientsPolled = false;
                }
            }
        } catch (Throwable t) {
            if (crash == null) {
                crash = t;
            }
            LOG.log(System.Logger.Level.ERROR, name + ": channel worker failed; the engine is retired", t);
            while (owner != Thread.currentThread() && !tryEnter()) {
                LockSupport.parkNanos(this, CONTROL_PARK_NANOS); // a client leaves after its round; then the channel is ours for good
            }
            state = WorkerState.CRASHED; // never touches the channel again; the supervisor retires the engine
            while (requestAcquire().command() != Command.STOP) {
                LockSupport.parkNanos(this, CONTROL_PARK_NANOS);
            }
            try {
                applyResetIfAny(); // the supervisor reset the engine before stopping us: the ring was dropped
            } catch (Throwable again) {
                LOG.log(System.Logger.Level.ERROR, name + ": failing the dropped ops after the crash failed too", again);
            }
            abandonRing();
            failQueued(OpStatus.ABORTED);
            state = WorkerState.STOPPED;
            VarHandle.fullFence();
            abortAfterStop();
        }
    }

    // ---------------------------------------------------------------- fast path

    /** Moves queued transfers into the ring; one doorbell for all of them. @return descriptors written */
    private int feed() {
        if (feedBlocked) {
            return 0; // a device error: the engine is reset before it gets more work
        }
        while (true) {
            if (stalled == null) {
                stalled = inbox.poll();
                if (stalled == null) {
                    break;
                }
            }
            PendingTransfer next = stalled.batchNext; // read first: a transfer that fails at once is finished and recycled
            if (!enqueueChunks(stalled, roundClock())) {
                break; // ring full: harvest first
            }
            stalled = next;
        }
        int moved = unsubmitted;
        if (unsubmitted > 0) {
            channel.submit();
            unsubmitted = 0;
        }
        return moved;
    }

    /** @return false when the ring filled up before the whole transfer was enqueued */
    private boolean enqueueChunks(PendingTransfer t, long now) {
        if (t.status != OpStatus.SUCCESS) {
            t.enqueuedBytes = t.lengthBytes;
        }
        while (t.enqueuedBytes < t.lengthBytes) {
            long offset = t.enqueuedBytes;
            int chunk = (int) Math.min(t.chunkBytes, t.lengthBytes - offset);
            int flags = offset == 0 && t.fence ? DmaChannel.FLAG_FENCE : 0;
            // Ops with a result value are never split (the dispatcher refuses them longer than one op): offset is 0 for them.
            long ticket = switch (t.op) {
                case COPY -> channel.enqueueCopy(t.srcSpace, t.srcAddress + offset, t.dstSpace, t.dstAddress + offset, chunk, flags);
                case FILL -> channel.enqueueFill(t.pattern, t.dstSpace, t.dstAddress + offset, chunk, flags);
                case COMPARE -> channel.enqueueCompare(t.srcSpace, t.srcAddress + offset, t.dstSpace, t.dstAddress + offset, chunk,
                    flags);
                case COMPARE_PATTERN -> channel.enqueueComparePattern(t.pattern, t.dstSpace, t.dstAddress + offset, chunk, flags);
                case CRC32C -> channel.enqueueCrc32c(t.dstSpace, t.dstAddress + offset, chunk, (int) t.pattern, flags);
                case DUALCAST -> channel.enqueueDualcast(t.srcSpace, t.srcAddress + offset, t.dstSpace, t.dstAddress + offset,
                    t.dst2Space, t.dst2Address + offset, chunk, flags);
            };
            if (ticket < 0) {
                if (inRing == 0 && unsubmitted == 0) {
                    deviceError("the engine refused an op (NO_SPACE) with nothing outstanding in a ring of "
                        + channel.capacity());
                }
                return false;
            }
            t.enqueuedBytes = offset + chunk;
            t.chunksOutstanding++;
            unsubmitted++;
            if (!track(ticket, t, now)) {
                return false; // the engine broke the ticket contract: no more work until it is reset
            }
        }
        if (t.chunksOutstanding == 0) {
            finish(t); // failed before any chunk reached the engine
        }
        return true;
    }

    /**
     * @return false if the engine broke the ticket contract (a device error): the chunk is then
     *         held as {@link #untracked} until the engine is reset
     */
    private boolean track(long ticket, PendingTransfer t, long now) {
        boolean inSequence = !ticketsKnown || ticket == nextTicket;
        if (!inSequence || !inFlight.put(ticket, t, now)) {
            untracked = t; // at most one: feeding stops here until the reset
            deviceError("the engine accepted ticket " + ticket + (inSequence ? "" : " (expected " + nextTicket + ")") + " with "
                + inRing + " ops outstanding in a ring of " + channel.capacity()
                + (inSequence ? " (a full ring or a duplicate ticket)" : ""));
            return false;
        }
        if (inRing == 0) {
            oldestTicket = ticket;
            oldestSinceNanos = now;
        }
        nextTicket = ticket + 1;
        ticketsKnown = true;
        inRing++;
        return true;
    }

    private int harvest() {
        if (inRing == 0) {
            return 0;
        }
        int n = channel.poll(completions);
        int matched = 0;
        for (int i = 0; i < n; i++) {
            long ticket = completions.ticket(i);
            PendingTransfer t = inFlight.remove(ticket);
            if (t == null) {
                deviceError("the engine reported a completion (status " + completions.status(i) + ") for ticket " + ticket
                    + ", which is not outstanding; ignored");
                continue;
            }
            inRing--;
            matched++;
            chunkDone(t, completions.status(i), completions.deviceCode(i), completions.resultValue(i));
        }
        if (matched > 0) {
            ENGINE_COMPLETIONS.setRelease(this, (long) ENGINE_COMPLETIONS.get(this) + matched); // owners in turn; once per harvest
        }
        if (matched > 0 && inRing > 0) {
            while (oldestTicket < nextTicket && !inFlight.contains(oldestTicket)) {
                oldestTicket++; // amortised: each ticket is passed once
            }
            // The channel completed something just now: the engine is making progress, and the oldest
            // op could not have started before the op it waited behind completed. So its timeout runs
            // from the later of its enqueue and this completion (as harvested: a late harvest only
            // gives it more time). With nothing completing, the time stays put and the watchdog fires.
            oldestSinceNanos = Math.max(inFlight.enqueueNanos(oldestTicket), roundClock());
        }
        return n;
    }

    /** The clock, read at most once per round. */
    private long roundClock() {
        if (!roundClockRead) {
            roundNanos = clock.getAsLong();
            roundClockRead = true;
        }
        return roundNanos;
    }

    /** Off the fast path: the engine broke the channel contract. It gets no more work on this channel until it is reset. */
    private void deviceError(String what) {
        feedBlocked = true;
        deviceErrors.record(what);
    }

    private void chunkDone(PendingTransfer t, int status, int deviceCode) {
        chunkDone(t, status, deviceCode, 0);
    }

    /** {@code resultValue}: the chunk's result (a CRC, a compare outcome); such ops are one chunk, so it is the transfer's. */
    private void chunkDone(PendingTransfer t, int status, int deviceCode, long resultValue) {
        t.chunksOutstanding--;
        t.resultValue = resultValue;
        if (status != OpStatus.SUCCESS) {
            t.fail(status, deviceCode);
        }
        if (t.chunksOutstanding == 0 && t.enqueuedBytes == t.lengthBytes) {
            finish(t);
        }
    }

    private void finish(PendingTransfer t) {
        if (t.done) {
            return;
        }
        t.done = true;
        Optional<String> reason;
        if (t.resourcesLeaked) {
            reason = leakedReason;
            t.leakResources(reason.orElseThrow());
            if (t.home != null) {
                t.home.leaked(reason.orElseThrow()); // the stream holds the pins and mappings: it keeps them for good
            }
            leakedTransfers++;
        } else {
            t.releaseResources();
            // Prepared Optionals only: nothing allocated here beyond the result itself.
            reason = t.status != OpStatus.ABORTED ? Optional.empty() : droppedReason.isPresent() ? droppedReason : stopReason;
        }
        if (t.home == null) {
            admission.release(1); // before the callback: it finds the room its own transfer freed
        } // a stream's transfers run on permits it reserved for its life
        TransferStatus status = TransferStatus.ofCode(t.status);
        // The round's clock: a completion is stamped when the harvest that found it began (one read per round).
        long latencyNanos = Math.max(0, roundClock() - t.createdNanos);
        if (JfrGate.recording()) DmactlEvents.transferCompleted(engineName, name, t.op, t.lengthBytes, latencyNanos, status);
        CompletionHandler handler = t.handler();
        long context = t.context();
        if (handler != null && deliveryExecutor == null) {
            // The allocation-free path: a reused view, and the record back to its pool before the call.
            CompletionView completion = view.set(status, t.deviceCode, t.lengthBytes, engineName, latencyNanos, reason,
                resultValueOf(t));
            recycle(t);
            deliver(handler, context, completion);
            return;
        }
        TransferResult result = new TransferResult(status, t.deviceCode, t.lengthBytes, engineName, latencyNanos, reason,
            resultValueOf(t));
        TransferCallback callback = t.callback();
        recycle(t); // everything needed was copied out: the record may be reused while the executor delivers
        if (deliveryExecutor != null) {
            deliveryExecutor.execute(handler != null
                ? () -> deliver(handler, context, CompletionView.of(result))
                : () -> deliver(callback, result));
            return;
        }
        deliver(callback, result);
    }

    /** The result value a client sees: the device's for a successful op, else 0 (nothing was established). */
    private static long resultValueOf(PendingTransfer t) {
        return t.status == OpStatus.SUCCESS ? t.resultValue : 0;
    }

    /** A pooled record goes back once nothing of it is needed; never one that may still sit in a batch walk or the ring. */
    private void recycle(PendingTransfer t) {
        if (t.resourcesLeaked) {
            return;
        }
        if (t.pooled) {
            pool.give(t);
        } else if (t.home != null) {
            t.home.give(t);
        }
    }

    private void deliver(CompletionHandler handler, long context, CompletionView completion) {
        try {
            handler.onComplete(context, completion);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, name + ": a completion handler threw; the channel carries on", e);
        }
    }

    private void deliver(TransferCallback callback, TransferResult result) {
        try {
            callback.onComplete(result);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, name + ": a completion callback threw; the channel carries on", e);
        }
    }

    /** Owner: what the watchdog and the worker read, with release stores (plain on x86), only when changed. */
    private void publishProgress() {
        boolean busy = inRing > 0;
        if (busy && oldestSinceNanos != (long) PROGRESS_SINCE_NANOS.get(this)) {
            PROGRESS_SINCE_NANOS.setRelease(this, oldestSinceNanos); // before ringBusy: the watchdog reads them in the other order
        }
        if (busy != (boolean) RING_BUSY.get(this)) {
            RING_BUSY.setRelease(this, busy);
        }
    }

    /**
     * The worker's own round found nothing to do; {@code ringWork}: the ring held ops when it looked.
     *
     * @return true when the worker should stand by (see {@link #standBy(boolean)}) instead of driving on
     */
    private boolean idle(boolean ringWork) {
        int rounds = ++idleRounds;
        if (ringWork) {
            if (rounds < SPIN_ROUNDS) {
                Thread.onSpinWait();
                return false;
            }
            if (!interruptDriven && rounds < YIELD_ROUNDS) {
                Thread.yield();
                return false;
            }
            long park = interruptDriven ? INTERRUPT_SLICE_NANOS
                : Math.min(MAX_POLL_PARK_NANOS, 1_000L * (rounds - YIELD_ROUNDS + 1));
            sleep(waiter, park, false);
            return false;
        }
        // Nothing in flight: stay awake a few microseconds for the next submit, then stand by. The
        // real clock, not this worker's (tests drive that one by hand).
        if (rounds == 1) {
            idleSinceNanos = System.nanoTime();
            if (sleepAtOnceEpisodes > 0) {
                sleepAtOnceEpisodes--; // the core was shared lately: staying awake would only delay the others
                idleSinceNanos -= IDLE_YIELD_NANOS;
            }
        }
        if (rounds % ROUNDS_PER_CLOCK_READ != 0) {
            Thread.onSpinWait();
            return false;
        }
        long now = System.nanoTime();
        long idleNanos = now - idleSinceNanos;
        if (idleNanos < IDLE_SPIN_NANOS) {
            Thread.onSpinWait();
        } else if (idleNanos < IDLE_YIELD_NANOS) {
            Thread.yield();
            if (System.nanoTime() - now > CONTENDED_YIELD_NANOS) {
                idleSinceNanos = now - IDLE_YIELD_NANOS; // shared core: sleep at the next idle round
                sleepAtOnceEpisodes = SHARED_CORE_EPISODES;
            }
        } else {
            return true;
        }
        return false;
    }

    /**
     * The worker leaves the channel to its clients and watches it: it returns (to drive the
     * channel itself) when a control request or engine reset is pending, when someone woke it (a
     * client that stopped waiting, queued work it could not feed, or left work while the worker
     * slept deeply; or the engine's interrupt), or when work is waiting and nobody made progress
     * for a whole watch period of {@value #WATCH_PARK_NANOS} ns. After {@value #WATCH_WINDOW_NANOS} ns
     * without activity it sleeps deeply, until a client wakes it.
     */
    private void standBy(boolean clientsPolled) {
        long seen = (long) ACTIVITY.getOpaque(this);
        long quietSince = System.nanoTime();
        while (true) {
            if (requestAcquire().epoch() != handledEpoch
                || ((ResetNotice) RESET_NOTICE.getAcquire(this)).generation() != appliedResetGeneration || crash != null) {
                return;
            }
            long now = System.nanoTime();
            long activityNow = (long) ACTIVITY.getOpaque(this);
            if (activityNow != seen) {
                seen = activityNow; // a client is making progress: the channel is in good hands
                quietSince = now;
                clientsPolled = true;
            } else if (now - quietSince >= (clientsPolled ? CLIENT_GONE_NANOS : WATCH_PARK_NANOS)
                && (pendingWork || (boolean) RING_BUSY.getAcquire(this))) {
                return; // work waits and nobody drove it for a whole watch period
            }
            boolean deep = now - quietSince >= WATCH_WINDOW_NANOS;
            // Clients that poll keep their channel: look less often then (in an emulated guest every wake-up costs).
            long park = deep ? IDLE_SLEEP_NANOS : clientsPolled ? CLIENT_GONE_NANOS : WATCH_PARK_NANOS;
            if (sleep(standbyWaiter, park, deep)) {
                return; // woken on purpose
            }
        }
    }

    /**
     * Waits on the channel's waiter for up to {@code nanos}, unless work was queued or a request
     * came meanwhile; {@code deep}: clients that leave work in the ring wake it (see {@link #exitClient()}).
     *
     * @return true if the wait ended by a wakeup (a client's or the engine's interrupt), or did not start because work or a request came
     */
    private boolean sleep(CompletionInterrupt on, long nanos, boolean deep) {
        sleepingOn = on;
        if (deep) {
            deepSleep = true;
        }
        VarHandle.fullFence(); // sleeping before the re-checks: pairs with the fences of submitQueued and exitClient
        boolean woken = true;
        if (!pendingWork && requestAcquire().epoch() == handledEpoch
            && !(deep && (boolean) RING_BUSY.getAcquire(this)) && crash == null) {
            woken = on.await(nanos);
        }
        if (deep) {
            deepSleep = false;
        }
        sleepingOn = null;
        return woken;
    }

    // ---------------------------------------------------------------- control path (worker side)

    /** Out of the channel until the supervisor's next request; {@code r} is acknowledged once we are. */
    private void pauseHere(Request r) {
        // What the engine completed before the pause ends as it did, and counts as progress for the
        // supervisor's hang re-check: a worker that was slow to harvest never gets its engine reset.
        harvest();
        publishProgress();
        state = WorkerState.PAUSED;
        acknowledgeRelease(r.epoch()); // after the last channel call of this thread: the supervisor may reset now
        while (requestAcquire() == r) {
            LockSupport.parkNanos(this, CONTROL_PARK_NANOS);
        }
        state = WorkerState.RUNNING;
    }

    private void drainHere(Request r) {
        failQueued(OpStatus.ABORTED);
        long deadline = r.drainDeadlineNanos();
        while (requestAcquire() == r && inRing > 0 && !feedBlocked && clock.getAsLong() - deadline < 0) {
            applyResetIfAny();
            if (unsubmitted > 0) {
                channel.submit();
                unsubmitted = 0;
            }
            if (harvest() == 0) {
                LockSupport.parkNanos(this, 50_000L);
            }
            failQueued(OpStatus.ABORTED);
        }
        publishProgress();
        state = WorkerState.DRAINED;
        acknowledgeRelease(r.epoch()); // from here on the channel is not touched until the request changes
        while (requestAcquire() == r) {
            LockSupport.parkNanos(this, CONTROL_PARK_NANOS);
        }
    }

    private void stopHere() {
        abandonRing(); // run() applied a reset that came with the stop already: what is left was never dropped
        failQueued(OpStatus.ABORTED);
        publishProgress();
        state = WorkerState.STOPPED;
        VarHandle.fullFence(); // state before the last inbox check: pairs with the fence in submit()
        abortAfterStop();
    }

    /**
     * After the worker stopped, whoever sees that fails what is still queued. Synchronized: the
     * inbox has a single consumer, and from now on that is whichever thread holds this lock.
     */
    private synchronized void abortAfterStop() {
        failQueued(OpStatus.ABORTED);
    }

    private void applyResetIfAny() {
        ResetNotice notice = (ResetNotice) RESET_NOTICE.getAcquire(this); // the notice's fields as published
        if (notice.generation() == appliedResetGeneration) {
            return;
        }
        appliedResetGeneration = notice.generation();
        droppedReason = notice.reason();
        failRing(notice.rule());
        failUntracked(false);
        failStalled(OpStatus.ABORTED);
        droppedReason = Optional.empty();
        unsubmitted = 0;
        feedBlocked = false; // the engine was reset: its ring starts clean
        ticketsKnown = false; // after a device error the sequence we expected may be off: the engine's next ticket starts it again
        publishProgress();
    }

    /** The chunk the engine accepted against the contract ends ABORTED; its memory is leaked unless the ring was dropped. */
    private void failUntracked(boolean leak) {
        PendingTransfer t = untracked;
        if (t == null) {
            return;
        }
        untracked = null;
        t.resourcesLeaked |= leak;
        chunkDone(t, OpStatus.ABORTED, 0);
    }

    /**
     * The worker stops for good, and what is still in the ring was not dropped by a confirmed
     * reset (the engine's reset failed or was never tried, or this worker came back from a stuck
     * channel call after its engine was given up): the device may still read or write those
     * transfers' memory. They complete ABORTED with a reason saying so, but their location pins
     * and IOVA mapping references are kept for good (deliberately leaked), so the memory can be
     * neither freed nor unmapped and handed out again under the device. Logged once at ERROR.
     */
    private void abandonRing() {
        if (inRing == 0 && untracked == null) {
            return;
        }
        int ops = inRing + (untracked == null ? 0 : 1);
        long leakedBefore = leakedTransfers;
        leakedReason = Optional.of(stopReason.orElse(name + " stopped") + "; " + engineName
            + " could not be confirmed stopped while this transfer was in its ring, so the transfer's memory stays pinned"
            + " and IOVA-mapped (deliberately leaked: the device may still write it) until the runtime closes");
        inFlight.drain(t -> {
            inRing--;
            t.resourcesLeaked = true;
            chunkDone(t, OpStatus.ABORTED, 0);
        });
        failUntracked(true);
        oldestTicket = nextTicket;
        LOG.log(System.Logger.Level.ERROR, name + ": " + engineName + " stopped with " + ops + " op(s) of "
            + (leakedTransfers - leakedBefore) + " transfer(s) still in its ring and no confirmed reset; they end ABORTED,"
            + " but their buffers stay pinned and IOVA-mapped (leaked) because the device may still read or write them");
    }

    /** The engine dropped everything in the ring: fail it. */
    private void failRing(ResetRule rule) {
        long now = clock.getAsLong();
        if (inRing > 0 && rule == ResetRule.TIMEOUT_OLDEST && now - oldestSinceNanos >= opTimeoutNanos
            && inFlight.contains(oldestTicket)) {
            inRing--;
            chunkDone(inFlight.remove(oldestTicket), OpStatus.TIMEOUT, 0); // it made no progress for the op timeout
        }
        failAllInRing(OpStatus.ABORTED);
    }

    private void failAllInRing(int status) {
        inFlight.drain(t -> {
            inRing--;
            chunkDone(t, status, 0);
        });
        oldestTicket = nextTicket;
    }

    /** Fails the rest of a batch that was partly handed to the engine. */
    private void failStalled(int status) {
        for (PendingTransfer t = stalled, next; t != null; t = next) {
            next = t.batchNext; // before finish: a finished record goes back to its pool or stream
            t.fail(status, 0);
            if (t.chunksOutstanding == 0) {
                finish(t);
            }
        }
        stalled = null;
    }

    /** Fails what has not reached the engine yet. */
    private void failQueued(int status) {
        failStalled(status);
        for (PendingTransfer head = inbox.poll(); head != null; head = inbox.poll()) {
            for (PendingTransfer t = head, next; t != null; t = next) {
                next = t.batchNext;
                t.fail(status, 0);
                finish(t);
            }
        }
    }

    // ---------------------------------------------------------------- control path (supervisor side)

    /**
     * Supervisor, under its control lock: asks the worker to leave the channel.
     *
     * @return the request's epoch, for {@link #acknowledged}
     */
    long requestPause() {
        return issue(Command.PAUSE, 0);
    }

    /**
     * Supervisor, worker paused: resumes it; when {@code ringDropped} (the engine was just reset)
     * the worker first fails what the engine dropped.
     *
     * @param reason why the engine was reset, given to the ops it dropped as their ABORTED reason; null for none
     */
    void resume(boolean ringDropped, ResetRule rule, String reason) {
        if (ringDropped) {
            publishReset(rule, Optional.ofNullable(reason));
        }
        issue(Command.RUN, 0);
    }

    /** @return the request's epoch, acknowledged once the ring drained (or the deadline passed) */
    long requestDrain(long deadlineNanos) {
        return issue(Command.DRAIN, deadlineNanos);
    }

    /**
     * Stops the worker for good; the transfers it aborts from now on carry {@code reason}.
     *
     * @param ringDropped the engine was successfully reset and dropped what was in the ring, so
     *                    the memory of those ops may be released; when false, whatever is still in
     *                    the ring once the worker stops keeps its memory pinned for good (see
     *                    {@link #abandonRing})
     */
    void requestStop(boolean ringDropped, String reason) {
        if (reason != null) {
            stopReason = Optional.of(reason); // before the request: the worker reads it while failing ops
        }
        if (ringDropped) {
            publishReset(ResetRule.ABORT_ALL, Optional.empty()); // the dropped ops carry the stop reason
        }
        issue(Command.STOP, 0);
    }

    /**
     * Supervisor: the worker is in the state {@code epoch} asked for (or beyond it), or it can no
     * longer touch the channel at all (crashed, stopped).
     */
    boolean acknowledged(long epoch) {
        WorkerState s = state;
        return (long) ACKNOWLEDGED_EPOCH.getAcquire(this) >= epoch || s == WorkerState.CRASHED || s == WorkerState.STOPPED;
    }

    /** Supervisor: the engine was reset, so the fault that asked for it is resolved. Only while the worker is paused. */
    void clearDeviceFault() {
        deviceErrors.clearFault();
    }

    /** The first device error since the engine was last reset, or null; see the class comment. */
    String deviceFault() {
        return deviceErrors.fault();
    }

    /**
     * Completions and enqueues that broke the channel contract, since the worker started.
     *
     * @return the count
     */
    public long deviceErrors() {
        return deviceErrors.count();
    }

    private long issue(Command command, long drainDeadlineNanos) {
        long epoch = ++issuedEpoch;
        REQUEST.setRelease(this, new Request(epoch, command, drainDeadlineNanos)); // after the notice and reasons
        wake();
        return epoch;
    }

    private void publishReset(ResetRule rule, Optional<String> reason) {
        ResetNotice last = (ResetNotice) RESET_NOTICE.getAcquire(this);
        RESET_NOTICE.setRelease(this, new ResetNotice(last.generation() + 1, rule, reason)); // before the request
    }

    private Request requestAcquire() {
        return (Request) REQUEST.getAcquire(this);
    }

    /** Worker: it is in the state request {@code epoch} asked for; everything it did before is visible to the supervisor. */
    private void acknowledgeRelease(long epoch) {
        ACKNOWLEDGED_EPOCH.setRelease(this, epoch);
    }

    WorkerState state() {
        return state;
    }

    boolean ringBusy() {
        return (boolean) RING_BUSY.getAcquire(this);
    }

    /**
     * Since when the oldest op in the ring could run: the later of its enqueue and the channel's
     * last completion. Meaningful while {@link #ringBusy()}.
     */
    long progressSinceNanos() {
        return (long) PROGRESS_SINCE_NANOS.getAcquire(this);
    }

    long opTimeoutNanos() {
        return opTimeoutNanos;
    }

    Throwable crash() {
        return crash;
    }

    /** True once the owner thread has ended (or never started). */
    boolean threadEnded() {
        Thread t = thread;
        return t == null || !t.isAlive();
    }

    boolean join(long timeoutNanos) throws InterruptedException {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        t.join(Math.max(1, timeoutNanos / 1_000_000));
        return !t.isAlive();
    }

    private void wake() {
        waiter.wakeup();
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
