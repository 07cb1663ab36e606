package io.etalon.spark;

import io.etalon.graph.Network;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The networks loaded in this JVM, by the SHA-256 of their model bytes: every task of an executor uses the same
 * immutable network, loaded by the first task that needs it (the others wait for it rather than load it again).
 */
final class ModelCache {

    private static final Map<String, Network> NETWORKS = new ConcurrentHashMap<>();
    private static final Map<String, Integer> LOADS = new ConcurrentHashMap<>();

    private ModelCache() {
    }

    static Network network(String sha256, Supplier<Network> load) {
        return NETWORKS.computeIfAbsent(sha256, key -> {
            LOADS.merge(key, 1, Integer::sum);
            return load.get();
        });
    }

    /** How often the model with this hash was loaded in this JVM (tests check it is once). */
    static int loads(String sha256) {
        return LOADS.getOrDefault(sha256, 0);
    }
}
