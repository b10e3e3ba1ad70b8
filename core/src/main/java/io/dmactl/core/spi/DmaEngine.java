package io.dmactl.core.spi;

/**
 * An opened DMA engine: what it can do (as data) and its channels. Created by
 * {@link DmaProvider#open(EngineContext)}; owned and driven by the core.
 *
 * <p>Control-path methods ({@link #reset()}, {@link #close()}) are called by the core only while
 * no thread is inside any of the engine's channels (the core pauses the channel owners first).
 */
public interface DmaEngine extends AutoCloseable {

    /** Constant for the engine's life; validated once by the core when the engine opens. */
    EngineCapabilities capabilities();

    /** Channel {@code index}, 0..channelCount-1; the same object on every call. */
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

    /** Stops the engine and releases everything it holds. Called once, after quiescing. */
    @Override
    void close();
}
