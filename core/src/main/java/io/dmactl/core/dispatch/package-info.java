/**
 * Internal (not exported): picks the engine for a transfer. The
 * {@link io.dmactl.core.dispatch.Dispatcher} filters the open engines against a
 * {@link io.dmactl.core.dispatch.TransferShape} (availability, op, direction, reachability,
 * alignment) and ranks the rest by cost, preferences and load; when none can serve, a
 * {@link io.dmactl.core.dispatch.NoEngineAvailableException} names each engine and why.
 */
package io.dmactl.core.dispatch;
