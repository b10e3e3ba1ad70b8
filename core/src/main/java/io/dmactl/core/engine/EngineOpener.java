package io.dmactl.core.engine;

import io.dmactl.core.completion.ChannelWorker;
import io.dmactl.core.completion.EngineSupervisor;
import io.dmactl.core.location.DeviceWindow;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.memory.IovaMappings;
import io.dmactl.core.spi.DmaChannel;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineCapabilities;
import io.dmactl.core.telemetry.DmactlEvents;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.PciDevice;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * Opens one engine for the runtime: builds its context, lets the provider open it, checks it
 * against its capabilities once, and starts one channel worker per channel.
 *
 * @param pool the runtime's DMA memory
 * @param clock the runtime's nanosecond clock
 * @param options the provider options given to the builder
 * @param windowFactory makes the device windows engines declare
 * @param opTimeoutNanos   how long an engine may hold work without completing any before the watchdog resets it
 * @param deliveryExecutor where completion callbacks run (null: on the channel workers)
 * @param pendingLimit     most transfers pending per channel, or 0 for
 *                         {@value ChannelWorker#DEFAULT_PENDING_RINGS} times the channel's ring
 */
public record EngineOpener(DmaMemoryPool pool, LongSupplier clock, Map<String, String> options,
                           BiFunction<String, MemorySegment, DeviceWindow> windowFactory,
                           long opTimeoutNanos, Executor deliveryExecutor, int pendingLimit) {

    /**
     * Opens an engine of {@code provider} and starts its channel workers.
     *
     * @param provider the provider to open the engine with
     * @param engineName the engine's unique name
     * @param device the PCI function it drives, or empty for a software engine
     * @param vfioDevice the device opened in the runtime's container (closed with the engine), or empty
     * @param mappings the mappings of the engine's IOMMU domain, or null for none
     * @return the open engine
     * @throws RuntimeException if the provider fails or the engine contradicts its capabilities
     *                          (the engine is closed again)
     */
    public EngineHandle open(DmaProvider provider, String engineName, Optional<PciDevice> device,
                             Optional<VfioDevice> vfioDevice, IovaMappings mappings) {
        return open(provider, engineName, device, vfioDevice, mappings, true);
    }

    /**
     * Like {@link #open}, but starts no channel worker: the engine's channels are left for client
     * threads that claim one each ({@code DmaRuntime.claimChannel}). Its supervisor has no workers,
     * so closing it closes the engine at once; the runtime never dispatches to it or watches it.
     *
     * @param provider the provider to open the engine with
     * @param engineName the engine's unique name
     * @param device the PCI function it drives, or empty for a software engine
     * @param vfioDevice the device opened in the runtime's container (closed with the engine), or empty
     * @param mappings the mappings of the engine's IOMMU domain, or null for none
     * @return the open engine, without channel workers
     */
    public EngineHandle openWithoutWorkers(DmaProvider provider, String engineName, Optional<PciDevice> device,
                                           Optional<VfioDevice> vfioDevice, IovaMappings mappings) {
        return open(provider, engineName, device, vfioDevice, mappings, false);
    }

    private EngineHandle open(DmaProvider provider, String engineName, Optional<PciDevice> device,
                              Optional<VfioDevice> vfioDevice, IovaMappings mappings, boolean startWorkers) {
        RuntimeEngineContext context = new RuntimeEngineContext(engineName, device, vfioDevice, mappings, pool, clock, options,
            windowFactory);
        DmaEngine engine;
        try {
            engine = provider.open(context);
        } catch (RuntimeException e) {
            try {
                context.releaseResources();
            } catch (RuntimeException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
        if (engine == null) {
            context.releaseResources();
            throw new IllegalStateException(engineName + ": provider " + provider.name() + " returned no engine");
        }
        try {
            CapabilityCheck.verify(engineName, engine, mappings == null ? null : mappings.domain(), context.privateSpaces());
            EngineCapabilities caps = engine.capabilities();
            List<ChannelWorker> workers = new ArrayList<>();
            for (int i = 0; startWorkers && i < caps.channelCount(); i++) {
                DmaChannel channel = engine.channel(i);
                int limit = pendingLimit > 0 ? pendingLimit : ChannelWorker.defaultPendingLimit(channel.capacity());
                workers.add(new ChannelWorker(engineName, channel, caps.interrupts(), clock, opTimeoutNanos,
                    deliveryExecutor, limit));
            }
            EngineSupervisor supervisor = new EngineSupervisor(engineName, engine, workers, clock);
            EngineHandle handle = new EngineHandle(engineName, provider.name(),
                device.map(d -> d.address().toString()), engine, mappings, context, supervisor);
            supervisor.identify(provider.name(), handle.device().orElse(""));
            supervisor.start();
            DmactlEvents.engineOpened(engineName, provider.name(), handle.device().orElse(""), caps.channelCount(), startWorkers);
            return handle;
        } catch (RuntimeException e) {
            try {
                engine.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            context.releaseResources();
            throw e;
        }
    }
}
