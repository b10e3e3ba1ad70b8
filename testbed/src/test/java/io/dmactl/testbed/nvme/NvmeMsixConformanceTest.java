package io.dmactl.testbed.nvme;

import org.junit.jupiter.api.Tag;

/** The shared fast-path suite with MSI-X completion: adds the suite's interrupt test. */
@Tag("testbed")
class NvmeMsixConformanceTest extends NvmeConformanceTest {
    @Override
    protected String completion() {
        return "msix";
    }
}
