package io.dmactl.cli.command;

import io.dmactl.cli.host.ProviderCatalog;

import java.util.Iterator;

/** Completion candidates for {@code --provider}: the providers on the class path. */
final class ProviderNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return ProviderCatalog.discover().names().iterator();
    }
}
