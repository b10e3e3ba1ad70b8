package io.dmactl.cli.bench;

import io.dmactl.cli.location.ByteCount;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code --chart} file: throughput (GB/s) against transfer size (log scale), one line per
 * engine and one for the {@code MemorySegment.copy} baseline, as a plain SVG document that any
 * browser shows. Written by hand: a few lines, axes, labels and a legend need no library.
 */
public final class ThroughputChart {

    private static final int WIDTH = 760;
    private static final int HEIGHT = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 190;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"};
    private static final String BASELINE_COLOR = "#7f7f7f";

    private ThroughputChart() {
    }

    /** The SVG document for these results. */
    public static String render(List<BenchPoint> points, List<BaselinePoint> baseline, String title) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        for (BenchPoint point : points) {
            series.computeIfAbsent(point.engine() + " (" + point.direction() + ")", key -> new ArrayList<>())
                    .add(new double[] {point.sizeBytes(), point.gigabytesPerSecond()});
        }
        List<double[]> base = new ArrayList<>();
        for (BaselinePoint point : baseline) {
            base.add(new double[] {point.sizeBytes(), point.gigabytesPerSecond()});
        }
        double minSize = Double.MAX_VALUE;
        double maxSize = 1;
        double maxRate = 0;
        List<List<double[]>> all = new ArrayList<>(series.values());
        all.add(base);
        for (List<double[]> line : all) {
            for (double[] xy : line) {
                minSize = Math.min(minSize, xy[0]);
                maxSize = Math.max(maxSize, xy[0]);
                maxRate = Math.max(maxRate, xy[1]);
            }
        }
        if (minSize == Double.MAX_VALUE) {
            minSize = 1;
        }
        double lowLog = Math.floor(log2(minSize));
        double highLog = Math.max(lowLog + 1, Math.ceil(log2(maxSize)));
        double topRate = niceCeiling(maxRate);
        Axes axes = new Axes(lowLog, highLog, topRate);

        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(svg, WIDTH / 2.0, 22, "middle", 15, title);
        int plotRight = WIDTH - RIGHT;
        int plotBottom = HEIGHT - BOTTOM;
        for (int i = 0; i <= 5; i++) {
            double rate = topRate * i / 5;
            double y = axes.y(rate);
            line(svg, LEFT, y, plotRight, y, "#e0e0e0");
            text(svg, LEFT - 6, y + 4, "end", 11, String.format(Locale.ROOT, "%.3g", rate));
        }
        for (double exponent = lowLog; exponent <= highLog; exponent++) {
            double x = axes.x(Math.pow(2, exponent));
            line(svg, x, TOP, x, plotBottom, "#f0f0f0");
            text(svg, x, plotBottom + 16, "middle", 11, ByteCount.format((long) Math.pow(2, exponent)));
        }
        line(svg, LEFT, plotBottom, plotRight, plotBottom, "black");
        line(svg, LEFT, TOP, LEFT, plotBottom, "black");
        text(svg, (LEFT + plotRight) / 2.0, HEIGHT - 18, "middle", 12, "transfer size (bytes, log scale)");
        svg.append(String.format(Locale.ROOT, "<text x=\"18\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 18 %.1f)\">"
                + "throughput (GB/s)</text>%n", (TOP + plotBottom) / 2.0, (TOP + plotBottom) / 2.0));
        int index = 0;
        for (Map.Entry<String, List<double[]>> entry : series.entrySet()) {
            plot(svg, axes, entry.getValue(), COLORS[index % COLORS.length], false);
            legend(svg, index, entry.getKey(), COLORS[index % COLORS.length], false);
            index++;
        }
        if (!base.isEmpty()) {
            plot(svg, axes, base, BASELINE_COLOR, true);
            legend(svg, index, "MemorySegment.copy", BASELINE_COLOR, true);
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private record Axes(double lowLog, double highLog, double topRate) {
        double x(double size) {
            return LEFT + (log2(size) - lowLog) / (highLog - lowLog) * (WIDTH - RIGHT - LEFT);
        }

        double y(double rate) {
            return HEIGHT - BOTTOM - (topRate == 0 ? 0 : rate / topRate) * (HEIGHT - BOTTOM - TOP);
        }
    }

    private static void plot(StringBuilder svg, Axes axes, List<double[]> points, String color, boolean dashed) {
        List<double[]> sorted = new ArrayList<>(points);
        sorted.sort((a, b) -> Double.compare(a[0], b[0]));
        StringBuilder path = new StringBuilder();
        for (double[] xy : sorted) {
            path.append(String.format(Locale.ROOT, "%.1f,%.1f ", axes.x(xy[0]), axes.y(xy[1])));
        }
        svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                color, dashed ? " stroke-dasharray=\"6,4\"" : "", path.toString().strip()));
        for (double[] xy : sorted) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                    axes.x(xy[0]), axes.y(xy[1]), color));
        }
    }

    private static void legend(StringBuilder svg, int index, String label, String color, boolean dashed) {
        double x = WIDTH - RIGHT + 14;
        double y = TOP + 10 + index * 20;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\""
                + " stroke-width=\"2\"%s/>%n", x, y, x + 20, y, color, dashed ? " stroke-dasharray=\"6,4\"" : ""));
        text(svg, x + 26, y + 4, "start", 11, label);
    }

    private static void line(StringBuilder svg, double x1, double y1, double x2, double y2, String color) {
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1, y1, x2, y2, color));
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, int size, String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, escape(content)));
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static double log2(double value) {
        return Math.log(value) / Math.log(2);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value} (and above 0). */
    private static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }
}
