package io.dmactl.provider.dsa;

import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.EventFdVectors;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.PortalStores;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** A DSA function through vfio-pci: BAR0 through {@code MmioRegisters}, portals in BAR2 through MOVDIR64B. */
final class VfioDsaMmio implements DsaMmio {
    private static final long REGISTER_POLL_PAUSE_NANOS = 1_000;
    private final VfioDevice device;
    private final MmioRegisters registers;
    private final MemorySegment portals;
    private EventFdVectors vectors;

    VfioDsaMmio(VfioDevice device) {
        this.device = Objects.requireNonNull(device, "device");
        if (!PortalStores.features().movdir64b()) {
            throw new IllegalStateException("dsa " + device.pciAddress() + ": this CPU lacks MOVDIR64B (CPUID.7.0:ECX bit 28), the only"
                + " way to write a dedicated work queue's portal; use the idxd driver and the dsa provider (write(2)) instead");
        }
        MemorySegment bar0 = device.mapRegion(VfioDevice.BAR0_REGION);
        this.registers = new MmioRegisters(bar0, "dsa " + device.pciAddress() + " BAR0", REGISTER_POLL_PAUSE_NANOS);
        this.portals = device.mapRegion(VfioDevice.BAR0_REGION + 2);
    }

    @Override
    public String subject() {
        return "dsa " + device.pciAddress();
    }

    @Override
    public int read32(long offset) {
        return registers.read32(offset);
    }

    @Override
    public void write32(long offset, int value) {
        registers.write32(offset, value);
    }

    @Override
    public long read64(long offset) {
        return registers.read64(offset);
    }

    @Override
    public void write64(long offset, long value) {
        registers.write64(offset, value);
    }

    @Override
    public void portalStore(long portalOffset, MemorySegment descriptor, long offsetBytes) {
        PortalStores.movdir64b(portals, portalOffset, descriptor.asSlice(offsetBytes, PortalStores.STORE_BYTES));
    }

    @Override
    public int msixVectors() {
        IrqInfo msix = device.irqInfo(VfioDevice.MSIX);
        return msix.eventFdCapable() ? msix.count() : 0;
    }

    @Override
    public synchronized CompletionInterrupt[] enableMsix(int count) {
        vectors = EventFdVectors.enable(device, VfioDevice.MSIX, count);
        return vectors.interrupts();
    }

    @Override
    public synchronized void disableInterrupts() {
        if (vectors != null) {
            vectors.close();
            vectors = null;
        }
    }

    @Override
    public void enableBusMaster() {
        device.enableBusMaster();
    }

    @Override
    public void disableBusMaster() {
        device.disableBusMaster();
    }
}
