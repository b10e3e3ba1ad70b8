package io.dmactl.core.telemetry;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dmactl.WatchdogAction")
@Label("Watchdog Action")
@Category("dmactl")
@Description("The runtime's watchdog acted on an engine: reset it (a hung op, a fatal condition, a device error) or retired it")
@StackTrace(false)
final class WatchdogAction extends jdk.jfr.Event {
    @Label("Engine")
    String engine;
    @Label("Channel")
    @Description("The channel that caused it (engine/chN), empty when the engine as a whole reported it")
    String channel;
    @Label("Action")
    @Description("reset or retire")
    String action;
    @Label("Cause")
    String cause;
}
