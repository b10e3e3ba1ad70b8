package io.dmactl.provider.nvme;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options are refused with the key and the bad value, before any device is touched. */
class NvmeSettingsTest {

    private static void assertRefused(String expectedInMessage, Runnable settings) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, settings::run);
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        long timeout = 5_000_000_000L;
        assertRefused("nvme.channels=0", () -> new NvmeSettings(0, 64, SubmissionQueuePlacement.HOST, false, 1, timeout));
        assertRefused("nvme.channels=17", () -> new NvmeSettings(17, 64, SubmissionQueuePlacement.HOST, false, 1, timeout));
        assertRefused("nvme.queueDepth=48", () -> new NvmeSettings(1, 48, SubmissionQueuePlacement.HOST, false, 1, timeout));
        assertRefused("nvme.queueDepth=512", () -> new NvmeSettings(1, 512, SubmissionQueuePlacement.HOST, false, 1, timeout));
        assertRefused("nvme.namespace=0", () -> new NvmeSettings(1, 64, SubmissionQueuePlacement.HOST, false, 0, timeout));
        assertRefused("nvme.timeoutMillis", () -> new NvmeSettings(1, 64, SubmissionQueuePlacement.HOST, false, 1, 0));
        assertRefused("nvme.sq=ssd", () -> SubmissionQueuePlacement.parse("ssd"));
    }

    @Test
    void placementsParseInAnyCase() {
        assertEquals(SubmissionQueuePlacement.CMB, SubmissionQueuePlacement.parse(" CMB "));
        assertEquals(SubmissionQueuePlacement.HOST, SubmissionQueuePlacement.parse("host"));
        assertEquals("cmb", SubmissionQueuePlacement.CMB.optionValue());
    }
}
