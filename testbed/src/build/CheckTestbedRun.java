import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Maven's verify step for the testbed (run with the JDK's source launcher, not compiled into the
 * module): judges the guest run that testbed-run recorded and the JUnit XML reports the guest
 * and the after-guest host checks wrote. Passes only when the guest ran, its tests ran and none
 * failed; otherwise says which tests failed and why, and shows the tail of the guest console.
 *
 * <p>Usage: {@code java CheckTestbedRun.java REPORTS_DIR SKIPPED(true|false)}
 */
public final class CheckTestbedRun {

    private static final int TAIL_LINES = 40;
    private static final int STACK_LINES = 12;
    private static final String PREFIX = "[testbed] ";

    private record Failure(String test, String kind, String message, String stack) {}

    private record Tally(int run, int failed, int errors, int skipped, List<Failure> failures) {}

    private CheckTestbedRun() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: CheckTestbedRun REPORTS_DIR SKIPPED, got " + List.of(args));
        }
        Path reports = Path.of(args[0]);
        if (Boolean.parseBoolean(args[1])) {
            String bar = "*".repeat(78);
            System.out.println(bar);
            System.out.println("* WARNING: TESTBED TESTS WERE SKIPPED (-Dtestbed.skip=true).");
            System.out.println("* Nothing ran in the QEMU guest: VFIO, IOMMU and device code is UNTESTED.");
            System.out.println("* CI and './mvnw verify' without that flag run them.");
            System.out.println(bar);
            return;
        }
        System.exit(check(reports) ? 0 : 1);
    }

    private static boolean check(Path reports) throws Exception {
        Path statusFile = reports.resolve("guest-run.status");
        if (!Files.isRegularFile(statusFile)) {
            System.out.println(PREFIX + "FAILED: no guest run recorded (" + statusFile + " is missing): the "
                    + "integration-test phase did not run testbed-run. Run './mvnw verify'.");
            return false;
        }
        Properties status = new Properties();
        try (Reader in = Files.newBufferedReader(statusFile)) {
            status.load(in);
        }
        int guestExit = Integer.parseInt(status.getProperty("exit", "-1").trim());
        Path consoleLog = Path.of(status.getProperty("console_log", ""));

        Tally guest = tally(reports);
        Tally host = tally(reports.resolve("after-guest"));
        System.out.printf("%sguest boot %s s, guest tests %s s, total %s s (console log %s)%n", PREFIX,
                orUnknown(status.getProperty("boot_seconds")), orUnknown(status.getProperty("command_seconds")),
                orUnknown(status.getProperty("total_seconds")), consoleLog);
        int run = guest.run() + host.run();
        int failed = guest.failed() + host.failed();
        int errors = guest.errors() + host.errors();
        System.out.printf("%sTests run: %d, Failures: %d, Errors: %d, Skipped: %d "
                        + "(in the guest: %d, on the host after the guest: %d)%n",
                PREFIX, run, failed, errors, guest.skipped() + host.skipped(), guest.run(), host.run());

        List<String> problems = new ArrayList<>();
        if (guestExit != 0) {
            problems.add("guest run: " + status.getProperty("reason", "exit " + guestExit));
        }
        if (guest.run() == 0) {
            problems.add("no JUnit report from the guest in " + reports
                    + (guestExit == 0 ? "" : " (the run did not complete)"));
        }
        List<Failure> failures = new ArrayList<>(guest.failures());
        failures.addAll(host.failures());
        if (!failures.isEmpty()) {
            problems.add(failures.size() + " test(s) failed");
        }
        if (problems.isEmpty()) {
            return true;
        }
        System.out.println(PREFIX + "FAILED: " + String.join("; ", problems));
        for (Failure failure : failures) {
            System.out.println(PREFIX + failure.kind() + ": " + failure.test());
            System.out.println("    " + failure.message());
            failure.stack().lines().skip(1).map(String::strip).filter(CheckTestbedRun::worthShowing)
                    .limit(STACK_LINES).forEach(line -> System.out.println("    " + line));
        }
        if (guest.run() == 0) {
            // No report to name the test that was running: the launcher's own output does.
            printTail("the command's output", Path.of(status.getProperty("output_log", "")));
        }
        printTail("the guest console", consoleLog);
        return false;
    }

    private static Tally tally(Path directory) throws Exception {
        int run = 0;
        int failed = 0;
        int errors = 0;
        int skipped = 0;
        List<Failure> failures = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return new Tally(0, 0, 0, 0, failures);
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
        }
        var builder = DocumentBuilderFactory.newInstance().newDocumentBuilder();
        for (Path file : files) {
            NodeList cases = builder.parse(file.toFile()).getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                run++;
                String name = testCase.getAttribute("classname") + "." + testCase.getAttribute("name");
                for (Node child = testCase.getFirstChild(); child != null; child = child.getNextSibling()) {
                    switch (child.getNodeName()) {
                        case "failure" -> {
                            failed++;
                            failures.add(failure(name, "FAILED", (Element) child));
                        }
                        case "error" -> {
                            errors++;
                            failures.add(failure(name, "ERROR", (Element) child));
                        }
                        case "skipped" -> skipped++;
                        default -> { }
                    }
                }
            }
        }
        return new Tally(run, failed, errors, skipped, failures);
    }

    private static Failure failure(String test, String kind, Element element) {
        String message = element.getAttribute("message");
        String type = element.getAttribute("type");
        return new Failure(test, kind, (type.isEmpty() ? "" : type + ": ") + message, element.getTextContent());
    }

    private static void printTail(String what, Path log) throws IOException {
        if (!Files.isRegularFile(log)) {
            System.out.println(PREFIX + "no log of " + what + " at " + log);
            return;
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
        System.out.println(PREFIX + "last " + TAIL_LINES + " lines of " + what + " (" + log + "):");
        lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())
                .forEach(line -> System.out.println("  | " + line));
    }

    /** Stack lines of the test's own code and causes; the frames of JUnit and reflection say nothing. */
    private static boolean worthShowing(String stackLine) {
        return !(stackLine.startsWith("at org.junit.")
                || stackLine.startsWith("at org.opentest4j.")
                || stackLine.startsWith("at java.base/java.lang.reflect.")
                || stackLine.startsWith("at java.base/jdk.internal.reflect.")
                || stackLine.startsWith("at java.base/java.util."));
    }

    private static String orUnknown(String value) {
        return value == null || value.isBlank() ? "?" : value;
    }
}
