package io.dmactl.provider.ioat;

import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The register blocks and the descriptor layout against the register map: the Xeon E5/E7 v2
 * datasheet's QuickData tables as Linux's registers.h/hw.h and DPDK's ioat_hw_defs.h state them.
 * Each row is {name, offset, width in bits}; the values here are typed from those tables, not
 * from the driver's classes.
 */
class IoatRegistersTest {

    @Test
    void deviceBlockOffsets() {
        assertEquals(0x00, IoatDeviceRegisters.CHANCNT);
        assertEquals(0x01, IoatDeviceRegisters.XFERCAP);
        assertEquals(0x02, IoatDeviceRegisters.GENCTRL);
        assertEquals(0x03, IoatDeviceRegisters.INTRCTRL);
        assertEquals(0x04, IoatDeviceRegisters.ATTNSTATUS);
        assertEquals(0x08, IoatDeviceRegisters.CBVER);
        assertEquals(0x0C, IoatDeviceRegisters.INTRDELAY);
        assertEquals(0x0E, IoatDeviceRegisters.CS_STATUS);
        assertEquals(0x10, IoatDeviceRegisters.DMACAPABILITY);
        assertEquals(0x80, IoatDeviceRegisters.BLOCK_BYTES);
        assertEquals(0x80, IoatDeviceRegisters.channelBase(0));
        assertEquals(0x100, IoatDeviceRegisters.channelBase(1));
        assertEquals(0x01, IoatDeviceRegisters.INTRCTRL_MASTER_INT_EN);
        assertEquals(0x08, IoatDeviceRegisters.INTRCTRL_MSIX_VECTOR_CONTROL);
        assertEquals(0x40, IoatDeviceRegisters.CAP_FILL_BLOCK);
        assertEquals(0x30, IoatDeviceRegisters.CBVER_3_0);
        assertEquals(3, IoatDeviceRegisters.major(0x32));
        assertEquals(2, IoatDeviceRegisters.minor(0x32));
    }

    @Test
    void channelBlockOffsets() {
        assertEquals(0x00, IoatChannelRegisters.CHANCTRL);
        assertEquals(0x02, IoatChannelRegisters.DMA_COMP);
        assertEquals(0x04, IoatChannelRegisters.CHANCMD);
        assertEquals(0x06, IoatChannelRegisters.DMACOUNT);
        assertEquals(0x08, IoatChannelRegisters.CHANSTS);
        assertEquals(0x10, IoatChannelRegisters.CHAINADDR);
        assertEquals(0x18, IoatChannelRegisters.CHANCMP);
        assertEquals(0x20, IoatChannelRegisters.CDAR);
        assertEquals(0x28, IoatChannelRegisters.CHANERR);
        assertEquals(0x2C, IoatChannelRegisters.CHANERRMSK);
        // DPDK's packed struct puts them at 0x80 + these: chanctrl 0x80, chancmd 0x84, dmacount 0x86,
        // chansts 0x88, chainaddr 0x90, chancmp 0x98, chanerr 0xA8.
        long base = IoatDeviceRegisters.channelBase(0);
        assertEquals(0x86, base + IoatChannelRegisters.DMACOUNT);
        assertEquals(0xA8, base + IoatChannelRegisters.CHANERR);
    }

    @Test
    void channelBits() {
        assertEquals(0x20, IoatChannelRegisters.CHANCMD_RESET);
        assertEquals(0x04, IoatChannelRegisters.CHANCMD_SUSPEND);
        assertEquals(0x0001, IoatChannelRegisters.CHANCTRL_INT_REARM);
        assertEquals(0x0004, IoatChannelRegisters.CHANCTRL_ERR_COMPLETION_EN);
        assertEquals(0x0008, IoatChannelRegisters.CHANCTRL_ANY_ERR_ABORT_EN);
        assertEquals(0x0010, IoatChannelRegisters.CHANCTRL_ERR_INT_EN);
        assertEquals(0, IoatChannelRegisters.CHANSTS_ACTIVE);
        assertEquals(1, IoatChannelRegisters.CHANSTS_DONE);
        assertEquals(2, IoatChannelRegisters.CHANSTS_SUSPENDED);
        assertEquals(3, IoatChannelRegisters.CHANSTS_HALTED);
        assertEquals(~0x3fL, IoatChannelRegisters.CHANSTS_COMPLETED_DESCRIPTOR_ADDR);
        assertEquals(0x1, IoatChannelRegisters.CHANERR_SRC_ADDR_ERR);
        assertEquals(0x100, IoatChannelRegisters.CHANERR_READ_DATA_ERR);
        assertEquals(0x800, IoatChannelRegisters.CHANERR_LENGTH_ERR);
        assertEquals(0x1000, IoatChannelRegisters.CHANERR_COMPLETION_ADDR_ERR);
        assertEquals(0x40000, IoatChannelRegisters.CHANERR_DESCRIPTOR_COUNT_ERR);
    }

    @Test
    void descriptorLayout() {
        assertEquals(64, IoatDescriptor.BYTES);
        assertEquals(1 << IoatDescriptor.SHIFT, IoatDescriptor.BYTES);
        assertEquals(0x00, IoatDescriptor.SIZE);
        assertEquals(0x04, IoatDescriptor.CONTROL);
        assertEquals(0x08, IoatDescriptor.SRC);
        assertEquals(0x10, IoatDescriptor.DST);
        assertEquals(0x18, IoatDescriptor.NEXT);
        assertEquals(1, IoatDescriptor.CTL_INT_EN);
        assertEquals(1 << 3, IoatDescriptor.CTL_COMPL_WRITE);
        assertEquals(1 << 4, IoatDescriptor.CTL_FENCE);
        assertEquals(1 << 5, IoatDescriptor.CTL_NULL);
        assertEquals(24, IoatDescriptor.CTL_OP_SHIFT);
        assertEquals(0x00, IoatDescriptor.OP_COPY);
        assertEquals(0x01, IoatDescriptor.OP_FILL);
        assertEquals(0x0100_0018, IoatDescriptor.control(IoatDescriptor.OP_FILL, IoatDescriptor.CTL_COMPL_WRITE | IoatDescriptor.CTL_FENCE));
    }

    @Test
    void pciIdsAreTheV3Table() {
        int[] ids = IoatPciIds.all();
        assertEquals(68, ids.length, "8 TBG + 10 JSF + 10 SNB + 10 IVB + 10 HSW + 10 BDX + SKX + 4 BWD + 4 BDXDE + ICX");
        assertEquals(ids.length, Arrays.stream(ids).distinct().count(), "no id twice");
        for (int id : new int[] {0x3430, 0x342c, 0x3719, 0x3c2f, 0x0e20, 0x0e2f, 0x2f2e, 0x6f2f, 0x2021, 0x0c53, 0x6f53, 0x0b00}) {
            assertTrue(Arrays.stream(ids).anyMatch(i -> i == id), "0x" + Integer.toHexString(id));
        }
        for (int v2 : new int[] {0x1a38, 0x360b, 0x65ff, 0x402f}) {
            assertFalse(Arrays.stream(ids).anyMatch(i -> i == v2), "pre-3.0 id 0x" + Integer.toHexString(v2));
        }
        assertTrue(new IoatProvider().devices().matches(0x8086, 0x0e21, 0x088000));
        assertFalse(new IoatProvider().devices().matches(0x8086, 0x0b25, 0x088000), "DSA is not CBDMA");
    }

    @Test
    void chanerrMapsToOpStatuses() {
        assertEquals(OpStatus.TRANSFER_FAULT, IoatChannelRegisters.opStatus(IoatChannelRegisters.CHANERR_SRC_ADDR_ERR));
        assertEquals(OpStatus.TRANSFER_FAULT, IoatChannelRegisters.opStatus(IoatChannelRegisters.CHANERR_WRITE_DATA_ERR));
        assertEquals(OpStatus.DEVICE_ERROR, IoatChannelRegisters.opStatus(IoatChannelRegisters.CHANERR_LENGTH_ERR));
        assertEquals(OpStatus.DEVICE_ERROR, IoatChannelRegisters.opStatus(IoatChannelRegisters.CHANERR_CONTROL_ERR));
        assertEquals(OpStatus.DEVICE_ERROR, IoatChannelRegisters.opStatus(0));
        assertEquals("SRC_ADDR_ERR|READ_DATA_ERR", IoatChannelRegisters.errorText(0x101));
    }
}
