package io.dmactl.core;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The futures of a submitted batch: {@link #all()} for the whole batch, {@link #results()} for
 * each op. The per-op futures are made when first asked for (a batch waited on only through
 * {@code all()} makes none); each completes when its own op does.
 */
public final class BatchResult {
    private final List<CompletableFuture<TransferResult>> results;
    private final CompletableFuture<List<TransferResult>> all;

    /**
     * A result made of futures that already exist.
     *
     * @param results one future per op, in the order the ops were added (copied)
     * @param all     completes when every op has completed, with their results in order
     */
    public BatchResult(List<CompletableFuture<TransferResult>> results, CompletableFuture<List<TransferResult>> all) {
        this(Objects.requireNonNull(all, "all"), List.copyOf(results));
    }

    /** Takes {@code results} as it is: the runtime's own view, whose futures are made on demand. */
    private BatchResult(CompletableFuture<List<TransferResult>> all, List<CompletableFuture<TransferResult>> results) {
        this.results = results;
        this.all = all;
    }

    /** The result of a batch the runtime submitted: per-op futures made as they are read (see {@link BatchCompletion}). */
    static BatchResult of(BatchCompletion completion) {
        return new BatchResult(completion.all(), completion.futures());
    }

    /**
     * The per-op futures.
     *
     * @return one future per op, in the order the ops were added; unmodifiable
     */
    public List<CompletableFuture<TransferResult>> results() {
        return results;
    }

    /**
     * The future of the whole batch.
     *
     * @return a future that completes when every op has completed, with their results in the order
     *         the ops were added
     */
    public CompletableFuture<List<TransferResult>> all() {
        return all;
    }

    @Override
    public String toString() {
        return "BatchResult[" + results.size() + " ops, " + (all.isDone() ? "done" : "pending") + "]";
    }
}
