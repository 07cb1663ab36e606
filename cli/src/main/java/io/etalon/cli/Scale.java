package io.etalon.cli;

import io.etalon.etalon.Cost;
import io.etalon.etalon.Method;
import io.etalon.graph.Network;

/**
 * What a request costs on a big model, checked before any work: the commands' names for core's {@link Cost}, which the
 * library checks with too, so that both refuse with the same message.
 */
final class Scale {

    /** Input values above which one coordinate image per value (forward mode, Algorithm 1) is refused. */
    static final int COORDINATE_LIMIT = Cost.COORDINATE_LIMIT;

    /** Share of the heap the etalons of the images in flight may take. */
    static final double ETALON_SHARE = Cost.ETALON_SHARE;

    private Scale() {
    }

    /** {@link Cost#checkMethod}. */
    static void checkMethod(Method method, Network network) {
        Cost.checkMethod(method, network);
    }

    /** {@link Cost#imagesInFlight(int, int, Network, String)}. */
    static int imagesInFlight(int requested, int neuronsPerImage, Network network, String neuronOption) {
        return Cost.imagesInFlight(requested, neuronsPerImage, network, neuronOption);
    }

    /** {@link Cost#imagesInFlight(int, int, Network, String, long)}. */
    static int imagesInFlight(int requested, int neuronsPerImage, Network network, String neuronOption, long heap) {
        return Cost.imagesInFlight(requested, neuronsPerImage, network, neuronOption, heap);
    }

    /** {@link Cost#passesNote}. */
    static String passesNote(int neuronsPerImage, Network network) {
        return Cost.passesNote(neuronsPerImage, network);
    }

    /** {@link Cost#checkRegion}. */
    static void checkRegion(Network network, long heap) {
        Cost.checkRegion(network, heap);
    }

    /** {@link Cost#bytes}. */
    static String bytes(long bytes) {
        return Cost.bytes(bytes);
    }
}
