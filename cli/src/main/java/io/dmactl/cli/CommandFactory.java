package io.dmactl.cli;

import io.dmactl.cli.host.HostSystem;
import picocli.CommandLine;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;

/**
 * Creates dmactl's commands for picocli, handing each the {@link HostSystem} it works on
 * through its constructor (so tests can point a command at a fixture tree). Classes without
 * such a constructor (mixins, converters) are made by picocli's default factory.
 */
final class CommandFactory implements CommandLine.IFactory {

    private final HostSystem host;
    private final CommandLine.IFactory fallback = CommandLine.defaultFactory();

    CommandFactory(HostSystem host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> withHost;
        try {
            withHost = type.getDeclaredConstructor(HostSystem.class);
        } catch (NoSuchMethodException e) {
            return fallback.create(type);
        }
        try {
            withHost.setAccessible(true);
            return withHost.newInstance(host);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
