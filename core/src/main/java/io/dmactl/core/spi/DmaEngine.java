package io.dmactl.core.spi;

/**
 * An opened DMA engine: what it can do (as data) and its channels. Created by
 * {@link DmaProvider#open(EngineContext)}; owned and driven by the core.
 *
 * <p>Control-path methods ({@link #reset()}, {@link #close()}) are called by the core only while
 * no thread is inside any of the engine's channels (the core pauses the channel owners first).
 */
public interface DmaEngine extends AutoCloseable {

    /**
     * Constant for the engine's life; validated once by the core when the engine opens.
     *
     * @return the engine's capabilities
     */
    EngineCapabilities capabilities();

    /**
     * Channel {@code index}, 0..channelCount-1; the same object on every call.
     *
     * @param index 0..channelCount-1
     * @return the channel
     */
    DmaChannel channel(int index);

    /**
     * Stops the engine, drops every outstanding op and readies the channels for new work. When it
     * returns, the engine no longer reads or writes memory for any op enqueued before the call,
     * and poll will never report those tickets (the core fails them itself); ticket numbering
     * continues. Used by the watchdog when an op outlives its timeout and on close.
     *
     * @throws RuntimeException if the engine cannot be brought back; the core then retires it
     */
    void reset();

    /**
     * A fatal device condition the engine noticed out of band (not through an op's completion),
     * e.g. an NVMe controller's fatal status bit, or null while the engine is healthy.
     *
     * <p>Polled by the core's watchdog on its tick, never on the fast path, and possibly while a
     * channel owner is inside a channel: it must be thread-safe, cheap (a register read, no
     * waiting) and allocate nothing when healthy (return a prepared message when not). Once it
     * returns non-null the core treats the engine like a hung one: it pauses the channel owners,
     * calls {@link #reset()}, ends the transfers the reset dropped ABORTED with this text as their
     * reason, and lets the engine serve again. A reset must therefore clear the condition on a
     * healthy device. If the reset throws, or this still returns non-null right after it, the
     * engine is retired: no more work is dispatched to it, its channel owners stop. Not called
     * after {@link #close()} returned.
     *
     * @return why the engine cannot be used until it is reset, or null
     */
    default String fatalCondition() {
        return null;
    }

    /** Stops the engine and releases everything it holds. Called once, after quiescing. */
    @Override
    void close();
}
