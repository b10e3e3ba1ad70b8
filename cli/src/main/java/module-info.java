/**
 * The {@code dmactl} command line ({@code io.dmactl.cli.Dmactl}); it exports nothing. picocli
 * builds the commands by reflection: the packages of annotated classes are open to it. Providers
 * come from {@link java.util.ServiceLoader}.
 */
module io.dmactl.cli {
    requires io.dmactl.core;
    requires io.dmactl.provider.cpu;
    requires io.dmactl.provider.dsa;
    requires info.picocli;
    requires HdrHistogram; // bench's latency percentiles; an automatic module (2.2.2 names none), named after its jar

    opens io.dmactl.cli to info.picocli;
    opens io.dmactl.cli.command to info.picocli;

    uses io.dmactl.core.spi.DmaProvider;
}
