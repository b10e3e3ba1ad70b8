package io.dmactl.provider.nvme;

import io.dmactl.vfio.VfioDevice;
import io.dmactl.vfio.pci.MmioRegisters;

import java.lang.foreign.MemorySegment;

import static io.dmactl.provider.nvme.NvmeRegisters.CMBLOC;
import static io.dmactl.provider.nvme.NvmeRegisters.CMBMSC;
import static io.dmactl.provider.nvme.NvmeRegisters.CMBSZ;

/**
 * The controller memory buffer (NVMe 1.4, 8.7 and 3.1.11-3.1.15): a BAR region the controller
 * serves queues from. With CAP.CMBS set, CMBLOC and CMBSZ read 0 until CMBMSC.CRE is set, and the
 * controller treats queue addresses as CMB addresses only once CMBMSC.CMSE is set with a
 * controller base address (CBA); this driver uses the BAR's bus address as CBA, so a queue's
 * address is what a peer would use. The CPU writes entries through the BAR's mmap.
 */
final class ControllerMemoryBuffer {
    private final MemorySegment mapped;
    private final long controllerAddress;
    private final boolean needsMemorySpaceControl;
    private final MmioRegisters registers;
    private long carvedBytes;

    private ControllerMemoryBuffer(MmioRegisters registers, MemorySegment mapped, long controllerAddress, boolean needsMemorySpaceControl) {
        this.registers = registers;
        this.mapped = mapped;
        this.controllerAddress = controllerAddress;
        this.needsMemorySpaceControl = needsMemorySpaceControl;
    }

    /**
     * Finds the CMB, checks that it may hold SQs, maps its BAR and enables it.
     *
     * @param barBusAddresses bus address of each BAR (index 0..5), as the device's config space says
     * @throws IllegalStateException if the controller has no CMB or its CMB refuses SQs
     */
    static ControllerMemoryBuffer open(MmioRegisters registers, long cap, VfioDevice device, long[] barBusAddresses) {
        boolean cmbs = NvmeRegisters.capCmbs(cap);
        if (cmbs) {
            registers.write64AsHalves(CMBMSC, NvmeRegisters.CMBMSC_CRE); // CMBLOC/CMBSZ become readable
        }
        int cmbsz = registers.read32(CMBSZ);
        int cmbloc = registers.read32(CMBLOC);
        if (cmbsz == 0) {
            throw new IllegalStateException(registers.subject() + ": the controller has no controller memory buffer (CMBSZ 0); use nvme.sq=host");
        }
        if ((cmbsz & NvmeRegisters.CMBSZ_SQS) == 0) {
            throw new IllegalStateException(registers.subject() + ": the CMB does not hold submission queues (CMBSZ 0x"
                + Integer.toHexString(cmbsz) + "); use nvme.sq=host");
        }
        int bar = NvmeRegisters.cmbBar(cmbloc);
        long offset = NvmeRegisters.cmbOffsetBytes(cmbloc, cmbsz);
        long size = NvmeRegisters.cmbSizeBytes(cmbsz);
        MemorySegment region = device.mapRegion(VfioDevice.BAR0_REGION + bar);
        if (offset + size > region.byteSize()) {
            throw new IllegalStateException(registers.subject() + ": CMB at offset " + offset + " size " + size
                + " lies outside BAR" + bar + " (" + region.byteSize() + " bytes)");
        }
        long busAddress = barBusAddresses[bar] + offset;
        ControllerMemoryBuffer cmb = new ControllerMemoryBuffer(registers, region.asSlice(offset, size), busAddress, cmbs);
        cmb.enableMemorySpace();
        return cmb;
    }

    /** (Re)programs CMBMSC: after a controller reset too. */
    void enableMemorySpace() {
        if (needsMemorySpaceControl) {
            // High half first: QEMU takes CBA when the low half with CMSE is written.
            long value = controllerAddress & ~0xfffL | NvmeRegisters.CMBMSC_CMSE | NvmeRegisters.CMBMSC_CRE;
            registers.write32(CMBMSC + 4, (int) (value >>> 32));
            registers.write32(CMBMSC, (int) value);
        }
    }

    long sizeBytes() {
        return mapped.byteSize();
    }

    /** The next page-aligned {@code lengthBytes} of the CMB. */
    MemorySegment carve(long lengthBytes) {
        long rounded = (lengthBytes + NvmeRegisters.PAGE_BYTES - 1) & -NvmeRegisters.PAGE_BYTES;
        if (carvedBytes + rounded > mapped.byteSize()) {
            throw new IllegalStateException("the " + mapped.byteSize() + "-byte CMB has no room for " + rounded + " more bytes");
        }
        MemorySegment part = mapped.asSlice(carvedBytes, rounded);
        carvedBytes += rounded;
        return part;
    }

    /** The controller's address of a segment carved from this CMB. */
    long controllerAddress(MemorySegment carved) {
        return controllerAddress + (carved.address() - mapped.address());
    }
}
