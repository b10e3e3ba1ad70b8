package io.dmactl.core.telemetry;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

@Name("dmactl.EngineOpened")
@Label("Engine Opened")
@Category("dmactl")
@Description("A DMA engine was opened by its provider and checked against its capabilities; its channels serve from now on")
@StackTrace(false)
final class EngineOpened extends jdk.jfr.Event {
    @Label("Engine")
    String engine;
    @Label("Provider")
    String provider;
    @Label("Device")
    @Description("PCI address of the device, empty for a software engine")
    String device;
    @Label("Channels")
    int channels;
    @Label("Worker Threads")
    @Description("False when the engine was opened for exclusive channels (no channel workers, no watchdog)")
    boolean workers;
}
