package io.dmactl.cli;

import picocli.CommandLine;

/** {@code dmactl --version}: the build's version (from the jar manifest) and the Java running it. */
final class DmactlVersion implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Dmactl.class.getPackage().getImplementationVersion();
        return new String[] {
                "dmactl " + (version == null ? "(development build)" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.home") + ")"};
    }
}
