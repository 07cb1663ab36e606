package io.etalon.etalon;

/** A neuron spec that names no layer of the network, or an index outside the layer. The message is one line. */
public final class UnknownNeuronException extends IllegalArgumentException {

    public UnknownNeuronException(String message) {
        super(message);
    }
}
