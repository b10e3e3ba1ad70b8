package io.dmactl.provider.lsi;

import io.dmactl.core.conformance.StandaloneEngineContext;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The provider options, checked once at open with the bad value in the message. */
class LsiSettingsTest {

    private static LsiSettings settings(Map<String, String> options) {
        try (StandaloneEngineContext context = new StandaloneEngineContext("lsi", Optional.empty(), null, null, options)) {
            return LsiSettings.from(context);
        }
    }

    @Test
    void defaultsArePolledWithA64MoveRing() {
        LsiSettings defaults = settings(Map.of());
        assertFalse(defaults.intx());
        assertEquals(64, defaults.ringSize());
        assertEquals(1_000_000_000L, defaults.resetTimeoutNanos());
        assertTrue(settings(Map.of(LsiProvider.OPTION_COMPLETION, " INTX ")).intx());
    }

    @Test
    void badValuesAreRefusedNamingThem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of(LsiProvider.OPTION_COMPLETION, "msi")))
            .getMessage().contains("lsi.completion=msi must be poll or intx"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of(LsiProvider.OPTION_RING_SIZE, "8192")))
            .getMessage().contains("lsi.ringSize=8192"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of(LsiProvider.OPTION_RING_SIZE, "48")))
            .getMessage().contains("power of two"));
        assertTrue(assertThrows(IllegalArgumentException.class,
            () -> settings(Map.of(LsiProvider.OPTION_RESET_TIMEOUT_MILLIS, "0"))).getMessage().contains("must be positive"));
    }
}
