package io.dmactl.vfio;

import io.dmactl.vfio.ffi.Native;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.PaddingLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Checks the jextract-generated bindings against the C compiler: compiles
 * native-headers/layout-probe.c with the system {@code cc}, runs it, and compares every
 * struct size, field offset and size, constant value and function argument size it prints
 * with the Java side. Also checks that the probe covers every symbol in the jextract
 * argument files, and every field of every generated struct.
 */
class GeneratedLayoutTest {
    private static final String FFI_PACKAGE = "io.dmactl.vfio.ffi.";
    private static final Pattern STRUCT = Pattern.compile("struct (\\w+) size (\\d+)");
    private static final Pattern FIELD = Pattern.compile("field (\\w+)\\.(\\w+) offset (\\d+) size (\\d+)");
    private static final Pattern CONST = Pattern.compile("const (\\w+) (-?\\d+)");
    private static final Pattern FUNCTION = Pattern.compile("function (\\w+)( variadic)? returns (\\d+) args((?: \\d+)*)");
    private static final Pattern INCLUDE = Pattern.compile("--include-(struct|constant|function)\\s+(\\w+).*");

    private static Path headersDir;
    private static List<String> probeLines;

    @BeforeAll
    static void compileAndRunProbe() throws Exception {
        headersDir = Path.of(System.getProperty("dmactl.nativeHeadersDir", "../native-headers")).toAbsolutePath().normalize();
        Path buildDir = Path.of(System.getProperty("dmactl.buildDir", "target")).toAbsolutePath();
        Files.createDirectories(buildDir);
        Path probe = buildDir.resolve("layout-probe");
        run(List.of("cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-I" + headersDir,
                "-o", probe.toString(), headersDir.resolve("layout-probe.c").toString()));
        probeLines = run(List.of(probe.toString())).lines().toList();
        assertTrue(probeLines.size() > 50, "the probe printed only " + probeLines.size() + " lines: " + probeLines);
    }

    @Test
    void structSizesAndFieldsMatchTheCompiler() throws Exception {
        List<String> mismatches = new ArrayList<>();
        Map<String, Set<String>> probedFields = new LinkedHashMap<>();
        for (String line : probeLines) {
            Matcher struct = STRUCT.matcher(line);
            Matcher field = FIELD.matcher(line);
            if (struct.matches()) {
                String name = struct.group(1);
                probedFields.put(name, new LinkedHashSet<>());
                GroupLayout layout = javaLayout(name, mismatches);
                if (layout != null && layout.byteSize() != Long.parseLong(struct.group(2))) {
                    mismatches.add(line + " but Java layout " + name + " has byteSize " + layout.byteSize());
                }
            } else if (field.matches()) {
                String structName = field.group(1);
                String fieldName = field.group(2);
                probedFields.computeIfAbsent(structName, k -> new LinkedHashSet<>()).add(fieldName);
                GroupLayout layout = javaLayout(structName, mismatches);
                if (layout == null) {
                    continue;
                }
                List<PathElement> path = pathTo(layout, fieldName);
                if (path == null) {
                    mismatches.add(line + " but Java layout " + structName + " has no field " + fieldName);
                    continue;
                }
                PathElement[] elements = path.toArray(PathElement[]::new);
                long offset = layout.byteOffset(elements);
                long size = layout.select(elements).byteSize();
                if (offset != Long.parseLong(field.group(3)) || size != Long.parseLong(field.group(4))) {
                    mismatches.add(line + " but Java has offset " + offset + " size " + size);
                }
            }
        }
        // The other way round: a field Java knows but the probe does not list is unchecked.
        for (Map.Entry<String, Set<String>> entry : probedFields.entrySet()) {
            GroupLayout layout = javaLayout(entry.getKey(), new ArrayList<>());
            if (layout == null) {
                continue;
            }
            for (MemoryLayout member : layout.memberLayouts()) {
                if (!(member instanceof PaddingLayout) && member.name().isPresent() && !isAnonymous(member)
                        && !entry.getValue().contains(member.name().get())) {
                    mismatches.add("Java layout " + entry.getKey() + " has field " + member.name().get()
                            + " that layout-probe.c does not list");
                }
            }
        }
        assertTrue(probedFields.size() >= 10, "probe listed only structs " + probedFields.keySet());
        assertNoMismatches(mismatches);
    }

    @Test
    void constantsMatchTheCompiler() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (String line : probeLines) {
            Matcher constant = CONST.matcher(line);
            if (!constant.matches()) {
                continue;
            }
            checked++;
            String name = constant.group(1);
            long expected = Long.parseLong(constant.group(2));
            try {
                Method accessor = headerClass(name).getMethod(name);
                long actual = ((Number) accessor.invoke(null)).longValue();
                if (actual != expected) {
                    mismatches.add(line + " but Native." + name + "() is " + actual);
                }
            } catch (NoSuchMethodException e) {
                mismatches.add(line + " but Native has no constant " + name);
            } catch (IllegalAccessException | InvocationTargetException e) {
                mismatches.add(line + " but Native." + name + "() failed: " + e);
            }
        }
        assertTrue(checked >= 50, "probe listed only " + checked + " constants");
        assertNoMismatches(mismatches);
    }

    /**
     * VfioDevice ORs one DATA_* and one ACTION_* flag into vfio_irq_set.flags (unmask: DATA_NONE or
     * DATA_EVENTFD with ACTION_UNMASK): the compiler's values must be distinct single bits, data
     * flags in bits 0-2 and actions in bits 3-5 as the kernel's VFIO_IRQ_SET_DATA_TYPE_MASK and
     * VFIO_IRQ_SET_ACTION_TYPE_MASK expect, and the probe must list each.
     */
    @Test
    void irqSetDataAndActionFlagsAreSingleBitsInTheirFields() {
        Map<String, Long> probed = new LinkedHashMap<>();
        for (String line : probeLines) {
            Matcher constant = CONST.matcher(line);
            if (constant.matches() && constant.group(1).startsWith("VFIO_IRQ_SET_")) {
                probed.put(constant.group(1), Long.parseLong(constant.group(2)));
            }
        }
        List<String> data = List.of("VFIO_IRQ_SET_DATA_NONE", "VFIO_IRQ_SET_DATA_EVENTFD");
        List<String> actions = List.of("VFIO_IRQ_SET_ACTION_MASK", "VFIO_IRQ_SET_ACTION_UNMASK",
                "VFIO_IRQ_SET_ACTION_TRIGGER");
        long seen = 0;
        for (String name : concat(data, actions)) {
            Long value = probed.get(name);
            assertTrue(value != null, "layout-probe.c does not print " + name + "; it printed " + probed.keySet());
            assertEquals(1, Long.bitCount(value), name + " = " + value + " is not a single bit");
            assertEquals(0, seen & value, name + " = " + value + " shares its bit with another flag");
            seen |= value;
            long field = data.contains(name) ? 0x07 : 0x38;
            assertEquals(value, value & field, name + " = " + value + " lies outside its field 0x" + Long.toHexString(field));
        }
        assertEquals(Native.VFIO_IRQ_SET_ACTION_UNMASK(), (int) (long) probed.get("VFIO_IRQ_SET_ACTION_UNMASK"));
        assertEquals(Native.VFIO_IRQ_SET_ACTION_MASK(), (int) (long) probed.get("VFIO_IRQ_SET_ACTION_MASK"));
        assertEquals(Native.VFIO_PCI_INTX_IRQ_INDEX(), VfioDevice.INTX);
    }

    /** The header class holding a constant: {@code Idxd} for {@code <linux/idxd.h>}'s, else {@code Native}. */
    private static Class<?> headerClass(String constant) {
        return constant.startsWith("DSA_") || constant.startsWith("IDXD_") || constant.contains("_IN_WORD_")
                ? io.dmactl.vfio.ffi.Idxd.class : Native.class;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void functionArgumentSizesMatchTheCompiler() throws Exception {
        List<String> mismatches = new ArrayList<>();
        Map<String, FunctionDescriptor> variadicFixedParts = Map.of(
                "open", LibC.OPEN_FIXED,
                "ioctl", LibC.IOCTL_FIXED);
        int checked = 0;
        for (String line : probeLines) {
            Matcher function = FUNCTION.matcher(line);
            if (!function.matches()) {
                continue;
            }
            checked++;
            String name = function.group(1);
            boolean variadic = function.group(2) != null;
            FunctionDescriptor descriptor;
            if (variadic) {
                descriptor = variadicFixedParts.get(name);
                if (descriptor == null) {
                    mismatches.add(line + " but LibC has no fixed-argument descriptor for variadic " + name);
                    continue;
                }
                Class<?> invoker = Class.forName(FFI_PACKAGE + "Native$" + name);
                MemorySegment address = (MemorySegment) invoker.getMethod("address").invoke(null);
                if (address.equals(MemorySegment.NULL)) {
                    mismatches.add(line + " but Native." + name + ".address() is NULL");
                }
            } else {
                try {
                    descriptor = (FunctionDescriptor) Native.class.getMethod(name + "$descriptor").invoke(null);
                } catch (NoSuchMethodException e) {
                    mismatches.add(line + " but Native has no function " + name);
                    continue;
                }
            }
            long returnBytes = descriptor.returnLayout().map(MemoryLayout::byteSize).orElse(0L);
            List<Long> argBytes = descriptor.argumentLayouts().stream().map(MemoryLayout::byteSize).toList();
            List<Long> expectedArgBytes = Arrays.stream(function.group(4).trim().split(" "))
                    .filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
            if (returnBytes != Long.parseLong(function.group(3)) || !argBytes.equals(expectedArgBytes)) {
                mismatches.add(line + " but Java descriptor has returns " + returnBytes + " args " + argBytes);
            }
        }
        assertTrue(checked >= 15, "probe listed only " + checked + " functions");
        assertNoMismatches(mismatches);
    }

    @Test
    void probeCoversEverySymbolTheArgumentFilesInclude() throws IOException {
        Set<String> probed = probeLines.stream()
                .map(line -> line.split(" ", 3))
                .filter(parts -> parts.length >= 2 && !parts[0].equals("field"))
                .map(parts -> parts[0] + " " + parts[1])
                .collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        int included = 0;
        for (String argsFile : List.of("vfio.args", "libc.args", "idxd.args")) {
            for (String line : Files.readAllLines(headersDir.resolve(argsFile))) {
                Matcher include = INCLUDE.matcher(line.trim());
                if (!include.matches()) {
                    continue;
                }
                included++;
                String kind = include.group(1).equals("constant") ? "const" : include.group(1);
                if (!probed.contains(kind + " " + include.group(2))) {
                    missing.add(argsFile + ": " + kind + " " + include.group(2));
                }
            }
        }
        assertTrue(included >= 50, "argument files include only " + included + " symbols");
        assertEquals(Set.of(), missing, "symbols included for jextract but not checked by layout-probe.c");
    }

    /**
     * The path to a field: a direct member, or a member of an anonymous union or struct (named
     * {@code $anon$...} by jextract; C's offsetof reaches those members by their own name).
     */
    private static List<PathElement> pathTo(GroupLayout layout, String fieldName) {
        for (MemoryLayout member : layout.memberLayouts()) {
            if (member.name().equals(java.util.Optional.of(fieldName))) {
                return List.of(PathElement.groupElement(fieldName));
            }
        }
        for (MemoryLayout member : layout.memberLayouts()) {
            if (member instanceof GroupLayout group && isAnonymous(group)) {
                List<PathElement> inner = pathTo(group, fieldName);
                if (inner != null) {
                    List<PathElement> path = new ArrayList<>();
                    path.add(PathElement.groupElement(group.name().get()));
                    path.addAll(inner);
                    return path;
                }
            }
        }
        return null;
    }

    private static boolean isAnonymous(MemoryLayout member) {
        return member.name().map(n -> n.startsWith("$anon$")).orElse(false);
    }

    private static GroupLayout javaLayout(String struct, List<String> mismatches) {
        try {
            return (GroupLayout) Class.forName(FFI_PACKAGE + struct).getMethod("layout").invoke(null);
        } catch (ClassNotFoundException e) {
            mismatches.add("probe lists struct " + struct + " but there is no generated class " + FFI_PACKAGE + struct);
            return null;
        } catch (ReflectiveOperationException e) {
            mismatches.add("generated class " + FFI_PACKAGE + struct + " has no usable layout(): " + e);
            return null;
        }
    }

    private static void assertNoMismatches(List<String> mismatches) {
        if (!mismatches.isEmpty()) {
            fail(mismatches.size() + " differences between the C compiler and the generated bindings"
                    + " (run native-headers/regen?):\n  " + String.join("\n  ", new LinkedHashSet<>(mismatches)));
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        if (process.exitValue() != 0) {
            fail(String.join(" ", command) + " exited with " + process.exitValue() + ":\n" + output);
        }
        return output;
    }
}
