package io.dmactl.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The one-line progress display of {@code bench} on a terminal: rewritten in place with a
 * carriage return at most four times a second, erased when the point is done. Only built when
 * stdout is a terminal, so scripts and logs never see it.
 */
public final class ProgressLine {

    private static final long INTERVAL_NANOS = 250_000_000L;

    private final PrintWriter terminal;
    private String label = "";
    private long startNanos;
    private long durationNanos;
    private long nextNanos;
    private int width;

    public ProgressLine(PrintWriter terminal) {
        this.terminal = terminal;
    }

    public void start(String pointLabel, long startAtNanos, long pointDurationNanos) {
        label = pointLabel;
        startNanos = startAtNanos;
        durationNanos = pointDurationNanos;
        nextNanos = startAtNanos;
    }

    /** Cheap when not due: one comparison. */
    public void update(long nowNanos, long completedOps) {
        if (nowNanos < nextNanos) {
            return;
        }
        nextNanos = nowNanos + INTERVAL_NANOS;
        String text = String.format(Locale.ROOT, "bench %s: %.1f / %.1f s, %d ops", label,
                (nowNanos - startNanos) / 1e9, durationNanos / 1e9, completedOps);
        terminal.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
        terminal.flush();
        width = text.length();
    }

    public void clear() {
        if (width > 0) {
            terminal.print("\r" + " ".repeat(width) + "\r");
            terminal.flush();
            width = 0;
        }
    }
}
