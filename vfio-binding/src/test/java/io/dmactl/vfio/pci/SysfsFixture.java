package io.dmactl.vfio.pci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds a writable sysfs-like tree from a fixture under {@code sysfs-fixtures/<name>}: copies
 * {@code tree/} and creates the links listed in {@code symlinks} (see the README there).
 */
final class SysfsFixture {

    private SysfsFixture() {
    }

    static Path build(String name, Path into) {
        try {
            URL url = SysfsFixture.class.getResource("/sysfs-fixtures/" + name);
            if (url == null) {
                throw new IllegalArgumentException("no fixture sysfs-fixtures/" + name + " on the test classpath");
            }
            Path source = Path.of(url.toURI());
            copyTree(source.resolve("tree"), into);
            createLinks(source.resolve("symlinks"), into);
            return into;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void createLinks(Path listing, Path root) throws IOException {
        List<String> lines = Files.readAllLines(listing);
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(" -> ");
            if (parts.length != 2) {
                throw new IllegalArgumentException(listing + ":" + number + ": expected 'link -> target', got '" + line + "'");
            }
            Path link = root.resolve(parts[0]);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of(parts[1]));
        }
    }
}
