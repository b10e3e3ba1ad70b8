package io.dmactl.core.telemetry;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;
import jdk.jfr.RecordingState;

/**
 * Whether any JFR recording is running in this JVM, as one volatile boolean: every dmactl event
 * site reads it first and does nothing else when it is false (no event object, no clock read, no
 * JFR call). Kept up to date by a {@link FlightRecorderListener}, which the JDK notifies when a
 * recording starts or stops (from the API, {@code jcmd JFR.start}, JDK Mission Control or
 * {@code -XX:StartFlightRecording}). Registering it does not start Flight Recorder. Whether a
 * dmactl event type is enabled in the running recordings is then JFR's own check
 * ({@code shouldCommit()}, {@code EventType.isEnabled()}), so settings changed while a recording
 * runs are honoured.
 */
public final class JfrGate {
    private static volatile boolean recording;

    static {
        try {
            FlightRecorder.addListener(new Listener());
        } catch (RuntimeException | LinkageError e) {
            // No Flight Recorder in this VM: the gate stays shut.
        }
    }

    private JfrGate() {
    }

    /** True while at least one JFR recording runs. */
    public static boolean recording() {
        return recording;
    }

    private static final class Listener implements FlightRecorderListener {
        @Override
        public void recorderInitialized(FlightRecorder recorder) {
            update(recorder);
        }

        @Override
        public void recordingStateChanged(Recording changed) {
            if (FlightRecorder.isInitialized()) {
                update(FlightRecorder.getFlightRecorder());
            }
        }

        private static void update(FlightRecorder recorder) {
            boolean running = false;
            for (Recording r : recorder.getRecordings()) {
                running |= r.getState() == RecordingState.RUNNING;
            }
            recording = running;
        }
    }
}
