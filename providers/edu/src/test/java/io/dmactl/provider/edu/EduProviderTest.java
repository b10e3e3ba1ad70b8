package io.dmactl.provider.edu;

import io.dmactl.core.conformance.StandaloneEngineContext;
import io.dmactl.core.memory.ArenaPageSource;
import io.dmactl.core.memory.DmaMemoryPool;
import io.dmactl.core.spi.DmaProvider;
import io.dmactl.core.spi.PciMatch;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the provider declares, and its options, without a device. */
class EduProviderTest {

    @Test
    void isFoundByServiceLoaderAndMatchesOnlyEdu() {
        DmaProvider edu = ServiceLoader.load(DmaProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.name().equals("edu"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no provider named edu in META-INF/services"));
        assertTrue(edu instanceof EduProvider);
        assertTrue(edu.devices().needsDevice());
        assertEquals(java.util.List.of(PciMatch.ofId(0x1234, 0x11e8)), edu.devices().matches());
        assertTrue(edu.devices().matches(0x1234, 0x11e8, 0x00ff00), "edu's class is 'other'");
        assertFalse(edu.devices().matches(0x1af4, 0x1110, 0x050000), "ivshmem");
        assertFalse(edu.devices().matches(0x1b36, 0x0010, 0x010802), "QEMU nvme");
        assertFalse(edu.devices().matches(0x1234, 0x1111, 0x030000), "QEMU's VGA shares the vendor id");
    }

    @Test
    void optionsAreCheckedWithTheBadValueInTheMessage() {
        assertEquals(new EduSettings(CompletionMode.MSI, 64, 2_000_000_000L), settings(Map.of()));
        assertEquals(new EduSettings(CompletionMode.POLL, 8, 500_000_000L), settings(Map.of(
            EduProvider.OPTION_COMPLETION, "Poll", EduProvider.OPTION_RING_SIZE, "8",
            EduProvider.OPTION_QUIESCE_TIMEOUT_MILLIS, "500")));
        assertEquals(new EduSettings(CompletionMode.INTX, 64, 2_000_000_000L),
            settings(Map.of(EduProvider.OPTION_COMPLETION, " INTx ")));
        assertEquals(CompletionMode.INTX, CompletionMode.parse(EduProvider.OPTION_COMPLETION, "intx"));
        assertEquals("option edu.completion=interrupt must be msi, intx or poll", assertThrows(IllegalArgumentException.class,
            () -> settings(Map.of(EduProvider.OPTION_COMPLETION, "interrupt"))).getMessage());
        assertEquals("option edu.completion=int-x must be msi, intx or poll", assertThrows(IllegalArgumentException.class,
            () -> settings(Map.of(EduProvider.OPTION_COMPLETION, "int-x"))).getMessage());
        assertEquals("option edu.ringSize=12 must be a power of two in 2..4096", assertThrows(IllegalArgumentException.class,
            () -> settings(Map.of(EduProvider.OPTION_RING_SIZE, "12"))).getMessage());
        assertEquals("option edu.ringSize=many is not an integer", assertThrows(IllegalArgumentException.class,
            () -> settings(Map.of(EduProvider.OPTION_RING_SIZE, "many"))).getMessage());
        assertEquals("option edu.quiesceTimeoutMillis=0 must be positive", assertThrows(IllegalArgumentException.class,
            () -> settings(Map.of(EduProvider.OPTION_QUIESCE_TIMEOUT_MILLIS, "0"))).getMessage());
    }

    @Test
    void openingWithoutAVfioDeviceIsRefusedClearly() {
        try (DmaMemoryPool pool = new DmaMemoryPool(new ArenaPageSource(4096), 4096, 1 << 16, 1 << 20);
             StandaloneEngineContext context = new StandaloneEngineContext("edu@0000:00:02.0", Optional.empty(), null, pool,
                 Map.of())) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new EduProvider().open(context));
            assertEquals("edu@0000:00:02.0: no VFIO device was handed over; edu is driven through vfio-pci only", e.getMessage());
            assertTrue(context.privateSpaces().isEmpty(), "nothing was declared");
        }
    }

    private static EduSettings settings(Map<String, String> options) {
        try (DmaMemoryPool pool = new DmaMemoryPool(new ArenaPageSource(4096), 4096, 1 << 16, 1 << 20);
             StandaloneEngineContext context = new StandaloneEngineContext("edu", Optional.empty(), null, pool, options)) {
            return EduSettings.from(context);
        }
    }
}
