package io.dmactl.cli.command;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.dmactl.cli.CliRun;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.FixtureMachine;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.provider.cpu.CpuProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code try} against a stand-in source tree: a testbed-run that runs the guest command on the
 * host right away, and a dmactl launcher that plays {@code try --in-guest} (markers around each
 * step) with one step failing. So the host side (command, marker parsing, headings, summary, exit
 * codes) is exercised without QEMU; {@code --in-guest} itself runs for real on a fixture machine.
 */
class TryCommandTest {

    @TempDir
    Path temporary;

    private HostSystem host;
    private Path tree;

    @BeforeEach
    void setUp() throws Exception {
        host = FixtureMachine.q35(temporary.resolve("machine")).host(List.of(), device -> {
            throw new AssertionError("try never asks for VFIO info");
        });
        tree = Files.createDirectories(temporary.resolve("tree"));
        Files.createDirectories(tree.resolve("cli/target/lib"));
        Files.createFile(tree.resolve("cli/target/dmactl.jar"));
        fakeGuestRun(1);
        script(tree.resolve("testbed/bin/testbed-run"), """
                #!/bin/sh
                while [ "$1" != "--" ]; do shift; done
                shift
                echo "testbed: guest boot 0.1 s" >&2
                exec "$@"
                """);
        System.setProperty("dmactl.home", tree.toString());
    }

    @AfterEach
    void tearDown() {
        System.clearProperty("dmactl.home");
    }

    @Test
    void runsEveryStepUnderAHeadingAndNamesTheOneThatFailed() {
        CliRun run = CliRun.of(host, "try", "--timeout", "60");
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
        String out = run.out();
        assertTrue(out.contains("\n== [1/13] list: devices and engines\n$ dmactl list\nfake step 0\n-> ok ("), out);
        assertTrue(out.contains("\n== [2/13] info: the edu device\n$ dmactl info 0000:00:02.0\nfake step 1\n"
                + "dmactl info: no such device\n-> FAILED (exit 3) ("), out);
        assertTrue(out.contains("$ dmactl copy 0000:00:02.0/dev 0000:00:03.0/bar2 --size 4000 --verify\n"), out);
        assertTrue(out.contains("$ dmactl copy 0000:00:03.0/bar2+0x1000 0000:00:02.0/dev --size 4000 --verify\n"), out);
        assertTrue(out.contains("== [8/13] selftest: every engine, every direction\n$ dmactl selftest --window 0000:00:03.0/bar2\n"), out);
        assertTrue(out.contains("== [9/13] bench: cpu and edu, short\n$ dmactl bench --provider cpu,edu --duration 500ms\n"), out);
        assertTrue(out.matches("(?s).*\ninfo: the edu device +FAILED \\(exit 3\\) +[0-9.]+ s\n.*"), out);
        assertTrue(out.endsWith("1 of 13 steps FAILED\n"), out);
        assertTrue(run.err().contains("testbed: guest boot 0.1 s\n"), run.err());
        String[] err = run.errLines();
        assertEquals("dmactl try: failed step(s): 'info: the edu device'", err[err.length - 1]);
    }

    @Test
    void jsonHasEveryStepsCommandExitCodeAndOutput() {
        CliRun run = CliRun.of(host, "try", "--json");
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
        JsonObject report = JsonParser.parseString(run.out()).getAsJsonObject();
        JsonArray steps = report.getAsJsonArray("steps");
        assertEquals(13, steps.size());
        JsonObject list = steps.get(0).getAsJsonObject();
        assertEquals("dmactl list --json", list.get("command").getAsString());
        assertEquals(0, list.get("exitCode").getAsInt());
        assertEquals("fake step 0 --json\n", list.get("output").getAsString());
        assertEquals(3, steps.get(1).getAsJsonObject().get("exitCode").getAsInt());
        assertEquals("info: the edu device", report.getAsJsonArray("failedSteps").get(0).getAsString());
        assertEquals(1, report.getAsJsonArray("failedSteps").size());
        assertTrue(!report.get("passed").getAsBoolean());
    }

    @Test
    void allStepsPassingIsExitZero() throws Exception {
        fakeGuestRun(-1);
        CliRun run = CliRun.of(host, "try");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        assertTrue(run.out().matches("(?s).*\nall 13 steps passed in \\d+ s \\(guest boot included\\)\n"), run.out());
    }

    @Test
    void aTestbedThatCannotStartIsExitFive() throws Exception {
        script(tree.resolve("testbed/bin/testbed-run"), "#!/bin/sh\necho 'testbed: qemu-system-x86_64 not found' >&2\nexit 125\n");
        CliRun run = CliRun.of(host, "try");
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("testbed: qemu-system-x86_64 not found"), run.err());
        assertTrue(run.err().contains("the testbed could not start") && run.err().contains("testbed/bin/provision"), run.err());
    }

    @Test
    void withoutASourceTreeItSaysWhatIsNeededAndExitsFive() {
        System.setProperty("dmactl.home", temporary.resolve("machine").toString());
        CliRun run = CliRun.of(host, "try");
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertEquals(1, run.errLines().length, run::toString);
        assertTrue(run.err().startsWith("dmactl try: dmactl try needs the dmactl source tree (testbed/bin/testbed-run"),
                run.err());
        assertTrue(run.err().contains("qemu-system-x86"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void withoutBuildOutputTheGuestCouldNotRunDmactl() throws Exception {
        Files.delete(tree.resolve("cli/target/dmactl.jar"));
        CliRun run = CliRun.of(host, "try");
        assertEquals(ExitCodes.UNAVAILABLE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("no build output") && run.err().contains("./mvnw -q -DskipTests -pl cli -am package"),
                run.err());
    }

    @Test
    void aBadTimeoutIsAUsageError() {
        CliRun run = CliRun.of(host, "try", "--timeout", "0");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run::toString);
        assertTrue(run.err().contains("--timeout 0 is out of range"), run.err());
    }

    @Test
    void aGuestThatDiesMidwayLeavesTheRestUnfinished() throws Exception {
        script(tree.resolve("dmactl"), """
                #!/bin/sh
                echo "@@dmactl-try:begin:0"
                echo "fake step 0"
                echo "@@dmactl-try:end:0:0"
                echo "@@dmactl-try:begin:1"
                echo "half a step"
                exit 0
                """);
        CliRun run = CliRun.of(host, "try");
        assertEquals(ExitCodes.FAILURE, run.exitCode(), run::toString);
        assertTrue(run.out().contains("half a step\n-> did not finish"), run.out());
        assertTrue(run.out().contains("12 of 13 steps FAILED"), run.out());
    }

    @Test
    void inTheGuestEveryStepRunsInThisJvmBetweenMarkers() {
        HostSystem machine = FixtureMachine.q35(temporary.resolve("guest")).host(List.of(new CpuProvider()), device -> {
            throw new AssertionError("no VFIO on a fixture");
        });
        CliRun run = CliRun.of(machine, "try", "--in-guest");
        assertEquals(ExitCodes.OK, run.exitCode(), run::toString);
        String[] lines = run.out().split("\n");
        int expected = 0;
        boolean inside = false;
        for (String line : lines) {
            if (line.startsWith("@@dmactl-try:begin:")) {
                assertEquals("@@dmactl-try:begin:" + expected, line);
                inside = true;
            } else if (line.startsWith("@@dmactl-try:end:")) {
                assertTrue(line.startsWith("@@dmactl-try:end:" + expected + ":"), line);
                inside = false;
                expected++;
            } else {
                assertTrue(inside, () -> "output outside a step: " + line);
            }
        }
        assertEquals(13, expected, run.out());
        assertTrue(run.out().contains("@@dmactl-try:begin:0\nNo PCI device here is one a DMA provider drives"), run.out());
        assertTrue(run.out().contains("Software engines: cpu\n@@dmactl-try:end:0:0\n"), run.out());
        // The fixture's 00:02.0 is a NIC no provider drives: the copy to edu fails, and says so inside its step.
        assertTrue(run.out().matches("(?s).*@@dmactl-try:begin:2\ndmactl copy: no provider drives 0000:00:02.0[^\n]*\n@@dmactl-try:end:2:3\n.*"),
                run.out());
        assertTrue(run.out().contains("dmactl bench: no provider named 'edu'; providers: cpu\n@@dmactl-try:end:8:3"), run.out());
        assertEquals("", run.err());
    }

    /** A launcher that plays {@code try --in-guest}: thirteen steps, step {@code failing} (if any) exits 3. */
    private void fakeGuestRun(int failing) throws Exception {
        script(tree.resolve("dmactl"), """
                #!/bin/sh
                [ "$1 $2" = "try --in-guest" ] || { echo "unexpected: $*" >&2; exit 99; }
                json=""; [ "$3" = "--json" ] && json=" --json"
                i=0
                while [ $i -lt 13 ]; do
                  echo "@@dmactl-try:begin:$i"
                  echo "fake step $i$json"
                  rc=0
                  if [ $i -eq FAILING ]; then echo "dmactl info: no such device"; rc=3; fi
                  echo "@@dmactl-try:end:$i:$rc"
                  i=$((i+1))
                done
                """.replace("FAILING", Integer.toString(failing)));
    }

    private static void script(Path path, String text) throws Exception {
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
