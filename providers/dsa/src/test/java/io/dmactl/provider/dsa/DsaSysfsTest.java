package io.dmactl.provider.dsa;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading /sys/bus/dsa/devices on fixtures laid out as the kernel's ABI document for the idxd
 * driver (Documentation/ABI/stable/sysfs-driver-dma-idxd) describes them.
 */
class DsaSysfsTest {
    @TempDir
    Path root;

    private void attr(String dir, String name, String value) throws IOException {
        Path d = Files.createDirectories(root.resolve(dir));
        Files.writeString(d.resolve(name), value + "\n");
    }

    private void queue(String wq, String mode, int size, String type, String state) throws IOException {
        attr(wq, "mode", mode);
        attr(wq, "size", Integer.toString(size));
        attr(wq, "type", type);
        attr(wq, "state", state);
        attr(wq, "name", "app1");
        attr(wq, "max_transfer_size", "2097152");
        attr(wq, "max_batch_size", "32");
    }

    @Test
    void devicesAndQueuesAreReadWithTheirUsability() throws IOException {
        attr("dsa0", "state", "enabled");
        attr("dsa2", "state", "enabled");
        queue("wq0.0", "dedicated", 16, "user", "enabled");
        queue("wq0.1", "shared", 32, "kernel", "enabled");
        queue("wq2.0", "dedicated", 0, "user", "disabled");
        attr("engine0.0", "group_id", "0");
        attr("group0.0", "engines", "engine0.0");
        List<DsaSysfs.Device> devices = DsaSysfs.scan(root);
        assertEquals(List.of("dsa0", "dsa2"), devices.stream().map(DsaSysfs.Device::name).toList());
        DsaSysfs.Device dsa0 = devices.get(0);
        assertEquals(2, dsa0.workQueues().size());
        WorkQueueInfo wq00 = dsa0.workQueues().get(0);
        assertEquals(new WorkQueueInfo("wq0.0", "dsa0", "dedicated", 16, "user", "enabled", 2097152, 32, "app1"), wq00);
        assertNull(wq00.unusableReason());
        assertEquals("/dev/dsa/wq0.0", wq00.devicePath());
        assertEquals("type kernel (dmactl needs a user queue)", dsa0.workQueues().get(1).unusableReason());
        assertEquals("state disabled", devices.get(1).workQueues().get(0).unusableReason());
        assertEquals(List.of(wq00), dsa0.usable());
    }

    @Test
    void openingWithoutAUsableQueueFailsNamingAccelConfigBeforeAnyQueueIsOpened() throws IOException {
        attr("dsa0", "state", "enabled");
        queue("wq0.0", "dedicated", 16, "user", "disabled");
        DsaProvider provider = new DsaProvider(root, (context, wq) -> {
            throw new AssertionError("no queue may be opened");
        });
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> new io.dmactl.core.conformance.ProviderFixture(provider, java.util.Optional.empty(), null, java.util.Map.of()));
        assertTrue(e.getMessage().contains("no enabled user work queue") && e.getMessage().contains("accel-config enable-wq dsa0/wq0.0"),
            e.getMessage());
        IllegalStateException named = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
            () -> new io.dmactl.core.conformance.ProviderFixture(provider, java.util.Optional.empty(), null,
                java.util.Map.of(DsaProvider.OPTION_WORK_QUEUES, "wq0.0")));
        assertEquals("dsa: wq0.0 is not usable: state disabled", named.getMessage());
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new io.dmactl.core.conformance.ProviderFixture(provider, java.util.Optional.empty(), null,
                java.util.Map.of(DsaProvider.OPTION_WORK_QUEUES, "queue0")));
        assertTrue(bad.getMessage().contains("'queue0'"), bad.getMessage());
    }

    @Test
    void noUsableQueueNamesTheAccelConfigCommands() throws IOException {
        attr("dsa0", "state", "disabled");
        String text = DsaSysfs.noUsableQueue(DsaSysfs.scan(root));
        assertTrue(text.contains("dsa0 present, but no enabled user work queue"), text);
        assertTrue(text.contains("accel-config config-wq dsa0/wq0.0") && text.contains("--type=user"), text);
        assertTrue(text.contains("accel-config enable-device dsa0") && text.contains("accel-config enable-wq dsa0/wq0.0"), text);
        assertTrue(DsaSysfs.noUsableQueue(List.of()).contains("modprobe idxd"));
        assertEquals(List.of(), DsaSysfs.scan(root.resolve("absent")));
    }
}
