/** Small programs against the public API of {@code io.dmactl.core}; the engines come from the providers on the module or class path. */
module io.dmactl.examples {
    requires io.dmactl.core;

    exports io.dmactl.examples;
}
