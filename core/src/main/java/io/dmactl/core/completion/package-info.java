/**
 * Internal (not exported): the per-channel fast path. A {@link io.dmactl.core.completion.ChannelWorker}
 * owns one engine channel (client threads drive it themselves when they can), admits transfers
 * through its {@link io.dmactl.core.completion.ChannelAdmission} (backpressure), splits them into
 * chunks and completes them exactly once; an {@link io.dmactl.core.completion.EngineSupervisor}
 * resets and closes an engine; the {@link io.dmactl.core.completion.Watchdog} resets engines that
 * stop making progress.
 */
package io.dmactl.core.completion;
