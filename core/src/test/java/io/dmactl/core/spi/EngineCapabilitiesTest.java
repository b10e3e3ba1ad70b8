package io.dmactl.core.spi;

import io.dmactl.core.TransferStatus;
import io.dmactl.core.location.LocationKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineCapabilitiesTest {

    private static EngineCapabilities.Builder valid() {
        return EngineCapabilities.builder().ops(DmaOpKind.COPY).directions(Direction.MEM_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY).ringSize(64).channelCount(2);
    }

    @Test
    void aConsistentDescriptionIsAccepted() {
        EngineCapabilities caps = valid().dmaMaskBits(28).build();
        assertEquals((1L << 28) - 1, caps.dmaLimit());
        assertEquals(Long.MAX_VALUE, valid().dmaMaskBits(64).build().dmaLimit());
        assertTrue(caps.supports(DmaOpKind.COPY));
        assertFalse(caps.supports(DmaOpKind.FILL));
    }

    @Test
    void inconsistentDescriptionsAreRefusedWithTheValue() {
        refused("ringSize 48", valid().ringSize(48));
        refused("channelCount 0", valid().channelCount(0));
        refused("alignmentBytes 3", valid().alignmentBytes(3));
        refused("maxTransferBytes 2", valid().alignmentBytes(4).maxTransferBytes(2));
        refused("dmaMaskBits 8", valid().dmaMaskBits(8));
        refused("direction MEM_TO_DEV", valid().directions(Direction.MEM_TO_DEV));
        refused("CPU_VIRTUAL", valid().addressing(AddressingMode.CPU_VIRTUAL).execution(ExecutionKind.HARDWARE));
        refused("ops must not be empty", EngineCapabilities.builder().directions(Direction.MEM_TO_MEM)
            .reaches(LocationKind.HOST_MEMORY));
    }

    @Test
    void fastPathCodesAreTheStatusOrdinals() {
        assertEquals(TransferStatus.SUCCESS.ordinal(), OpStatus.SUCCESS);
        assertEquals(TransferStatus.DEVICE_ERROR.ordinal(), OpStatus.DEVICE_ERROR);
        assertEquals(TransferStatus.TRANSFER_FAULT.ordinal(), OpStatus.TRANSFER_FAULT);
        assertEquals(TransferStatus.TIMEOUT.ordinal(), OpStatus.TIMEOUT);
        assertEquals(TransferStatus.ABORTED.ordinal(), OpStatus.ABORTED);
        assertEquals(TransferStatus.INVALID.ordinal(), OpStatus.INVALID);
        assertEquals(6, TransferStatus.values().length);
        for (TransferStatus s : TransferStatus.values()) {
            assertEquals(s.name(), OpStatus.name(s.code()));
            assertEquals(s, TransferStatus.ofCode(s.code()));
        }
        assertEquals(TransferStatus.DEVICE_ERROR, TransferStatus.ofCode(99), "unknown codes are a device error");
    }

    @Test
    void completionBatchRefusesOverflowAndStaleReads() {
        CompletionBatch batch = new CompletionBatch(2);
        batch.add(7, OpStatus.SUCCESS, 0);
        batch.add(8, OpStatus.DEVICE_ERROR, 5);
        assertEquals(8, batch.ticket(1));
        assertEquals(5, batch.deviceCode(1));
        assertThrows(IllegalStateException.class, () -> batch.add(9, 0, 0));
        batch.clear();
        assertThrows(IndexOutOfBoundsException.class, () -> batch.ticket(0));
    }

    @Test
    void pciMatchesByIdOrClass() {
        PciMatch edu = PciMatch.ofId(0x1234, 0x11e8);
        assertTrue(edu.matches(0x1234, 0x11e8, 0xff0000));
        assertFalse(edu.matches(0x1234, 0x11e9, 0xff0000));
        PciMatch nvme = PciMatch.ofClass(0x010802, 0xffffff);
        assertTrue(nvme.matches(0x1b36, 0x0010, 0x010802));
        assertFalse(nvme.matches(0x1b36, 0x0010, 0x010601));
        assertThrows(IllegalArgumentException.class, () -> PciMatch.ofId(0x12345, 1));
        assertTrue(DeviceRequirement.pci(edu, nvme).matches(0x8086, 0x5845, 0x010802));
        assertFalse(DeviceRequirement.none().needsDevice());
    }

    private static void refused(String fragment, EngineCapabilities.Builder builder) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }
}
