package io.dmactl.cli.trial;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Boots the testbed guest once ({@code testbed/bin/testbed-run}) to run {@link TryPlan}'s
 * steps there, and follows its output: the lines between a step's markers are that step's output,
 * handed to a listener as they arrive; the end marker carries its exit status.
 */
public final class TestbedSession {

    /** Told about each step as it starts, each line of its output, and its end. */
    public interface Listener {
        void stepStarted(int index, TryStep step);

        void line(int index, String line);

        void stepEnded(int index, StepOutcome outcome);
    }

    /** Exit status of testbed-run when the guest outlived --timeout. */
    static final int TESTBED_TIMEOUT = 124;
    /** Exit status of testbed-run when the testbed itself could not run. */
    static final int TESTBED_FAILED = 125;

    private final SourceTree tree;
    private final int timeoutSeconds;

    public TestbedSession(SourceTree tree, int timeoutSeconds) {
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("timeout " + timeoutSeconds + " s must be at least 1");
        }
        this.tree = tree;
        this.timeoutSeconds = timeoutSeconds;
    }

    /**
     * Runs every step; returns one outcome per step, in order (a step that never ran has no exit code).
     *
     * @param testbedErr where testbed-run's own messages go (boot, timings, failures)
     * @throws DmactlException UNAVAILABLE when the testbed cannot start, FAILURE when the guest timed out
     */
    public List<StepOutcome> run(List<TryStep> steps, boolean json, Listener listener, PrintWriter testbedErr) {
        List<String> command = new ArrayList<>(List.of(tree.testbedRun().toString(), "--timeout",
                Integer.toString(timeoutSeconds), "--cwd", tree.root().toString(),
                // Its own build directory (initramfs, console log): a concurrent Maven testbed run keeps its logs.
                "--build-dir", tree.root().resolve("cli/target/try-testbed").toString(), "--"));
        command.addAll(TryPlan.guestCommand(tree, json));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(tree.root().toFile()).start();
            process.getOutputStream().close(); // the guest's command reads nothing
        } catch (IOException e) {
            throw new DmactlException(ExitCodes.UNAVAILABLE, "cannot start " + tree.testbedRun() + ": " + e.getMessage(), e);
        }
        Thread errPump = Thread.ofPlatform().daemon().name("dmactl-try-stderr").start(() -> pump(process.getErrorStream(), testbedErr));
        List<StepOutcome> outcomes = new ArrayList<>();
        int current = -1;
        long stepStart = 0;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                int marker = line.indexOf(TryPlan.MARKER);
                if (marker >= 0) {
                    String[] fields = line.substring(marker + TryPlan.MARKER.length()).split(":");
                    if (marker > 0) {
                        // Output without a final newline ran into the marker.
                        output.append(line, 0, marker).append('\n');
                        listener.line(current, line.substring(0, marker));
                    }
                    if (fields.length >= 2 && fields[0].equals("begin")) {
                        current = Integer.parseInt(fields[1]);
                        stepStart = System.nanoTime();
                        output.setLength(0);
                        listener.stepStarted(current, steps.get(current));
                        continue;
                    }
                    if (fields.length >= 3 && fields[0].equals("end") && current >= 0) {
                        TryStep step = steps.get(current);
                        StepOutcome outcome = new StepOutcome(step.title(), step.commandLine(json),
                                OptionalInt.of(Integer.parseInt(fields[2].strip())), (System.nanoTime() - stepStart) / 1e9,
                                output.toString());
                        outcomes.add(outcome);
                        listener.stepEnded(current, outcome);
                        current = -1;
                        continue;
                    }
                }
                if (current >= 0) {
                    output.append(line).append('\n');
                    listener.line(current, line);
                }
            }
        } catch (IOException e) {
            process.destroy();
            throw new DmactlException(ExitCodes.FAILURE, "lost the testbed's output: " + e.getMessage(), e);
        }
        int status;
        try {
            status = process.waitFor();
            errPump.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new DmactlException(ExitCodes.FAILURE, "interrupted while the testbed ran", e);
        }
        if (current >= 0) {
            TryStep step = steps.get(current);
            StepOutcome cut = new StepOutcome(step.title(), step.commandLine(json), OptionalInt.empty(),
                    (System.nanoTime() - stepStart) / 1e9, output.toString());
            outcomes.add(cut);
            listener.stepEnded(current, cut);
        }
        if (status == TESTBED_FAILED && outcomes.isEmpty()) {
            throw new DmactlException(ExitCodes.UNAVAILABLE, "the testbed could not start (testbed-run said why above);"
                    + " it needs qemu-system-x86, busybox-static and a guest kernel: testbed/bin/provision installs"
                    + " them (as root) or prints the apt-get line");
        }
        if (status == TESTBED_TIMEOUT) {
            throw new DmactlException(ExitCodes.FAILURE, "the guest did not finish within --timeout " + timeoutSeconds
                    + " s" + (current >= 0 ? ", during step '" + steps.get(current).title() + "'" : "")
                    + "; the console log's tail is above");
        }
        if (status == TESTBED_FAILED) {
            throw new DmactlException(ExitCodes.FAILURE, "the guest died after " + outcomes.size() + " of " + steps.size()
                    + " steps (testbed-run said why above)");
        }
        for (int i = outcomes.size(); i < steps.size(); i++) {
            TryStep step = steps.get(i);
            outcomes.add(new StepOutcome(step.title(), step.commandLine(json), OptionalInt.empty(), 0, ""));
        }
        return outcomes;
    }

    private static void pump(InputStream stream, PrintWriter into) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (into) {
                    into.println(line);
                    into.flush();
                }
            }
        } catch (IOException e) {
            // The process went away; what it said so far has been passed on.
        }
    }
}
