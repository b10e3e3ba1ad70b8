package io.dmactl.core.telemetry;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dmactl.EngineReset")
@Label("Engine Reset")
@Category("dmactl")
@Description("An engine was reset with every channel owner paused; the ops it dropped ended TIMEOUT or ABORTED with the reason")
@StackTrace(false)
final class EngineReset extends jdk.jfr.Event {
    @Label("Engine")
    String engine;
    @Label("Provider")
    String provider;
    @Label("Device")
    String device;
    @Label("Reason")
    String reason;
    @Label("Resets")
    @Description("Successful resets of this engine so far, this one included")
    long resets;
}
