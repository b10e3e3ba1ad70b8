package io.dmactl.provider.ioat;

import io.dmactl.core.spi.CompletionInterrupt;
import io.dmactl.core.spi.EventFdVectors;
import io.dmactl.vfio.IrqInfo;
import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/** A QuickData function bound to vfio-pci: BAR0 mapped through VFIO, MSI-X vectors on eventfds. */
final class VfioIoatFunction implements IoatFunction {
    /** Between two reads of a register an await polls: a reset completes in microseconds on silicon. */
    static final long REGISTER_POLL_PAUSE_NANOS = 1_000;
    /** The register space: the device block and up to 31 channel blocks (CHANCNT is 5 bits). */
    static final long REGISTER_SPACE_BYTES = IoatDeviceRegisters.BLOCK_BYTES * 32;

    private final VfioDevice device;
    private final Mmio registers;
    private EventFdVectors vectors;

    VfioIoatFunction(VfioDevice device) {
        this.device = Objects.requireNonNull(device, "device");
        MemorySegment bar = device.mapRegion(VfioDevice.BAR0_REGION + IoatDeviceRegisters.BAR);
        long bytes = Math.min(bar.byteSize(), REGISTER_SPACE_BYTES);
        if (bytes < 2 * IoatDeviceRegisters.BLOCK_BYTES) {
            throw new IllegalStateException("ioat " + device.pciAddress() + ": BAR0 is " + bar.byteSize()
                + " bytes, too small for the device block and one channel (" + 2 * IoatDeviceRegisters.BLOCK_BYTES + ")");
        }
        this.registers = new Mmio(new MmioRegisters(bar.asSlice(0, bytes), "ioat " + device.pciAddress() + " BAR0",
            REGISTER_POLL_PAUSE_NANOS));
    }

    @Override
    public String address() {
        return device.pciAddress();
    }

    @Override
    public IoatMmio registers() {
        return registers;
    }

    @Override
    public int msixVectors() {
        IrqInfo msix = device.irqInfo(VfioDevice.MSIX);
        return msix.eventFdCapable() ? msix.count() : 0;
    }

    @Override
    public synchronized CompletionInterrupt[] enableMsix(int count) {
        int offered = msixVectors();
        if (offered < count) {
            throw new IllegalStateException("ioat " + device.pciAddress() + " offers " + offered + " MSI-X vectors on eventfds, "
                + count + " channels need one each; open it with ioat.completion=poll");
        }
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

    @Override
    public String toString() {
        return "ioat " + device.pciAddress();
    }

    /** {@link IoatMmio} over vfio-binding's range-checked register accessor. */
    private record Mmio(MmioRegisters mmio) implements IoatMmio {
        @Override
        public String subject() {
            return mmio.subject();
        }

        @Override
        public int read8(long offset) {
            return mmio.read8(offset);
        }

        @Override
        public void write8(long offset, int value) {
            mmio.write8(offset, value);
        }

        @Override
        public int read16(long offset) {
            return mmio.read16(offset);
        }

        @Override
        public void write16(long offset, int value) {
            mmio.write16(offset, value);
        }

        @Override
        public void write16Release(long offset, int value) {
            mmio.write16Release(offset, value);
        }

        @Override
        public int read32(long offset) {
            return mmio.read32(offset);
        }

        @Override
        public void write32(long offset, int value) {
            mmio.write32(offset, value);
        }

        @Override
        public long read64(long offset) {
            return mmio.read64(offset);
        }

        @Override
        public void write64(long offset, long value) {
            mmio.write64(offset, value);
        }
    }
}
