package io.dmactl.core.telemetry;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dmactl.EngineRetired")
@Label("Engine Retired")
@Category("dmactl")
@Description("An engine was given up for good: no more work is dispatched to it")
@StackTrace(false)
final class EngineRetired extends jdk.jfr.Event {
    @Label("Engine")
    String engine;
    @Label("Provider")
    String provider;
    @Label("Device")
    String device;
    @Label("Reason")
    String reason;
    @Label("Ring Released")
    @Description("The device was seen to drop its ring (a reset succeeded), so the memory of the ops in it was released; otherwise it stays pinned and mapped")
    boolean ringReleased;
}
