package io.dmactl.provider.dsa;

import io.dmactl.core.spi.OpStatus;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every DSA completion status of the uapi header, mapped to the core's statuses. */
class DsaStatusTest {

    @Test
    void everyStatusCodeMapsAsDocumented() {
        Map<Integer, Integer> expected = new LinkedHashMap<>();
        expected.put(0x01, OpStatus.SUCCESS);
        expected.put(0x02, OpStatus.SUCCESS);
        for (int fault : new int[] {0x03, 0x04, 0x06, 0x1a, 0x1f, 0x22}) {
            expected.put(fault, OpStatus.TRANSFER_FAULT);
        }
        for (int invalid = 0x10; invalid <= 0x1e; invalid++) {
            if (invalid != 0x1a) {
                expected.put(invalid, OpStatus.INVALID);
            }
        }
        for (int error : new int[] {0x05, 0x07, 0x08, 0x09, 0x20, 0x21, 0x23, 0x7f}) {
            expected.put(error, OpStatus.DEVICE_ERROR);
        }
        expected.forEach((code, status) -> {
            assertEquals(OpStatus.name(status), OpStatus.name(DsaStatus.opStatus(code)), DsaStatus.name(code));
            assertEquals(OpStatus.name(status), OpStatus.name(DsaStatus.opStatus(code | 0x80)), "with the write bit: " + DsaStatus.name(code));
        });
    }

    @Test
    void pageFaultsAreRecognisedWithTheirDirection() {
        assertTrue(DsaStatus.isPartialPageFault(0x03));
        assertTrue(DsaStatus.isPartialPageFault(0x83));
        assertTrue(DsaStatus.faultOnWrite(0x83));
        assertFalse(DsaStatus.faultOnWrite(0x03));
        assertFalse(DsaStatus.isPartialPageFault(0x06));
        assertEquals("PAGE_FAULT_NOBOF (0x83, on a write)", DsaStatus.name(0x83));
    }
}
