package io.dmactl.provider.nvme;

import io.dmactl.core.spi.DeviceRequirement;
import io.dmactl.core.spi.DmaEngine;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.EngineContext;
import io.dmactl.core.spi.PciMatch;
import io.dmactl.vfio.VfioDevice;

import java.util.Objects;

/**
 * NVMe controllers (PCI class 01:08:02, NVM Express I/O controller) driven from userspace over
 * VFIO: one engine per controller, one I/O queue pair per channel, one namespace exposed as the
 * private space {@code "ns<nsid>"} (host memory &lt;-&gt; namespace by Read/Write, namespace &lt;-&gt;
 * namespace by Copy where the controller offers it).
 *
 * <p>Options: {@code nvme.channels} (2), {@code nvme.queueDepth} (64, power of two),
 * {@code nvme.sq} = host | cmb, {@code nvme.completion} = poll | msix, {@code nvme.namespace} (1),
 * {@code nvme.timeoutMillis} (5000).
 */
public final class NvmeProvider implements DmaProvider {
    /** The provider's name, {@value}. */
    public static final String NAME = "nvme";
    /** Base class 01 (mass storage), subclass 08 (non-volatile memory), interface 02 (NVM Express). */
    public static final int CLASS_NVME = 0x01_08_02;
    /** Option {@value}: I/O queue pairs (channels), default 2. */
    public static final String OPTION_CHANNELS = NvmeSettings.CHANNELS;
    /** Option {@value}: entries per I/O queue, default 64. */
    public static final String OPTION_QUEUE_DEPTH = NvmeSettings.QUEUE_DEPTH;
    /** Option {@value}: where submission queues live, {@code host} (default) or {@code cmb} (the controller memory buffer). */
    public static final String OPTION_SQ = NvmeSettings.SQ;
    /** Option {@value}: {@code poll} (default) or {@code msix}. */
    public static final String OPTION_COMPLETION = NvmeSettings.COMPLETION;
    /** Option {@value}: the namespace exposed as a private space, default 1. */
    public static final String OPTION_NAMESPACE = NvmeSettings.NAMESPACE;
    /** Option {@value}: how long admin commands and CSTS.RDY changes (beyond CAP.TO) may take, default 5000 ms. */
    public static final String OPTION_TIMEOUT_MILLIS = NvmeSettings.TIMEOUT_MILLIS;

    /** The ServiceLoader entry; the runtime gives each engine its device and options at open. */
    public NvmeProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeviceRequirement devices() {
        return DeviceRequirement.pci(PciMatch.ofClass(CLASS_NVME, 0xff_ffff));
    }

    /**
     * The private space name of namespace {@code nsid}.
     *
     * @param nsid the namespace id
     * @return the space's name
     */
    public static String namespaceSpace(int nsid) {
        return "ns" + nsid;
    }

    @Override
    public DmaEngine open(EngineContext context) {
        Objects.requireNonNull(context, "context");
        NvmeSettings settings = NvmeSettings.from(context);
        VfioDevice device = context.vfioDevice().orElseThrow(() -> new IllegalStateException(context.engineName()
            + ": no VFIO device was handed over; nvme is driven through vfio-pci only"));
        return NvmeEngine.open(context, device, settings);
    }
}
