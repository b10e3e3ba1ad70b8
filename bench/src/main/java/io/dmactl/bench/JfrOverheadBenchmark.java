package io.dmactl.bench;

import io.dmactl.core.telemetry.DmactlEvents;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link RuntimeCallbackBenchmark}'s allocation-free client path (64 B copies, one handler, 32 in
 * flight, {@code poll()} on the benchmark thread) under three JFR states, side by side in one run:
 * <ul>
 *   <li>{@code off}: no recording (what a user who never starts JFR runs): each completion pays
 *       one volatile read of the gate;</li>
 *   <li>{@code recording}: a recording runs, with dmactl's events not enabled (a recording of
 *       other things): the gate is open, {@code TransferLatency} is disabled, two more loads;</li>
 *   <li>{@code sampled}: a recording with {@code dmactl.TransferLatency} enabled, one completion in
 *       1024 recorded (the default).</li>
 * </ul>
 * {@code off} and {@code recording} must show the same copies per second within the noise and
 * 0 B/op under {@code -prof gc}.
 */
public class JfrOverheadBenchmark extends RuntimeCallbackBenchmark {

    @Param({"off", "recording", "sampled"})
    public String jfr;

    private Recording recording;

    @Setup(Level.Trial)
    public void startRecording() {
        DmactlEvents.sampleEvery(1024);
        switch (jfr) {
            case "off" -> {
            }
            case "recording" -> {
                recording = new Recording();
                recording.enable("jdk.JavaMonitorEnter"); // something else is recorded; dmactl's events are not
                recording.start();
            }
            case "sampled" -> {
                recording = new Recording();
                recording.enable("dmactl.TransferLatency");
                recording.start();
            }
            default -> throw new IllegalArgumentException("jfr '" + jfr + "' is not one of off, recording, sampled");
        }
    }

    @TearDown(Level.Trial)
    public void stopRecording() {
        if (recording != null) {
            recording.close();
        }
    }
}
