package io.dmactl.cli.selftest;

import io.dmactl.cli.output.JsonRecord;

import java.util.Optional;

/**
 * One row of the selftest summary: an engine and a route, what ran and what failed.
 *
 * @param engine     engine name, e.g. "cpu" or "edu@0000:00:02.0"
 * @param direction  the route's label, e.g. "host->dev->host"
 * @param cases      checked transfers
 * @param ops        DMA ops submitted (two per case on routes through private memory, four on
 *                   host->dev->dev->host)
 * @param bytes      bytes moved by all ops
 * @param failures   cases that ended in a status other than success or whose bytes differed
 * @param timeNanos  wall time of the ops, submission to completion, summed
 * @param emulated   why these figures were measured under emulation ({@code host.Emulation}), or empty
 */
public record RouteSummary(String engine, String direction, int cases, long ops, long bytes, int failures,
                           long timeNanos, Optional<String> emulated) implements JsonRecord {

    public RouteSummary withEmulated(Optional<String> reason) {
        return new RouteSummary(engine, direction, cases, ops, bytes, failures, timeNanos, reason);
    }
}
