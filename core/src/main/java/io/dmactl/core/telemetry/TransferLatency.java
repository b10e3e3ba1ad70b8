package io.dmactl.core.telemetry;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

@Name("dmactl.TransferLatency")
@Label("Transfer Latency (sampled)")
@Category("dmactl")
@Description("One transfer in every dmactl.jfr.latencySampleEvery (default 1024) completed, on the thread that harvested it: its latency from submission to completion")
@Enabled(false)
@StackTrace(false)
final class TransferLatency extends jdk.jfr.Event {
    @Label("Operation")
    String op;
    @Label("Engine")
    String engine;
    @Label("Channel")
    String channel;
    @Label("Length")
    @DataAmount
    long lengthBytes;
    @Label("Latency")
    @Timespan(Timespan.NANOSECONDS)
    long latencyNanos;
    @Label("Status")
    String status;
}
