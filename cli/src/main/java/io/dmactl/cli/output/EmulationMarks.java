package io.dmactl.cli.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a table marks figures measured under emulation ({@code host.Emulation}): the engine's
 * cell gets a {@value #MARK}, and one line under the table per such engine says why.
 */
public final class EmulationMarks {
    public static final String MARK = "*";

    private EmulationMarks() {
    }

    /** The engine's name, marked when its figures were measured under emulation. */
    public static String engineCell(String engine, Optional<String> emulated) {
        return emulated.isPresent() ? engine + MARK : engine;
    }

    /** One line per marked engine, in the order they first appear: "* ENGINE: measured under emulation, REASON". */
    public static List<String> footnotes(List<Map.Entry<String, Optional<String>>> engines) {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Map.Entry<String, Optional<String>> engine : engines) {
            engine.getValue().ifPresent(reason -> reasons.putIfAbsent(engine.getKey(), reason));
        }
        List<String> lines = new ArrayList<>();
        reasons.forEach((engine, reason) -> lines.add(MARK + " " + engine + ": measured under emulation, " + reason
                + "; not a hardware figure"));
        return lines;
    }
}
