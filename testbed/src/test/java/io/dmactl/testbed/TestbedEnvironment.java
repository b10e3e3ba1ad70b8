package io.dmactl.testbed;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * What testbed-run and the testbed's Maven execution tell the tests: the guest's devices (from
 * environment variables that testbed-run sets in the guest) and the host-side files (from system
 * properties that Maven passes to the guest and host runs alike). A test run any other way fails
 * here, naming what is missing, rather than finding no device.
 */
public final class TestbedEnvironment {
    private TestbedEnvironment() {
    }

    public static String eduPci() {
        return environment("DMACTL_TESTBED_EDU_PCI");
    }

    public static int eduGroup() {
        return Integer.parseInt(environment("DMACTL_TESTBED_EDU_GROUP"));
    }

    public static String ivshmemPci() {
        return environment("DMACTL_TESTBED_IVSHMEM_PCI");
    }

    public static String nvmePci() {
        return environment("DMACTL_TESTBED_NVME_PCI");
    }

    public static int nvmeGroup() {
        return Integer.parseInt(environment("DMACTL_TESTBED_NVME_GROUP"));
    }

    public static String lsiPci() {
        return environment("DMACTL_TESTBED_LSI_PCI");
    }

    public static int lsiGroup() {
        return Integer.parseInt(environment("DMACTL_TESTBED_LSI_GROUP"));
    }

    public static long nvmeNamespaceBytes() {
        return Long.parseLong(environment("DMACTL_TESTBED_NVME_BYTES"));
    }

    /** Where guest tests leave notes for the host tests that run after the guest. */
    public static Path handoffDirectory() {
        return Path.of(property("dmactl.testbed.handoffDir"));
    }

    /** The host file behind ivshmem's BAR2 (read by the host after the guest). */
    public static Path ivshmemBackingFile() {
        return Path.of(property("dmactl.testbed.ivshmemFile"));
    }

    /** The host file behind the NVMe namespace (read by the host after the guest). */
    public static Path nvmeBackingFile() {
        return Path.of(property("dmactl.testbed.nvmeFile"));
    }

    /** A variable testbed-run sets in the guest, e.g. DMACTL_TESTBED_EDU_PCI. */
    public static String environment(String name) {
        String value = System.getenv(name);
        assertNotNull(value, "environment variable " + name + " is not set: run this test through testbed-run");
        return value;
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        assertNotNull(value, "system property " + name + " is not set: the testbed Maven execution sets it");
        return value;
    }
}
