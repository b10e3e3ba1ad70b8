package io.dmactl.cli.command;

import io.dmactl.cli.Dmactl;
import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;
import io.dmactl.cli.JsonMixin;
import io.dmactl.cli.host.HostSystem;
import io.dmactl.cli.VerboseMixin;
import io.dmactl.cli.output.Json;
import io.dmactl.cli.output.JsonRecord;
import io.dmactl.cli.output.Table;
import io.dmactl.cli.trial.SourceTree;
import io.dmactl.cli.trial.StepOutcome;
import io.dmactl.cli.trial.TestbedSession;
import io.dmactl.cli.trial.TryPlan;
import io.dmactl.cli.trial.TryStep;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;

/** {@code dmactl try}: the whole tour on the testbed guest, for a machine without DMA hardware. */
@Command(name = "try",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        headerHeading = "",
        header = "No DMA hardware here? Boot the testbed guest and run dmactl on real (emulated) devices.",
        synopsisHeading = "%nUsage: ",
        descriptionHeading = "%n",
        description = {
                "Boots the QEMU guest of the source tree's testbed (testbed/bin/testbed-run: a Linux kernel with"
                        + " VFIO and an emulated Intel IOMMU; edu 0000:00:02.0, ivshmem 0000:00:03.0, nvme"
                        + " 0000:00:04.0 and an LSI53C895A 0000:00:05.0 bound to vfio-pci) and runs in it, one after"
                        + " the other:",
                "  dmactl list, dmactl info 0000:00:02.0",
                "  dmactl copy, each with --verify: host -> edu, edu -> host,",
                "    edu -> ivshmem BAR2 and BAR2 -> edu (peer to peer), host -> BAR2",
                "  dmactl selftest --window 0000:00:03.0/bar2",
                "  dmactl bench --provider cpu,edu --duration 500ms",
                "  dmactl info 0000:00:05.0; the same 64 KiB host -> host copy with --provider cpu and then as"
                        + " the dispatcher chooses with --device 0000:00:05.0 (the LSI SCRIPTS engine), each --verify --verbose: every engine"
                        + " and why the chosen one won",
                "  dmactl bench --provider cpu,lsi --sizes 256,4K,64K --duration 500ms",
                "printing each step's output under a heading, then a summary. A failed step does not stop the"
                        + " others; the exit status is 1 when any failed, and the summary names it.",
                "",
                "Needs the dmactl source tree (this dmactl must run from it, e.g. ./dmactl try) with its build"
                        + " output (the ./dmactl launcher builds it when missing), and the testbed's tools:"
                        + " qemu-system-x86 and busybox-static (apt) and a Debian guest kernel, which"
                        + " testbed/bin/provision installs on first use (as root). Emulation (TCG) makes the"
                        + " guest slow: expect a minute or two."},
        optionListHeading = "%nOptions:%n",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {ExitCodes.OK_LINE, ExitCodes.FAILURE_LINE, ExitCodes.USAGE_LINE, ExitCodes.UNAVAILABLE_LINE,
                ExitCodes.INTERNAL_LINE},
        footerHeading = "%nExamples:%n",
        footer = {"  ./dmactl try", "  ./dmactl try --json > try.json"})
public final class TryCommand implements Callable<Integer> {

    /** What try did, for {@code --json}: each step's command, exit code and output. */
    public record TryReport(List<StepOutcome> steps, boolean passed, List<String> failedSteps, double seconds)
            implements JsonRecord {
    }

    private final HostSystem host;

    @Spec
    private CommandSpec spec;

    @Option(names = "--in-guest", hidden = true,
            description = "What try runs inside the guest: every step in this JVM, between markers.")
    private boolean inGuest;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "900", converter = CountConverter.class,
            description = "Stop the guest after this long, failing (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Mixin
    private JsonMixin json;

    @Mixin
    private VerboseMixin verbose;

    TryCommand(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public Integer call() {
        if (inGuest) {
            return runStepsHere();
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 86_400) {
            throw new DmactlException(ExitCodes.USAGE, "--timeout " + timeoutSeconds + " is out of range: 1 to 86400 seconds");
        }
        SourceTree tree = SourceTree.locate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<TryStep> steps = TryPlan.steps();
        boolean text = !json.enabled();
        err.println("dmactl try: booting the testbed guest from " + tree.root() + " to run " + steps.size()
                + " steps (QEMU emulation: a minute or two)");
        err.flush();
        long start = System.nanoTime();
        List<StepOutcome> outcomes = new TestbedSession(tree, timeoutSeconds).run(steps, json.enabled(),
                text ? new Printer(out, steps.size()) : new Quiet(), err);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> failed = outcomes.stream().filter(outcome -> !outcome.passed()).map(StepOutcome::title).toList();
        if (text) {
            out.println();
            Table summary = new Table("STEP", "RESULT", "TIME");
            for (StepOutcome outcome : outcomes) {
                summary.row(outcome.title(), result(outcome), String.format(Locale.ROOT, "%.1f s", outcome.seconds()));
            }
            summary.print(out);
            out.println(failed.isEmpty()
                    ? String.format(Locale.ROOT, "all %d steps passed in %.0f s (guest boot included)", steps.size(), seconds)
                    : failed.size() + " of " + steps.size() + " steps FAILED");
        } else {
            out.println(Json.render(new TryReport(outcomes, failed.isEmpty(), failed, seconds)));
        }
        out.flush();
        if (!failed.isEmpty()) {
            throw new DmactlException(ExitCodes.FAILURE, "failed step(s): " + String.join("; ", failed.stream()
                    .map(title -> "'" + title + "'").toList()));
        }
        return ExitCodes.OK;
    }

    /**
     * Inside the guest: runs every step in this one JVM (a JVM start costs tens of seconds under
     * emulation), each with its own command line and runtime, stdout and stderr merged, between
     * the markers the host side parses. Always exits 0: the host judges the steps.
     */
    private int runStepsHere() {
        PrintWriter out = spec.commandLine().getOut();
        List<TryStep> steps = TryPlan.steps();
        for (int i = 0; i < steps.size(); i++) {
            out.println(TryPlan.beginMarker(i));
            out.flush();
            List<String> arguments = new ArrayList<>(steps.get(i).arguments());
            if (json.enabled() && steps.get(i).reports()) {
                arguments.add("--json");
            }
            CommandLine step = Dmactl.commandLine(host);
            step.setOut(out);
            step.setErr(out);
            int code = step.execute(arguments.toArray(String[]::new));
            out.flush();
            out.println(TryPlan.endMarker(i, code));
            out.flush();
        }
        return ExitCodes.OK;
    }

    private static String result(StepOutcome outcome) {
        if (outcome.passed()) {
            return "ok";
        }
        return outcome.exitCode().isPresent() ? "FAILED (exit " + outcome.exitCode().getAsInt() + ")" : "did not finish";
    }

    /** Headings, the step's output as it comes, and its result. */
    private record Printer(PrintWriter out, int count) implements TestbedSession.Listener {
        @Override
        public void stepStarted(int index, TryStep step) {
            out.println();
            out.println("== [" + (index + 1) + "/" + count + "] " + step.title());
            out.println("$ " + step.commandLine(false));
            out.flush();
        }

        @Override
        public void line(int index, String line) {
            out.println(line);
            out.flush();
        }

        @Override
        public void stepEnded(int index, StepOutcome outcome) {
            out.println(String.format(Locale.ROOT, "-> %s (%.1f s)", result(outcome), outcome.seconds()));
            out.flush();
        }
    }

    /** --json: everything goes into the report at the end. */
    private record Quiet() implements TestbedSession.Listener {
        @Override
        public void stepStarted(int index, TryStep step) {
        }

        @Override
        public void line(int index, String line) {
        }

        @Override
        public void stepEnded(int index, StepOutcome outcome) {
        }
    }
}
