package io.dmactl.cli.bench;

/** How {@code bench} drives an engine, and so what its figures include. */
public enum BenchPath {
    /**
     * The bench thread owns the engine's channel 0 ({@code DmaRuntime.claimChannel}): it enqueues,
     * rings one doorbell per batch and polls itself. What the engine (and the channel API) can do.
     */
    RAW("raw", "the bench thread owning channel 0 (enqueue, one submit per batch, poll)"),
    /**
     * Through {@code DmaRuntime}'s callback API, run to completion: the bench thread submits and
     * harvests ({@code poll()}); dispatch, admission, pinning and the callback. What a client of
     * the runtime sees.
     */
    RUNTIME("runtime", "DmaRuntime callbacks, the bench thread polling (dispatch, admission, callback)"),
    /**
     * Through a {@code DmaStream}: the source and destination pinned and mapped once, each batch
     * staged and submitted with one doorbell, the bench thread polling. What a client that moves
     * many pieces between the same locations sees.
     */
    STREAM("stream", "a DmaStream, the bench thread polling (locations pinned and mapped once, one doorbell per batch)");

    private final String label;
    private final String description;

    BenchPath(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** As typed on the command line and shown in the output: {@code raw}, {@code runtime}, {@code stream}. */
    public String label() {
        return label;
    }

    /** What the figures include, for the output's header line. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return label;
    }
}
