package io.dmactl.testbed.nvme;

import io.dmactl.core.location.DmaBuffer;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The nvme contract with completions signalled by MSI-X on VFIO eventfds (SQs in host memory). */
@Tag("testbed")
class NvmeMsixTest extends NvmeRuntimeContract {
    static final long HANDOFF_OFFSET = (48L << 20) + 512 * 3;

    @Override
    String submissionQueue() {
        return "host";
    }

    @Override
    String completion() {
        return "msix";
    }

    @Override
    long handoffOffset() {
        return HANDOFF_OFFSET;
    }

    /** The guest kernel counts the controller's vfio-msix interrupts: transfers make them rise (by half at least). */
    @Test
    void completionsArriveAsMsixInterrupts() throws Exception {
        long before = vfioMsixInterrupts();
        try (DmaBuffer host = runtime().allocate(4096)) {
            for (int i = 0; i < 10; i++) {
                copy(host, 0, namespace(), 30L << 20, 4096);
            }
        }
        long after = vfioMsixInterrupts();
        // The controller may fold two completions into one message, so not one per transfer; a
        // polled CQ (IEN = 0) raises none at all.
        assertTrue(after >= before + 5, "vfio-msix interrupts of " + TestbedEnvironment.nvmePci() + " went from " + before
            + " to " + after + " over 10 transfers");
    }

    /** Sum over the CPUs of every /proc/interrupts line of a vfio-msix vector of the controller. */
    private static long vfioMsixInterrupts() throws IOException {
        long total = 0;
        for (String line : Files.readAllLines(Path.of("/proc/interrupts"))) {
            if (!line.contains("vfio-msix") || !line.contains(TestbedEnvironment.nvmePci())) {
                continue;
            }
            String[] fields = line.strip().split("\\s+");
            for (int i = 1; i < fields.length && fields[i].chars().allMatch(Character::isDigit); i++) {
                total += Long.parseLong(fields[i]);
            }
        }
        return total;
    }
}
