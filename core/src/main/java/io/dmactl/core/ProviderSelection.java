package io.dmactl.core;

import io.dmactl.core.spi.DmaProvider;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The providers a runtime opens: those given explicitly, then those found with
 * {@link ServiceLoader} (unless discovery is off), keeping the first of each name, restricted to
 * the selected names when a selection was made.
 */
final class ProviderSelection {

    private ProviderSelection() {
    }

    static List<DmaProvider> select(List<DmaProvider> explicit, boolean discover, Set<String> only, List<String> notes) {
        Map<String, DmaProvider> byName = new LinkedHashMap<>();
        for (DmaProvider p : explicit) {
            add(byName, p, notes);
        }
        if (discover) {
            ServiceLoader<DmaProvider> loader = ServiceLoader.load(DmaProvider.class);
            var iterator = loader.iterator();
            while (true) {
                try {
                    if (!iterator.hasNext()) {
                        break;
                    }
                    add(byName, iterator.next(), notes);
                } catch (ServiceConfigurationError e) {
                    notes.add("a provider could not be loaded: " + e.getMessage());
                }
            }
        }
        if (!only.isEmpty()) {
            for (String name : only) {
                if (!byName.containsKey(name)) {
                    throw new IllegalArgumentException("selected provider '" + name + "' was not found; available: " + byName.keySet());
                }
            }
            byName.keySet().retainAll(only);
        }
        return new ArrayList<>(byName.values());
    }

    private static void add(Map<String, DmaProvider> byName, DmaProvider provider, List<String> notes) {
        String name = provider.name();
        if (name == null || name.isBlank()) {
            notes.add("provider " + provider.getClass().getName() + " has no name; ignored");
            return;
        }
        DmaProvider existing = byName.putIfAbsent(name, provider);
        if (existing != null && existing != provider) {
            notes.add("provider '" + name + "' from " + provider.getClass().getName() + " ignored: "
                + existing.getClass().getName() + " has the same name");
        }
    }
}
