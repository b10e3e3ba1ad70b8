package io.dmactl.examples;

import io.dmactl.core.DmaRuntime;
import io.dmactl.vfio.VfioDevice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The modules as a client on the module path sees them: what each exports (so an internal package
 * cannot become API unnoticed), what the providers provide, and an example run with
 * {@code --module-path} and native access granted to {@code io.dmactl.vfio} alone.
 */
class ModuleBoundaryTest {

    /** Where a class was loaded from: a module's jar or its target/classes directory. */
    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> modulePath() throws ClassNotFoundException {
        return List.of(locationOf(CopyWithFuture.class), locationOf(DmaRuntime.class), locationOf(VfioDevice.class),
            locationOf(Class.forName("io.dmactl.provider.cpu.CpuProvider")));
    }

    private static ModuleDescriptor descriptor(String module) throws ClassNotFoundException {
        List<Path> path = modulePath();
        return ModuleFinder.of(path.toArray(Path[]::new)).find(module)
            .orElseThrow(() -> new AssertionError("no module " + module + " on " + path)).descriptor();
    }

    /** Unqualified exports as a sorted set; qualified ones as "package to module,module". */
    private static Map<String, Set<String>> exports(ModuleDescriptor descriptor) {
        Map<String, Set<String>> exports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : descriptor.exports()) {
            exports.put(e.source(), new TreeSet<>(e.targets()));
        }
        return exports;
    }

    @Test
    void coreExportsTheRuntimeLocationsAndTheSpiOnly() throws Exception {
        Map<String, Set<String>> exports = exports(descriptor("io.dmactl.core"));
        Set<String> toEveryone = exports.entrySet().stream().filter(e -> e.getValue().isEmpty())
            .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("io.dmactl.core", "io.dmactl.core.location", "io.dmactl.core.spi"), toEveryone);
        exports.forEach((pkg, targets) -> assertTrue(targets.isEmpty() || targets.equals(Set.of("io.dmactl.cli")),
            pkg + " is exported to " + targets + ": only the command line may see an internal package"));
        assertTrue(descriptor("io.dmactl.core").uses().contains("io.dmactl.core.spi.DmaProvider"));
    }

    @Test
    void vfioBindingExportsTheSafeLayerNotTheGeneratedBindings() throws Exception {
        Map<String, Set<String>> exports = exports(descriptor("io.dmactl.vfio"));
        assertEquals(Map.of("io.dmactl.vfio", Set.of(), "io.dmactl.vfio.pci", Set.of()), exports);
        assertTrue(descriptor("io.dmactl.vfio").packages().contains("io.dmactl.vfio.ffi"));
    }

    @Test
    void theCpuProviderIsAServiceAndExportsNothingToClients() throws Exception {
        ModuleDescriptor cpu = descriptor("io.dmactl.provider.cpu");
        assertEquals(List.of("io.dmactl.provider.cpu.CpuProvider"), cpu.provides().stream()
            .filter(p -> p.service().equals("io.dmactl.core.spi.DmaProvider")).flatMap(p -> p.providers().stream()).toList());
        exports(cpu).forEach((pkg, targets) -> assertFalse(targets.isEmpty(), pkg + " is exported to every module"));
    }

    @Test
    void aClientLayerSeesNoInternalPackage() throws Exception {
        ModuleFinder finder = ModuleFinder.of(modulePath().toArray(Path[]::new));
        Configuration configuration = ModuleLayer.boot().configuration()
            .resolveAndBind(finder, ModuleFinder.of(), Set.of("io.dmactl.examples"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
        Module core = layer.findModule("io.dmactl.core").orElseThrow();
        Module client = layer.findModule("io.dmactl.examples").orElseThrow();
        assertTrue(layer.findModule("io.dmactl.provider.cpu").isPresent(), "service binding resolves the cpu provider");
        for (String internal : List.of("io.dmactl.core.completion", "io.dmactl.core.dispatch", "io.dmactl.core.engine",
                "io.dmactl.core.device", "io.dmactl.core.memory", "io.dmactl.core.internal")) {
            assertFalse(core.isExported(internal, client), internal + " is visible to a client");
        }
        assertTrue(core.isExported("io.dmactl.core", client));
        Module vfio = layer.findModule("io.dmactl.vfio").orElseThrow();
        assertFalse(vfio.isExported("io.dmactl.vfio.ffi", client));
    }

    @Test
    void anExampleRunsOnTheModulePath() throws Exception {
        String modulePath = modulePath().stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=io.dmactl.vfio",
            "--module-path", modulePath,
            "--module", "io.dmactl.examples/io.dmactl.examples.CopyWithFuture"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            process.destroyForcibly();
            throw e;
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the example did not end");
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.startsWith("copied 1048576 bytes on "), output);
        assertFalse(output.contains("WARNING"), "native access granted to io.dmactl.vfio must be enough: " + output);
    }
}
