package io.dmactl.cli.trial;

import io.dmactl.cli.DmactlException;
import io.dmactl.cli.ExitCodes;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The dmactl source tree this dmactl runs from, which {@code try} needs: the testbed scripts
 * ({@code testbed/bin/testbed-run}), the launcher ({@code ./dmactl}) and the build output the
 * guest runs ({@code cli/target}). Found from where dmactl's own classes were loaded
 * ({@code cli/target/dmactl.jar} or {@code cli/target/classes}), or from the system property
 * {@code dmactl.home}.
 *
 * @param root the top of the tree
 */
public record SourceTree(Path root) {

    static final String TESTBED_RUN = "testbed/bin/testbed-run";
    private static final int MAX_LEVELS_UP = 4;

    /**
     * @throws DmactlException UNAVAILABLE when there is no tree with a testbed, or its build output is missing
     */
    public static SourceTree locate() {
        Optional<Path> root = Optional.ofNullable(System.getProperty("dmactl.home")).map(Path::of)
                .or(SourceTree::fromCodeSource);
        Path tree = root.filter(SourceTree::hasTestbed).orElseThrow(() -> new DmactlException(ExitCodes.UNAVAILABLE,
                "dmactl try needs the dmactl source tree (" + TESTBED_RUN + " beside the ./dmactl launcher), and "
                        + root.map(path -> path + " has no testbed").orElse("this dmactl was not started from one")
                        + "; clone the repository and run ./dmactl try there (the testbed installs qemu-system-x86,"
                        + " busybox-static and a Debian guest kernel on first use; as root, or run testbed/bin/provision"
                        + " to see the apt-get line)"));
        Path target = tree.resolve("cli/target");
        if (!Files.isRegularFile(target.resolve("dmactl.jar")) || !Files.isDirectory(target.resolve("lib"))) {
            throw new DmactlException(ExitCodes.UNAVAILABLE, "the guest runs dmactl from " + target + ", which has no"
                    + " build output (dmactl.jar and lib/); build it on the host first: ./mvnw -q -DskipTests -pl cli -am"
                    + " package (the ./dmactl launcher does this by itself when it is missing)");
        }
        return new SourceTree(tree);
    }

    public Path testbedRun() {
        return root.resolve(TESTBED_RUN);
    }

    public Path launcher() {
        return root.resolve("dmactl");
    }

    private static boolean hasTestbed(Path root) {
        return Files.isExecutable(root.resolve(TESTBED_RUN)) && Files.isRegularFile(root.resolve("dmactl"));
    }

    private static Optional<Path> fromCodeSource() {
        Path location;
        try {
            var source = SourceTree.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            location = Path.of(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return Optional.empty();
        }
        Path candidate = location;
        for (int level = 0; level < MAX_LEVELS_UP && candidate != null; level++) {
            if (hasTestbed(candidate)) {
                return Optional.of(candidate);
            }
            candidate = candidate.getParent();
        }
        return Optional.empty();
    }
}
