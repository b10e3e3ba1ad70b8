package io.dmactl.testbed.examples;

import io.dmactl.examples.DeviceCopy;
import io.dmactl.provider.lsi.LsiProvider;
import io.dmactl.testbed.TestbedEnvironment;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples' DeviceCopy where there is a device: a host-to-host copy on the LSI SCRIPTS engine, verified. */
@Tag("testbed")
class DeviceCopyExampleTest {

    @Test
    void copiesOnTheLsiEngine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = DeviceCopy.run(new PrintStream(out, true, StandardCharsets.UTF_8), LsiProvider.NAME);
        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        assertEquals(0, status, printed);
        assertTrue(printed.startsWith("copied 65536 bytes host to host on " + LsiProvider.NAME + "@" + TestbedEnvironment.lsiPci()
            + " in "), printed);
    }
}
