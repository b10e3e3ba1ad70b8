/**
 * The client API of dmactl: {@link io.dmactl.core.DmaRuntime} opens the providers found with
 * {@link java.util.ServiceLoader}, their devices and engines, and moves bytes between
 * {@link io.dmactl.core.location.DmaLocation locations} without the client handling a physical or
 * bus address.
 *
 * <ul>
 *   <li>{@link io.dmactl.core.DmaTransfers} holds the operations (copy, fill, compare,
 *       compare-pattern, CRC-32C, dualcast) in their three forms: a
 *       {@link java.util.concurrent.CompletableFuture} of a {@link io.dmactl.core.TransferResult},
 *       a {@link io.dmactl.core.TransferCallback}, or an allocation-free
 *       {@link io.dmactl.core.CompletionHandler} with a {@code long} context; each waits for room
 *       on a full channel, its {@code try} twin fails fast with
 *       {@link io.dmactl.core.BackpressureException}.</li>
 *   <li>{@link io.dmactl.core.Batch} submits ops to one channel with one doorbell, with fences.</li>
 *   <li>{@link io.dmactl.core.ExclusiveChannel} lets one thread drive an engine channel itself.</li>
 *   <li>Device outcomes are {@link io.dmactl.core.TransferStatus statuses}, never exceptions;
 *       misuse throws at once, before anything is touched.</li>
 * </ul>
 *
 * {@code DmaRuntime} and {@code DmaTransfers} are thread-safe; a {@code Batch} is built on one thread.
 */
package io.dmactl.core;
