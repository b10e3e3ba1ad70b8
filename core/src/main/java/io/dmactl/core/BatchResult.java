package io.dmactl.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The futures of a submitted batch.
 *
 * @param results one future per op, in the order the ops were added
 * @param all     completes when every op has completed, with their results in order
 */
public record BatchResult(List<CompletableFuture<TransferResult>> results, CompletableFuture<List<TransferResult>> all) {

    /** Copies {@code results}, which must not be null. */
    public BatchResult {
        results = List.copyOf(results);
    }
}
